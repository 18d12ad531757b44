"""The Stripe gateway against a real Stripe-compatible server on loopback (localstripe plus our Checkout routes)."""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from purchases import stripe_gateway as gateway
from tests.stripe_fake.server import FakeStripeError
from tests.stripe_fake.signing import stripe_signature

pytestmark = pytest.mark.usefixtures("stripe_settings")

SUCCESS_URL = "https://learn.example/credits/packs/success/?session_id={CHECKOUT_SESSION_ID}"
CANCEL_URL = "https://learn.example/credits/packs/"


def create_session(**overrides):
    arguments = {
        "line_name": "⚡100 credit pack",
        "amount": 499,
        "currency": "eur",
        "quantity": 1,
        "client_reference_id": "user:7",
        "metadata": {"user_id": "7", "pack": "starter-100"},
        "customer_email": "ada@example.com",
        "success_url": SUCCESS_URL,
        "cancel_url": CANCEL_URL,
        "idempotency_key": "purchase:1:checkout",
    }
    arguments.update(overrides)
    return gateway.checkout_session_create(**arguments)


def event_body(event_type="checkout.session.completed", **data_object):
    return json.dumps(
        {
            "id": "evt_test_1",
            "object": "event",
            "type": event_type,
            "created": int(time.time()),
            "livemode": False,
            "data": {"object": {"object": "checkout.session", "id": "cs_test_1", **data_object}},
        },
        indent=2,
    ).encode()


