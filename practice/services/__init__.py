"""Practice's writes, by subject. Callers import from here."""

from practice.services.cards import check_card_record
from practice.services.checks import (
    CheckAnswerResult,
    ChoiceText,
    check_answer,
    check_question_add,
    check_questions_status_set,
    check_review_record,
    check_status_for_new,
)

__all__ = [
    "CheckAnswerResult",
    "ChoiceText",
    "check_answer",
    "check_card_record",
    "check_question_add",
    "check_questions_status_set",
    "check_review_record",
    "check_status_for_new",
]
