"""What each achievement is worth: XP per lesson, ⚡ rewards and their daily cap, how long a lesson must be open.

One place for every figure, so the profile's help text, the tests and docs/gamification.md say the same thing.
"""

from __future__ import annotations

from math import ceil

# --- XP ------------------------------------------------------------------------------------------------------------
# Keys are lessons.models.Level values; harder lessons are worth more.
LESSON_XP_BY_LEVEL = {"beginner": 10, "intermediate": 20, "advanced": 30}
LESSON_XP_DEFAULT = 10
CHECK_RIGHT_FIRST_TIME_XP = 5  # per check question answered right at the first try

# --- Daily goal ------------------------------------------------------------------------------------------------------
DAILY_GOAL_CHOICES = (10, 20, 50)
DAILY_GOAL_DEFAULT = 20

# --- ⚡ rewards (paid through credits.services.credits_grant, kind "reward") -------------------------------------
LESSON_REWARD_CREDITS = 5
LESSON_REWARDS_PER_DAY = 3  # per local day: more lessons still earn XP, not ⚡
# Lessons a learner can have open (clock running) at once: opening one more closes the one opened longest ago.
OPEN_LESSONS_MAX = 3
COURSE_REWARD_CREDITS = 25
STREAK_MILESTONE_CREDITS = {7: 10, 30: 30, 100: 100}
LEAGUE_PODIUM_CREDITS = (30, 20, 10)  # 1st, 2nd, 3rd of each weekly league

# --- Streak freezes ------------------------------------------------------------------------------------------------
FREEZE_PRICE_CREDITS = 20
FREEZES_MAX = 2  # held at once; each covers one missed day

# --- Completing a lesson without check questions: time with it open ---------------------------------------------
MIN_OPEN_SHARE = 0.25  # of the lesson's duration
MIN_OPEN_FLOOR_SECONDS = 60
MIN_OPEN_CAP_SECONDS = 600


def lesson_xp_for_checks(level: str, *, questions: int, right_first_time: int) -> int:
    """XP for completing a lesson by answering its check questions: half the lesson's XP for getting them all right in
    the end, the other half in proportion to those right at the first try (rounded up). Without questions, all of it."""
    full = lesson_xp(level)
    if questions <= 0:
        return full
    right_first_time = max(0, min(right_first_time, questions))
    return ceil(full * (questions + right_first_time) / (2 * questions))


def lesson_xp(level: str) -> int:
    return LESSON_XP_BY_LEVEL.get(level, LESSON_XP_DEFAULT)


def completion_wait_seconds(duration_seconds: int | None) -> int:
    """How long a lesson must have been open before it can be marked done: a quarter of it, 1 to 10 minutes."""
    share = ceil((duration_seconds or 0) * MIN_OPEN_SHARE)
    return min(MIN_OPEN_CAP_SECONDS, max(MIN_OPEN_FLOOR_SECONDS, share))


def wait_in_words(seconds: int) -> str:
    """“4 min 30 s”, “45 s”: how long to go, as the refusal message says it."""
    seconds = max(0, int(seconds))
    minutes, rest = divmod(seconds, 60)
    if minutes and rest:
        return f"{minutes} min {rest} s"
    if minutes:
        return f"{minutes} min"
    return f"{rest} s"
