"""A Stripe refund of a purchase made before the buyer erased their account still reconciles: the purchase is found by
its payment intent and the credits are taken back from the same wallet, now held by the anonymous owner."""

import pytest

from credits.models import LedgerEntry
from credits.selectors import ledger_audit
from privacy.services import account_erase
from purchases.models import Purchase, PurchaseStatus
from tests.factories import CreditPackFactory, UserFactory
from tests.purchases.purchase_support import deliver, posted, start

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("stripe_settings")]


def test_a_refund_after_the_buyer_erased_the_account_takes_the_credits_back_and_the_ledger_balances(
    client, fake_stripe
):
    buyer = UserFactory()
    pack = CreditPackFactory(slug="starter-erase", credits=100, price=500)
    purchase = start(buyer, pack)
    fake_stripe.complete(purchase.checkout_session_id, paid=True)
    assert deliver(client, posted(fake_stripe, "checkout.session.completed")).json()["status"] == "processed"

    owner = account_erase(user=buyer).owner
    fake_stripe.refund(fake_stripe.charge_id(purchase.checkout_session_id), amount=100)  # a fifth: ⚡20
    refunded = deliver(client, posted(fake_stripe, "charge.refunded"))

    assert refunded.json()["status"] == "processed"
    purchase.refresh_from_db()
    assert (purchase.user, purchase.status, purchase.credits_refunded) == (owner, PurchaseStatus.PARTLY_REFUNDED, 20)
    clawback = LedgerEntry.objects.get(kind=LedgerEntry.Kind.CLAWBACK)
    assert (clawback.wallet.user, clawback.amount) == (owner, -20)
    assert Purchase.objects.count() == 1
    assert ledger_audit() == []
