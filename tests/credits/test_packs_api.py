"""GET /api/v1/credit-packs and POST /api/v1/credit-packs/{slug}/checkout, with a session token or a cookie."""

from __future__ import annotations

import pytest

from credits.models import CreditPack, Purchase
from tests.credits.test_api import session_token
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
    other = checkout(client, token)
    assert first.json() == again.json()
    assert other.json()["session_id"] != first.json()["session_id"]
    assert Purchase.objects.count() == 2


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
