"""Pages for buying ⚡: the packs page, the buy button (off to Stripe Checkout), and the purchase's success page with
the status fragment it polls until the credits land."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from accounts.models import User
from accounts.selectors import signed_in_user
from core.htmx import is_htmx, sign_in_first, sign_in_url
from core.page_cache import fresh_key
from credits.exceptions import IdempotencyConflict
from credits.models import CALLER_KEY_MAX_LENGTH
from credits.selectors import WalletSummary, wallet_summary
from purchases import stripe_gateway
from purchases.exceptions import (
    CheckoutFailed,
    CheckoutRateLimited,
    PackNotAvailable,
    PurchasesUnavailable,
)
from purchases.models import CreditPack, Purchase, PurchaseStatus
from purchases.money import money_display
from purchases.selectors import pack_on_sale, packs_on_sale, purchase_for, purchases_recent_for
from purchases.services.purchases import purchase_check_with_stripe, purchase_checkout_start

# Waiting for the webhook takes seconds; a delayed bank payment can take days, so that state polls gently.
POLL_SECONDS = {PurchaseStatus.CREATED: 1, PurchaseStatus.PENDING: 10}
# While the page polls, it asks Stripe itself at most this often (the webhook normally arrives first).
STRIPE_CHECK_INTERVAL_SECONDS = 5


@dataclass(frozen=True)
class PackOffer:
    pack: CreditPack
    price: str  # "€4.99"
    buy_key: str  # made when the page is shown: a double click or a resubmitted form buys once


@require_GET
def packs_view(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request.user)
    offers = [
        PackOffer(pack, money_display(pack.price, pack.currency), f"web:{fresh_key(request, f'buy_{pack.pk}')}")
        for pack in packs_on_sale()
    ]
    cancelled = request.GET.get("cancelled", "")
    context = {
        "offers": offers,
        "purchases_available": stripe_gateway.is_configured(),
        "recent": purchases_recent_for(user=user) if user else [],
        "cancelled": cancelled.isdigit(),
        "login_url": sign_in_url(reverse("purchases:packs")),
    }
    return render(request, "purchases/packs.html", context)


@require_POST
def pack_buy_view(request: HttpRequest, slug: str) -> HttpResponse:
    user = signed_in_user(request.user)
    if user is None:
        return sign_in_first(request, next_url=reverse("purchases:packs"))
    pack = pack_on_sale(slug=slug)
    if pack is None:
        messages.error(request, "That pack is no longer on sale; pick another one below.")
        return redirect("purchases:packs")
    key = request.POST.get("idempotency_key", "").strip()
    if not key or len(key) > CALLER_KEY_MAX_LENGTH:
        key = f"web:{fresh_key(None, 'buy')}"
    try:
        _purchase, checkout_url = purchase_checkout_start(user=user, pack=pack, idempotency_key=key)
    except (PurchasesUnavailable, PackNotAvailable, CheckoutFailed, CheckoutRateLimited, IdempotencyConflict) as error:
        messages.error(request, str(error))
        return redirect("purchases:packs")
    # 303: the browser follows with a GET to Stripe's hosted page.
    return HttpResponseRedirect(checkout_url, status=303)


def _own_purchase(request: HttpRequest, purchase_id: int) -> tuple[User, Purchase]:
    user = signed_in_user(request.user)
    assert user is not None  # login_required
    purchase = purchase_for(user=user, purchase_id=purchase_id)
    if purchase is None:
        raise Http404("No such purchase.")
    return user, purchase


def _status_context(
    purchase: Purchase, *, summary: WalletSummary, from_checkout: bool, session_id: str, on_page: bool
) -> dict[str, object]:
    poll_seconds = POLL_SECONDS.get(PurchaseStatus(purchase.status))
    if purchase.status == PurchaseStatus.CREATED and not from_checkout:
        poll_seconds = None  # opened from a list, not back from paying: nothing says a payment is on its way
    query = {"from": "checkout"} if from_checkout else {}
    if session_id:
        query["session_id"] = session_id
    status_url = reverse("purchases:purchase_status", args=[purchase.pk])
    return {
        "purchase": purchase,
        "price": money_display(purchase.price, purchase.currency),
        "summary": summary,
        "poll_seconds": poll_seconds,
        # The page asks for one check as soon as it loads (a POST: the check may credit); the answer keeps polling.
        "check_on_load": on_page and purchase.status in POLL_SECONDS,
        "status_url": f"{status_url}?{urlencode(query)}" if query else status_url,
        "from_checkout": from_checkout,
    }


@never_cache
@login_required
@require_GET
def purchase_view(request: HttpRequest, purchase_id: int) -> HttpResponse:
    """Where Stripe sends the buyer back (with ?session_id=). A read: while the purchase is unsettled, the page POSTs
    to its status fragment as it loads, which checks with Stripe, so the credits usually show at once; the same check
    settles a purchase whose webhook never came when the learner opens it later."""
    user, purchase = _own_purchase(request, purchase_id)
    session_id = request.GET.get("session_id", "")
    # The header shows the balance too (credits.context_processors.header_balance): one wallet read serves both, so
    # the page and its header never disagree.
    summary = wallet_summary(user=user)
    context = _status_context(
        purchase, summary=summary, from_checkout=bool(session_id), session_id=session_id, on_page=True
    )
    return render(request, "purchases/purchase.html", {**context, "credits_summary": summary})


@never_cache
@login_required
@require_POST
def purchase_status_view(request: HttpRequest, purchase_id: int) -> HttpResponse:
    """The fragment the success page posts to: it asks Stripe (at most every few seconds) and settles the purchase;
    once the credits land it also swaps the header balance. Without htmx it answers with the purchase page."""
    user, purchase = _own_purchase(request, purchase_id)
    session_id = request.GET.get("session_id", "")
    if purchase.status in POLL_SECONDS and cache.add(
        f"credits:purchase-check:{purchase.pk}", True, STRIPE_CHECK_INTERVAL_SECONDS
    ):
        purchase = purchase_check_with_stripe(purchase=purchase, session_id=session_id or None).purchase or purchase
    if not is_htmx(request):  # the no-JavaScript "Check now" button: back to the page (303)
        page = reverse("purchases:purchase", args=[purchase.pk])
        query = f"?{urlencode({'session_id': session_id})}" if session_id else ""
        return HttpResponseRedirect(page + query, status=303)
    summary = wallet_summary(user=user)  # the fragment has no header
    context = _status_context(
        purchase,
        summary=summary,
        from_checkout=request.GET.get("from") == "checkout",
        session_id=session_id,
        on_page=False,
    )
    return render(request, "purchases/_purchase_status_response.html", context)
