"""The one door to Stripe: Checkout Sessions and webhook verification, returned as plain dataclasses.

Nothing else in the project imports `stripe`. Callers get our own exceptions and frozen dataclasses, never
stripe objects, so tests can point this module at a local Stripe-compatible server (STRIPE_API_BASE) and the rest of
the code never learns which Stripe it talked to.
"""

from __future__ import annotations

import functools
import json
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import stripe
from django.conf import settings

logger = logging.getLogger(__name__)

# Retries reuse the idempotency key, so a retried create can never make a second session.
MAX_NETWORK_RETRIES = 2


class StripeNotConfigured(Exception):  # noqa: N818 (the name is the contract other apps import)
    """STRIPE_SECRET_KEY (or, for webhooks, STRIPE_WEBHOOK_SECRET) is not set."""


class StripeGatewayError(Exception):
    """Stripe could not be reached or refused the request; the message is safe to log and to show to staff."""

    def __init__(self, message: str, *, http_status: int | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.http_status = http_status
        self.code = code


class InvalidWebhook(Exception):  # noqa: N818 (the name is the contract other apps import)
    """A webhook body whose signature, timestamp or shape does not check out; answer 400 and write nothing."""


@dataclass(frozen=True)
class CheckoutSession:
    id: str
    url: str | None
    status: str  # open | complete | expired
    payment_status: str  # paid | unpaid | no_payment_required
    client_reference_id: str | None
    metadata: dict[str, str]
    amount_total: int | None  # minor units (cents)
    currency: str | None
    payment_intent: str | None


@dataclass(frozen=True)
class WebhookEvent:
    id: str
    type: str
    created: int
    data_object: dict[str, Any]


def _setting(name: str) -> str:
    # Read at call time, not import time, so tests (and a reloaded environment) can change them.
    return str(getattr(settings, name, "") or "").strip()


def is_configured() -> bool:
    """Whether purchases can be offered at all: a secret key is set."""
    return bool(_setting("STRIPE_SECRET_KEY"))


@functools.lru_cache(maxsize=4)
def _client_for(api_key: str, api_base: str) -> stripe.StripeClient:
    # One client per (key, base) keeps its HTTP connection pool between calls.
    if api_base:
        return stripe.StripeClient(api_key, base_addresses={"api": api_base}, max_network_retries=MAX_NETWORK_RETRIES)
    return stripe.StripeClient(api_key, max_network_retries=MAX_NETWORK_RETRIES)


def _client() -> stripe.StripeClient:
    api_key = _setting("STRIPE_SECRET_KEY")
    if not api_key:
        raise StripeNotConfigured("Stripe is not configured: STRIPE_SECRET_KEY is empty.")
    return _client_for(api_key, _setting("STRIPE_API_BASE").rstrip("/"))


def _gateway_error(exc: stripe.StripeError, action: str) -> StripeGatewayError:
    """Turn a stripe exception into one sentence that says what failed, without a traceback or the API key."""
    if isinstance(exc, stripe.APIConnectionError):
        message = f"Could not reach Stripe to {action}; please try again in a moment."
    elif isinstance(exc, stripe.AuthenticationError):
        message = f"Stripe refused our API key while trying to {action} (check STRIPE_SECRET_KEY)."
    elif isinstance(exc, stripe.IdempotencyError):
        message = f"Stripe refused to {action}: the idempotency key was already used with different parameters."
    elif isinstance(exc, stripe.RateLimitError):
        message = f"Stripe is rate limiting us; could not {action}. Please try again in a moment."
    elif isinstance(exc, stripe.InvalidRequestError):
        message = f"Stripe rejected the request to {action}: {exc.user_message or 'invalid request'}"
    else:
        message = f"Stripe failed to {action} ({type(exc).__name__}: {exc.user_message or 'no message'})."
    logger.warning("stripe error while trying to %s: %r", action, exc)
    return StripeGatewayError(message, http_status=exc.http_status, code=exc.code)


def _as_session(obj: Any) -> CheckoutSession:
    data: dict[str, Any] = obj.to_dict()
    payment_intent = data.get("payment_intent")
    if isinstance(payment_intent, Mapping):  # expanded by the caller
        payment_intent = payment_intent.get("id")
    return CheckoutSession(
        id=data["id"],
        url=data.get("url"),
        status=data.get("status") or "",
        payment_status=data.get("payment_status") or "",
        client_reference_id=data.get("client_reference_id"),
        metadata={str(k): str(v) for k, v in (data.get("metadata") or {}).items()},
        amount_total=data.get("amount_total"),
        currency=data.get("currency"),
        payment_intent=payment_intent,
    )


def checkout_session_create(
    *,
    line_name: str,
    amount: int,
    currency: str,
    quantity: int = 1,
    client_reference_id: str,
    metadata: dict[str, str],
    customer_email: str | None,
    success_url: str,
    cancel_url: str,
    idempotency_key: str,
) -> CheckoutSession:
    """Create a one-off payment Checkout Session for one line of `quantity` × `amount` (minor units)."""
    client = _client()
    params: dict[str, Any] = {
        "mode": "payment",
        "line_items": [
            {
                "quantity": quantity,
                "price_data": {"currency": currency, "unit_amount": amount, "product_data": {"name": line_name}},
            }
        ],
        "client_reference_id": client_reference_id,
        "metadata": dict(metadata),
        "success_url": success_url,
        "cancel_url": cancel_url,
    }
    if customer_email:
        params["customer_email"] = customer_email
    try:
        session = client.v1.checkout.sessions.create(params, {"idempotency_key": idempotency_key})  # type: ignore[arg-type]
    except stripe.StripeError as exc:
        raise _gateway_error(exc, "create a checkout session") from exc
    return _as_session(session)


def checkout_session_retrieve(session_id: str) -> CheckoutSession:
    """Fetch a Checkout Session as Stripe sees it now (used to confirm a payment without waiting for the webhook)."""
    client = _client()
    try:
        session = client.v1.checkout.sessions.retrieve(session_id)
    except stripe.StripeError as exc:
        raise _gateway_error(exc, "retrieve a checkout session") from exc
    return _as_session(session)


# Lengths of the columns the event is stored in (credits.models.StripeEvent); Stripe's own ids are far shorter.
EVENT_ID_MAX_LENGTH = 255
EVENT_TYPE_MAX_LENGTH = 100
PAYMENT_INTENT_MAX_LENGTH = 255
# Stripe stamps `created` when it makes the event: one from before Stripe existed or days ahead is not a real event.
EVENT_CREATED_EARLIEST = 1_262_304_000  # 2010-01-01
EVENT_CREATED_AHEAD_SECONDS = 86_400


def _text_unstorable(value: Any) -> bool:
    """NUL, or a lone surrogate (valid JSON escapes both): PostgreSQL's text and jsonb refuse them."""
    if isinstance(value, str):
        return "\x00" in value or (not value.isascii() and _not_utf8(value))
    if isinstance(value, dict):
        return any(_text_unstorable(key) or _text_unstorable(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_text_unstorable(item) for item in value)
    return False


def _not_utf8(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _unstorable(*, event_id: str, event_type: str, created: int, data_object: dict[str, Any]) -> str:
    """Why a signed event could not be stored as it is (the database would refuse it), or ""."""
    if not 0 < len(event_id) <= EVENT_ID_MAX_LENGTH:
        return f"its id is empty or over {EVENT_ID_MAX_LENGTH} characters"
    if not 0 < len(event_type) <= EVENT_TYPE_MAX_LENGTH:
        return f"its type is empty or over {EVENT_TYPE_MAX_LENGTH} characters"
    if not EVENT_CREATED_EARLIEST <= created <= time.time() + EVENT_CREATED_AHEAD_SECONDS:
        return f"its created time {created} is not a plausible Unix time"
    payment_intent = data_object.get("payment_intent")
    if isinstance(payment_intent, Mapping):
        payment_intent = payment_intent.get("id")
    if payment_intent is not None and (
        not isinstance(payment_intent, str) or len(payment_intent) > PAYMENT_INTENT_MAX_LENGTH
    ):
        return f"its payment_intent is not an id of up to {PAYMENT_INTENT_MAX_LENGTH} characters"
    if _text_unstorable([event_id, event_type, data_object]):
        return "it contains a NUL character or a lone surrogate, which the database cannot store as text"
    return ""


def webhook_event_construct(*, payload: bytes, signature_header: str) -> WebhookEvent:
    """Verify a webhook body against STRIPE_WEBHOOK_SECRET (default 300 s tolerance) and return the event."""
    secret = _setting("STRIPE_WEBHOOK_SECRET")
    if not secret:
        raise StripeNotConfigured("Stripe webhooks are not configured: STRIPE_WEBHOOK_SECRET is empty.")
    if not signature_header:
        raise InvalidWebhook("The Stripe-Signature header is missing.")
    try:
        event = stripe.Webhook.construct_event(payload, signature_header, secret)
    except stripe.SignatureVerificationError as exc:
        raise InvalidWebhook(f"The Stripe signature does not check out: {exc.user_message}") from exc
    except (ValueError, TypeError, AttributeError) as exc:
        # Signed, but not a JSON object (bad UTF-8 and bad JSON are both ValueErrors).
        raise InvalidWebhook("The webhook body is not a JSON event.") from exc

    del event  # verified; the plain JSON is read below (to_dict() leaves lists in lists as StripeObjects)
    data = json.loads(payload)
    if not isinstance(data, dict):
        raise InvalidWebhook("The webhook body is not a JSON event.")
    body = data.get("data")
    data_object = body.get("object") if isinstance(body, Mapping) else None
    event_id, event_type, created = data.get("id"), data.get("type"), data.get("created")
    if not (
        isinstance(event_id, str)
        and isinstance(event_type, str)
        and isinstance(created, int)
        and isinstance(data_object, dict)
    ):
        raise InvalidWebhook("The webhook body is not a Stripe event (id, type, created, data.object).")
    if problem := _unstorable(event_id=event_id, event_type=event_type, created=created, data_object=data_object):
        raise InvalidWebhook(f"The signed event cannot be stored: {problem}.")
    return WebhookEvent(id=event_id, type=event_type, created=created, data_object=data_object)
