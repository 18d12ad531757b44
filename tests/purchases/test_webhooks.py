"""POST /stripe/webhook with events signed by the local Stripe: verified, stored once, credited once however often and
in whatever order they come; anything not signed exactly as Stripe signs is refused and writes nothing."""

from __future__ import annotations

import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import OperationalError, connection
from django.test import Client

from credits.models import LedgerEntry
from credits.selectors import ledger_audit
from purchases.models import Purchase, PurchaseStatus, StripeEvent
from purchases.services.purchases import purchase_check_with_stripe
from tests.factories import CreditPackFactory, UserFactory
from tests.purchases.purchase_support import (
    WEBHOOK_URL,
    balance,
    deliver,
    event_payload,
    post_signed,
    posted,
    purchase_entries,
    start,
)
from tests.stripe_fake.signing import stripe_signature

pytestmark = pytest.mark.usefixtures("stripe_settings")


@pytest.fixture
def pack(db):
    return CreditPackFactory(slug="starter-test", name="Starter pack", credits=100, price=499)


@pytest.fixture
def paid(learner, pack, fake_stripe):
    """A purchase paid on the local Stripe, whose checkout.session.completed has been signed but not delivered."""
    purchase = start(learner, pack)
    fake_stripe.complete(purchase.checkout_session_id, paid=True)
    return purchase


def nothing_written(learner) -> bool:
    return not StripeEvent.objects.exists() and purchase_entries(learner) == [] and balance(learner) == 60


# --- Verification ------------------------------------------------------------------------------------------------


def reserialised(payload: bytes) -> bytes:
    return json.dumps(json.loads(payload), separators=(",", ":")).encode()


def tampered(payload: bytes) -> bytes:
    body = json.loads(payload)
    body["data"]["object"]["amount_total"] = 99999
    return json.dumps(body, indent=2).encode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "forge",
    [
        pytest.param(lambda event: (event.payload, stripe_signature(event.payload, "whsec_wrong")), id="forged"),
        pytest.param(lambda event: (event.payload, None), id="unsigned"),
        pytest.param(
            lambda event: (event.payload, stripe_signature(event.payload, "whsec_test_local", int(time.time()) - 301)),
            id="stale",
        ),
        pytest.param(lambda event: (reserialised(event.payload), event.signature), id="re-serialised"),
        pytest.param(lambda event: (tampered(event.payload), event.signature), id="tampered"),
        pytest.param(lambda event: (event.payload, "t=1,v1=" + "0" * 64), id="made-up-signature"),
    ],
)
def test_a_body_not_signed_exactly_as_stripe_signs_answers_400_and_writes_nothing(client, learner, paid, fake_stripe,
                                                                                   forge):  # fmt: skip
    payload, signature = forge(posted(fake_stripe, "checkout.session.completed"))
    headers = {"Stripe-Signature": signature} if signature else {}

    response = client.post(WEBHOOK_URL, data=payload, content_type="application/json", headers=headers)

    assert response.status_code == 400
    assert "detail" in response.json()
    assert nothing_written(learner)
    assert Purchase.objects.get().status == PurchaseStatus.CREATED


@pytest.mark.django_db
def test_the_signed_event_is_stored_once_with_what_its_handler_did(client, learner, paid, fake_stripe):
    response = deliver(client, posted(fake_stripe, "checkout.session.completed"))

    assert response.status_code == 200
    stored = StripeEvent.objects.get()
    assert response.json() == {
        "id": stored.event_id,
        "status": "processed",
        "duplicate": False,
        "outcome": stored.outcome,
    }
    assert stored.outcome.startswith("credited ⚡100 (entry #")
    assert (stored.type, stored.purchase, stored.payment_intent) == (
        "checkout.session.completed",
        paid,
        Purchase.objects.get().payment_intent,
    )
    assert balance(learner) == 160


@pytest.mark.django_db
def test_a_repeat_is_answered_200_as_a_duplicate_and_moves_nothing(client, learner, paid, fake_stripe):
    event = posted(fake_stripe, "checkout.session.completed")
    deliver(client, event)
    again = deliver(client, event)
    assert (again.status_code, again.json()["duplicate"], again.json()["status"]) == (200, True, "processed")
    assert purchase_entries(learner) == [("purchase", 100)]


