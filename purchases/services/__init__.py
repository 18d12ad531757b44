"""Buying packs of ⚡ through Stripe Checkout and settling what Stripe later says; credits move only through
`credits.services` (grant, clawback, reversal), each with an idempotency key this app builds (purchases.references).

Import from here (`from purchases.services import purchase_checkout_start`); the modules inside are split by subject:
`purchases` (checkout, crediting, refunds and disputes), `stripe_events` (each event stored once and handled),
`erasure`.
"""

from purchases.services.erasure import purchases_owner_transfer
from purchases.services.purchases import (
    PurchaseOutcome,
    purchase_apply_charge_event,
    purchase_check_with_stripe,
    purchase_checkout_start,
    purchase_dispute_close,
    purchase_dispute_open,
    purchase_fail_from_session,
    purchase_fulfil_from_session,
    purchase_refund,
    purchase_replay_deferred,
)
from purchases.services.stripe_events import EventReceipt, HandlerResult, stripe_event_receive

__all__ = [
    "EventReceipt",
    "HandlerResult",
    "PurchaseOutcome",
    "purchase_apply_charge_event",
    "purchase_check_with_stripe",
    "purchase_checkout_start",
    "purchase_dispute_close",
    "purchase_dispute_open",
    "purchase_fail_from_session",
    "purchase_fulfil_from_session",
    "purchase_refund",
    "purchase_replay_deferred",
    "purchases_owner_transfer",
    "stripe_event_receive",
]
