"""Reads of the ledger: a wallet's summary, its entries and holds, the statement's history, and the audit."""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from django.db.models import (
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Window,
)
from django.db.models.functions import Coalesce, Lag

from accounts.models import User
from credits.models import CreditPack, Hold, LedgerEntry, Purchase, Wallet


@dataclass(frozen=True)
class WalletSummary:
    balance: int
    held: int
    available: int  # balance − open holds; below zero only after a clawback
    in_debt: bool  # spending is blocked until the available balance is back to zero or more

    @classmethod
    def of(cls, wallet: Wallet | None) -> WalletSummary:
        if wallet is None:
            return cls(balance=0, held=0, available=0, in_debt=False)
        return cls(balance=wallet.balance, held=wallet.held, available=wallet.available, in_debt=wallet.available < 0)

    @property
    def debt(self) -> int:
        return max(0, -self.available)


def wallet_summary(*, user: User) -> WalletSummary:
    """One indexed row read, whatever the number of entries: the balance is cached on the wallet."""
    return WalletSummary.of(Wallet.objects.filter(user=user).only("balance", "held").first())


def _wallet_id_of(user: User) -> Subquery:
    """The user's wallet id as a subquery, not a join: the planner then walks the wallet's index in order.

    Joined through wallet__user, PostgreSQL guesses a wallet's share of the table from averages and, for a wallet with
    a long history, sorts every entry to find the newest page (measured in bench/ledger.py).
    """
    return Subquery(Wallet.objects.filter(user=user).values("pk")[:1])


def ledger_entries_for(*, user: User) -> QuerySet[LedgerEntry]:
    """The user's own entries, newest first."""
    return LedgerEntry.objects.filter(wallet_id=_wallet_id_of(user)).order_by("-created_at", "-id")


def holds_open_for(*, user: User) -> QuerySet[Hold]:
    """Credits the user has set aside and not yet spent or had returned, oldest first."""
    return Hold.objects.filter(wallet_id=_wallet_id_of(user), status=Hold.Status.OPEN).order_by("id")


@dataclass(frozen=True)
class HistoryRow:
    """One line of a statement's history: a ledger entry, or a released hold (which moved no balance)."""

    line: str  # "entry" or "returned"
    row_id: int
    at: datetime
    kind: str
    amount: int
    reason: str
    reference: str
    balance_after: int | None
    held_for: str  # for a returned hold: what the credits had been held for


ENTRY_COLUMNS = ("id", "created_at", "kind", "amount", "reason", "reference", "balance_after")
RETURNED_COLUMNS = ("id", "released_at", "amount", "release_reason", "reference", "reason")


def _entry_row(row: tuple) -> HistoryRow:
    row_id, at, kind, amount, reason, reference, balance_after = row
    return HistoryRow("entry", row_id, at, kind, amount, reason, reference, balance_after, "")


def _returned_row(row: tuple) -> HistoryRow:
    row_id, at, amount, release_reason, reference, held_for = row
    return HistoryRow("returned", row_id, at, "returned", amount, release_reason, reference, None, held_for)


def _newest_first(row: HistoryRow) -> tuple[datetime, int, int]:
    return (row.at, row.line == "entry", row.row_id)


class StatementHistory:
    """A wallet's history, newest first: its entries, and the holds that were returned (they have no entry).

    Paginator pages over the entries, which an index serves a page at a time; each page then takes the returned
    holds whose time falls between its oldest entry and the previous page's, so a page costs the same on a wallet of
    ten entries or of a million and returned holds never show twice or go missing. Pages hold 25 entries plus the
    (rare) returned holds of their stretch of time.
    """

    ordered = True

    def __init__(self, *, user: User) -> None:
        self._entries = ledger_entries_for(user=user).values_list(*ENTRY_COLUMNS)
        self._returned = (
            Hold.objects.filter(wallet_id=_wallet_id_of(user), status=Hold.Status.RELEASED)
            .order_by("-released_at", "-id")
            .values_list(*RETURNED_COLUMNS)
        )

    def count(self) -> int:
        return self._entries.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[HistoryRow]:
        start, stop = index.start or 0, index.stop
        assert stop is not None, "a statement is read a page at a time"
        # One entry before the page (the previous page's oldest) and one after it (to know whether more follow).
        window = list(self._entries[max(start - 1, 0) : stop + 1])
        newer_than = window.pop(0)[1] if start > 0 and window else None
        older_pages_follow = len(window) > stop - start
        entries = window[: stop - start]
        returned = self._returned
        if newer_than is not None:
            returned = returned.filter(released_at__lte=newer_than)
        if older_pages_follow and entries:
            returned = returned.filter(released_at__gt=entries[-1][1])
        rows = [_entry_row(row) for row in entries] + [_returned_row(row) for row in returned]
        return sorted(rows, key=_newest_first, reverse=True)

    def iterator(self, chunk_size: int = 1000) -> Iterator[HistoryRow]:
        """Every line, newest first, streamed from both tables (for the CSV download)."""
        entries = map(_entry_row, self._entries.iterator(chunk_size=chunk_size))
        returned = map(_returned_row, self._returned.iterator(chunk_size=chunk_size))
        return heapq.merge(entries, returned, key=_newest_first, reverse=True)


def statement_history_for(*, user: User) -> StatementHistory:
    """What the statement lists: every entry, and every released hold (which moved no balance, so has no entry).

    The learner still needs to read that held credits came back and why, so the history merges both tables.
    """
    return StatementHistory(user=user)


# --- The audit -------------------------------------------------------------------------------------------------------

MAX_EXAMPLES = 20