@pytest.mark.django_db
def test_an_unknown_event_type_is_stored_as_ignored_and_answered_200(client):
    payload = event_payload("customer.created", {"object": "customer", "id": "cus_1"}, event_id="evt_unknown")
    response = post_signed(client, payload)
    assert response.status_code == 200
    stored = StripeEvent.objects.get()
    assert (stored.status, stored.outcome) == ("ignored", "ignored: no handler for customer.created")


@pytest.mark.django_db
def test_a_session_that_is_not_ours_is_ignored(client, learner):
    session = {"object": "checkout.session", "id": "cs_test_elsewhere", "status": "complete", "payment_status": "paid"}
    response = post_signed(client, event_payload("checkout.session.completed", session))
    assert response.status_code == 200
    assert StripeEvent.objects.get().outcome == "ignored: no purchase for checkout session cs_test_elsewhere"
    assert not LedgerEntry.objects.exclude(kind=LedgerEntry.Kind.SIGNUP_BONUS).exists()


@pytest.mark.django_db
def test_without_a_webhook_secret_the_endpoint_answers_503(client, settings):
    settings.STRIPE_WEBHOOK_SECRET = ""
    response = post_signed(client, event_payload("customer.created", {"id": "cus_1"}))
    assert response.status_code == 503
    assert not StripeEvent.objects.exists()


@pytest.mark.django_db
def test_the_webhook_only_takes_posts(client):
    assert client.get(WEBHOOK_URL).status_code == 405


def deliver_while_the_handler_raises(client, fake_stripe, monkeypatch, error: Exception):
    """Deliver a paid checkout's completion once while its handler raises `error`: the event and the answer."""
    from purchases import webhooks

    def broken(event):
        raise error

    event = posted(fake_stripe, "checkout.session.completed")
    with monkeypatch.context() as patch:
        patch.setitem(webhooks.HANDLERS, "checkout.session.completed", broken)
        return event, deliver(client, event)


@pytest.mark.django_db
def test_a_handler_that_meets_a_database_error_answers_500_records_why_and_the_next_delivery_runs_it_again(
    client, learner, paid, fake_stripe, monkeypatch
):
    event, failed = deliver_while_the_handler_raises(
        client, fake_stripe, monkeypatch, OperationalError("the database went away")
    )
    assert failed.status_code == 500
    stored = StripeEvent.objects.get()
    assert (stored.status, stored.outcome) == ("failed", "failed: OperationalError: the database went away")
    assert purchase_entries(learner) == []

    retried = deliver(client, event)
    assert (retried.status_code, retried.json()["status"]) == (200, "processed")
    assert purchase_entries(learner) == [("purchase", 100)]


@pytest.mark.django_db
def test_a_handler_that_fails_for_good_is_recorded_failed_and_answered_200_so_stripe_stops_retrying(
    client, learner, paid, fake_stripe, monkeypatch
):
    _, answered = deliver_while_the_handler_raises(client, fake_stripe, monkeypatch, RuntimeError("a bug"))
    assert (answered.status_code, answered.json()["status"]) == (200, "failed")
    stored = StripeEvent.objects.get()
    assert (stored.status, stored.outcome) == ("failed", "failed: RuntimeError: a bug")
    assert purchase_entries(learner) == []


def _odd(**changes):
    body = json.loads(event_payload("charge.refunded", {"id": "ch_1", "object": "charge", "payment_intent": "pi_1"}))
    for path, value in changes.items():
        target = body
        *parents, leaf = path.split("__")
        for parent in parents:
            target = target[parent]
        target[leaf] = value
    return json.dumps(body).encode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (_odd(data__object__description="a\u0000b"), "NUL"),
        (_odd(id="evt_" + "x" * 300), "id"),
        (_odd(type="charge." + "x" * 100), "type"),
        (_odd(created=99_999_999_999), "created"),
        (_odd(created=-5), "created"),
        (_odd(data__object__payment_intent="pi_" + "x" * 300), "payment_intent"),
        (_odd(data__object__description="\ud800"), "surrogate"),
    ],
    ids=["nul", "long-id", "long-type", "far-future", "negative-created", "long-payment-intent", "lone-surrogate"],
)
def test_a_signed_event_the_database_cannot_store_is_a_400_with_the_reason_logged(client, payload, reason, caplog):
    response = post_signed(client, payload)
    assert response.status_code == 400, response.content
    assert reason in response.json()["detail"]
    assert any(reason in record.getMessage() for record in caplog.records)
    assert not StripeEvent.objects.exists()


