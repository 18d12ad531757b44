"""Reads of practice, one module per use case: `checks` (a lesson's check questions and a learner's answers),
`reviews` (the due queue, a card) and `mastery` (per skill). Callers import from here."""

from practice.selectors.checks import (
    QuestionView,
    check_answerable_get,
    check_lesson_get,
    check_source_url,
    checks_export_for,
    checks_live,
    checks_right_first_time,
    lesson_checks_for,
    lesson_checks_state,
)
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
    "QuestionView",
    "ReviewChoice",
    "ReviewItem",
    "ReviewQueue",
    "SkillMastery",
    "check_answerable_get",
    "check_lesson_get",
    "check_source_url",
    "checks_export_for",
    "checks_live",
    "checks_right_first_time",
    "lesson_checks_for",
    "lesson_checks_state",
    "review_card_get",
    "review_due_count",
    "review_queue_for",
    "skill_mastery_for",
]
