"""When a lesson's material arrives or grows (a transcript attached, an article's text brought in), the explanation is
written again from it, and every learner who unlocked an earlier version reads the new one at no charge.

No credit moves: the learner's unlock keeps its hold (captured once, for the first version) and only points at the
new explanation once it is ready, with `updated_from` naming the version they had. Until then they keep reading
theirs. The page says "Updated: now from the full transcript" (`Explanation.update_note`).
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import F

from lessons.models import Lesson
from tutor.coverage import MaterialCoverage, material_coverage
from tutor.material import lesson_material, material_from_json
from tutor.models import Explanation, ExplanationStatus, Unlock, UnlockStatus
from tutor.services.generation import explanation_current_get_or_create, explanation_generation_ensure

logger = logging.getLogger(__name__)


def explanation_material_refresh(*, lesson: Lesson) -> Explanation | None:
    """Write the lesson's explanation again when its material grew since a version learners paid for, for everyone
    who paid for such a version. Returns the new explanation, or None when there is nothing to do (nobody unlocked
    it, or the material did not grow). Safe to call twice: the second call finds the same explanation."""
    if not lesson.is_published:
        return None
    held = _held(lesson_id=lesson.pk)
    if not held:
        return None
    material = lesson_material(lesson)
    now = material_coverage(material)
    behind = [explanation for explanation in held if now.grew_from(_coverage(explanation))]
    if not behind:
        return None
    note = now.update_note(_coverage(behind[0]))  # what the earliest of them lacked
    with transaction.atomic():
        explanation, _ = explanation_current_get_or_create(lesson=lesson, material=material, lock=True)
        if explanation.update_note != note:
            explanation.update_note = note
            explanation.save(update_fields=["update_note"])
        if explanation.status == ExplanationStatus.READY:
            explanation_id = explanation.pk
            transaction.on_commit(lambda: explanation_updates_deliver(explanation_id=explanation_id))
        else:
            explanation_generation_ensure(explanation=explanation)
    logger.info("Lesson #%s: its material grew; v%s is written for earlier unlocks", lesson.pk, explanation.version)
    return explanation


def explanation_updates_deliver(*, explanation_id: int) -> int:
    """Once a material update is ready, move to it every charged unlock of an earlier version of its lesson whose
    material it grew from; returns how many moved. The unlocks' holds are not touched: nothing is charged again,
    nothing is returned."""
    explanation = (
        Explanation.objects.filter(pk=explanation_id, status=ExplanationStatus.READY).exclude(update_note="").first()
    )
    if explanation is None:
        return 0
    now = _coverage(explanation)
    behind = [
        earlier.pk
        for earlier in _held(lesson_id=explanation.lesson_id, below_version=explanation.version)
        if now.grew_from(_coverage(earlier))
    ]
    if not behind:
        return 0
    # Through the unlocks' manager: the update drops the pages of every learner it moves.
    return Unlock.objects.filter(status=UnlockStatus.CHARGED, explanation_id__in=behind).update(
        explanation=explanation, updated_from=F("explanation")
    )


def _held(*, lesson_id: int, below_version: int | None = None) -> list[Explanation]:
    """The lesson's explanations some learner paid for and reads, oldest first."""
    rows = Explanation.objects.filter(
        pk__in=Unlock.objects.filter(lesson_id=lesson_id, status=UnlockStatus.CHARGED).values("explanation_id")
    )
    if below_version is not None:
        rows = rows.filter(version__lt=below_version)
    return list(rows.order_by("version"))


def _coverage(explanation: Explanation) -> MaterialCoverage:
    return material_coverage(material_from_json(explanation.material))
