"""Buying packs of ⚡: start a Stripe Checkout, credit a paid session exactly once, and take credits back on refunds
and disputes.

Three routes reach one purchase — the `checkout.session.completed` event, the `async_payment_succeeded` event and the
success page's own check with Stripe — and each may come more than once, at the same time or out of order. They all
end in `purchase_fulfil_from_session`, which locks the purchase row and credits only a purchase not yet credited; the
ledger's idempotency key (`stripe:<session id>:credit`) backs that up. Refunds and disputes name the payment intent,
which we learn only when checkout completes: an event about a payment we cannot place yet is kept (deferred) and
applied the moment its purchase is credited.

Lock order, everywhere: the purchase row, then (inside the ledger services) the wallet row.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from credits.exceptions import IdempotencyConflict
from credits.models import EntryKind
from credits.services import credits_clawback, credits_grant, entry_reverse
from credits.services.arguments import require_key
from purchases import stripe_gateway
from purchases.exceptions import (
    CheckoutFailed,
    CheckoutRateLimited,
    PackNotAvailable,
    PurchasesUnavailable,
)
from purchases.models import CreditPack, Purchase, PurchaseStatus, StripeEvent, StripeEventStatus
from purchases.references import purchase_checkout_key, purchase_reference_parse, stripe_key
from purchases.stripe_gateway import CheckoutSession

logger = logging.getLogger(__name__)

# Dispute statuses after which the money is settled: "lost" keeps the credits taken back, the others return them.
DISPUTE_CLOSED_STATUSES = frozenset({"won", "lost", "warning_closed"})


@dataclass(frozen=True)
class PurchaseOutcome:
    """What a purchase service did, in words (recorded on the Stripe event that asked for it)."""

    purchase: Purchase | None
    outcome: str
    deferred: bool = False  # about a payment we cannot place yet: keep the event and apply it later


# --- Starting a checkout -------------------------------------------------------------------------------------------


def _absolute(path: str) -> str:
    return f"{str(settings.SITE_URL).rstrip('/')}{path}"


def purchase_checkout_start(*, user: User, pack: CreditPack, idempotency_key: str) -> tuple[Purchase, str]:
    """Record a purchase and open a Stripe Checkout Session for it; returns the purchase and the URL to send the
    buyer to. The same key again (a double click, a retried API call) returns the same purchase and session; a new
    key while a checkout of the same pack is still open returns that one too; too many new checkouts in a short time
    raise CheckoutRateLimited.

    No database transaction is held across the call to Stripe: the purchase row is committed first, and Stripe's own
    idempotency key (`purchase:<id>:checkout`) makes a retry after a crash reuse the session instead of opening another.
    """
    if not stripe_gateway.is_configured():
        raise PurchasesUnavailable("Buying credits is not available right now.")
    key = require_key(idempotency_key)
    purchase = _purchase_get_or_create(user=user, pack=pack, idempotency_key=key)
    if purchase is None:
        purchase = _purchase_open_or_new(user=user, pack=pack, idempotency_key=key)
    if purchase.checkout_session_id and purchase.checkout_url:
        return purchase, purchase.checkout_url
    if purchase.status != PurchaseStatus.CREATED:
        raise IdempotencyConflict(f"The key {key!r} belongs to a purchase that is already {purchase.status}.")

    success_url = _absolute(reverse("purchases:purchase", args=[purchase.pk])) + "?session_id={CHECKOUT_SESSION_ID}"
    try:
        session = stripe_gateway.checkout_session_create(
            line_name=f"⚡{purchase.credits} credits — {pack.name}",
            amount=purchase.price,
            currency=purchase.currency,
            quantity=1,
            client_reference_id=purchase.reference,
            metadata={"purchase_id": str(purchase.pk), "user_id": str(user.pk), "pack": pack.slug},
            customer_email=user.email or None,
            success_url=success_url,
            cancel_url=_absolute(reverse("purchases:packs")) + f"?cancelled={purchase.pk}",
            idempotency_key=purchase_checkout_key(reference=purchase.reference),
        )
    except stripe_gateway.StripeNotConfigured as error:
        raise PurchasesUnavailable("Buying credits is not available right now.") from error
    except stripe_gateway.StripeGatewayError as error:
        # The purchase stays "created" without a session: the same key retries with the same Stripe key.
        raise CheckoutFailed(str(error)) from error
    if not session.url:
        raise CheckoutFailed("Stripe opened a checkout without a page to pay on; please try again.")
    # A conditional update: a concurrent retry of the same key got the same session (same Stripe key) and may have
    # saved it first; a webhook may even have adopted it already.
    Purchase.objects.filter(pk=purchase.pk, checkout_session_id__isnull=True).update(
        checkout_session_id=session.id, checkout_url=session.url, updated_at=timezone.now()
    )
    purchase.refresh_from_db()
    return purchase, purchase.checkout_url or session.url


# A learner's checkouts: one still open for the same pack is offered again (Stripe keeps a session open for at least
# 30 minutes), and at most CHECKOUT_STARTS_MAX new ones start within CHECKOUT_STARTS_WINDOW_SECONDS.
CHECKOUT_REUSE_SECONDS = 30 * 60
CHECKOUT_STARTS_MAX = 5
CHECKOUT_STARTS_WINDOW_SECONDS = 10 * 60


def _purchase_get_or_create(*, user: User, pack: CreditPack, idempotency_key: str) -> Purchase | None:
    """The purchase this key already made (the same key again), or None for a key not seen before."""
    existing = Purchase.objects.filter(user=user, idempotency_key=idempotency_key).first()
    if existing is not None and existing.pack_id != pack.pk:
        raise IdempotencyConflict(f"The key {idempotency_key!r} was already used to buy another pack.")
    return existing


def _purchase_open_or_new(*, user: User, pack: CreditPack, idempotency_key: str) -> Purchase:
    """A new key: the learner's open checkout for this pack when there is one, else a new purchase within the limit.

    Under a lock on the learner's row, so requests arriving together (a script, a frantic double click with new keys)
    count each other: they all get the one open purchase, and its one Stripe session."""
    if not pack.active:
        raise PackNotAvailable(f"The {pack.name} pack is no longer on sale.")
    now = timezone.now()
    try:
        with transaction.atomic():
            User.objects.select_for_update().filter(pk=user.pk).first()
            open_one = (
                Purchase.objects.filter(
                    user=user,
                    pack=pack,
                    status=PurchaseStatus.CREATED,
                    created_at__gte=now - timedelta(seconds=CHECKOUT_REUSE_SECONDS),
                )
                .order_by("-created_at")
                .first()
            )
            if open_one is not None:
                return open_one
            window_start = now - timedelta(seconds=CHECKOUT_STARTS_WINDOW_SECONDS)
            recent = list(
                Purchase.objects.filter(user=user, created_at__gt=window_start)
                .order_by("created_at")
                .values_list("created_at", flat=True)[:CHECKOUT_STARTS_MAX]
            )
            if len(recent) >= CHECKOUT_STARTS_MAX:
                free_at = recent[0] + timedelta(seconds=CHECKOUT_STARTS_WINDOW_SECONDS)
                raise CheckoutRateLimited(retry_after=max(1, int((free_at - now).total_seconds() + 0.999)))
            return Purchase.objects.create(
                user=user,
                pack=pack,
                credits=pack.credits,
                price=pack.price,
                currency=pack.currency,
                idempotency_key=idempotency_key,
            )
    except IntegrityError:
        # The same key posted twice at once: the other request made the row — for this pack, or it is a conflict.
        made = _purchase_get_or_create(user=user, pack=pack, idempotency_key=idempotency_key)
        assert made is not None  # the unique key that refused this insert is that row's
        return made


# --- Settling a Checkout Session: paid, waiting, failed, expired ---------------------------------------------------


def _purchase_id_from(session: CheckoutSession) -> int | None:
    if raw := session.metadata.get("purchase_id"):
        return int(raw) if raw.isdigit() else None
    return purchase_reference_parse(session.client_reference_id or "")


def _purchase_locked_for_session(session: CheckoutSession) -> Purchase | None:
    """The purchase a session pays for, locked. Found by session id, or — when the process that opened the session
    died before saving its id — by the purchase id we put in the session's metadata."""
    purchase = Purchase.objects.select_for_update().filter(checkout_session_id=session.id).first()
    if purchase is not None:
        return purchase
    purchase_id = _purchase_id_from(session)
    if purchase_id is None:
        return None
    purchase = Purchase.objects.select_for_update().filter(pk=purchase_id, checkout_session_id__isnull=True).first()
    if purchase is None or session.metadata.get("user_id") not in (None, str(purchase.user_id)):
        return None
    purchase.checkout_session_id = session.id
    return purchase


