"""The ⚡ balance in the header of every page, read only when a template shows it."""

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from credits.selectors import wallet_summary


def header_balance(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # Lazy: pages that never render the header (redirects, JSON) cost no query. A read: no wallet yet shows ⚡0.
    # One per request: a page rendered in parts (the lesson page's slots) reads the balance once for all of them.
    summary = getattr(request, "_credits_summary", None)
    if summary is None:
        summary = SimpleLazyObject(lambda: wallet_summary(user=user))
        request._credits_summary = summary  # type: ignore[attr-defined]
    return {"credits_summary": summary}
