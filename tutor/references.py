"""The references tutor writes on the ledger, for an unlock ("unlock:lesson:42") and for a question about a lesson
("question:lesson:42"): built and read here only."""

from __future__ import annotations

from typing import TYPE_CHECKING

from credits.references import KeyFormat, reference_id

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


# --- Idempotency keys of the tutor's holds and entries, built here only --------------------------------------------

# An unlock's and a question's hold, from the key the learner's form or app sent.
unlock_hold_key = KeyFormat("tutor-unlock:{client_key}")
question_hold_key = KeyFormat("tutor-question:{client_key}")
# The refund of an upheld report's unlock: once per report.
report_refund_key = KeyFormat("tutor-report:{report_id}:refund")