def _mismatch(purchase: Purchase, session: CheckoutSession) -> str | None:
    """A session whose total is not what this purchase costs never credits it (it was not made by this code)."""
    if session.amount_total is not None and session.amount_total != purchase.price:
        return f"the session's total {session.amount_total} is not the purchase's price {purchase.price}"
    if session.currency and session.currency.lower() != purchase.currency:
        return f"the session's currency {session.currency} is not the purchase's {purchase.currency}"
    return None


def _save(purchase: Purchase) -> None:
    purchase.updated_at = timezone.now()
    purchase.save()


def purchase_fulfil_from_session(*, session: CheckoutSession) -> PurchaseOutcome:
    """Bring a purchase up to date with its Checkout Session: credit the pack once when the session is paid, mark it
    waiting while a delayed payment clears, expired when the session ran out. Safe to call any number of times, from
    any route, in any order, concurrently."""
    with transaction.atomic():
        purchase = _purchase_locked_for_session(session)
        if purchase is None:
            return PurchaseOutcome(None, f"ignored: no purchase for checkout session {session.id}")
        if problem := _mismatch(purchase, session):
            logger.warning("refusing to credit purchase %s: %s", purchase.pk, problem)
            _save(purchase)
            return PurchaseOutcome(purchase, f"refused: {problem}")
        if session.payment_intent and not purchase.payment_intent:
            purchase.payment_intent = session.payment_intent

        if purchase.is_credited:
            outcome = f"already credited (entry #{purchase.credit_entry_id})"
        elif session.payment_status == "paid":
            entry = credits_grant(
                user=purchase.user,
                amount=purchase.credits,
                kind=EntryKind.PURCHASE,
                reason=f"Bought ⚡{purchase.credits} ({purchase.pack.name})",
                reference=purchase.reference,
                idempotency_key=stripe_key(stripe_id=session.id, outcome="credit"),
            )
            purchase.status = PurchaseStatus.CREDITED
            purchase.credit_entry = entry
            purchase.credited_at = timezone.now()
            purchase.failure_reason = ""
            outcome = f"credited ⚡{purchase.credits} (entry #{entry.pk}, balance ⚡{entry.balance_after})"
        elif session.status == "complete" and purchase.status == PurchaseStatus.CREATED:
            purchase.status = PurchaseStatus.PENDING
            outcome = "checkout complete, payment still processing: nothing credited yet"
        elif session.status == "expired" and purchase.status == PurchaseStatus.CREATED:
            purchase.status = PurchaseStatus.EXPIRED
            outcome = "checkout expired unpaid"
        else:
            outcome = f"nothing to do: session {session.status}/{session.payment_status}, purchase {purchase.status}"
        _save(purchase)
        outcomes = _deferred_events_apply(purchase)
        if purchase.payment_intent:
            # Covers the race where a refund event was deferred by a transaction that had not committed when this
            # one looked: whichever of the two commits last finds the other's row (see purchase_replay_deferred).
            payment_intent = purchase.payment_intent
            transaction.on_commit(lambda: purchase_replay_deferred(payment_intent=payment_intent), robust=True)
    if outcomes:
        outcome += "; then " + "; ".join(outcomes)
    return PurchaseOutcome(purchase, outcome)


