"""Practice's reads, by page or use case. Callers import from here."""

from practice.selectors.mastery import SkillMastery, skill_mastery_for
from practice.selectors.reviews import (
    ReviewChoice,
    ReviewItem,
    ReviewQueue,
    review_card_get,
    review_due_count,
    review_queue_for,
)

__all__ = [
    "ReviewChoice",
    "ReviewItem",
    "ReviewQueue",
    "SkillMastery",
    "review_card_get",
    "review_due_count",
    "review_queue_for",
    "skill_mastery_for",
]
