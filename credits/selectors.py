"""Reads of the ledger: a wallet's summary, its entries and holds, the statement's history, and the audit."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from django.db.models import (
    BigIntegerField,
    CharField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    TextField,
    Value,
    Window,
)
from django.db.models.functions import Coalesce, Lag

from accounts.models import User
from credits.models import Hold, LedgerEntry, Wallet


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


def ledger_entries_for(*, user: User) -> QuerySet[LedgerEntry]:
    """The user's own entries, newest first."""
    return LedgerEntry.objects.filter(wallet__user=user).order_by("-id")


def holds_open_for(*, user: User) -> QuerySet[Hold]:
    """Credits the user has set aside and not yet spent or had returned, oldest first."""
    return Hold.objects.filter(wallet__user=user, status=Hold.Status.OPEN).order_by("id")


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


HISTORY_COLUMNS = ("line", "row_id", "at", "line_kind", "line_amount", "text", "ref", "after", "held_for")


def statement_history_for(*, user: User) -> QuerySet:
    """Entries and returned holds in one newest-first sequence of plain tuples (HISTORY_COLUMNS).

    A released hold moves no balance, so it has no ledger entry; the learner still needs to read that the credits
    came back and why, so the history is the union of both tables, sliced by the database (one query per page).
    Use `history_rows()` to turn the tuples into HistoryRow.
    """
    entries = LedgerEntry.objects.filter(wallet__user=user).annotate(
        line=Value("entry", output_field=CharField()),
        row_id=F("id"),
        at=F("created_at"),
        line_kind=F("kind"),
        line_amount=F("amount"),
        text=F("reason"),
        ref=F("reference"),
        after=F("balance_after"),
        held_for=Value("", output_field=TextField()),
    )
    returned = Hold.objects.filter(wallet__user=user, status=Hold.Status.RELEASED).annotate(
        line=Value("returned", output_field=CharField()),
        row_id=F("id"),
        at=F("released_at"),
        line_kind=Value("returned", output_field=CharField()),
        line_amount=F("amount"),
        text=F("release_reason"),
        ref=F("reference"),
        after=Value(None, output_field=BigIntegerField()),
        held_for=F("reason"),
    )
    return (
        entries.values_list(*HISTORY_COLUMNS)
        .union(returned.values_list(*HISTORY_COLUMNS), all=True)
        .order_by("-at", "-row_id")
    )


def history_rows(rows: Iterable[tuple]) -> Iterator[HistoryRow]:
    for line, row_id, at, kind, amount, reason, reference, balance_after, held_for in rows:
        yield HistoryRow(
            line=line,
            row_id=row_id,
            at=at,
            kind=kind,
            amount=amount,
            reason=reason,
            reference=reference,
            balance_after=balance_after,
            held_for=held_for,
        )


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
