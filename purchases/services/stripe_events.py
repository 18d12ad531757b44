"""Stripe events, each stored once by its id and handed to the handler for its type; the outcome is kept on the row.

The row is inserted first, in the same transaction as the handler's writes. A second delivery of the same event —
a retry, or a copy arriving at the same moment on another worker — hits the unique `event_id`: PostgreSQL makes the
second insert wait for the first transaction and then refuses it, so the handler runs once and the copy is answered
as a duplicate. A handler that raises leaves the row marked `failed` (its writes rolled back to a savepoint), and the
next delivery of that event runs it again. Only a database error asks Stripe for that next delivery (it may pass); any
other failure would fail the same way every time, so it is answered as received and waits for an operator instead of
being retried by Stripe for days.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from purchases.models import Purchase, StripeEvent, StripeEventStatus
from purchases.services.purchases import purchase_replay_deferred
from purchases.stripe_gateway import WebhookEvent

logger = logging.getLogger(__name__)

MAX_OUTCOME_LENGTH = 2000


@dataclass(frozen=True)
class HandlerResult:
    status: str  # StripeEventStatus: processed, ignored or deferred
    outcome: str
    purchase: Purchase | None = None
    payment_intent: str = ""


Handler = Callable[[WebhookEvent], HandlerResult]


@dataclass(frozen=True)
class EventReceipt:
    event: StripeEvent
    duplicate: bool  # an event already stored (and not failed): nothing ran this time
    retry: bool = False  # the handler met a database error: ask Stripe to deliver the event again


def _payment_intent_of(data_object: Mapping[str, Any]) -> str:
    """The payment intent an event's object names (an id, or an expanded object), or ""."""
    value = data_object.get("payment_intent")
    if isinstance(value, Mapping):
        value = value.get("id")
    return str(value or "")[:255]


def _store_once(event: WebhookEvent) -> tuple[StripeEvent, bool]:
    """The stored row for this event and whether its handler should run now (new, or failed before)."""
    try:
        with transaction.atomic():
            row = StripeEvent.objects.create(
                event_id=event.id,
                type=event.type,
                created=datetime.fromtimestamp(event.created, tz=UTC),
                data_object=event.data_object,
                payment_intent=_payment_intent_of(event.data_object),
                status=StripeEventStatus.FAILED,  # until the handler below says otherwise, in this transaction
            )
            return row, True
    except IntegrityError:
        pass
    row = StripeEvent.objects.get(event_id=event.id)
    if row.status != StripeEventStatus.FAILED:
        return row, False
    # Retry a failed one, under its row lock so two retries arriving together run it once.
    row = StripeEvent.objects.select_for_update().get(event_id=event.id)
    return row, row.status == StripeEventStatus.FAILED


def stripe_event_receive(*, event: WebhookEvent, handlers: Mapping[str, Handler]) -> EventReceipt:
    """Store a verified event once, run its type's handler (unknown types are stored as ignored), record the outcome."""
    with transaction.atomic():
        row, run = _store_once(event)
        if not run:
            return EventReceipt(row, duplicate=True)
        handler = handlers.get(event.type)
        retry = False
        if handler is None:
            result = HandlerResult(StripeEventStatus.IGNORED, f"ignored: no handler for {event.type}")
        else:
            try:
                with transaction.atomic():
                    result = handler(event)
            except Exception as error:
                # Recorded either way; only a database error (which may pass) is answered so Stripe tries again.
                logger.exception("Stripe event %s (%s) failed", event.id, event.type)
                result = HandlerResult(StripeEventStatus.FAILED, f"failed: {type(error).__name__}: {error}")
                retry = isinstance(error, DatabaseError)
        row.status = result.status
        row.outcome = result.outcome[:MAX_OUTCOME_LENGTH]
        row.purchase = result.purchase if result.purchase is not None and result.purchase.pk else row.purchase
        row.payment_intent = result.payment_intent or row.payment_intent
        row.processed_at = timezone.now()
        row.save()
        if result.status == StripeEventStatus.DEFERRED and row.payment_intent:
            # The purchase may have been credited by a transaction that committed after ours looked for it.
            payment_intent = row.payment_intent
            transaction.on_commit(lambda: purchase_replay_deferred(payment_intent=payment_intent), robust=True)
    return EventReceipt(row, duplicate=False, retry=retry)
