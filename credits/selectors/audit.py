"""The ledger's audit: every cached figure (balance, held, entry count) recomputed from the rows; what `audit_ledger`
runs."""

from __future__ import annotations

from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Window,
)
from django.db.models.functions import Coalesce, Lag

from credits.models import Hold, LedgerEntry, Wallet

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
    entry_count = LedgerEntry.objects.filter(wallet=OuterRef("pk")).order_by().values("wallet").annotate(n=Count("pk"))
    wallets = Wallet.objects.select_related("user").annotate(
        entries_total=Coalesce(Subquery(entry_sum.values("total")), 0),
        entries_counted=Coalesce(Subquery(entry_count.values("n")), 0),
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
        "Wallets whose cached entry count is not the number of their entries",
        [
            f"wallet #{w.pk} ({w.user}): entry count {w.entry_count}, {w.entries_counted} entries"
            for w in wallets.exclude(entry_count=F("entries_counted"))
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
            f"entry #{e.pk} (wallet #{e.wallet_id}): {e.previous_balance} {e.amount:+d} ≠ balance_after "  # type: ignore[attr-defined]  # an annotation the stubs lose on the custom queryset
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