@pytest.mark.django_db
def test_a_signed_event_with_lists_inside_lists_is_stored(client):
    payload = _odd(data__object__metadata={}, data__object__nested=[[1, 2], ["a", {"b": [[3]]}]])
    response = post_signed(client, payload)
    assert response.status_code == 200, response.content
    assert StripeEvent.objects.get().data_object["nested"] == [[1, 2], ["a", {"b": [[3]]}]]


# --- Delayed payments ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_unpaid_session_credits_nothing_until_its_async_payment_succeeds(client, learner, pack, fake_stripe):
    purchase = start(learner, pack)
    fake_stripe.complete(purchase.checkout_session_id, paid=False)
    assert deliver(client, posted(fake_stripe, "checkout.session.completed")).status_code == 200
    purchase.refresh_from_db()
    assert (purchase.status, balance(learner)) == (PurchaseStatus.PENDING, 60)

    fake_stripe.async_payment_succeeded(purchase.checkout_session_id)
    deliver(client, posted(fake_stripe, "checkout.session.async_payment_succeeded"))
    purchase.refresh_from_db()
    assert (purchase.status, balance(learner)) == (PurchaseStatus.CREDITED, 160)


@pytest.mark.django_db
def test_a_failed_async_payment_credits_nothing(client, learner, pack, fake_stripe):
    purchase = start(learner, pack)
    fake_stripe.complete(purchase.checkout_session_id, paid=False)
    fake_stripe.async_payment_failed(purchase.checkout_session_id)
    for event in fake_stripe.events_posted:
        deliver(client, event)
    purchase.refresh_from_db()
    assert (purchase.status, purchase_entries(learner)) == (PurchaseStatus.FAILED, [])


@pytest.mark.django_db
def test_a_checkout_left_unpaid_until_it_expires_is_marked_expired(client, learner, pack, fake_stripe):
    purchase = start(learner, pack)
    fake_stripe.expire(purchase.checkout_session_id)
    deliver(client, posted(fake_stripe, "checkout.session.expired"))
    purchase.refresh_from_db()
    assert (purchase.status, purchase_entries(learner)) == (PurchaseStatus.EXPIRED, [])


# --- Out of order ------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_refund_that_arrives_before_the_completion_is_applied_once_the_pack_is_credited(
    client, learner, paid, fake_stripe
):
    fake_stripe.refund(fake_stripe.charge_id(paid.checkout_session_id))
    refunded = deliver(client, posted(fake_stripe, "charge.refunded"))
    assert refunded.json()["status"] == "deferred"
    assert balance(learner) == 60

    deliver(client, posted(fake_stripe, "checkout.session.completed"))

    paid.refresh_from_db()
    assert (paid.status, balance(learner)) == (PurchaseStatus.REFUNDED, 60)
    assert purchase_entries(learner) == [("purchase", 100), ("clawback", -100)]
    late = StripeEvent.objects.get(type="charge.refunded")
    assert (late.status, late.purchase) == ("processed", paid)
    assert late.outcome.endswith("(applied late: it arrived before the purchase was credited)")
    # Delivering the refund again now changes nothing.
    deliver(client, posted(fake_stripe, "charge.refunded"))
    assert balance(learner) == 60


@pytest.mark.django_db
def test_async_payment_succeeded_before_completed_credits_once(client, learner, pack, fake_stripe):
    purchase = start(learner, pack)
    fake_stripe.complete(purchase.checkout_session_id, paid=False)
    fake_stripe.async_payment_succeeded(purchase.checkout_session_id)

    deliver(client, posted(fake_stripe, "checkout.session.async_payment_succeeded"))
    deliver(client, posted(fake_stripe, "checkout.session.completed"))  # says "unpaid": older news

    purchase.refresh_from_db()
    assert (purchase.status, balance(learner)) == (PurchaseStatus.CREDITED, 160)
    assert StripeEvent.objects.get(type="checkout.session.completed").outcome.startswith("already credited")


