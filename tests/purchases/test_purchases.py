"""Buying packs through the purchase services, against the local Stripe: checkout, crediting once by any route,
delayed payments, refunds (proportional, into debt if spent), disputes, and events about payments not yet credited."""

from __future__ import annotations

import importlib

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from credits.exceptions import IdempotencyConflict, WalletInDebt
from credits.models import LedgerEntry
from credits.selectors import ledger_audit, wallet_summary
from credits.services import credits_spend
from purchases import stripe_gateway
from purchases.exceptions import CheckoutFailed, PackNotAvailable, PurchasesUnavailable
from purchases.models import CreditPack, Purchase, PurchaseStatus
from purchases.services.purchases import (
    purchase_check_with_stripe,
    purchase_checkout_start,
    purchase_dispute_close,
    purchase_dispute_open,
    purchase_fail_from_session,
    purchase_fulfil_from_session,
    purchase_refund,
)
from purchases.stripe_gateway import CheckoutSession
from tests.factories import CreditPackFactory, UserFactory
from tests.purchases.purchase_support import balance, purchase_entries, start

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("stripe_settings")]


@pytest.fixture
def pack():
    return CreditPackFactory(slug="starter-test", name="Starter pack", credits=100, price=499, currency="eur")


def paid_session(purchase: Purchase, **changes) -> CheckoutSession:
    """The session as Stripe reports it once paid (built by hand where a test needs no Stripe at all)."""
    fields = {
        "id": purchase.checkout_session_id or f"cs_test_by_hand_{purchase.pk}",
        "url": None,
        "status": "complete",
        "payment_status": "paid",
        "client_reference_id": purchase.reference,
        "metadata": {"purchase_id": str(purchase.pk), "user_id": str(purchase.user_id)},
        "amount_total": purchase.price,
        "currency": purchase.currency,
        "payment_intent": f"pi_by_hand_{purchase.pk}",
    }
    fields.update(changes)
    return CheckoutSession(**fields)


def credited(user, pack, key: str = "buy-1") -> Purchase:
    """A purchase paid and credited, without going through Stripe."""
    purchase = Purchase.objects.create(
        user=user,
        pack=pack,
        credits=pack.credits,
        price=pack.price,
        currency=pack.currency,
        idempotency_key=key,
        checkout_session_id=f"cs_test_by_hand_{key}_{user.pk}",
    )
    purchase_fulfil_from_session(session=paid_session(purchase))
    purchase.refresh_from_db()
    assert purchase.status == PurchaseStatus.CREDITED
    return purchase


# --- Starting a checkout ---------------------------------------------------------------------------------------------


def test_checkout_records_the_purchase_and_opens_a_session_for_the_packs_price(learner, pack, fake_stripe, settings):
    settings.SITE_URL = "https://learn.example"
    purchase, url = purchase_checkout_start(user=learner, pack=pack, idempotency_key="buy-1")

    session = fake_stripe.session(purchase.checkout_session_id)
    assert url == f"{fake_stripe.base_url}/_test/pay/{purchase.checkout_session_id}" == purchase.checkout_url
    assert (purchase.status, purchase.credits, purchase.price, purchase.currency) == ("created", 100, 499, "eur")
    assert (session["mode"], session["amount_total"], session["currency"]) == ("payment", 499, "eur")
    assert session["line_items"]["data"][0]["description"] == "⚡100 credits — Starter pack"
    assert session["client_reference_id"] == purchase.reference
    assert session["metadata"] == {"purchase_id": str(purchase.pk), "user_id": str(learner.pk), "pack": "starter-test"}
    assert session["customer_email"] == learner.email
    assert session["success_url"] == (
        f"https://learn.example/credits/purchases/{purchase.pk}/?session_id={{CHECKOUT_SESSION_ID}}"
    )
    assert session["cancel_url"] == f"https://learn.example/credits/packs/?cancelled={purchase.pk}"
    assert balance(learner) == 60  # nothing credited but the welcome bonus before payment


def test_the_same_key_returns_the_same_purchase_and_session(learner, pack):
    first, first_url = purchase_checkout_start(user=learner, pack=pack, idempotency_key="buy-1")
    again, again_url = purchase_checkout_start(user=learner, pack=pack, idempotency_key="buy-1")
    other, _ = purchase_checkout_start(user=learner, pack=CreditPackFactory(), idempotency_key="buy-2")

    assert (again.pk, again_url) == (first.pk, first_url)
    assert other.checkout_session_id != first.checkout_session_id
    assert Purchase.objects.count() == 2


def test_the_same_key_for_another_pack_is_refused(learner, pack):
    purchase_checkout_start(user=learner, pack=pack, idempotency_key="buy-1")
    with pytest.raises(IdempotencyConflict):
        purchase_checkout_start(user=learner, pack=CreditPackFactory(), idempotency_key="buy-1")


