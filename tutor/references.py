"""The references tutor writes on the ledger, for an unlock ("unlock:lesson:42") and for a question about a lesson
("question:lesson:42"): built and read here only."""

from __future__ import annotations

from typing import TYPE_CHECKING

from credits.references import reference_id

if TYPE_CHECKING:
    from lessons.models import Lesson

UNLOCK_PREFIX = "unlock:lesson:"
QUESTION_PREFIX = "question:lesson:"


def unlock_reference(lesson: Lesson) -> str:
    return f"{UNLOCK_PREFIX}{lesson.pk}"


def unlock_reference_parse(reference: str) -> int | None:
    """The lesson id in "unlock:lesson:42", or None when the string is not an unlock's reference."""
    return reference_id(reference, prefix=UNLOCK_PREFIX)


def question_reference(lesson: Lesson) -> str:
    return f"{QUESTION_PREFIX}{lesson.pk}"
