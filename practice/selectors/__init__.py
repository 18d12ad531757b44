"""Reads of practice, one module per use case: `checks` (a lesson's check questions and a learner's answers).

Import from here (`from practice.selectors import lesson_checks_for`)."""

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

__all__ = [
    "QuestionView",
    "check_answerable_get",
    "check_lesson_get",
    "check_source_url",
    "checks_export_for",
    "checks_live",
    "checks_right_first_time",
    "lesson_checks_for",
    "lesson_checks_state",
]
