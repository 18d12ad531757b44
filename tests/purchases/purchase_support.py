"""Helpers for the purchase tests: packs, purchases started through the service, and webhook deliveries signed the way
Stripe signs them (or replayed byte for byte from what the local Stripe posted)."""

from __future__ import annotations

import json
import time
from typing import Any

from credits.models import LedgerEntry
from credits.selectors import wallet_summary
from purchases.models import Purchase
from purchases.services.purchases import purchase_checkout_start
from tests.stripe_fake.plugin import STRIPE_TEST_WEBHOOK_SECRET
from tests.stripe_fake.server import PostedEvent
from tests.stripe_fake.signing import stripe_signature

WEBHOOK_URL = "/stripe/webhook"


def start(user, pack, key: str = "buy-1") -> Purchase:
    """A purchase started through the service against the local Stripe (an open Checkout Session)."""
    purchase, _url = purchase_checkout_start(user=user, pack=pack, idempotency_key=key)
    return purchase


def deliver(client, event: PostedEvent) -> Any:
    """Deliver an event the local Stripe signed, byte for byte, through the Django test client."""
    return client.post(
        WEBHOOK_URL, data=event.payload, content_type="application/json", headers={"Stripe-Signature": event.signature}
    )


def post_signed(client, payload: bytes, *, secret: str = STRIPE_TEST_WEBHOOK_SECRET, timestamp: int | None = None):
    return client.post(
        WEBHOOK_URL,
        data=payload,
        content_type="application/json",
        headers={"Stripe-Signature": stripe_signature(payload, secret, timestamp)},
    )


def event_payload(event_type: str, data_object: dict[str, Any], *, event_id: str = "evt_test_made_up") -> bytes:
    """A Stripe-shaped event body, pretty-printed as Stripe sends it."""
    body = {
        "id": event_id,
        "object": "event",
        "api_version": "2017-08-15",
        "created": int(time.time()),
        "livemode": False,
        "type": event_type,
        "data": {"object": data_object},
    }
    return json.dumps(body, indent=2).encode()


def posted(fake_stripe, event_type: str) -> PostedEvent:
    """The one event of this type the local Stripe has signed so far."""
    matches = [event for event in fake_stripe.events_posted if event.type == event_type]
    assert len(matches) == 1, [event.type for event in fake_stripe.events_posted]
    return matches[0]


def purchase_entries(user) -> list[tuple[str, int]]:
    """(kind, amount) of the user's ledger entries other than the signup bonus, oldest first."""
    return list(
        LedgerEntry.objects.filter(wallet__user=user)
        .exclude(kind=LedgerEntry.Kind.SIGNUP_BONUS)
        .order_by("id")
        .values_list("kind", "amount")
    )


def balance(user) -> int:
    return wallet_summary(user=user).balance