def purchase_fail_from_session(*, session: CheckoutSession) -> PurchaseOutcome:
    """A delayed payment (e.g. a bank debit) did not go through: nothing is credited, and the buyer is told."""
    with transaction.atomic():
        purchase = _purchase_locked_for_session(session)
        if purchase is None:
            return PurchaseOutcome(None, f"ignored: no purchase for checkout session {session.id}")
        if session.payment_intent and not purchase.payment_intent:
            purchase.payment_intent = session.payment_intent
        if purchase.is_credited:
            outcome = "ignored: the purchase was already paid and credited"
        else:
            purchase.status = PurchaseStatus.FAILED
            purchase.failure_reason = "The payment did not go through."
            outcome = "payment failed: nothing credited"
        _save(purchase)
    return PurchaseOutcome(purchase, outcome)


def purchase_check_with_stripe(*, purchase: Purchase, session_id: str | None = None) -> PurchaseOutcome:
    """The success page's check: ask Stripe how the purchase's session stands now and settle it, without waiting for
    the webhook. `session_id` (from the success URL) is used only when the purchase never saved its own."""
    session_id = purchase.checkout_session_id or session_id
    if purchase.is_credited or not session_id or not stripe_gateway.is_configured():
        return PurchaseOutcome(purchase, "nothing to check")
    try:
        session = stripe_gateway.checkout_session_retrieve(session_id)
    except stripe_gateway.StripeGatewayError as error:
        return PurchaseOutcome(purchase, f"could not ask Stripe: {error}")
    if _purchase_id_from(session) != purchase.pk:
        return PurchaseOutcome(purchase, f"ignored: session {session_id} is not for this purchase")
    result = purchase_fulfil_from_session(session=session)
    purchase.refresh_from_db()
    return PurchaseOutcome(purchase, result.outcome)


