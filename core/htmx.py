"""Answers that differ for htmx: a fragment to swap in, or (without JavaScript) a redirect with the news as messages;
and the one "sign in first" answer every view gives an anonymous caller."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django_htmx.http import HttpResponseClientRedirect


def is_htmx(request: HttpRequest) -> bool:
    """Whether htmx sent this request (django-htmx's middleware sets `request.htmx`; its header otherwise)."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) if htmx is not None else request.headers.get("HX-Request") == "true"


def sign_in_url(next_url: str) -> str:
    """The sign-in page (settings.LOGIN_URL), then back to ``next_url``: the same URL `login_required` builds."""
    return str(redirect_to_login(next_url).url)


def sign_in_first(request: HttpRequest, *, next_url: str) -> HttpResponse:
    """Send an anonymous caller to sign in and back to ``next_url``. htmx would swap a redirect's page into the
    fragment's place, so it gets HX-Redirect and the browser goes there itself."""
    if is_htmx(request):
        return HttpResponseClientRedirect(sign_in_url(next_url))
    return redirect_to_login(next_url)


def fragment_or_redirect(
    request: HttpRequest,
    *,
    fragment: Callable[[], HttpResponse],
    redirect_to: str,
    error: str = "",
    notices: Sequence[str] = (),
) -> HttpResponse:
    """htmx gets ``fragment()`` (a refusal is a 200 whose fragment says what went wrong: htmx swaps only 2xx);
    without it, a redirect to ``redirect_to`` with the error or the notices as messages for the next page."""
    if is_htmx(request):
        return fragment()
    if error:
        messages.error(request, error)
    else:
        for notice in notices:
            messages.success(request, notice)
    return HttpResponseRedirect(redirect_to)