@contextmanager
def webhook_listener() -> Iterator[tuple[str, list[tuple[bytes, str | None]]]]:
    """A bare HTTP endpoint that records what the fake posts to it, byte for byte."""
    received: list[tuple[bytes, str | None]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((body, self.headers.get("Stripe-Signature")))
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/stripe/webhook", received
    finally:
        server.shutdown()
        server.server_close()


# Creating and retrieving Checkout Sessions


def test_created_session_round_trips_amount_metadata_and_reference_and_has_a_hosted_url(fake_stripe):
    session = create_session(amount=499, quantity=2)

    assert session.id.startswith("cs_test_")
    assert session.url == f"{fake_stripe.base_url}/_test/pay/{session.id}"
    assert session.amount_total == 998
    assert session.currency == "eur"
    assert session.client_reference_id == "user:7"
    assert session.metadata == {"user_id": "7", "pack": "starter-100"}
    assert (session.status, session.payment_status, session.payment_intent) == ("open", "unpaid", None)


def test_same_idempotency_key_returns_the_same_session_and_a_new_key_a_new_one():
    first = create_session(idempotency_key="purchase:42:checkout")
    again = create_session(idempotency_key="purchase:42:checkout")
    other = create_session(idempotency_key="purchase:43:checkout")

    assert again == first
    assert other.id != first.id


def test_reusing_an_idempotency_key_with_other_parameters_is_a_gateway_error():
    create_session(idempotency_key="purchase:42:checkout", amount=499)

    with pytest.raises(gateway.StripeGatewayError, match="idempotency key"):
        create_session(idempotency_key="purchase:42:checkout", amount=999)


def test_retrieve_after_payment_shows_paid_and_a_payment_intent(fake_stripe):
    session = create_session()
    fake_stripe.complete(session.id, paid=True)

    paid = gateway.checkout_session_retrieve(session.id)

    assert (paid.status, paid.payment_status) == ("complete", "paid")
    assert paid.payment_intent is not None
    assert paid.payment_intent.startswith("pi_")
    assert paid.url is None
    assert paid.metadata == session.metadata


def test_unpaid_completion_stays_unpaid_until_the_async_payment_succeeds(fake_stripe):
    session = create_session()
    fake_stripe.complete(session.id, paid=False)

    waiting = gateway.checkout_session_retrieve(session.id)
    fake_stripe.async_payment_succeeded(session.id)
    settled = gateway.checkout_session_retrieve(session.id)

    assert (waiting.status, waiting.payment_status) == ("complete", "unpaid")
    assert settled.payment_status == "paid"
    assert [e.type for e in fake_stripe.events_posted] == [
        "checkout.session.completed",
        "checkout.session.async_payment_succeeded",
    ]


# Verifying webhooks


def test_gateway_accepts_the_signed_body_the_fake_delivered_to_an_endpoint(fake_stripe):
    session = create_session()
    with webhook_listener() as (url, received):
        fake_stripe.webhook_url = url
        fake_stripe.complete(session.id)

    [(payload, signature)] = received
    event = gateway.webhook_event_construct(payload=payload, signature_header=signature)

    assert event.type == "checkout.session.completed"
    assert event.id.startswith("evt_")
    assert event.data_object["id"] == session.id
    assert event.data_object["payment_status"] == "paid"
    assert event.data_object["metadata"] == {"user_id": "7", "pack": "starter-100"}
    assert type(event.data_object) is dict
    assert type(event.data_object["metadata"]) is dict
    assert fake_stripe.events_posted[0].status == 200


def test_events_from_the_fake_are_shaped_like_stripe_events(fake_stripe):
    session = create_session()

    event = fake_stripe.complete(session.id)

    assert event["object"] == "event"
    assert event["id"].startswith("evt_")
    assert event["livemode"] is False
    assert event["api_version"]
    assert isinstance(event["created"], int)
    assert event["data"]["object"]["object"] == "checkout.session"


def test_gateway_accepts_a_body_signed_with_the_test_signing_helper():
    payload = event_body(payment_status="paid")

    event = gateway.webhook_event_construct(
        payload=payload, signature_header=stripe_signature(payload, "whsec_test_local")
    )

    assert (event.id, event.type, event.data_object["payment_status"]) == (
        "evt_test_1",
        "checkout.session.completed",
        "paid",
    )


def test_body_signed_with_another_secret_is_rejected():
    payload = event_body()

    with pytest.raises(gateway.InvalidWebhook):
        gateway.webhook_event_construct(payload=payload, signature_header=stripe_signature(payload, "whsec_forged"))


def test_missing_signature_header_is_rejected():
    with pytest.raises(gateway.InvalidWebhook, match="missing"):
        gateway.webhook_event_construct(payload=event_body(), signature_header="")


def test_garbage_signature_header_is_rejected():
    with pytest.raises(gateway.InvalidWebhook):
        gateway.webhook_event_construct(payload=event_body(), signature_header="not-a-signature")


def test_signature_older_than_five_minutes_is_rejected_and_younger_is_accepted():
    payload = event_body()
    now = int(time.time())

    with pytest.raises(gateway.InvalidWebhook, match="tolerance"):
        gateway.webhook_event_construct(
            payload=payload, signature_header=stripe_signature(payload, "whsec_test_local", timestamp=now - 301)
        )
    recent = gateway.webhook_event_construct(
        payload=payload, signature_header=stripe_signature(payload, "whsec_test_local", timestamp=now - 240)
    )
    assert recent.id == "evt_test_1"


def test_body_reformatted_after_signing_is_rejected(fake_stripe):
    session = create_session()
    fake_stripe.complete(session.id)
    posted = fake_stripe.events_posted[-1]
    reserialised = json.dumps(json.loads(posted.payload)).encode()

    assert json.loads(reserialised) == json.loads(posted.payload)
    with pytest.raises(gateway.InvalidWebhook):
        gateway.webhook_event_construct(payload=reserialised, signature_header=posted.signature)
    assert gateway.webhook_event_construct(payload=posted.payload, signature_header=posted.signature).id == posted.id


@pytest.mark.parametrize("payload", [b"{not json", b"\xff\xfe", b"[1, 2]", b'{"id": "evt_1", "type": "x"}'])
def test_signed_body_that_is_not_a_stripe_event_is_rejected(payload):
    with pytest.raises(gateway.InvalidWebhook):
        gateway.webhook_event_construct(payload=payload, signature_header=stripe_signature(payload, "whsec_test_local"))


def test_webhook_without_a_configured_secret_is_refused_as_not_configured(settings):
    settings.STRIPE_WEBHOOK_SECRET = ""
    payload = event_body()

    with pytest.raises(gateway.StripeNotConfigured):
        gateway.webhook_event_construct(payload=payload, signature_header=stripe_signature(payload, ""))


# Errors and configuration


def test_stripe_validation_error_becomes_a_gateway_error_with_its_message():
    with pytest.raises(gateway.StripeGatewayError, match="greater than or equal to 0") as caught:
        create_session(amount=-5)

    assert caught.value.http_status == 400
    assert "Traceback" not in str(caught.value)


def test_unknown_session_becomes_a_gateway_error_with_status_404():
    with pytest.raises(gateway.StripeGatewayError, match=r"No such checkout\.session") as caught:
        gateway.checkout_session_retrieve("cs_test_does_not_exist")

    assert (caught.value.http_status, caught.value.code) == (404, "resource_missing")


def test_rejected_api_key_becomes_a_gateway_error_naming_the_setting(settings):
    settings.STRIPE_SECRET_KEY = "pk_test_publishable_is_not_secret"

    with pytest.raises(gateway.StripeGatewayError, match="STRIPE_SECRET_KEY") as caught:
        create_session()

    assert caught.value.http_status == 401
    assert "pk_test_publishable_is_not_secret" not in str(caught.value)


def test_unreachable_stripe_becomes_a_gateway_error_after_retries(settings):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    settings.STRIPE_API_BASE = f"http://127.0.0.1:{closed_port}"

    with pytest.raises(gateway.StripeGatewayError, match="Could not reach Stripe"):
        gateway.checkout_session_retrieve("cs_test_anything")


def test_is_configured_follows_the_secret_key(settings):
    assert gateway.is_configured() is True

    settings.STRIPE_SECRET_KEY = ""

    assert gateway.is_configured() is False
    with pytest.raises(gateway.StripeNotConfigured):
        create_session()


# The fake's own test controls, which later tests lean on


def test_pay_page_pays_the_session_and_redirects_to_success_url_with_the_session_id(fake_stripe):
    session = create_session()
    page_url = urllib.parse.urlsplit(session.url)
    connection = http.client.HTTPConnection(page_url.hostname, page_url.port, timeout=10)

    connection.request("GET", page_url.path)
    page = connection.getresponse().read().decode()
    connection.request("POST", page_url.path, body=b"", headers={"Content-Type": "application/x-www-form-urlencoded"})
    response = connection.getresponse()
    response.read()
    connection.close()

    assert "Pay" in page
    assert "4.99 EUR" in page
    assert response.status == 303
    assert response.getheader("Location") == SUCCESS_URL.replace("{CHECKOUT_SESSION_ID}", session.id)
    assert gateway.checkout_session_retrieve(session.id).payment_status == "paid"
    assert [e.type for e in fake_stripe.events_posted] == ["checkout.session.completed"]


def test_refund_posts_charge_refunded_with_the_refunded_share(fake_stripe):
    session = create_session(amount=1000)
    fake_stripe.complete(session.id)
    charge_id = fake_stripe.charge_id(session.id)

    first = fake_stripe.refund(charge_id, amount=400)
    second = fake_stripe.refund(charge_id)

    assert first["type"] == "charge.refunded"
    assert first["data"]["object"]["amount_refunded"] == 400
    assert first["data"]["object"]["refunded"] is False
    assert first["data"]["object"]["payment_intent"] == gateway.checkout_session_retrieve(session.id).payment_intent
    assert (second["data"]["object"]["amount_refunded"], second["data"]["object"]["refunded"]) == (1000, True)
    with pytest.raises(FakeStripeError, match="already been refunded"):
        fake_stripe.refund(charge_id, amount=1)


def test_refund_larger_than_what_is_left_is_refused(fake_stripe):
    session = create_session(amount=1000)
    fake_stripe.complete(session.id)

    with pytest.raises(FakeStripeError, match="greater than unrefunded amount"):
        fake_stripe.refund(fake_stripe.charge_id(session.id), amount=1001)


def test_dispute_posts_charge_dispute_created_for_the_charge(fake_stripe):
    session = create_session(amount=1000)
    fake_stripe.complete(session.id)
    charge_id = fake_stripe.charge_id(session.id)

    opened = fake_stripe.dispute(charge_id)
    closed = fake_stripe.close_dispute(opened["data"]["object"]["id"], status="lost")

    assert opened["type"] == "charge.dispute.created"
    assert (opened["data"]["object"]["charge"], opened["data"]["object"]["amount"]) == (charge_id, 1000)
    assert (closed["type"], closed["data"]["object"]["status"]) == ("charge.dispute.closed", "lost")


def test_a_session_cannot_be_completed_twice(fake_stripe):
    session = create_session()
    fake_stripe.complete(session.id)

    with pytest.raises(FakeStripeError, match="only an open session"):
        fake_stripe.complete(session.id)
    assert len(fake_stripe.events_posted) == 1