def test_a_same_key_race_for_another_pack_is_refused_not_sent_to_the_other_packs_checkout(learner, pack):
    """The request that loses the insert race for a key (the other one made the row first) must not take that row
    when it was made for another pack: it reaches the unique key and answers a conflict."""
    from purchases.services.purchases import _purchase_open_or_new

    purchase_checkout_start(user=learner, pack=pack, idempotency_key="buy-1")
    with pytest.raises(IdempotencyConflict):
        _purchase_open_or_new(user=learner, pack=CreditPackFactory(), idempotency_key="buy-1")
    assert Purchase.objects.count() == 1


def test_a_pack_no_longer_on_sale_cannot_be_bought(learner):
    retired = CreditPackFactory(active=False)
    with pytest.raises(PackNotAvailable):
        purchase_checkout_start(user=learner, pack=retired, idempotency_key="buy-1")
    assert not Purchase.objects.exists()


def test_without_a_stripe_key_checkout_is_unavailable_and_records_nothing(learner, pack, settings):
    settings.STRIPE_SECRET_KEY = ""
    with pytest.raises(PurchasesUnavailable):
        purchase_checkout_start(user=learner, pack=pack, idempotency_key="buy-1")
    assert not Purchase.objects.exists()


def test_when_stripe_cannot_be_reached_the_same_key_tries_again_with_the_same_purchase(learner, pack, settings):
    working_base = settings.STRIPE_API_BASE
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # the discard port: nothing answers
    with pytest.raises(CheckoutFailed, match="Could not reach Stripe"):
        purchase_checkout_start(user=learner, pack=pack, idempotency_key="buy-1")
    waiting = Purchase.objects.get()
    assert (waiting.status, waiting.checkout_session_id) == ("created", None)

    settings.STRIPE_API_BASE = working_base
    purchase, url = purchase_checkout_start(user=learner, pack=pack, idempotency_key="buy-1")
    assert purchase.pk == waiting.pk
    assert url.endswith(purchase.checkout_session_id)


# --- Crediting: once, by whichever route comes first --------------------------------------------------------------


def test_a_paid_session_credits_the_pack_once_by_every_route(learner, pack, fake_stripe):
    purchase = start(learner, pack)
    fake_stripe.complete(purchase.checkout_session_id, paid=True)  # no webhook target: the event goes nowhere
    session = stripe_gateway.checkout_session_retrieve(purchase.checkout_session_id)

    first = purchase_fulfil_from_session(session=session)
    purchase_fulfil_from_session(session=session)
    check = purchase_check_with_stripe(purchase=Purchase.objects.get())

    purchase.refresh_from_db()
    assert first.outcome.startswith("credited ⚡100")
    assert check.outcome == "nothing to check"
    assert purchase.status == PurchaseStatus.CREDITED
    assert purchase.payment_intent == session.payment_intent
    assert purchase_entries(learner) == [("purchase", 100)]
    assert balance(learner) == 160
    entry = LedgerEntry.objects.get(kind="purchase")
    assert (entry.reason, entry.reference) == ("Bought ⚡100 (Starter pack)", purchase.reference)


def test_the_success_page_check_credits_a_paid_purchase_without_the_webhook(learner, pack, fake_stripe):
    purchase = start(learner, pack)
    assert purchase_check_with_stripe(purchase=purchase).outcome.startswith("nothing to do: session open/unpaid")
    fake_stripe.complete(purchase.checkout_session_id, paid=True)

    result = purchase_check_with_stripe(purchase=purchase)

    assert result.purchase.status == PurchaseStatus.CREDITED
    assert balance(learner) == 160


def test_an_unpaid_session_credits_nothing_until_its_delayed_payment_succeeds(learner, pack, fake_stripe):
    purchase = start(learner, pack)
    fake_stripe.complete(purchase.checkout_session_id, paid=False)
    waiting = stripe_gateway.checkout_session_retrieve(purchase.checkout_session_id)
    purchase_fulfil_from_session(session=waiting)
    purchase.refresh_from_db()
    assert (purchase.status, balance(learner)) == (PurchaseStatus.PENDING, 60)

    fake_stripe.async_payment_succeeded(purchase.checkout_session_id)
    purchase_fulfil_from_session(session=stripe_gateway.checkout_session_retrieve(purchase.checkout_session_id))
    purchase.refresh_from_db()
    assert (purchase.status, balance(learner)) == (PurchaseStatus.CREDITED, 160)