def _report(problems: list[str], title: str, lines: list[str]) -> None:
    if not lines:
        return
    problems.append(f"{title} ({len(lines)}):")
    problems.extend(f"  {line}" for line in lines[:MAX_EXAMPLES])
    if len(lines) > MAX_EXAMPLES:
        problems.append(f"  … and {len(lines) - MAX_EXAMPLES} more")


def ledger_audit() -> list[str]:
    """Check every invariant of the ledger with set-wise queries; returns the problems found (empty when sound)."""
    problems: list[str] = []
    entry_sum = (
        LedgerEntry.objects.filter(wallet=OuterRef("pk")).order_by().values("wallet").annotate(total=Sum("amount"))
    )
    open_sum = (
        Hold.objects.filter(wallet=OuterRef("pk"), status=Hold.Status.OPEN)
        .order_by()
        .values("wallet")
        .annotate(total=Sum("amount"))
    )
    wallets = Wallet.objects.select_related("user").annotate(
        entries_total=Coalesce(Subquery(entry_sum.values("total")), 0),
        open_total=Coalesce(Subquery(open_sum.values("total")), 0),
        has_clawback=Exists(LedgerEntry.objects.filter(wallet=OuterRef("pk"), kind=LedgerEntry.Kind.CLAWBACK)),
    )
    _report(
        problems,
        "Wallets whose cached balance is not the sum of their entries",
        [
            f"wallet #{w.pk} ({w.user}): balance {w.balance}, entries sum to {w.entries_total}"
            for w in wallets.exclude(balance=F("entries_total"))
        ],
    )
    _report(
        problems,
        "Wallets whose cached held amount is not the sum of their open holds",
        [
            f"wallet #{w.pk} ({w.user}): held {w.held}, open holds sum to {w.open_total}"
            for w in wallets.exclude(held=F("open_total"))
        ],
    )
    _report(
        problems,
        "Wallets below zero available with no clawback to explain a debt",
        [
            f"wallet #{w.pk} ({w.user}): balance {w.balance} − held {w.held} = {w.balance - w.held}"
            for w in wallets.filter(balance__lt=F("held"), has_clawback=False)
        ],
    )

    previous = Window(Lag("balance_after", default=0), partition_by=[F("wallet_id")], order_by=F("id").asc())
    chained = LedgerEntry.objects.annotate(previous_balance=previous).filter(
        ~Q(balance_after=F("previous_balance") + F("amount"))
    )
    _report(
        problems,
        "Entries whose balance_after does not follow from the entry before them",
        [
            f"entry #{e.pk} (wallet #{e.wallet_id}): {e.previous_balance} {e.amount:+d} ≠ balance_after "
            f"{e.balance_after}"
            for e in chained.order_by("wallet_id", "id")[: MAX_EXAMPLES + 1]
        ],
    )

    earlier_clawback = LedgerEntry.objects.filter(
        wallet=OuterRef("wallet"), kind=LedgerEntry.Kind.CLAWBACK, id__lt=OuterRef("id")
    )
    into_debt = (
        LedgerEntry.objects.filter(amount__lt=0, balance_after__lt=0)
        .exclude(kind=LedgerEntry.Kind.CLAWBACK)
        .exclude(Exists(earlier_clawback))
    )
    _report(
        problems,
        "Debits that took a balance below zero with no clawback before them",
        [f"entry #{e.pk} (wallet #{e.wallet_id}, {e.kind}): balance_after {e.balance_after}" for e in into_debt],
    )

    both = Hold.objects.filter(captured_at__isnull=False, released_at__isnull=False)
    _report(problems, "Holds both captured and released", [f"hold #{h.pk}" for h in both])
    bad_capture = Hold.objects.filter(status=Hold.Status.CAPTURED).filter(
        Q(captured_entry__isnull=True)
        | ~Q(captured_entry__wallet=F("wallet"))
        | ~Q(captured_entry__amount=-F("amount"))
        | ~Q(captured_entry__kind=LedgerEntry.Kind.SPEND)
    )
    _report(
        problems,
        "Captured holds without their own spend entry of the held amount",
        [f"hold #{h.pk} (wallet #{h.wallet_id}, ⚡{h.amount})" for h in bad_capture],
    )
    bad_reversal = LedgerEntry.objects.filter(kind=LedgerEntry.Kind.REVERSAL).filter(
        Q(reverses__isnull=True) | ~Q(reverses__wallet=F("wallet")) | ~Q(reverses__amount=-F("amount"))
    )
    _report(
        problems,
        "Reversals that do not undo exactly one entry of the same wallet",
        [f"entry #{e.pk} (wallet #{e.wallet_id})" for e in bad_reversal],
    )
    return problems


# --- Packs and purchases -------------------------------------------------------------------------------------------


def packs_on_sale() -> QuerySet[CreditPack]:
    """Active packs in their display order."""
    return CreditPack.objects.filter(active=True).order_by("order", "price", "id")


def pack_on_sale(*, slug: str) -> CreditPack | None:
    return packs_on_sale().filter(slug=slug).first()


def purchases_recent_for(*, user: User, limit: int = 5) -> list[Purchase]:
    """The user's latest purchases, newest first, with their packs."""
    return list(Purchase.objects.filter(user=user).select_related("pack").order_by("-created_at", "-id")[:limit])


def purchase_of(*, user: User, purchase_id: int) -> Purchase | None:
    """One of the user's own purchases; None for someone else's, so pages answer 404 rather than say it exists."""
    return Purchase.objects.filter(user=user, pk=purchase_id).select_related("pack").first()
