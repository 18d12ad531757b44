"""The reference gamification writes for a lesson's rewards, XP and credits ("lesson:42"): built and read here only."""

from __future__ import annotations

from typing import TYPE_CHECKING

from credits.references import reference_id

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
