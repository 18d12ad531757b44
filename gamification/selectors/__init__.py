"""Reads of the gamification app, one module per page or use case: `facts` (profile and badge facts), `completion`,
`profile_page`, `leaderboard`, `me` (the API summary).

Import from here (`from gamification.selectors import profile_page_for`)."""

from gamification.selectors.completion import (
    CompletionPanel,
    completion_panel_for,
    course_lessons_done_in_their_own_time,
    courses_finished_by,
    lesson_opened_at,
)
from gamification.selectors.export import export_for
from gamification.selectors.facts import learner_facts, profile_for
from gamification.selectors.leaderboard import BoardRow, Leaderboard, leaderboard_for
from gamification.selectors.me import MeSummary, me_summary
from gamification.selectors.profile_page import BadgeView, LeagueStanding, ProfilePage, profile_page_for

__all__ = [
    "BadgeView",
    "BoardRow",
    "CompletionPanel",
    "Leaderboard",
    "LeagueStanding",
    "MeSummary",
    "ProfilePage",
    "completion_panel_for",
    "course_lessons_done_in_their_own_time",
    "courses_finished_by",
    "export_for",
    "leaderboard_for",
    "learner_facts",
    "lesson_opened_at",
    "me_summary",
    "profile_for",
    "profile_page_for",
]
