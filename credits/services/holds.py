"""Holds: credits set aside for something not delivered yet, then captured into one spend entry or released."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from credits.exceptions import HoldNotOpen
from credits.models import Hold, LedgerEntry
from credits.references import hold_capture_key
from credits.services import one_statement
from credits.services.arguments import require_amount, require_key, require_reason, require_reference
from credits.services.wallets import (
    entry_append,
    require_available,
    same_request_or_conflict,
    wallet_locked,
    wallet_locked_by_id,
)

HOLD_EXPIRED_REASON = "the hold ran out of time before it was used"


def hold_place(
    *,
    user: User,
    amount: int,
    reason: str,
    reference: str,
    idempotency_key: str,
    expires_at: datetime | None = None,
) -> Hold:
    """Set credits aside. Available falls at once; the balance moves only when the hold is captured."""
    require_amount(amount)
    reason = require_reason(reason)
    reference = require_reference(reference, required=True)
    idempotency_key = require_key(idempotency_key)
    now = timezone.now()
    expires_at = expires_at or now + timedelta(seconds=settings.CREDITS_HOLD_TTL_SECONDS)
    if one_statement.available():
        # The plain success in one statement on PostgreSQL; a replay, a refusal or a new wallet takes the path below.
        placed = one_statement.hold_place_at_once(
            user=user,
            amount=amount,
            reason=reason,
            reference=reference,
            idempotency_key=idempotency_key,
            expires_at=expires_at,
            now=now,
        )
        if placed is not None:
            return placed
    with transaction.atomic():
        wallet = wallet_locked(user=user)
        existing = Hold.objects.filter(wallet=wallet, idempotency_key=idempotency_key).first()
        if existing is not None:
            same_request_or_conflict(existing, amount=amount, reason=reason, reference=reference)
            return existing
        require_available(wallet=wallet, amount=amount)
        hold = Hold.objects.create(
            wallet=wallet,
            amount=amount,
            reason=reason,
            reference=reference,
            idempotency_key=idempotency_key,
            expires_at=expires_at,
            created_at=now,
        )
        wallet.held += amount
        wallet.updated_at = now
        wallet.save(update_fields=["held", "updated_at"])
        return hold


def _hold_mirror(target: Hold, source: Hold) -> None:
    """Bring the caller's instance up to date, so code holding it does not act on a stale status."""
    for field in ("status", "captured_at", "captured_entry_id", "released_at", "release_reason"):
        setattr(target, field, getattr(source, field))


def hold_capture(*, hold: Hold, reason: str | None = None) -> LedgerEntry:
    """Turn an open hold into one spend entry. Capturing again returns that entry; a released hold cannot be."""
    if reason is not None:
        reason = require_reason(reason)
    if one_statement.available():
        # An open hold is captured in one statement on PostgreSQL; a capture again or a returned hold takes the path
        # below, which answers with the first capture's entry or HoldNotOpen.
        captured = one_statement.hold_capture_at_once(hold=hold, reason=reason, now=timezone.now())
        if captured is not None:
            return captured
    with transaction.atomic():
        wallet = wallet_locked_by_id(hold.wallet_id)
        # Every change to a hold takes its wallet's lock first, so this read sees the hold's settled state.
        current = Hold.objects.select_related("captured_entry").get(pk=hold.pk)
        _hold_mirror(hold, current)
        if current.status == Hold.Status.CAPTURED:
            assert current.captured_entry is not None
            return current.captured_entry
        if current.status == Hold.Status.RELEASED:
            raise HoldNotOpen(f"Hold #{current.pk} was already returned: {current.release_reason}.")
        # The credits were set aside when the hold was placed, so a capture is never refused for lack of them, not
        # even after a clawback: the learner got what the credits were held for.
        wallet.held -= current.amount
        entry = entry_append(
            wallet=wallet,
            amount=-current.amount,
            kind=LedgerEntry.Kind.SPEND,
            reason=reason or current.reason,
            reference=current.reference,
            idempotency_key=hold_capture_key(hold_id=current.pk),
        )
        current.status = Hold.Status.CAPTURED
        current.captured_at = entry.created_at
        current.captured_entry = entry
        current.save(update_fields=["status", "captured_at", "captured_entry"])
        _hold_mirror(hold, current)
        return entry


def hold_release(*, hold: Hold, reason: str) -> Hold:
    """Give held credits back. Releasing again changes nothing; a captured hold cannot be released."""
    released, _changed = _hold_release(hold=hold, reason=require_reason(reason))
    return released


def _hold_release(*, hold: Hold, reason: str) -> tuple[Hold, bool]:
    """Release the hold, and say whether this call was the one that released it."""
    with transaction.atomic():
        wallet = wallet_locked_by_id(hold.wallet_id)
        current = Hold.objects.get(pk=hold.pk)
        _hold_mirror(hold, current)
        if current.status == Hold.Status.CAPTURED:
            raise HoldNotOpen(f"Hold #{current.pk} was already spent.")
        if current.status == Hold.Status.RELEASED:
            return current, False
        now = timezone.now()
        current.status = Hold.Status.RELEASED
        current.released_at = now
        current.release_reason = reason
        current.save(update_fields=["status", "released_at", "release_reason"])
        wallet.held -= current.amount
        wallet.updated_at = now
        wallet.save(update_fields=["held", "updated_at"])
        _hold_mirror(hold, current)
        return current, True


def holds_expire(*, now: datetime | None = None) -> int:
    """Release every open hold past its expiry, one short transaction each; returns how many this call released.

    A hold captured between the query and its lock stays captured: the capture wins and nothing is returned.
    """
    now = now or timezone.now()
    released = 0
    last_pk = 0
    while True:
        # Ids in batches rather than one long cursor: each release commits on its own while we walk the list.
        batch = list(
            Hold.objects.filter(status=Hold.Status.OPEN, expires_at__lte=now, pk__gt=last_pk)
            .order_by("pk")
            .values_list("pk", "wallet_id")[:500]
        )
        if not batch:
            return released
        for pk, wallet_id in batch:
            try:
                _hold, changed = _hold_release(hold=Hold(pk=pk, wallet_id=wallet_id), reason=HOLD_EXPIRED_REASON)
            except HoldNotOpen:
                continue
            released += changed
        last_pk = batch[-1][0]
