"""The learner's statement in plain words: history rows become lines with labels, signed amounts and links."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from credits.models import EntryKind
from credits.references import reference_url
from credits.selectors import HistoryRow

KIND_LABELS = {
    EntryKind.SIGNUP_BONUS: "Welcome bonus",
    EntryKind.REWARD: "Earned",
    EntryKind.PURCHASE: "Bought",
    EntryKind.SPEND: "Spent",
    EntryKind.REFUND: "Refunded to you",
    EntryKind.REVERSAL: "Reversed",
    EntryKind.ADJUSTMENT: "Adjusted by our team",
    EntryKind.CLAWBACK: "Taken back after a payment refund or dispute",
    "returned": "Returned",
}
# Characters that make a spreadsheet read a cell as a formula (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class StatementLine:
    at: datetime
    kind: str
    label: str
    description: str
    amount: int | None  # signed balance movement; None for a returned hold, which moved no balance
    returned: int | None  # credits that went back to "available" when a hold was released
    balance_after: int | None
    reference: str
    reference_url: str | None

    @property
    def amount_class(self) -> str:
        if self.amount is None:
            return "amount-returned"
        return "amount-positive" if self.amount > 0 else "amount-negative"

    @property
    def amount_text(self) -> str:
        if self.amount is None:
            return f"⚡{self.returned} back"
        sign = "+" if self.amount > 0 else "−"
        return f"{sign}⚡{abs(self.amount)}"


def statement_lines(rows: Iterable[HistoryRow]) -> Iterator[StatementLine]:
    for row in rows:
        if row.line == "returned":
            description = f"⚡{row.amount} returned — {row.reason}"
            if row.held_for:
                description += f" (held for: {row.held_for})"
            yield StatementLine(
                at=row.at,
                kind="returned",
                label=KIND_LABELS["returned"],
                description=description,
                amount=None,
                returned=row.amount,
                balance_after=None,
                reference=row.reference,
                reference_url=reference_url(row.reference),
            )
        else:
            yield StatementLine(
                at=row.at,
                kind=row.kind,
                label=KIND_LABELS.get(row.kind, row.kind),
                description=row.reason,
                amount=row.amount,
                returned=None,
                balance_after=row.balance_after,
                reference=row.reference,
                reference_url=reference_url(row.reference),
            )


CSV_HEADER = ("date", "what", "description", "credits", "balance after", "reference")


def _cell(text: str) -> str:
    return f"'{text}" if text.startswith(FORMULA_PREFIXES) else text


def csv_row(line: StatementLine) -> tuple[str, ...]:
    return (
        line.at.isoformat(),
        line.label,
        _cell(line.description),
        "" if line.amount is None else str(line.amount),
        "" if line.balance_after is None else str(line.balance_after),
        _cell(line.reference),
    )
