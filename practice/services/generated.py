"""Storing a lesson's generated check questions, and making them again when its material changed.

Hand-written questions (origin "hand") are never touched, and a generated question whose prompt a curator already
asks is left out: the curator's wins. Generated questions carry the digest of the material they were made from
(`practice.generation.material_digest`); while it matches, generating again writes nothing. When it differs, the old
generated questions no learner answered are deleted, the answered ones are set *dropped* (their rows and answers
stay), and the new ones are stored live or as drafts for a curator (`CHECKS_LIVE_AT_ONCE`, on by default).
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import Exists, OuterRef, Q

from lessons.models import Lesson
from practice.generation import GeneratedQuestion, lesson_questions_generate, material_digest
from practice.generation.questions import text_key
from practice.models import (
    CheckAnswer,
    CheckQuestion,
    QuestionOrigin,
    QuestionStatus,
    ReviewCard,
)
from practice.services.checks import ChoiceText, check_choices_store, check_status_for_new
from tutor.material import lesson_material

logger = logging.getLogger(__name__)

GENERATED_ORIGINS = (QuestionOrigin.OFFLINE, QuestionOrigin.MODEL)


def lesson_checks_generate(*, lesson_id: int) -> int:
    """Generate the lesson's questions from its material when it has none yet or its material changed; returns how
    many questions were stored (0: nothing to do, or an unpublished or missing lesson)."""
    lesson = (
        Lesson.objects.published()
        .select_related("source", "category")
        .prefetch_related("chapters")
        .filter(pk=lesson_id)
    ).first()
    if lesson is None:
        return 0
    material = lesson_material(lesson)
    digest = material_digest(material)
    if _up_to_date(lesson_id, digest):
        return 0
    # Generating reads the catalog and may ask a model server: outside the transaction that stores the result.
    generated = lesson_questions_generate(lesson, material)
    with transaction.atomic():
        # Two workers generating the same lesson take turns; the second finds the first one's questions current.
        Lesson.objects.select_for_update().filter(pk=lesson_id).exists()
        if _up_to_date(lesson_id, digest):
            return 0
        kept_prompts = _generated_retire(lesson_id)
        hand_prompts = {
            text_key(prompt)
            for prompt in CheckQuestion.objects.filter(lesson_id=lesson_id)
            .exclude(origin__in=GENERATED_ORIGINS)
            .values_list("prompt", flat=True)
        }
        status = check_status_for_new(origin=QuestionOrigin.OFFLINE)  # any generated origin: the same rule
        stored = 0
        position = _position_after(lesson_id)
        for question in generated.questions:
            key = text_key(question.prompt)
            if key in hand_prompts:
                continue
            if key in kept_prompts:
                stored += _answered_revive(kept_prompts[key], question, digest=digest, status=status)
                continue
            position += 1
            origin = question.origin or generated.origin
            _question_create(lesson_id, question, origin=origin, status=status, digest=digest, position=position)
            stored += 1
    if generated.fallback_reason:
        logger.info("lesson %s: offline check questions (%s)", lesson_id, generated.fallback_reason)
    return stored


def _up_to_date(lesson_id: int, digest: str) -> bool:
    """Whether the lesson's generated questions were made from this material: some carry its digest and none in use
    (live or draft) carries another. A curator who dropped every generated question is not overruled."""
    rows = CheckQuestion.objects.filter(lesson_id=lesson_id, origin__in=GENERATED_ORIGINS)
    seen = set(rows.values_list("material_digest", "status"))
    in_use = {row_digest for row_digest, status in seen if status != QuestionStatus.DROPPED}
    return digest in {row_digest for row_digest, _status in seen} and in_use <= {digest}


def _generated_retire(lesson_id: int) -> dict[str, CheckQuestion]:
    """Delete the lesson's generated questions nobody answered; set the answered ones dropped and return them by
    prompt (a new question with the same prompt takes such a row back instead of colliding with it)."""
    answered = Exists(CheckAnswer.objects.filter(question=OuterRef("pk"))) | Exists(
        ReviewCard.objects.filter(question=OuterRef("pk"))
    )
    generated = CheckQuestion.objects.filter(lesson_id=lesson_id, origin__in=GENERATED_ORIGINS)
    generated.filter(~Q(answered)).delete()
    kept = list(generated.filter(answered))
    CheckQuestion.objects.filter(pk__in=[question.pk for question in kept]).update(status=QuestionStatus.DROPPED)
    return {text_key(question.prompt): question for question in kept}


def _answered_revive(row: CheckQuestion, question: GeneratedQuestion, *, digest: str, status: str) -> int:
    """An answered question asked again with the same prompt: live again when its right answer is still the same
    text (learners' answers stay meaningful), else left dropped and the new one skipped."""
    correct = row.choices.filter(is_correct=True).values_list("text", flat=True).first() or ""
    if text_key(correct) != text_key(question.answer):
        return 0
    CheckQuestion.objects.filter(pk=row.pk).update(
        status=status,
        material_digest=digest,
        passage=question.passage,
        start_seconds=question.start_seconds,
        explanation=question.explanation,
    )
    return 1


def _position_after(lesson_id: int) -> int:
    last = CheckQuestion.objects.filter(lesson_id=lesson_id).order_by("-position").values_list("position", flat=True)
    return last.first() or 0


def _question_create(
    lesson_id: int, question: GeneratedQuestion, *, origin: str, status: str, digest: str, position: int
) -> CheckQuestion:
    row = CheckQuestion.objects.create(
        lesson_id=lesson_id,
        prompt=question.prompt,
        kind=question.kind,
        origin=origin,
        status=status,
        passage=question.passage,
        start_seconds=question.start_seconds,
        explanation=question.explanation,
        material_digest=digest,
        position=position,
    )
    choices = [
        ChoiceText(choice.text, correct=choice.is_correct, explanation=choice.explanation)
        for choice in question.choices
    ]
    check_choices_store(question=row, choices=choices)
    return row
