"""A wallet's summary (a missing wallet reads as zero), the user's entries and open holds."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import (
    QuerySet,
    Subquery,
)

from accounts.models import User
from credits.models import Hold, LedgerEntry, Wallet


@dataclass(frozen=True)
class WalletSummary:
    balance: int
    held: int
    available: int  # balance − open holds; below zero only after a clawback
    in_debt: bool  # spending is blocked until the available balance is back to zero or more
    wallet_id: int | None = None  # None: no wallet yet, so no history to read
    entry_count: int = 0
    # Changes with every write to the wallet (each moves the entry count or the held amount, and the time): what a
    # cached statement page is keyed by.
    version: str = ""

    @classmethod
    def of(cls, wallet: Wallet | None) -> WalletSummary:
        if wallet is None:
            return cls(balance=0, held=0, available=0, in_debt=False)
        return cls(
            balance=wallet.balance,
            held=wallet.held,
            available=wallet.available,
            in_debt=wallet.available < 0,
            wallet_id=wallet.pk,
            entry_count=wallet.entry_count,
            version=f"{wallet.entry_count}.{wallet.held}.{wallet.balance}.{wallet.updated_at.timestamp():.6f}",
        )

    @property
    def debt(self) -> int:
        return max(0, -self.available)


def wallet_summary(*, user: User) -> WalletSummary:
    """One indexed row read, whatever the number of entries: the balance and the entry count are cached on the
    wallet."""
    wallet = Wallet.objects.filter(user=user).only("balance", "held", "entry_count", "updated_at").first()
    return WalletSummary.of(wallet)


def _wallet_id_of(user: User) -> Subquery:
    """The user's wallet id as a subquery, not a join: the planner then walks the wallet's index in order.

    Joined through wallet__user, PostgreSQL guesses a wallet's share of the table from averages and, for a wallet with
    a long history, sorts every entry to find the newest page (measured in bench/ledger.py).
    """
    return Subquery(Wallet.objects.filter(user=user).values("pk")[:1])


def ledger_entries_for(*, user: User) -> QuerySet[LedgerEntry]:
    """The user's own entries, newest first."""
    return LedgerEntry.objects.filter(wallet_id=_wallet_id_of(user)).order_by("-created_at", "-id")


def holds_open_for(*, user: User, summary: WalletSummary | None = None) -> QuerySet[Hold]:
    """Credits the user has set aside and not yet spent or had returned, oldest first.

    With the wallet's summary at hand, its id replaces the subquery; no wallet means no holds and no query.
    """
    if summary is None:
        return Hold.objects.filter(wallet_id=_wallet_id_of(user), status=Hold.Status.OPEN).order_by("id")
    if summary.wallet_id is None:
        return Hold.objects.none()
    return Hold.objects.filter(wallet_id=summary.wallet_id, status=Hold.Status.OPEN).order_by("id")
