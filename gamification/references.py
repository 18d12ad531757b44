"""The reference gamification writes for a lesson's rewards, XP and credits ("lesson:42"): built and read here only."""

from __future__ import annotations

from typing import TYPE_CHECKING

from credits.references import KeyFormat, reference_id

if TYPE_CHECKING:
    from lessons.models import Lesson

LESSON_PREFIX = "lesson:"


def lesson_reference(lesson: Lesson) -> str:
    return f"{LESSON_PREFIX}{lesson.pk}"


def lesson_reference_parse(reference: str) -> int | None:
    """The lesson id in "lesson:42", or None when the string is not a lesson reward's reference."""
    return reference_id(reference, prefix=LESSON_PREFIX)


def course_reference(course_id: int) -> str:
    return f"course:{course_id}"


def streak_reference(milestone: int) -> str:
    return f"streak:{milestone}"


def league_reference(week_key: str) -> str:
    return f"league:{week_key}"


# --- Idempotency keys of gamification's XP events and ledger entries, built here only ------------------------------

lesson_xp_key = KeyFormat("lesson-complete:{lesson_id}")  # XP keys are unique per learner
check_first_try_xp_key = KeyFormat("check-first-try:{question_id}")
lesson_reward_key = KeyFormat("reward:lesson-complete:{user_id}:{lesson_id}")
course_reward_key = KeyFormat("reward:course-complete:{user_id}:{course_id}")
# Keyed by the run's first day: a streak rebuilt after a loss pays its milestones again, a replay never.
streak_reward_key = KeyFormat("reward:streak-{milestone}:{user_id}:{streak_started}")
freeze_purchase_key = KeyFormat("freeze:{user_id}:{client_key}")
league_reward_key = KeyFormat("league:{week_key}:{user_id}")
