"""The packs page ("Get more ⚡"), the buy button, the purchase's success page and its status fragment, the links to
the packs page, and the admin for packs, purchases and events."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from credits.services import credits_clawback, credits_spend
from purchases.models import CreditPack, Purchase, PurchaseStatus, StripeEvent
from tests.credits.conftest import fund
from tests.factories import CreditPackFactory, UserFactory
from tests.purchases.purchase_support import balance, deliver, posted, purchase_entries, start

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    html = response.content.decode()
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()
    return re.sub(r" ([.,;:])", r"\1", text)  # "⚡160</strong>." reads "⚡160."


@pytest.fixture
def packs(db):
    CreditPack.objects.all().delete()  # the data migration's packs, when the database still has them
    return [
        CreditPackFactory(slug="big", name="Big pack", credits=600, price=1999, order=3),
        CreditPackFactory(slug="starter", name="Starter pack", credits=100, price=499, order=1),
        CreditPackFactory(slug="retired", name="Old pack", credits=50, price=199, active=False),
    ]


@pytest.fixture
def signed_in(client, learner):
    client.force_login(learner)
    return client


# --- The packs page ----------------------------------------------------------------------------------------------


@pytest.mark.usefixtures("stripe_settings")
def test_the_packs_page_lists_packs_on_sale_in_order_with_their_prices(signed_in, packs):
    page = text_of(signed_in.get("/credits/packs/"))
    assert "Get more ⚡" in page
    assert re.search(r"⚡ 100 credits Starter pack €4\.99 Buy ⚡100 for €4\.99 .*⚡ 600 credits Big pack €19\.99", page)
    assert "Old pack" not in page
    assert "not available" not in page


@pytest.mark.usefixtures("stripe_settings")
def test_visitors_see_the_packs_and_are_asked_to_sign_in_to_buy(client, packs):
    response = client.get("/credits/packs/")
    assert response.status_code == 200
    assert "Sign in to buy" in text_of(response)
    assert 'href="/accounts/login/?next=/credits/packs/"' in response.content.decode()
    assert "<form" not in response.content.decode().split("pack-list", 1)[1]


def test_without_stripe_configured_the_packs_page_says_purchases_are_not_available(signed_in, packs, settings):
    settings.STRIPE_SECRET_KEY = ""
    response = signed_in.get("/credits/packs/")
    assert response.status_code == 200
    page = text_of(response)
    assert "Buying ⚡ is not available right now." in page
    assert "€4.99" in page
    assert "Buy ⚡" not in page


def test_without_stripe_configured_a_buy_post_explains_and_buys_nothing(signed_in, packs, settings):
    settings.STRIPE_SECRET_KEY = ""
    response = signed_in.post("/credits/packs/starter/buy/", {"idempotency_key": "web:1"}, follow=True)
    assert "Buying credits is not available right now." in text_of(response)
    assert not Purchase.objects.exists()


def test_the_packs_page_runs_a_few_queries(signed_in, learner, packs, settings, django_assert_max_num_queries):
    settings.STRIPE_SECRET_KEY = ""
    signed_in.get("/credits/packs/")
    with django_assert_max_num_queries(6):
        signed_in.get("/credits/packs/")


# --- Buying ------------------------------------------------------------------------------------------------------


@pytest.mark.usefixtures("stripe_settings")
def test_buying_a_pack_sends_the_learner_to_stripe_checkout_with_a_303(signed_in, packs, fake_stripe):
    response = signed_in.post("/credits/packs/starter/buy/", {"idempotency_key": "web:1"})

    purchase = Purchase.objects.get()
    assert response.status_code == 303
    assert response["Location"] == f"{fake_stripe.base_url}/_test/pay/{purchase.checkout_session_id}"
    assert (purchase.pack.slug, purchase.credits, purchase.price) == ("starter", 100, 499)


@pytest.mark.usefixtures("stripe_settings")
def test_posting_the_same_form_twice_buys_once(signed_in, packs):
    first = signed_in.post("/credits/packs/starter/buy/", {"idempotency_key": "web:1"})
    again = signed_in.post("/credits/packs/starter/buy/", {"idempotency_key": "web:1"})
    assert first["Location"] == again["Location"]
    assert Purchase.objects.count() == 1


@pytest.mark.usefixtures("stripe_settings")
def test_a_retired_pack_cannot_be_bought(signed_in, packs):
    response = signed_in.post("/credits/packs/retired/buy/", {"idempotency_key": "web:1"}, follow=True)
    assert "That pack is no longer on sale" in text_of(response)
    assert not Purchase.objects.exists()


@pytest.mark.usefixtures("stripe_settings")
def test_visitors_who_press_buy_are_sent_to_sign_in(client, packs):
    response = client.post("/credits/packs/starter/buy/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/credits/packs/"


@pytest.mark.usefixtures("stripe_settings")
def test_coming_back_from_a_cancelled_checkout_says_nothing_was_charged(signed_in, packs):
    assert "Checkout cancelled: nothing was charged." in text_of(signed_in.get("/credits/packs/?cancelled=4"))


# --- The success page --------------------------------------------------------------------------------------------


@pytest.fixture
def bought(learner, packs, stripe_settings):
    return start(learner, packs[1])


def test_the_success_page_says_the_credits_are_on_their_way_until_they_land(signed_in, bought, fake_stripe):
    page = signed_in.get(f"/credits/purchases/{bought.pk}/?session_id={bought.checkout_session_id}")
    assert "Payment received, adding ⚡100…" in text_of(page)
    status_url = f"/credits/purchases/{bought.pk}/status/?from=checkout&amp;session_id={bought.checkout_session_id}"
    assert f'hx-post="{status_url}" hx-trigger="load, every 1s"' in page.content.decode()

    fake_stripe.complete(bought.checkout_session_id)  # the webhook has nowhere to go: the page's own check finds it
    fragment = signed_in.post(status_url.replace("&amp;", "&"), headers={"HX-Request": "true"})

    html = fragment.content.decode()
    assert "⚡100 added. Your balance is now ⚡160." in text_of(fragment)
    assert "hx-trigger" not in html  # settled: the polling stops
    assert '<span hx-swap-oob="innerHTML:[data-balance]">160</span>' in html
    assert purchase_entries(bought.user) == [("purchase", 100)]


def test_the_status_fragment_asks_stripe_at_most_every_few_seconds(signed_in, bought, fake_stripe, monkeypatch):
    # An interval no test run can outlast: "too soon" must not depend on how fast the two requests are.
    monkeypatch.setattr("purchases.views.STRIPE_CHECK_INTERVAL_SECONDS", 3600)
    status_url = f"/credits/purchases/{bought.pk}/status/?from=checkout"
    signed_in.post(status_url, headers={"HX-Request": "true"})  # asks Stripe: still open
    fake_stripe.complete(bought.checkout_session_id)
    again = signed_in.post(status_url, headers={"HX-Request": "true"})  # too soon to ask again
    assert "Payment received, adding ⚡100…" in text_of(again)


def test_without_javascript_check_now_asks_stripe_and_returns_to_the_page(signed_in, bought, fake_stripe):
    fake_stripe.complete(bought.checkout_session_id)
    response = signed_in.post(f"/credits/purchases/{bought.pk}/status/?from=checkout")
    assert (response.status_code, response["Location"]) == (303, f"/credits/purchases/{bought.pk}/")
    assert "⚡100 added. Your balance is now ⚡160." in text_of(signed_in.get(response["Location"]))


def test_reading_the_status_fragment_with_a_get_is_refused(signed_in, bought):
    assert signed_in.get(f"/credits/purchases/{bought.pk}/status/").status_code == 405


def test_an_unpaid_purchase_opened_later_says_so_and_offers_to_continue_to_payment(signed_in, bought):
    page = signed_in.get(f"/credits/purchases/{bought.pk}/")
    assert "Not paid yet. Nothing has been charged for this pack." in text_of(page)
    assert "Payment received" not in text_of(page)
    assert f'<a class="button" href="{bought.checkout_url}">Continue to payment</a>' in page.content.decode()
    assert 'hx-trigger="load"' in page.content.decode()  # one check with Stripe as it loads, then no polling


def test_opening_a_paid_purchase_whose_webhook_never_came_credits_it(signed_in, bought, fake_stripe):
    fake_stripe.complete(bought.checkout_session_id)  # paid; the event went nowhere
    page = signed_in.get("/credits/packs/")
    assert "Waiting for payment" in text_of(page)
    checked = signed_in.post(f"/credits/purchases/{bought.pk}/status/", headers={"HX-Request": "true"})  # on load
    assert "⚡100 added. Your balance is now ⚡160." in text_of(checked)
    assert "⚡100 added. Your balance is now ⚡160." in text_of(signed_in.get(f"/credits/purchases/{bought.pk}/"))


def test_the_success_page_shows_the_new_balance_once_the_webhook_has_credited(signed_in, client, bought, fake_stripe):
    fake_stripe.complete(bought.checkout_session_id)
    deliver(client, posted(fake_stripe, "checkout.session.completed"))

    page = signed_in.get(f"/credits/purchases/{bought.pk}/")
    assert "⚡100 added. Your balance is now ⚡160." in text_of(page)
    assert "hx-trigger" not in page.content.decode()
    signed_in.get(f"/credits/purchases/{bought.pk}/")
    assert balance(bought.user) == 160


def test_a_delayed_payment_is_explained_and_polled_gently(signed_in, bought, fake_stripe):
    fake_stripe.complete(bought.checkout_session_id, paid=False)
    fragment = signed_in.post(f"/credits/purchases/{bought.pk}/status/", headers={"HX-Request": "true"})
    assert "Your payment is being processed by your bank." in text_of(fragment)
    assert 'hx-trigger="every 10s"' in fragment.content.decode()
    page = signed_in.get(f"/credits/purchases/{bought.pk}/")
    assert 'hx-trigger="load, every 10s"' in page.content.decode()
    assert Purchase.objects.get().status == PurchaseStatus.PENDING


def test_a_refunded_purchase_says_what_was_taken_back(signed_in, client, bought, fake_stripe):
    fake_stripe.complete(bought.checkout_session_id)
    fake_stripe.refund(fake_stripe.charge_id(bought.checkout_session_id))
    for event in fake_stripe.events_posted:
        deliver(client, event)
    page = text_of(signed_in.get(f"/credits/purchases/{bought.pk}/"))
    assert "This payment was refunded: ⚡100 were taken back." in page


def test_someone_elses_purchase_is_not_found(client, bought):
    client.force_login(UserFactory())
    assert client.get(f"/credits/purchases/{bought.pk}/").status_code == 404
    assert client.post(f"/credits/purchases/{bought.pk}/status/").status_code == 404


def test_visitors_are_sent_to_sign_in_from_a_purchase(client, bought):
    response = client.get(f"/credits/purchases/{bought.pk}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_success_page_runs_a_few_queries(signed_in, client, bought, fake_stripe, django_assert_max_num_queries):
    fake_stripe.complete(bought.checkout_session_id)
    deliver(client, posted(fake_stripe, "checkout.session.completed"))
    with django_assert_max_num_queries(8):
        signed_in.get(f"/credits/purchases/{bought.pk}/")


# --- Links to the packs page ---------------------------------------------------------------------------------------


def test_the_header_links_to_get_more_credits_beside_the_balance(signed_in):
    html = signed_in.get("/").content.decode()
    link = re.search(r'<a class="balance" href="/credits/packs/"[^>]*>(.*?)</a>', html, flags=re.S)
    assert link is not None
    assert re.sub(r"<[^>]+>", " ", link.group(1)).split() == ["+", "Get", "more", "⚡"]


def test_the_statement_and_its_debt_notice_link_to_the_packs(signed_in, learner):
    fund(learner, 60)
    credits_spend(user=learner, amount=60, reason="Quiz", idempotency_key="s")
    credits_clawback(user=learner, amount=20, reason="Refunded", reference="purchase:1", idempotency_key="c")
    html = signed_in.get("/credits/").content.decode()
    assert html.count('<a href="/credits/packs/">get more ⚡</a>') == 2


# --- Admin ---------------------------------------------------------------------------------------------------------


def test_staff_edit_packs_in_the_admin(staff_client, packs):
    listing = staff_client.get("/admin/purchases/creditpack/")
    assert listing.status_code == 200
    assert "€19.99" in listing.content.decode()
    response = staff_client.post(
        "/admin/purchases/creditpack/add/",
        {"name": "Mega", "slug": "mega", "credits": 2000, "price": 4999, "currency": "eur", "active": "on", "order": 9},
    )
    assert response.status_code == 302
    assert CreditPack.objects.get(slug="mega").price == 4999


def test_a_pack_somebody_bought_cannot_be_deleted_only_retired(staff_client, bought):
    response = staff_client.get(f"/admin/purchases/creditpack/{bought.pack_id}/delete/")
    assert response.status_code == 403


def test_purchases_and_events_are_read_only_in_the_admin(staff_client, bought, fake_stripe):
    fake_stripe.complete(bought.checkout_session_id)
    deliver(staff_client, posted(fake_stripe, "checkout.session.completed"))
    purchase_page = staff_client.get(f"/admin/purchases/purchase/{bought.pk}/change/")
    assert purchase_page.status_code == 200
    assert "checkout.session.completed" in purchase_page.content.decode()
    assert 'name="_save"' not in purchase_page.content.decode()
    assert (
        staff_client.post(f"/admin/purchases/purchase/{bought.pk}/change/", {"status": "credited"}).status_code == 403
    )
    assert staff_client.get("/admin/purchases/purchase/add/").status_code == 403
    event = StripeEvent.objects.get()
    assert staff_client.post(f"/admin/purchases/stripeevent/{event.pk}/delete/").status_code == 403


def test_the_admin_can_check_a_purchase_with_stripe_when_the_webhook_was_lost(staff_client, bought, fake_stripe):
    fake_stripe.complete(bought.checkout_session_id)
    response = staff_client.post(
        "/admin/purchases/purchase/",
        {"action": "check_with_stripe", "_selected_action": [bought.pk]},
        follow=True,
    )
    assert f"Purchase #{bought.pk}: credited ⚡100" in text_of(response)
    assert balance(bought.user) == 160


def test_the_packs_page_lets_its_buy_form_continue_to_stripe_checkout(signed_in, packs):
    # Browsers apply form-action to the redirect that answers the buy form (Chromium does), so Stripe's origin must be
    # allowed there; the browser test adds the local Stripe's origin the same way.
    policy = signed_in.get("/credits/packs/")["Content-Security-Policy"]
    form_action = next(part for part in policy.split(";") if part.strip().startswith("form-action"))
    assert "https://checkout.stripe.com" in form_action.split()


def test_the_success_page_reads_the_wallet_once_for_its_body_and_the_header(signed_in, client, bought, fake_stripe):
    fake_stripe.complete(bought.checkout_session_id)
    deliver(client, posted(fake_stripe, "checkout.session.completed"))
    with CaptureQueriesContext(connection) as queries:
        page = signed_in.get(f"/credits/purchases/{bought.pk}/")
    wallet_reads = [q["sql"] for q in queries.captured_queries if 'FROM "credits_wallet"' in q["sql"]]
    assert len(wallet_reads) == 1, wallet_reads
    assert "Your balance is now ⚡160." in text_of(page)
    assert re.search(r"<span data-balance>160</span>", page.content.decode())


@pytest.mark.usefixtures("stripe_settings")
def test_buying_page_beyond_the_checkout_limit_explains_and_opens_no_session(client, learner):
    from purchases.services.purchases import CHECKOUT_STARTS_MAX

    client.force_login(learner)
    packs = [CreditPackFactory(slug=f"limit-{index}") for index in range(CHECKOUT_STARTS_MAX + 1)]
    for pack in packs[:-1]:
        assert client.post(f"/credits/packs/{pack.slug}/buy/", {"idempotency_key": pack.slug}).status_code == 303
    response = client.post(f"/credits/packs/{packs[-1].slug}/buy/", {"idempotency_key": "last"}, follow=True)
    assert "You started several purchases" in response.content.decode()
    assert Purchase.objects.filter(user=learner).count() == CHECKOUT_STARTS_MAX