@pytest.mark.django_db
@pytest.mark.parametrize(("closed_as", "final_balance"), [("won", 160), ("lost", 60)])
def test_dispute_events_in_reverse_order_and_before_the_completion_end_in_the_right_balance(
    client, learner, paid, fake_stripe, closed_as, final_balance
):
    charge = fake_stripe.charge_id(paid.checkout_session_id)
    dispute_id = fake_stripe.dispute(charge)["data"]["object"]["id"]
    fake_stripe.close_dispute(dispute_id, status=closed_as)

    for event_type in ("charge.dispute.closed", "charge.dispute.created", "checkout.session.completed"):
        assert deliver(client, posted(fake_stripe, event_type)).status_code == 200

    paid.refresh_from_db()
    assert (paid.dispute_status, balance(learner)) == (closed_as, final_balance)
    assert StripeEvent.objects.filter(status="deferred").count() == 0
    assert ledger_audit() == []


# --- Many deliveries at once ---------------------------------------------------------------------------------------


def run_together(threads: int, work) -> list:
    barrier = threading.Barrier(threads, timeout=60)

    def one(index: int):
        try:
            barrier.wait()
            return work(index)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=threads) as pool:
        return list(pool.map(one, range(threads)))


@pytest.mark.django_db(transaction=True)
def test_one_event_delivered_25_times_20_of_them_at_once_credits_once(learner, paid, fake_stripe):
    event = posted(fake_stripe, "checkout.session.completed")

    def answer(client) -> tuple[int, bool]:
        response = deliver(client, event)
        return response.status_code, response.json()["duplicate"]

    answers = [answer(Client()) for _ in range(5)]

    def twice(index: int) -> list[tuple[int, bool]]:
        client = Client()  # one client (and, in its thread, one database connection) per thread
        return [answer(client) for _ in range(2)]

    answers += [pair for pairs in run_together(10, twice) for pair in pairs]

    assert answers == [(200, False)] + [(200, True)] * 24
    assert StripeEvent.objects.count() == 1
    assert purchase_entries(learner) == [("purchase", 100)]
    assert balance(learner) == 160
    assert ledger_audit() == []


@pytest.mark.django_db(transaction=True)
def test_the_first_delivery_of_an_event_may_be_one_of_twenty_at_once(learner, paid, fake_stripe):
    event = posted(fake_stripe, "checkout.session.completed")

    def twice(index: int) -> list[tuple[int, bool]]:
        client = Client()
        return [(r.status_code, r.json()["duplicate"]) for r in (deliver(client, event), deliver(client, event))]

    answers = sorted(pair for pairs in run_together(10, twice) for pair in pairs)

    assert answers == [(200, False)] + [(200, True)] * 19
    assert purchase_entries(learner) == [("purchase", 100)]


@pytest.mark.django_db(transaction=True)
def test_the_webhook_and_the_success_page_check_at_the_same_moment_credit_once(learner, paid, fake_stripe):
    event = posted(fake_stripe, "checkout.session.completed")

    def either(index: int) -> str:
        if index % 2:
            return str(deliver(Client(), event).status_code)
        return purchase_check_with_stripe(purchase=Purchase.objects.get(pk=paid.pk)).outcome

    outcomes = run_together(8, either)

    assert outcomes.count("200") == 4
    assert purchase_entries(learner) == [("purchase", 100)]
    assert ledger_audit() == []


# --- Through real HTTP: the local Stripe posts to a live server ----------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_local_stripe_delivers_payment_refund_and_dispute_to_the_running_app(live_server, fake_stripe, settings):
    settings.SITE_URL = live_server.url
    fake_stripe.set_webhook(live_server.url + WEBHOOK_URL)
    learner = UserFactory(signup_bonus=True)
    purchase = start(learner, CreditPackFactory(credits=100, price=500))

    fake_stripe.complete(purchase.checkout_session_id, paid=True)
    assert balance(learner) == 160
    charge = fake_stripe.charge_id(purchase.checkout_session_id)
    fake_stripe.refund(charge, amount=100)  # a fifth of the price: ⚡20
    assert balance(learner) == 140
    dispute_id = fake_stripe.dispute(charge)["data"]["object"]["id"]
    assert balance(learner) == 60  # the other ⚡80
    fake_stripe.close_dispute(dispute_id, status="won")

    assert [(event.type, event.status) for event in fake_stripe.events_posted] == [
        ("checkout.session.completed", 200),
        ("charge.refunded", 200),
        ("charge.dispute.created", 200),
        ("charge.dispute.closed", 200),
    ]
    purchase.refresh_from_db()
    assert (purchase.status, purchase.credits_refunded, balance(learner)) == ("partly_refunded", 20, 140)
    assert ledger_audit() == []
