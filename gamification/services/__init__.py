"""Writes of the gamification app: XP, lesson completion and the check bonus, streaks and freezes, badges, leagues.

Every write locks the learner's LearnerProfile row first (then, where credits move, the wallet inside
credits.services), so one learner's awards are serialised and totals cached on the profile stay equal to the sum of
their XP events. Credits move only through credits.services, each with an idempotency key.

Import from here (`from gamification.services import lesson_complete`); the modules inside are split by subject.
"""

from gamification.services.badges import badges_award, badges_award_after_xp, badges_check
from gamification.services.gains import Gains
from gamification.services.leagues import (
    LeagueWeekClosed,
    league_opt_out_set,
    league_week_close,
    league_weeks_close_due,
)
from gamification.services.lessons import (
    CompletionResult,
    check_right_first_time_reward,
    lesson_complete,
    lesson_open,
)
from gamification.services.profiles import profile_locked, welcome_dismiss
from gamification.services.streaks import daily_goal_set, freeze_buy, streak_settle, streaks_settle_due
from gamification.services.xp import xp_add

__all__ = [
    "CompletionResult",
    "Gains",
    "LeagueWeekClosed",
    "badges_award",
    "badges_award_after_xp",
    "badges_check",
    "check_right_first_time_reward",
    "daily_goal_set",
    "freeze_buy",
    "league_opt_out_set",
    "league_week_close",
    "league_weeks_close_due",
    "lesson_complete",
    "lesson_open",
    "profile_locked",
    "streak_settle",
    "streaks_settle_due",
    "welcome_dismiss",
    "xp_add",
]
