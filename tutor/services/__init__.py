"""The tutor's writes: unlocking with held credits, writing explanations, curation and learners' feedback.

Import from here (`from tutor.services import unlock`); the modules inside are split by subject.
"""

from tutor.references import unlock_reference
from tutor.services.curation import (
    explanation_approve,
    explanation_edit,
    explanation_regenerate,
    lesson_transcript_attach,
    report_refund,
)
from tutor.services.feedback import rating_save, report_file
from tutor.services.generation import (
    FAILED,
    SKIPPED,
    SUPERSEDED,
    WRITTEN,
    explanation_claim,
    explanation_current_get_or_create,
    explanation_enqueue,
    explanation_generation_ensure,
    explanation_unlocks_settle,
    explanation_write,
    explanations_recover,
)
from tutor.services.questions import (
    QuestionAsked,
    question_answer,
    question_ask,
    question_rate,
    question_report,
    questions_recover,
)
from tutor.services.unlocks import (
    UNWRITTEN_REASON,
    UnlockResult,
    unlock,
    unlock_reason,
    unlock_settle,
    unlocks_reconcile,
)
from tutor.services.updates import explanation_material_refresh, explanation_updates_deliver

__all__ = [
    "FAILED",
    "SKIPPED",
    "SUPERSEDED",
    "UNWRITTEN_REASON",
    "WRITTEN",
    "QuestionAsked",
    "UnlockResult",
    "explanation_approve",
    "explanation_claim",
    "explanation_current_get_or_create",
    "explanation_edit",
    "explanation_enqueue",
    "explanation_generation_ensure",
    "explanation_material_refresh",
    "explanation_regenerate",
    "explanation_unlocks_settle",
    "explanation_updates_deliver",
    "explanation_write",
    "explanations_recover",
    "lesson_transcript_attach",
    "question_answer",
    "question_ask",
    "question_rate",
    "question_report",
    "questions_recover",
    "rating_save",
    "report_file",
    "report_refund",
    "unlock",
    "unlock_reason",
    "unlock_reference",
    "unlock_settle",
    "unlocks_reconcile",
]
