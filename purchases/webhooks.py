"""POST /stripe/webhook: verify Stripe's signature, store each event once, route it by type through HANDLERS.

Answers: 400 and nothing written for a body whose signature, timestamp (300 s) or shape does not check out; 200 for an
event handled, ignored, deferred or already seen, or whose handler failed for a reason a retry would not change
(recorded on the event as failed, for an operator); 500 when a handler met a database error (recorded too), so Stripe
delivers it again; 503 when no webhook secret is configured. A signed event the database could not store (a NUL
character, an id over 255 characters, an implausible `created`) is a 400 with the reason logged.
"""

from __future__ import annotations

import logging
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from purchases import stripe_gateway
from purchases.models import StripeEventStatus
from purchases.services.purchases import (
    PurchaseOutcome,
    purchase_apply_charge_event,
    purchase_fail_from_session,
    purchase_fulfil_from_session,
)
from purchases.services.stripe_events import Handler, HandlerResult, stripe_event_receive
from purchases.stripe_gateway import CheckoutSession, WebhookEvent

logger = logging.getLogger(__name__)


def _session_from(data: dict[str, Any]) -> CheckoutSession:
    """The event's Checkout Session as the gateway's dataclass (the event carries the whole object)."""
    payment_intent = data.get("payment_intent")
    if isinstance(payment_intent, dict):
        payment_intent = payment_intent.get("id")
    return CheckoutSession(
        id=str(data["id"]),
        url=data.get("url"),
        status=str(data.get("status") or ""),
        payment_status=str(data.get("payment_status") or ""),
        client_reference_id=data.get("client_reference_id"),
        metadata={str(k): str(v) for k, v in (data.get("metadata") or {}).items()},
        amount_total=data.get("amount_total"),
        currency=data.get("currency"),
        payment_intent=payment_intent,
    )


def _result(outcome: PurchaseOutcome, *, payment_intent: str = "") -> HandlerResult:
    if outcome.deferred:
        status = StripeEventStatus.DEFERRED
    elif outcome.purchase is None:
        status = StripeEventStatus.IGNORED
    else:
        status = StripeEventStatus.PROCESSED
    payment_intent = payment_intent or (outcome.purchase.payment_intent if outcome.purchase else "") or ""
    return HandlerResult(status, outcome.outcome, outcome.purchase, payment_intent)


def checkout_session_settled(event: WebhookEvent) -> HandlerResult:
    """completed (paid, or unpaid while a delayed payment clears) and async_payment_succeeded: credit when paid."""
    return _result(purchase_fulfil_from_session(session=_session_from(event.data_object)))


def checkout_session_failed(event: WebhookEvent) -> HandlerResult:
    return _result(purchase_fail_from_session(session=_session_from(event.data_object)))


def charge_changed(event: WebhookEvent) -> HandlerResult:
    """charge.refunded, charge.dispute.created, charge.dispute.closed: found by payment intent, deferred if early."""
    outcome = purchase_apply_charge_event(event_type=event.type, data_object=event.data_object)
    return _result(outcome, payment_intent=str(event.data_object.get("payment_intent") or ""))


HANDLERS: dict[str, Handler] = {
    "checkout.session.completed": checkout_session_settled,
    "checkout.session.async_payment_succeeded": checkout_session_settled,
    "checkout.session.async_payment_failed": checkout_session_failed,
    "checkout.session.expired": checkout_session_settled,
    "charge.refunded": charge_changed,
    "charge.dispute.created": charge_changed,
    "charge.dispute.closed": charge_changed,
}


@csrf_exempt  # Stripe signs its requests instead; the signature is checked before anything is read or written
@require_POST
def stripe_webhook(request: HttpRequest) -> JsonResponse:
    try:
        event = stripe_gateway.webhook_event_construct(
            payload=request.body, signature_header=request.headers.get("Stripe-Signature", "")
        )
    except stripe_gateway.InvalidWebhook as error:
        logger.warning("refused a Stripe webhook: %s", error)
        return JsonResponse({"detail": str(error)}, status=400)
    except stripe_gateway.StripeNotConfigured as error:
        return JsonResponse({"detail": str(error)}, status=503)

    receipt = stripe_event_receive(event=event, handlers=HANDLERS)
    stored = receipt.event
    body = {"id": stored.event_id, "status": stored.status, "duplicate": receipt.duplicate, "outcome": stored.outcome}
    return JsonResponse(body, status=500 if receipt.retry else 200)