# --- Refunds and disputes ----------------------------------------------------------------------------------------


def _purchase_locked_by_payment_intent(payment_intent: str) -> Purchase | None:
    return Purchase.objects.select_for_update().filter(payment_intent=payment_intent).first()


def _not_credited_yet(payment_intent: str) -> PurchaseOutcome:
    return PurchaseOutcome(
        None,
        f"deferred: no credited purchase for payment {payment_intent} yet; applied when it is credited",
        deferred=True,
    )


def _status_after_changes(purchase: Purchase) -> str:
    if purchase.dispute_id and purchase.dispute_status not in DISPUTE_CLOSED_STATUSES - {"lost"}:
        return PurchaseStatus.DISPUTED  # open, or lost
    if purchase.amount_refunded >= purchase.price:
        return PurchaseStatus.REFUNDED
    if purchase.amount_refunded > 0:
        return PurchaseStatus.PARTLY_REFUNDED
    return PurchaseStatus.CREDITED


def purchase_refund(
    *, payment_intent: str, charge_id: str, charge_amount: int, amount_refunded: int
) -> PurchaseOutcome:
    """Take back the refunded share of the pack: credits × refunded ÷ charged, rounded down, so partial refunds never
    add up to more than the pack. `amount_refunded` is Stripe's running total, so a late or repeated event changes
    nothing. The credits may be spent already; then the learner's wallet goes into debt (spending pauses until repaid).
    """
    with transaction.atomic():
        purchase = _purchase_locked_by_payment_intent(payment_intent)
        if purchase is None or not purchase.is_credited:
            return _not_credited_yet(payment_intent)
        purchase.charge_id = charge_id or purchase.charge_id
        purchase.amount_refunded = max(purchase.amount_refunded, amount_refunded)
        charged = charge_amount if charge_amount > 0 else purchase.price
        share = min(purchase.credits * purchase.amount_refunded // charged, purchase.credits)
        # Credits already held back by a dispute are not taken twice.
        target = min(share, purchase.credits - purchase.credits_disputed)
        taken = target - purchase.credits_refunded
        if taken > 0:
            credits_clawback(
                user=purchase.user,
                amount=taken,
                reason=f"Payment for ⚡{purchase.credits} refunded: ⚡{taken} taken back",
                reference=purchase.reference,
                idempotency_key=stripe_key(stripe_id=charge_id or purchase.reference, outcome=f"refunded-to:{target}"),
            )
            purchase.credits_refunded = target
            outcome = f"took back ⚡{taken} (⚡{target} of ⚡{purchase.credits} refunded so far)"
        else:
            outcome = f"nothing more to take back (⚡{purchase.credits_refunded} already)"
        purchase.status = _status_after_changes(purchase)
        _save(purchase)
    return PurchaseOutcome(purchase, outcome)


def _dispute_take_back(purchase: Purchase, *, dispute_id: str, amount: int) -> str:
    share = min(purchase.credits * amount // purchase.price, purchase.credits)
    to_take = min(share, purchase.credits - purchase.credits_refunded)
    if to_take <= 0:
        return "nothing left to take back"
    entry = credits_clawback(
        user=purchase.user,
        amount=to_take,
        reason=f"Payment for ⚡{purchase.credits} disputed: ⚡{to_take} taken back",
        reference=purchase.reference,
        idempotency_key=stripe_key(stripe_id=dispute_id, outcome="disputed"),
    )
    purchase.dispute_entry = entry
    purchase.credits_disputed = to_take
    return f"took back ⚡{to_take}"


def _dispute_already_closed(purchase: Purchase, dispute_id: str) -> PurchaseOutcome | None:
    """A dispute event that arrives after its dispute closed (Stripe does not promise order) changes nothing."""
    if purchase.dispute_id == dispute_id and purchase.dispute_status in DISPUTE_CLOSED_STATUSES:
        return PurchaseOutcome(purchase, f"ignored: dispute {dispute_id} already closed ({purchase.dispute_status})")
    return None


def purchase_dispute_open(*, payment_intent: str, dispute_id: str, amount: int, status: str) -> PurchaseOutcome:
    """A chargeback was opened: take the disputed share back now (it comes back if we win)."""
    with transaction.atomic():
        purchase = _purchase_locked_by_payment_intent(payment_intent)
        if purchase is None or not purchase.is_credited:
            return _not_credited_yet(payment_intent)
        if closed := _dispute_already_closed(purchase, dispute_id):
            return closed
        if purchase.dispute_entry_id is not None:
            outcome = "already taken back for this dispute"
        else:
            outcome = _dispute_take_back(purchase, dispute_id=dispute_id, amount=amount)
        purchase.dispute_id = dispute_id
        purchase.dispute_status = status or "needs_response"
        purchase.status = _status_after_changes(purchase)
        _save(purchase)
    return PurchaseOutcome(purchase, f"dispute opened: {outcome}")


def purchase_dispute_close(*, payment_intent: str, dispute_id: str, amount: int, status: str) -> PurchaseOutcome:
    """A dispute ended. Lost: the credits stay taken back (taken now if the opening was never seen). Won (or an
    inquiry closed without a chargeback): what was taken back is given back, once, as a reversal of that clawback."""
    with transaction.atomic():
        purchase = _purchase_locked_by_payment_intent(payment_intent)
        if purchase is None or not purchase.is_credited:
            return _not_credited_yet(payment_intent)
        if closed := _dispute_already_closed(purchase, dispute_id):
            return closed
        if status == "lost":
            if purchase.dispute_entry_id is None:
                outcome = "lost: " + _dispute_take_back(purchase, dispute_id=dispute_id, amount=amount)
            else:
                outcome = f"lost: ⚡{purchase.credits_disputed} stay taken back"
        elif purchase.dispute_entry is not None and purchase.credits_disputed > 0:
            entry_reverse(
                entry=purchase.dispute_entry,
                reason=f"Dispute settled in your favour: ⚡{purchase.credits_disputed} given back",
                idempotency_key=stripe_key(stripe_id=dispute_id, outcome=f"closed-{status}"),
            )
            outcome = f"{status}: gave back ⚡{purchase.credits_disputed}"
            purchase.credits_disputed = 0
        else:
            outcome = f"{status}: nothing had been taken back"
        purchase.dispute_id = dispute_id
        purchase.dispute_status = status
        purchase.status = _status_after_changes(purchase)
        _save(purchase)
    return PurchaseOutcome(purchase, f"dispute closed {outcome}")


# --- Charge and dispute events, applied now or once their purchase is credited ------------------------------------


def _refund_from(data: Mapping[str, Any]) -> PurchaseOutcome:
    return purchase_refund(
        payment_intent=str(data["payment_intent"]),
        charge_id=str(data.get("id") or ""),
        charge_amount=int(data.get("amount") or 0),
        amount_refunded=int(data.get("amount_refunded") or 0),
    )


def _dispute_opened_from(data: Mapping[str, Any]) -> PurchaseOutcome:
    return purchase_dispute_open(
        payment_intent=str(data["payment_intent"]),
        dispute_id=str(data["id"]),
        amount=int(data.get("amount") or 0),
        status=str(data.get("status") or ""),
    )


def _dispute_closed_from(data: Mapping[str, Any]) -> PurchaseOutcome:
    return purchase_dispute_close(
        payment_intent=str(data["payment_intent"]),
        dispute_id=str(data["id"]),
        amount=int(data.get("amount") or 0),
        status=str(data.get("status") or "lost"),
    )


CHARGE_EVENT_SERVICES: dict[str, Callable[[Mapping[str, Any]], PurchaseOutcome]] = {
    "charge.refunded": _refund_from,
    "charge.dispute.created": _dispute_opened_from,
    "charge.dispute.closed": _dispute_closed_from,
}


def purchase_apply_charge_event(*, event_type: str, data_object: Mapping[str, Any]) -> PurchaseOutcome:
    """A charge or dispute event's object (`charge.refunded`, `charge.dispute.created|closed`) applied to its purchase,
    found by payment intent (Stripe copies no checkout metadata onto charges)."""
    if not data_object.get("payment_intent"):
        return PurchaseOutcome(None, "ignored: no payment intent, so not a pack purchase")
    return CHARGE_EVENT_SERVICES[event_type](data_object)


def _deferred_events_apply(purchase: Purchase) -> list[str]:
    """Apply, in Stripe's order, the charge events that arrived before this purchase was credited. Runs under the
    purchase's lock, so two callers never apply the same event twice (the services are idempotent besides)."""
    if not purchase.payment_intent or not purchase.is_credited:
        return []
    waiting = StripeEvent.objects.select_for_update().filter(
        status=StripeEventStatus.DEFERRED, payment_intent=purchase.payment_intent
    )
    outcomes = []
    for event in waiting.order_by("created", "id"):
        result = purchase_apply_charge_event(event_type=event.type, data_object=event.data_object)
        event.status = StripeEventStatus.DEFERRED if result.deferred else StripeEventStatus.PROCESSED
        event.outcome = f"{result.outcome} (applied late: it arrived before the purchase was credited)"
        event.purchase = purchase
        event.processed_at = timezone.now()
        event.save(update_fields=["status", "outcome", "purchase", "processed_at"])
        outcomes.append(f"{event.type} {event.event_id}: {result.outcome}")
    return outcomes


def purchase_replay_deferred(*, payment_intent: str) -> list[str]:
    """Apply the deferred charge events of a payment whose purchase is credited; nothing when it is not (yet).

    Run after commit by both sides of a possible race — the transaction that deferred an event and the one that
    credited its purchase — so whichever commits last sees the other's row."""
    with transaction.atomic():
        purchase = _purchase_locked_by_payment_intent(payment_intent)
        if purchase is None:
            return []
        return _deferred_events_apply(purchase)