def test_a_failed_delayed_payment_marks_the_purchase_failed_and_credits_nothing(learner, pack, fake_stripe):
    purchase = start(learner, pack)
    fake_stripe.complete(purchase.checkout_session_id, paid=False)
    fake_stripe.async_payment_failed(purchase.checkout_session_id)
    session = stripe_gateway.checkout_session_retrieve(purchase.checkout_session_id)

    purchase_fail_from_session(session=session)
    purchase_fulfil_from_session(session=session)  # a late "completed, unpaid" changes nothing

    purchase.refresh_from_db()
    assert (purchase.status, purchase.failure_reason) == (PurchaseStatus.FAILED, "The payment did not go through.")
    assert purchase_entries(learner) == []


def test_a_session_whose_total_is_not_the_purchase_price_credits_nothing(learner, pack):
    purchase = start(learner, pack)
    result = purchase_fulfil_from_session(session=paid_session(purchase, amount_total=1))
    assert result.outcome == "refused: the session's total 1 is not the purchase's price 499"
    assert purchase_entries(learner) == []


def test_a_session_whose_id_was_never_saved_is_matched_by_its_metadata(learner, pack, fake_stripe):
    purchase = start(learner, pack)
    session_id = purchase.checkout_session_id
    # As if the process died between Stripe answering and the session id being saved.
    Purchase.objects.filter(pk=purchase.pk).update(checkout_session_id=None)
    fake_stripe.complete(session_id, paid=True)

    purchase_fulfil_from_session(session=stripe_gateway.checkout_session_retrieve(session_id))

    purchase.refresh_from_db()
    assert (purchase.checkout_session_id, purchase.status, balance(learner)) == (session_id, "credited", 160)


def test_metadata_naming_another_users_purchase_credits_nobody(learner, pack):
    purchase = start(learner, pack)
    Purchase.objects.filter(pk=purchase.pk).update(checkout_session_id=None)
    stranger = UserFactory()
    session = paid_session(purchase, id="cs_test_foreign", metadata={"purchase_id": str(purchase.pk), "user_id": "0"})
    assert purchase_fulfil_from_session(session=session).purchase is None
    assert purchase_entries(learner) == purchase_entries(stranger) == []


# --- Refunds -------------------------------------------------------------------------------------------------------


def refund(purchase: Purchase, amount_refunded: int, charge_amount: int | None = None):
    return purchase_refund(
        payment_intent=purchase.payment_intent,
        charge_id=f"ch_{purchase.pk}",
        charge_amount=purchase.price if charge_amount is None else charge_amount,
        amount_refunded=amount_refunded,
    )


def test_a_full_refund_takes_the_whole_pack_back(learner, pack):
    purchase = credited(learner, pack)
    refund(purchase, 499)
    purchase.refresh_from_db()
    assert (purchase.status, purchase.credits_refunded) == (PurchaseStatus.REFUNDED, 100)
    assert purchase_entries(learner) == [("purchase", 100), ("clawback", -100)]
    assert balance(learner) == 60


def test_partial_refunds_take_back_their_share_rounded_down_and_repeats_change_nothing(learner, pack):
    purchase = credited(learner, pack)
    refund(purchase, 100)  # 100/499 of ⚡100 = 20.04 → 20
    refund(purchase, 100)  # the same event again
    refund(purchase, 250)  # Stripe's running total: 250/499 → 50, so 30 more
    refund(purchase, 100)  # an older event arriving late
    purchase.refresh_from_db()
    assert purchase_entries(learner) == [("purchase", 100), ("clawback", -20), ("clawback", -30)]
    assert (purchase.status, purchase.amount_refunded, purchase.credits_refunded) == ("partly_refunded", 250, 50)

    refund(purchase, 499)
    assert purchase_entries(learner)[-1] == ("clawback", -50)
    assert balance(learner) == 60


