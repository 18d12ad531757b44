"""The learner's credit statement: balance, available, open holds, debt notice and the history (HTML or CSV)."""

import csv
from collections.abc import Iterator

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone

from accounts.models import User
from credits.references import reference_url
from credits.selectors import HistoryRow, holds_open_for, statement_history_for, wallet_summary
from credits.statement import CSV_HEADER, csv_row, statement_lines

PAGE_SIZE = 25


@login_required
def statement_view(request: HttpRequest) -> HttpResponseBase:
    if request.GET.get("format") == "csv":
        return statement_csv_view(request)
    user = request.user
    assert isinstance(user, User)
    summary = wallet_summary(user=user)
    holds = [(hold, reference_url(hold.reference)) for hold in holds_open_for(user=user)]
    # StatementHistory is not a QuerySet but has what Paginator uses: count() and slicing.
    paginator: Paginator[HistoryRow] = Paginator(statement_history_for(user=user), PAGE_SIZE)  # type: ignore[arg-type]
    page = paginator.get_page(request.GET.get("page"))
    lines = list(statement_lines(page.object_list))
    return render(
        request,
        "credits/statement.html",
        {"credits_summary": summary, "holds": holds, "page": page, "lines": lines},
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
