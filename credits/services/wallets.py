"""Wallets: created on first write, row locks in a fixed order, and the one place entries are appended."""

from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from credits.exceptions import IdempotencyConflict, InsufficientCredits, WalletInDebt
from credits.models import Hold, LedgerEntry, Wallet


def wallet_get_or_create(*, user: User) -> Wallet:
    """The user's wallet, created empty on first need. A write: pages and API reads use `wallet_summary` instead."""
    wallet = Wallet.objects.filter(user=user).first()
    if wallet is not None:
        return wallet
    with transaction.atomic():
        return wallet_locked(user=user)


def wallet_locked(*, user: User) -> Wallet:
    """The user's wallet, locked until the transaction ends; created empty when missing.

    Call inside transaction.atomic().
    """
    wallet = Wallet.objects.select_for_update().filter(user=user).first()
    if wallet is not None:
        return wallet
    try:
        # A savepoint: when another transaction creates the same wallet first, the unique user_id makes this insert
        # wait for it and then fail; the outer transaction survives and locks the row the other one made.
        with transaction.atomic():
            return Wallet.objects.create(user=user)
    except IntegrityError:
        return Wallet.objects.select_for_update().get(user=user)


def wallets_locked_by_id(wallet_ids: Iterable[int]) -> dict[int, Wallet]:
    """Lock several wallets in one fixed order (by id), so two transactions never wait on each other in a cycle.

    Any operation that touches more than one wallet must take its locks through here. Call inside atomic().
    """
    ids = sorted(set(wallet_ids))
    wallets = {wallet.pk: wallet for wallet in Wallet.objects.select_for_update().filter(pk__in=ids).order_by("pk")}
    if missing := set(ids) - wallets.keys():
        raise Wallet.DoesNotExist(f"No wallet with id {sorted(missing)}.")
    return wallets


def wallet_locked_by_id(wallet_id: int) -> Wallet:
    return wallets_locked_by_id([wallet_id])[wallet_id]


def require_available(*, wallet: Wallet, amount: int) -> None:
    """Refuse a debit or hold of `amount` that the wallet's available balance does not cover."""
    available = wallet.available
    if available < 0:
        raise WalletInDebt(available=available, required=amount)
    if available < amount:
        raise InsufficientCredits(available=available, required=amount)


def entry_append(
    *,
    wallet: Wallet,
    amount: int,
    kind: str,
    reason: str,
    reference: str,
    idempotency_key: str,
    created_by: User | None = None,
    reverses: LedgerEntry | None = None,
) -> LedgerEntry:
    """Append one entry and move the cached balance and entry count with it; `held` is saved too, which a capture
    has just lowered.

    The caller holds the wallet lock: that is what makes `balance_after` chain and the count exact.
    """
    now = timezone.now()
    wallet.balance += amount
    wallet.entry_count += 1
    entry = LedgerEntry.objects.create(
        wallet=wallet,
        amount=amount,
        kind=kind,
        reason=reason,
        reference=reference,
        idempotency_key=idempotency_key,
        balance_after=wallet.balance,
        reverses=reverses,
        created_at=now,
        created_by=created_by,
    )
    wallet.updated_at = now
    wallet.save(update_fields=["balance", "held", "entry_count", "updated_at"])
    return entry


def entry_by_key(*, wallet: Wallet, idempotency_key: str) -> LedgerEntry | None:
    return LedgerEntry.objects.filter(wallet=wallet, idempotency_key=idempotency_key).first()


def same_request_or_conflict(row: LedgerEntry | Hold, **expected: Any) -> None:
    """A replayed key must carry the arguments of its first use; anything else is two operations sharing a key."""
    different = sorted(name for name, value in expected.items() if getattr(row, name) != value)
    if different:
        # The key as stored carries the caller's internal prefix ("tutor-unlock:…"): the message names the fields only.
        raise IdempotencyConflict(
            f"This idempotency key was already used for another request (a different {', '.join(different)}); "
            "send a new key."
        )