@hypothesis_settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    credits=st.integers(min_value=1, max_value=5000),
    price=st.integers(min_value=50, max_value=100_000),
    steps=st.lists(st.integers(min_value=0, max_value=1000), min_size=1, max_size=6),
)
def test_refunds_in_any_steps_never_take_back_more_than_the_pack(credits, price, steps):
    user = UserFactory()
    custom = CreditPack.objects.create(slug=f"p-{user.pk}", name="Any", credits=credits, price=price)
    purchase = credited(user, custom)
    running = 0
    for step in steps:
        running = min(price, running + step * price // 1000)
        refund(purchase, running)
    taken = -sum(amount for kind, amount in purchase_entries(user) if kind == "clawback")
    assert taken == credits * running // price <= credits


def test_a_refund_after_the_credits_were_spent_leaves_a_debt_the_audit_accepts(learner, pack, client, capsys):
    purchase = credited(learner, pack)
    credits_spend(user=learner, amount=150, reason="Five explanations", idempotency_key="spent")
    refund(purchase, 499)

    summary = wallet_summary(user=learner)
    assert (summary.balance, summary.available, summary.debt) == (-90, -90, 90)
    with pytest.raises(WalletInDebt):
        credits_spend(user=learner, amount=1, reason="One more", idempotency_key="refused")
    assert ledger_audit() == []
    call_command("audit_ledger")  # exits 0 (raises SystemExit otherwise)
    assert "ok" in capsys.readouterr().out
    client.force_login(learner)
    page = client.get("/credits/").content.decode()
    assert "Spending is paused: you owe ⚡90" in page
    assert "Payment for ⚡100 refunded: ⚡100 taken back" in page


# --- Disputes ------------------------------------------------------------------------------------------------------


def dispute(purchase: Purchase, action, *, status: str, amount: int | None = None, dispute_id: str = "dp_1"):
    return action(
        payment_intent=purchase.payment_intent,
        dispute_id=dispute_id,
        amount=purchase.price if amount is None else amount,
        status=status,
    )


def test_a_dispute_takes_the_pack_back_and_winning_it_gives_it_back_once(learner, pack):
    purchase = credited(learner, pack)
    dispute(purchase, purchase_dispute_open, status="needs_response")
    purchase.refresh_from_db()
    assert (purchase.status, balance(learner)) == (PurchaseStatus.DISPUTED, 60)

    dispute(purchase, purchase_dispute_close, status="won")
    dispute(purchase, purchase_dispute_close, status="won")
    dispute(purchase, purchase_dispute_open, status="needs_response")  # a late copy of the opening

    purchase.refresh_from_db()
    assert (purchase.status, purchase.dispute_status, balance(learner)) == (PurchaseStatus.CREDITED, "won", 160)
    assert purchase_entries(learner) == [("purchase", 100), ("clawback", -100), ("reversal", 100)]
    assert LedgerEntry.objects.get(kind="reversal").reverses == purchase.dispute_entry
    assert ledger_audit() == []


def test_a_lost_dispute_keeps_the_credits_taken_back(learner, pack):
    purchase = credited(learner, pack)
    dispute(purchase, purchase_dispute_open, status="needs_response")
    dispute(purchase, purchase_dispute_close, status="lost")
    purchase.refresh_from_db()
    assert (purchase.status, purchase.dispute_status, balance(learner)) == (PurchaseStatus.DISPUTED, "lost", 60)
    assert purchase_entries(learner) == [("purchase", 100), ("clawback", -100)]


def test_a_lost_dispute_whose_opening_never_arrived_still_takes_the_credits_back(learner, pack):
    purchase = credited(learner, pack)
    dispute(purchase, purchase_dispute_close, status="lost")
    dispute(purchase, purchase_dispute_open, status="needs_response")  # arrives after the close: ignored
    assert purchase_entries(learner) == [("purchase", 100), ("clawback", -100)]


def test_a_won_dispute_whose_opening_arrives_late_moves_nothing(learner, pack):
    purchase = credited(learner, pack)
    dispute(purchase, purchase_dispute_close, status="won")
    dispute(purchase, purchase_dispute_open, status="needs_response")
    assert purchase_entries(learner) == [("purchase", 100)]


def test_a_dispute_after_a_partial_refund_takes_back_only_what_is_left(learner, pack):
    purchase = credited(learner, pack)
    refund(purchase, 250)  # ⚡50 back
    dispute(purchase, purchase_dispute_open, status="needs_response")
    assert purchase_entries(learner) == [("purchase", 100), ("clawback", -50), ("clawback", -50)]
    refund(purchase, 499)  # nothing left to take: the dispute already holds the rest
    assert balance(learner) == 60


# --- Events about a payment not credited yet -----------------------------------------------------------------------


def test_a_refund_for_a_payment_not_yet_credited_takes_nothing_and_asks_to_wait(learner, pack):
    purchase = start(learner, pack)
    early = purchase_refund(
        payment_intent=f"pi_by_hand_{purchase.pk}", charge_id="ch_1", charge_amount=499, amount_refunded=499
    )
    assert early.deferred
    assert early.outcome.startswith("deferred: no credited purchase for payment")
    assert purchase_entries(learner) == []


def test_the_default_packs_come_from_a_data_migration_that_can_run_twice():
    CreditPack.objects.all().delete()
    migration = importlib.import_module("credits.migrations.0005_default_credit_packs")
    # The migration sees the models as they were then (in `credits`); their table is the one purchases.CreditPack reads.
    then = MigrationLoader(connection).project_state(("credits", "0005_default_credit_packs")).apps
    migration.create_packs(then, None)
    migration.create_packs(then, None)
    packs = list(CreditPack.objects.values_list("slug", "credits", "price", "currency", "active"))
    assert packs == [
        ("starter", 100, 499, "eur", True),
        ("explorer", 250, 999, "eur", True),
        ("scholar", 600, 1999, "eur", True),
    ]
