"""What staff do with explanations: regenerate one (a new version), edit and approve it, refund a reported one as a
goodwill gesture, and attach a transcript to a lesson so the next explanation can quote it."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from credits.models import EntryKind, LedgerEntry
from credits.services import credits_grant
from lessons.material_changes import lesson_material_changed
from lessons.models import Lesson
from lessons.services import lesson_transcript_set
from lessons.transcripts import TranscriptFormatError, transcript_parse
from tutor.backends import material_fingerprint
from tutor.exceptions import RefundNotAllowed
from tutor.material import lesson_material
from tutor.models import Explanation, ExplanationStatus, Report, Unlock, UnlockStatus
from tutor.references import report_refund_key, unlock_reference
from tutor.services.generation import explanation_enqueue, explanation_version_create


def explanation_regenerate(*, lesson: Lesson) -> Explanation:
    """A new version of the lesson's explanation for its current content, enqueued for a worker.

    The one it replaces is retired, not changed: learners who paid for it keep reading it. Learners still waiting
    for it (credits held) wait for the new one instead.
    """
    material = lesson_material(lesson)
    fingerprint = material_fingerprint(material)
    with transaction.atomic():
        current = (
            Explanation.objects.select_for_update()
            .filter(lesson=lesson, fingerprint=fingerprint, retired_at__isnull=True)
            .first()
        )
        if current is not None:
            current.retired_at = timezone.now()
            current.save(update_fields=["retired_at"])
        new = explanation_version_create(lesson=lesson, material=material, fingerprint=fingerprint, replaces=current)
        if current is not None:
            Unlock.objects.filter(explanation=current, status=UnlockStatus.PENDING).update(explanation=new)
        explanation_enqueue(explanation=new)
        # A curator regenerates when the material changed: what else is made from it (check questions) follows.
        if lesson.status == Lesson.Status.PUBLISHED:
            lesson_material_changed(lesson_ids=[lesson.pk])
    return new


def explanation_edit(*, explanation: Explanation, markdown: str, editor: User) -> Explanation:
    """Staff correct a ready explanation's text; the page then says it was edited by our team."""
    if explanation.status != ExplanationStatus.READY:
        raise ValueError("Only a ready explanation can be edited; regenerate one that failed.")
    if not markdown.strip():
        raise ValueError("An explanation cannot be emptied; regenerate it instead.")
    explanation.markdown = markdown
    explanation.edited = True
    explanation.edited_by = editor
    explanation.edited_at = timezone.now()
    explanation.save(update_fields=["markdown", "edited", "edited_by", "edited_at"])
    return explanation


def explanation_approve(*, explanation: Explanation, approver: User) -> Explanation:
    """A staff member read the text and stands behind it."""
    if explanation.status != ExplanationStatus.READY:
        raise ValueError("Only a ready explanation can be approved.")
    explanation.approved_by = approver
    explanation.approved_at = timezone.now()
    explanation.save(update_fields=["approved_by", "approved_at"])
    return explanation


def report_refund(*, report: Report, admin: User) -> LedgerEntry:
    """Give the reporter back what they paid, with the reason on their statement. Once per report: a second call
    returns the same entry."""
    with transaction.atomic():
        report = Report.objects.select_for_update().select_related("explanation__lesson").get(pk=report.pk)
        unlock = (
            Unlock.objects.select_related("hold")
            .filter(user_id=report.user_id, explanation_id=report.explanation_id)
            .first()
        )
        if unlock is None or unlock.hold is None or unlock.state != UnlockStatus.CHARGED:
            raise RefundNotAllowed("The learner who reported it was not charged for this explanation.")
        lesson = report.explanation.lesson
        entry = credits_grant(
            user=unlock.user,
            amount=unlock.hold.amount,
            kind=EntryKind.REFUND,
            reason=f"Goodwill refund for the AI tutor explanation of “{lesson.title}”, which you reported as "
            f"{report.get_reason_display().lower()}",
            reference=unlock_reference(lesson),
            idempotency_key=report_refund_key(report_id=report.pk),
            created_by=admin,
        )
        if report.refund_entry_id is None:
            report.refund_entry = entry
            report.refunded_by = admin
            report.save(update_fields=["refund_entry", "refunded_by"])
        return entry


def lesson_transcript_attach(*, lesson: Lesson, raw: str) -> int:
    """Store a transcript (pasted text, WebVTT or SRT) on the lesson after checking it parses; returns its segment
    count. Raises TranscriptFormatError. The lesson's content changes, so the next unlock gets a new explanation."""
    text = raw.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").strip()
    segments = transcript_parse(text)
    if not segments:
        raise TranscriptFormatError("there is no text in it")
    lesson_transcript_set(lesson=lesson, text=text)
    return len(segments)
