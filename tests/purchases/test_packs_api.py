"""GET /api/v1/credit-packs and POST /api/v1/credit-packs/{slug}/checkout, with a session token or a cookie."""

from __future__ import annotations

import pytest
from django.utils import timezone

from purchases.models import CreditPack, Purchase
from tests.app_sessions import session_token
from tests.factories import CreditPackFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def packs(db):
    CreditPack.objects.all().delete()  # the data migration's packs, when the database still has them
    return [
        CreditPackFactory(slug="scholar", credits=600, price=1999, order=3),
        CreditPackFactory(slug="starter", credits=100, price=499, order=1),
        CreditPackFactory(slug="gone", credits=50, price=199, active=False),
    ]


@pytest.fixture
def token(client, learner):
    return session_token(client, learner)


def checkout(client, token, slug="starter", **headers):
    return client.post(f"/api/v1/credit-packs/{slug}/checkout", headers={"X-Session-Token": token, **headers})


def test_anyone_can_list_the_packs_on_sale_in_order(client, packs):
    response = client.get("/api/v1/credit-packs")
    assert response.status_code == 200
    assert response.json() == [
        {"slug": "starter", "credits": 100, "price": 499, "currency": "eur"},
        {"slug": "scholar", "credits": 600, "price": 1999, "currency": "eur"},
    ]


@pytest.mark.usefixtures("stripe_settings")
def test_checkout_answers_the_stripe_checkout_url_and_session(client, token, packs, fake_stripe):
    response = checkout(client, token)

    assert response.status_code == 200
    purchase = Purchase.objects.get()
    assert response.json() == {
        "checkout_url": f"{fake_stripe.base_url}/_test/pay/{purchase.checkout_session_id}",
        "session_id": purchase.checkout_session_id,
    }
    assert fake_stripe.session(purchase.checkout_session_id)["amount_total"] == 499


@pytest.mark.usefixtures("stripe_settings")
def test_the_same_idempotency_key_answers_the_same_session(client, token, packs):
    first = checkout(client, token, **{"Idempotency-Key": "7b0c"})
    again = checkout(client, token, **{"Idempotency-Key": "7b0c"})
    other_pack = checkout(client, token, slug=packs[0].slug)
    assert first.json() == again.json()
    assert other_pack.json()["session_id"] != first.json()["session_id"]
    assert Purchase.objects.count() == 2


@pytest.mark.usefixtures("stripe_settings")
def test_a_new_key_while_a_checkout_of_the_same_pack_is_open_answers_that_session(client, token, packs):
    from datetime import timedelta

    first = checkout(client, token, **{"Idempotency-Key": "one"})
    again = checkout(client, token, **{"Idempotency-Key": "two"})
    assert again.json() == first.json()
    assert Purchase.objects.count() == 1
    # Stripe keeps a session open 30 minutes at least: an older one is not offered again.
    Purchase.objects.update(created_at=timezone.now() - timedelta(minutes=31))
    later = checkout(client, token, **{"Idempotency-Key": "three"})
    assert later.json()["session_id"] != first.json()["session_id"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("stripe_settings")
def test_forty_checkouts_at_once_open_one_purchase_and_one_session(token, packs, fake_stripe):
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection
    from django.test import Client

    def one(index):
        try:
            return checkout(Client(), token, **{"Idempotency-Key": f"k{index}"}).json()["session_id"]
        finally:
            connection.close()

    with ThreadPoolExecutor(8) as pool:
        sessions = set(pool.map(one, range(40)))
    assert len(sessions) == 1
    assert Purchase.objects.count() == 1


@pytest.mark.usefixtures("stripe_settings")
def test_new_checkouts_beyond_the_limit_answer_429_with_retry_after(client, token, packs, time_machine):
    from purchases.services.purchases import CHECKOUT_STARTS_MAX

    time_machine.move_to("2026-03-10 12:00:00+00:00", tick=False)
    for index in range(CHECKOUT_STARTS_MAX):
        # Each one abandoned (expired) so the next is not a reuse of an open one.
        assert checkout(client, token, **{"Idempotency-Key": f"k{index}"}).status_code == 200
        Purchase.objects.filter(status="created").update(status="expired")
        time_machine.shift(60)
    refused = checkout(client, token, **{"Idempotency-Key": "one-more"})
    assert refused.status_code == 429
    assert refused.json()["detail"].startswith("You started several purchases")
    assert refused["Retry-After"] == str(5 * 60)
    time_machine.shift(5 * 60)
    assert checkout(client, token, **{"Idempotency-Key": "one-more"}).status_code == 200


@pytest.mark.usefixtures("stripe_settings")
def test_a_browser_session_can_check_out_too(client, learner, packs):
    client.force_login(learner)
    assert client.post("/api/v1/credit-packs/starter/checkout").status_code == 200


@pytest.mark.usefixtures("stripe_settings")
def test_anonymous_callers_get_401(client, packs):
    response = client.post("/api/v1/credit-packs/starter/checkout")
    assert response.status_code == 401
    assert not Purchase.objects.exists()


@pytest.mark.usefixtures("stripe_settings")
@pytest.mark.parametrize("slug", ["nope", "gone"])
def test_an_unknown_or_retired_pack_is_404(client, token, packs, slug):
    response = checkout(client, token, slug=slug)
    assert response.status_code == 404
    assert response.json() == {"detail": f"No credit pack “{slug}” is on sale."}


def test_without_stripe_configured_checkout_answers_503_and_records_nothing(client, token, packs, settings):
    settings.STRIPE_SECRET_KEY = ""
    response = checkout(client, token)
    assert response.status_code == 503
    assert response.json() == {"detail": "Buying credits is not available right now."}
    assert not Purchase.objects.exists()


@pytest.mark.usefixtures("stripe_settings")
def test_when_stripe_cannot_be_reached_checkout_answers_502(client, token, packs, settings):
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"
    response = checkout(client, token)
    assert response.status_code == 502
    assert response.json()["detail"].startswith("Could not reach Stripe")


@pytest.mark.usefixtures("stripe_settings")
def test_an_overlong_idempotency_key_is_400(client, token, packs):
    response = checkout(client, token, **{"Idempotency-Key": "k" * 161})
    assert response.status_code == 400


def test_the_schema_documents_both_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "get" in paths["/api/v1/credit-packs"]
    assert "post" in paths["/api/v1/credit-packs/{slug}/checkout"]


@pytest.mark.usefixtures("stripe_settings")
def test_an_idempotency_key_reused_for_another_pack_is_409(client, token, packs):
    assert checkout(client, token, slug="starter", **{"Idempotency-Key": "k1"}).status_code == 200
    response = checkout(client, token, slug="scholar", **{"Idempotency-Key": "k1"})
    assert response.status_code == 409
    assert Purchase.objects.count() == 1
