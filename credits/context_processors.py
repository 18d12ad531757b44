"""The ⚡ balance in the header of every page, read only when a template shows it."""

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from credits.selectors import WalletSummary
from credits.services import wallet_get_or_create


def header_balance(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # Lazy: pages that never render the header (redirects, JSON) cost no query. The first page a signed-in learner
    # sees creates the wallet, and with it the signup bonus (docs/credits.md).
    return {"credits_summary": SimpleLazyObject(lambda: WalletSummary.of(wallet_get_or_create(user=user)))}
