"""Practice's writes, by subject. Callers import from here."""

from practice.services.cards import check_card_record
from practice.services.reviews import (
    CardNotFound,
    ReviewAnswerInvalid,
    ReviewError,
    ReviewResult,
    review_answer,
    review_xp_today,
)
from practice.services.terms import term_cards_create

__all__ = [
    "CardNotFound",
    "ReviewAnswerInvalid",
    "ReviewError",
    "ReviewResult",
    "check_card_record",
    "review_answer",
    "review_xp_today",
    "term_cards_create",
]
