"""The learner's credit statement: balance, available, open holds, debt notice and the history (HTML or CSV)."""

from __future__ import annotations

import csv
from collections.abc import Iterator

from django.contrib.auth.decorators import login_required
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.http import HttpRequest, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import User
from core.content_version import content_version
from core.learner_pages import learner_page
from core.page_cache import cached_or_computed
from credits.references import reference_url
from credits.selectors import (
    HistoryRow,
    WalletSummary,
    holds_open_for,
    signup_bonus_status,
    statement_history_for,
    wallet_summary,
)
from credits.statement import CSV_HEADER, csv_row, statement_lines

PAGE_SIZE = 25
# A cached page is keyed by its wallet's version, so a write never shows a stale page; the timeout only clears out
# versions nobody will ask for again.
STATEMENT_CACHE_SECONDS = 3600


# Outside login_required: the learner's cached copy is answered without loading the user (core/learner_pages.py).
@learner_page(version=content_version)
@login_required
def statement_view(request: HttpRequest) -> HttpResponseBase:
    if request.GET.get("format") == "csv":
        return statement_csv_view(request)
    user = request.user
    assert isinstance(user, User)
    summary = wallet_summary(user=user)
    # StatementHistory is not a QuerySet but has what Paginator uses: count() (the wallet's own) and slicing.
    history = statement_history_for(user=user, summary=summary)
    paginator: Paginator[HistoryRow] = Paginator(history, PAGE_SIZE)  # type: ignore[arg-type]
    number = _page_number(paginator, request.GET.get("page"))
    key = f"credits:statement:v1:{summary.wallet_id}:{summary.version}:{number}:{user.time_zone}"
    body = cached_or_computed(
        key, lambda: _statement_body(user, summary, paginator.page(number)), timeout=STATEMENT_CACHE_SECONDS
    )
    context = {"credits_summary": summary, "statement_body": body, "bonus": signup_bonus_status(user=user)}
    return render(request, "credits/statement.html", context)


def _page_number(paginator: Paginator[HistoryRow], raw: str | None) -> int:
    """The page asked for, as Paginator.get_page reads it (not a number: the first; past the end: the last)."""
    try:
        return paginator.validate_number(raw or 1)
    except PageNotAnInteger:
        return 1
    except EmptyPage:
        return paginator.num_pages


def _statement_body(user: User, summary: WalletSummary, page: Page[HistoryRow]) -> str:
    """The open holds and a page of history, rendered: what a statement page shows besides the live figures."""
    holds = [(hold, reference_url(hold.reference)) for hold in holds_open_for(user=user, summary=summary)]
    lines = list(statement_lines(page.object_list))
    return render_to_string(
        "credits/_statement_body.html", {"user": user, "holds": holds, "page": page, "lines": lines}
    )


class _Echo:
    """A file-like object whose write() hands the line back, so csv.writer can feed a streaming response."""

    def write(self, value: str) -> str:
        return value


def _csv_lines(request: HttpRequest) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_HEADER)
    assert isinstance(request.user, User)
    for line in statement_lines(statement_history_for(user=request.user).iterator()):
        yield writer.writerow(csv_row(line))


@login_required
def statement_csv_view(request: HttpRequest) -> StreamingHttpResponse:
    filename = f"credits-statement-{timezone.localdate().isoformat()}.csv"
    response = StreamingHttpResponse(_csv_lines(request), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
