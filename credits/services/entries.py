"""Writes that append one ledger entry: grants, spends, admin adjustments, clawbacks and reversals."""

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from credits.exceptions import EntryNotReversible, InvalidCreditsRequest
from credits.models import LedgerEntry
from credits.services import one_statement
from credits.services.arguments import require_amount, require_key, require_reason, require_reference
from credits.services.wallets import (
    entry_append,
    entry_by_key,
    require_available,
    same_request_or_conflict,
    wallet_locked,
    wallet_locked_by_id,
)

GRANT_KINDS = frozenset(
    {LedgerEntry.Kind.SIGNUP_BONUS, LedgerEntry.Kind.REWARD, LedgerEntry.Kind.PURCHASE, LedgerEntry.Kind.REFUND}
)


def _entry_post(
    *,
    user: User,
    amount: int,
    kind: str,
    reason: str,
    reference: str,
    idempotency_key: str,
    created_by: User | None = None,
    may_leave_debt: bool = False,
) -> LedgerEntry:
    """Lock, replay by key, check the available balance for a debit, append: the path of every single-entry write.

    On PostgreSQL the plain success (an existing wallet, a new key, enough credits) is one statement; every other
    case, and SQLite, takes the ORM path below.
    """
    if one_statement.available():
        entry = one_statement.entry_post_at_once(
            user=user,
            amount=amount,
            kind=kind,
            reason=reason,
            reference=reference,
            idempotency_key=idempotency_key,
            created_by=created_by,
            checked=amount < 0 and not may_leave_debt,
            now=timezone.now(),
        )
        if entry is not None:
            return entry
    with transaction.atomic():
        wallet = wallet_locked(user=user)
        existing = entry_by_key(wallet=wallet, idempotency_key=idempotency_key)
        if existing is not None:
            same_request_or_conflict(existing, amount=amount, kind=kind, reason=reason, reference=reference)
            return existing
        if amount < 0 and not may_leave_debt:
            require_available(wallet=wallet, amount=-amount)
        return entry_append(
            wallet=wallet,
            amount=amount,
            kind=kind,
            reason=reason,
            reference=reference,
            idempotency_key=idempotency_key,
            created_by=created_by,
        )


def credits_grant(
    *,
    user: User,
    amount: int,
    kind: str,
    reason: str,
    reference: str = "",
    idempotency_key: str,
    created_by: User | None = None,
) -> LedgerEntry:
    """Give credits: a signup bonus, a reward, a purchase or a refund."""
    require_amount(amount)
    if kind not in GRANT_KINDS:
        raise InvalidCreditsRequest(f"A grant's kind is one of {sorted(GRANT_KINDS)}, not {kind!r}.")
    return _entry_post(
        user=user,
        amount=amount,
        kind=kind,
        reason=require_reason(reason),
        reference=require_reference(reference),
        idempotency_key=require_key(idempotency_key),
        created_by=created_by,
    )


def credits_spend(*, user: User, amount: int, reason: str, reference: str = "", idempotency_key: str) -> LedgerEntry:
    """Spend credits at once; refused with InsufficientCredits when the available balance is short."""
    require_amount(amount)
    return _entry_post(
        user=user,
        amount=-amount,
        kind=LedgerEntry.Kind.SPEND,
        reason=require_reason(reason),
        reference=require_reference(reference),
        idempotency_key=require_key(idempotency_key),
    )


def credits_adjust(*, user: User, amount: int, reason: str, admin: User, idempotency_key: str) -> LedgerEntry:
    """A staff member's correction, either way, with the reason and the staff member recorded.

    Taking credits away is checked like a spend: an adjustment never pushes anyone into debt.
    """
    require_amount(amount, allow_negative=True)
    if admin is None or not admin.is_staff:
        raise InvalidCreditsRequest("An adjustment needs the staff member who makes it.")
    return _entry_post(
        user=user,
        amount=amount,
        kind=LedgerEntry.Kind.ADJUSTMENT,
        reason=require_reason(reason),
        reference="",
        idempotency_key=require_key(idempotency_key),
        created_by=admin,
    )


def credits_clawback(*, user: User, amount: int, reason: str, reference: str, idempotency_key: str) -> LedgerEntry:
    """Take credits back after a Stripe refund or dispute: the only write that may leave the learner in debt.

    The credits may already be spent; refusing would leave the money refunded and the credits kept.
    """
    require_amount(amount)
    return _entry_post(
        user=user,
        amount=-amount,
        kind=LedgerEntry.Kind.CLAWBACK,
        reason=require_reason(reason),
        reference=require_reference(reference, required=True),
        idempotency_key=require_key(idempotency_key),
        may_leave_debt=True,
    )


def entry_reverse(
    *, entry: LedgerEntry, reason: str, idempotency_key: str, created_by: User | None = None
) -> LedgerEntry:
    """Undo an entry with a new one of the opposite amount. An entry is reversed at most once; a reversal never is."""
    reason = require_reason(reason)
    idempotency_key = require_key(idempotency_key)
    with transaction.atomic():
        wallet = wallet_locked_by_id(entry.wallet_id)
        existing = entry_by_key(wallet=wallet, idempotency_key=idempotency_key)
        if existing is not None:
            same_request_or_conflict(
                existing, kind=LedgerEntry.Kind.REVERSAL, reverses_id=entry.pk, amount=-entry.amount, reason=reason
            )
            return existing
        if entry.kind == LedgerEntry.Kind.REVERSAL:
            raise EntryNotReversible("A reversal cannot be reversed; make an adjustment instead.")
        if LedgerEntry.objects.filter(reverses_id=entry.pk).exists():
            raise EntryNotReversible(f"Entry #{entry.pk} is already reversed.")
        if entry.amount > 0:
            # Taking back a credit is a debit like any other: it may not push the learner into debt.
            require_available(wallet=wallet, amount=entry.amount)
        return entry_append(
            wallet=wallet,
            amount=-entry.amount,
            kind=LedgerEntry.Kind.REVERSAL,
            reason=reason,
            reference=entry.reference,
            idempotency_key=idempotency_key,
            created_by=created_by,
            reverses=entry,
        )
