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
from practice.services.reviews import (
    CardNotFound,
    ReviewAnswerInvalid,
    ReviewError,
    ReviewResult,
    review_answer,
)
from practice.services.terms import term_cards_create

__all__ = [
    "CardNotFound",
    "CheckAnswerResult",
    "ChoiceText",
    "ReviewAnswerInvalid",
    "ReviewError",
    "ReviewResult",
    "check_answer",
    "check_card_record",
    "check_question_add",
    "check_questions_status_set",
    "check_review_record",
    "check_status_for_new",
    "review_answer",
    "term_cards_create",
]
