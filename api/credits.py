"""GET /api/v1/me/ledger: the caller's own balance, open holds and ledger entries, 50 a page."""

from datetime import datetime

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from api.auth import require_user
from api.schemas import ErrorOut
from credits.selectors import holds_open_for, ledger_entries_for, wallet_summary

router = Router(tags=["credits"])

LEDGER_PAGE_SIZE = 50


class HoldOut(Schema):
    id: int
    amount: int
    reason: str
    reference: str
    expires_at: datetime


class EntryOut(Schema):
    id: int
    amount: int
    kind: str
    reason: str
    balance_after: int
    created_at: datetime


class LedgerOut(Schema):
    balance: int
    available: int
    holds: list[HoldOut]
    count: int
    items: list[EntryOut]


@router.get("/me/ledger", response={200: LedgerOut, 404: ErrorOut}, summary="My credit ledger")
def my_ledger_endpoint(request: HttpRequest, page: int = Query(1, ge=1, le=1_000_000)) -> dict[str, object]:
    """Balance, available (balance − open holds), open holds, and ledger entries newest first, 50 a page. A page past
    the last one answers 404."""
    user = require_user(request)
    summary = wallet_summary(user=user)
    # The wallet keeps its entry count with its balance: the ledger is never counted, however long it grows.
    pages = max(1, -(-summary.entry_count // LEDGER_PAGE_SIZE))
    if page > pages:
        raise HttpError(404, f"There is no page {page}: pages run from 1 to {pages}.")
    start = (page - 1) * LEDGER_PAGE_SIZE
    return {
        "balance": summary.balance,
        "available": summary.available,
        "holds": list(holds_open_for(user=user)),
        "count": summary.entry_count,
        "items": list(ledger_entries_for(user=user)[start : start + LEDGER_PAGE_SIZE]),
    }
