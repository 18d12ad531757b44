"""A learner buys a pack of ⚡ in a real browser: from the header to the packs page, through the local Stripe's hosted
checkout page, back to the success page, which shows the new balance — raised once — without a reload."""

from __future__ import annotations

import copy
import re
import urllib.request

import pytest
from playwright.sync_api import expect

from purchases import stripe_gateway
from purchases.models import CreditPack, Purchase
from tests.e2e.conftest import sign_in
from tests.factories import CreditPackFactory, LearnerWithCreditsFactory
from tests.purchases.purchase_support import WEBHOOK_URL, balance, posted, purchase_entries

pytestmark = pytest.mark.e2e


@pytest.fixture
def shop(live_server, stripe_settings, fake_stripe):
    """The app sends buyers to the local Stripe and comes back to the live server; one pack is on sale."""
    stripe_settings.SITE_URL = live_server.url
    # Chromium applies form-action to where a form's answer redirects, so the buy button's 303 to the checkout page
    # needs that page's origin allowed, as production allows https://checkout.stripe.com. django-csp 4 reads the
    # setting for every response, so the live server serves the changed policy (CSP_EXTRA_FORM_ACTION at startup).
    policy = copy.deepcopy(stripe_settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["form-action"] = [*policy["DIRECTIVES"]["form-action"], fake_stripe.base_url]
    stripe_settings.CONTENT_SECURITY_POLICY = policy
    CreditPack.objects.all().delete()
    CreditPackFactory(slug="starter", name="Starter pack", credits=100, price=499)
    return fake_stripe


def test_a_learner_buys_a_pack_end_to_end_and_the_balance_rises_once(page, live_server, shop):
    shop.set_webhook(live_server.url + WEBHOOK_URL)
    learner = LearnerWithCreditsFactory(credits=60, signup_bonus=True)  # the bonus only: then the purchase
    sign_in(page, learner.email)

    page.get_by_role("link", name="Get more ⚡").click()
    expect(page.get_by_role("heading", name="Get more ⚡")).to_be_visible()
    page.get_by_role("button", name="Buy ⚡100 for €4.99").click()

    expect(page.get_by_role("heading", name="Local Stripe Checkout")).to_be_visible()
    assert page.url.startswith(f"{shop.base_url}/_test/pay/cs_test_")
    expect(page.get_by_test_id("total")).to_have_text("4.99 EUR")
    page.get_by_role("button", name="Pay").click()

    purchase = Purchase.objects.get()
    expect(page).to_have_url(re.compile(rf"/credits/purchases/{purchase.pk}/\?session_id=cs_test_"))
    expect(page.locator("#purchase-status")).to_contain_text("⚡100 added. Your balance is now ⚡160.")
    expect(page.locator("header [data-balance]")).to_have_text("160")
    assert [(event.type, event.status) for event in shop.events_posted] == [("checkout.session.completed", 200)]

    page.reload()  # the success page again, and its check with Stripe again: nothing more is credited
    expect(page.locator("#purchase-status")).to_contain_text("Your balance is now ⚡160.")
    page.goto("/credits/")
    bought = page.get_by_role("row").filter(has_text="Bought ⚡100 (Starter pack)")
    expect(bought).to_have_count(1)
    expect(bought).to_contain_text("+⚡100")
    assert purchase_entries(learner) == [("purchase", 100)]
    assert balance(learner) == 160


def test_the_success_page_waits_for_the_webhook_and_updates_without_a_reload(page, live_server, shop, monkeypatch):
    def stripe_unreachable(session_id):
        raise stripe_gateway.StripeGatewayError("Could not reach Stripe")

    # The success page's own check cannot reach Stripe, and the event is held back: only the webhook can credit.
    monkeypatch.setattr(stripe_gateway, "checkout_session_retrieve", stripe_unreachable)
    learner = LearnerWithCreditsFactory(credits=60, signup_bonus=True)  # the bonus only: then the purchase
    sign_in(page, learner.email)
    page.goto("/credits/packs/")
    page.get_by_role("button", name="Buy ⚡100 for €4.99").click()
    page.get_by_role("button", name="Pay").click()

    status = page.locator("#purchase-status")
    expect(status).to_contain_text("Payment received, adding ⚡100…")
    page.evaluate("window.buyJourneyMarker = 'same page'")  # gone if the page reloads
    expect(page.locator("header [data-balance]")).to_have_text("60")

    event = posted(shop, "checkout.session.completed")
    request = urllib.request.Request(
        live_server.url + WEBHOOK_URL,
        data=event.payload,
        headers={"Content-Type": "application/json", "Stripe-Signature": event.signature},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200

    expect(status).to_contain_text("⚡100 added. Your balance is now ⚡160.", timeout=10_000)
    expect(page.locator("header [data-balance]")).to_have_text("160")
    assert page.evaluate("window.buyJourneyMarker") == "same page"
    assert purchase_entries(learner) == [("purchase", 100)]


def test_without_stripe_the_packs_page_says_buying_is_not_available(page, settings):
    settings.STRIPE_SECRET_KEY = ""
    CreditPack.objects.all().delete()
    CreditPackFactory(slug="starter", name="Starter pack", credits=100, price=499)
    sign_in(page, LearnerWithCreditsFactory().email)
    page.goto("/credits/packs/")
    expect(page.get_by_test_id("purchases-unavailable")).to_have_text(
        "Buying ⚡ is not available right now. You can still earn ⚡ by finishing lessons."
    )
    expect(page.get_by_test_id("price-starter")).to_have_text("€4.99")
    expect(page.get_by_role("button", name=re.compile("^Buy"))).to_have_count(0)
