"""The statement's history: ledger entries and released holds merged, newest first."""

from __future__ import annotations

import functools
import heapq
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import QuerySet, Subquery

from accounts.models import User
from credits.models import Hold, LedgerEntry, Wallet
from credits.selectors.wallets import WalletSummary, _wallet_id_of


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
    (rare) returned holds of their stretch of time. The number of entries is the wallet's cached count, never a
    COUNT(*) over the history.
    """

    ordered = True

    def __init__(self, *, user: User, summary: WalletSummary | None = None) -> None:
        self._summary = summary
        self._user = user
        self._empty = summary is not None and summary.wallet_id is None  # no wallet yet: nothing to read

    # Built when a page is read, not before: a statement page whose history comes from the cache reads none, and
    # building the two querysets cost more than the rest of the page's Python.
    @functools.cached_property
    def _wallet_id(self) -> int | Subquery:
        return _wallet_id_of(self._user) if self._summary is None else (self._summary.wallet_id or 0)

    @functools.cached_property
    def _entries(self) -> QuerySet[LedgerEntry, tuple[Any, ...]]:
        return (
            LedgerEntry.objects.filter(wallet_id=self._wallet_id)
            .order_by("-created_at", "-id")
            .values_list(*ENTRY_COLUMNS)
        )

    @functools.cached_property
    def _returned(self) -> QuerySet[Hold, tuple[Any, ...]]:
        return (
            Hold.objects.filter(wallet_id=self._wallet_id, status=Hold.Status.RELEASED)
            .order_by("-released_at", "-id")
            .values_list(*RETURNED_COLUMNS)
        )

    def count(self) -> int:
        if self._summary is not None:
            return self._summary.entry_count
        return Wallet.objects.filter(user=self._user).values_list("entry_count", flat=True).first() or 0

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[HistoryRow]:
        start, stop = index.start or 0, index.stop
        assert stop is not None, "a statement is read a page at a time"
        if self._empty:
            return []
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
        if self._empty:
            return iter(())
        entries = map(_entry_row, self._entries.iterator(chunk_size=chunk_size))
        returned = map(_returned_row, self._returned.iterator(chunk_size=chunk_size))
        return heapq.merge(entries, returned, key=_newest_first, reverse=True)


def statement_history_for(*, user: User, summary: WalletSummary | None = None) -> StatementHistory:
    """What the statement lists: every entry, and every released hold (which moved no balance, so has no entry).

    The learner still needs to read that held credits came back and why, so the history merges both tables. A caller
    that has read the wallet's summary passes it: its id and entry count then cost no further query.
    """
    return StatementHistory(user=user, summary=summary)
