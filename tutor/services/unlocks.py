"""Unlocking a lesson's explanation with held credits, and settling the hold once the explanation is written or not.

Learners are never charged for an explanation they did not get: the price is held when they unlock, captured when
the text is ready, and released when it cannot be written (or when the hold runs out of time, which the credits
sweeper does on its own: `unlocks_reconcile` then brings the unlock's status in line with its hold).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from credits.models import Hold
from credits.services import HoldNotOpen, hold_capture, hold_place, hold_release
from lessons.models import Lesson
from tutor.charges import unlock_charged
from tutor.exceptions import UnlockKeyReused
from tutor.material import lesson_material
from tutor.models import Explanation, ExplanationStatus, Unlock, UnlockStatus
from tutor.references import unlock_hold_key, unlock_reference
from tutor.services.generation import explanation_current_get_or_create, explanation_generation_ensure

# What the learner's statement and the page say when the credits come back (the statement prefixes "⚡30 returned — ").
UNWRITTEN_REASON = "the explanation could not be written"


@dataclass(frozen=True)
class UnlockResult:
    unlock: Unlock
    created: bool  # False when the learner had already unlocked the lesson: nothing was charged or held
    explanation: Explanation


def unlock_reason(lesson: Lesson) -> str:
    return f"Unlocked the AI tutor explanation for “{lesson.title}”"


def unlock(*, user: User, lesson: Lesson, idempotency_key: str) -> UnlockResult:
    """Hold the lesson's price and record the unlock; the explanation is captured at once when it is ready, else
    enqueued for a worker when the transaction commits.

    Already unlocked (credits held or spent) → that unlock, nothing charged. A returned unlock is tried again with a
    new hold, which needs a new idempotency key. Raises InsufficientCredits (nothing held), UnlockKeyReused, and
    IdempotencyConflict when the key was used for something else.
    """
    material = lesson_material(lesson)  # read before the transaction: it only reads
    key = unlock_hold_key(client_key=idempotency_key)
    with transaction.atomic():
        existing = _unlock_locked(user=user, lesson=lesson)
        if existing is not None and existing.is_active:
            return UnlockResult(unlock=existing, created=False, explanation=existing.explanation)
        # Locked until commit: a worker finishing this explanation waits for our unlock to be visible, so it
        # captures our hold too; or it finished first, and we see it ready and capture at once.
        explanation, _ = explanation_current_get_or_create(lesson=lesson, material=material, lock=True)
        if existing is None:
            try:
                # The row first, before any credits move: two requests of the same learner meet at the unique
                # constraint, and the second one returns the first one's unlock.
                with transaction.atomic():
                    row = Unlock.objects.create(user=user, lesson=lesson, explanation=explanation)
            except IntegrityError:
                existing = _unlock_locked(user=user, lesson=lesson)
                assert existing is not None
                if existing.is_active:
                    return UnlockResult(unlock=existing, created=False, explanation=existing.explanation)
                row = existing
        else:
            row = existing
        row.explanation = explanation
        row.status = UnlockStatus.PENDING
        row.settled_at = None
        if lesson.unlock_price > 0:
            hold = hold_place(
                user=user,
                amount=lesson.unlock_price,
                reason=unlock_reason(lesson),
                reference=unlock_reference(lesson),
                idempotency_key=key,
                expires_at=timezone.now() + timedelta(seconds=settings.TUTOR_HOLD_TTL_SECONDS),
            )
            if hold.status != Hold.Status.OPEN:
                raise UnlockKeyReused(
                    "This idempotency key was used for an earlier unlock whose credits were returned; "
                    "send a new key to try again."
                )
            row.hold = hold
        else:
            row.hold = None
            row.status = UnlockStatus.CHARGED  # a free lesson: nothing to hold or capture
            row.settled_at = timezone.now()
            unlock_charged(user_id=user.pk)
        row.save()
        if explanation.status == ExplanationStatus.READY:
            _settle(row)
        else:
            explanation_generation_ensure(explanation=explanation)
    return UnlockResult(unlock=row, created=True, explanation=explanation)


def _unlock_locked(*, user: User, lesson: Lesson) -> Unlock | None:
    return (
        Unlock.objects.select_for_update(of=("self",))
        .select_related("hold", "explanation")
        .filter(user=user, lesson=lesson)
        .first()
    )


def unlock_settle(*, unlock_id: int, failing: bool = False) -> Unlock:
    """Capture or release the unlock's hold according to its explanation, once; an unsettled unlock is left as is.
    failing: the explanation is about to be marked failed, so release now (the money is settled before the status)."""
    with transaction.atomic():
        row = Unlock.objects.select_for_update(of=("self",)).select_related("hold", "explanation").get(pk=unlock_id)
        if row.status == UnlockStatus.PENDING:
            _settle(row, failing=failing)
        return row


def _settle(row: Unlock, *, failing: bool = False) -> None:
    """Inside the unlock's row lock. The hold is the truth: it may have been returned by the credits sweeper."""
    hold = row.hold
    explanation_status = row.explanation.status
    if hold is None:
        return
    if hold.status == Hold.Status.RELEASED:
        status = UnlockStatus.RETURNED
    elif hold.status == Hold.Status.CAPTURED:
        status = UnlockStatus.CHARGED
    elif explanation_status == ExplanationStatus.READY:
        try:
            hold_capture(hold=hold)
            status = UnlockStatus.CHARGED
        except HoldNotOpen:
            status = UnlockStatus.RETURNED  # the hold ran out of time just before the text was ready
    elif explanation_status == ExplanationStatus.FAILED or failing:
        try:
            hold_release(hold=hold, reason=UNWRITTEN_REASON)
            status = UnlockStatus.RETURNED
        except HoldNotOpen:
            status = UnlockStatus.CHARGED
    else:
        return
    row.status = status
    row.settled_at = timezone.now()
    row.save(update_fields=["status", "settled_at"])
    if status == UnlockStatus.CHARGED:
        unlock_charged(user_id=row.user_id)


def unlocks_reconcile() -> int:
    """Settle every pending unlock whose hold was settled elsewhere (the credits sweeper) or whose explanation is
    finished but was not settled (its worker died in between). Returns how many changed."""
    waiting = Unlock.objects.filter(status=UnlockStatus.PENDING).filter(
        Q(hold__status__in=[Hold.Status.CAPTURED, Hold.Status.RELEASED])
        | Q(explanation__status__in=[ExplanationStatus.READY, ExplanationStatus.FAILED])
    )
    changed = 0
    for unlock_id in list(waiting.values_list("pk", flat=True)):
        changed += unlock_settle(unlock_id=unlock_id).status != UnlockStatus.PENDING
    return changed
