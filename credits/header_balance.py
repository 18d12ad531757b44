"""The header's ⚡ follows every live update: each htmx answer to a signed-in learner carries what they can spend now.

A fragment that moved credits (an unlock held, a lesson's reward, a question charged, a purchase settled) cannot
forget to update the header: every htmx answer gets an out-of-band swap of `[data-balance]`, read after the view
ran. Full pages render the header themselves (templates/includes/_balance.html).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from credits.selectors import wallet_summary


def balance_swap(available: int) -> bytes:
    """The out-of-band element htmx swaps into the header's `[data-balance]`."""
    return f'<span hx-swap-oob="innerHTML:[data-balance]">{int(available)}</span>'.encode()


class HeaderBalanceMiddleware:
    """Appends the learner's available ⚡ to every htmx HTML answer (one indexed row read, after the view's writes)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "HTTP_HX_REQUEST" not in request.META or "HX-Redirect" in response or response.status_code != 200:
            return response
        if response.streaming or not response.get("Content-Type", "").startswith("text/html"):
            return response
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return response
        response.content = response.content + balance_swap(wallet_summary(user=user).available)
        return response
