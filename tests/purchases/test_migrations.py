"""The packs, purchases and Stripe events moved from `credits` to `purchases` without losing a row: rows written
through the models as `credits` had them are read back through the models as `purchases` has them, on the same
tables, and the move can be undone."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("credits", "0008_signup_bonus_addresses_canonical"), ("purchases", None)]
AFTER = [
    ("credits", "0009_purchase_models_leave_for_the_purchases_app"),
    ("purchases", "0001_purchases_move_from_credits_keeping_their_tables"),
]

# Rendering the project state at three points takes tens of seconds: the slow lane.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def migrate(targets):
    """Run the migrations to `targets` and answer the models as they are there."""
    MigrationExecutor(connection).migrate(targets)
    loader = MigrationExecutor(connection).loader
    moved = {app for app, _ in targets}
    others = [node for node in loader.graph.leaf_nodes() if node[0] not in moved]
    return loader.project_state(others + [target for target in targets if target[1] is not None]).apps


def latest():
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_rows_written_before_the_move_are_read_after_it_and_after_undoing_it():
    try:
        before = migrate(BEFORE)
        user = before.get_model("accounts", "User").objects.create(email="buyer@example.com", password="x")
        wallet = before.get_model("credits", "Wallet").objects.create(user=user, balance=100, entry_count=1)
        entry = before.get_model("credits", "LedgerEntry").objects.create(
            wallet=wallet,
            amount=100,
            kind="purchase",
            reason="Bought",
            idempotency_key="stripe:cs_1:credit",
            balance_after=100,
            reference="purchase:1",
        )
        pack = before.get_model("credits", "CreditPack").objects.create(
            slug="moving", name="Moving pack", credits=100, price=499, currency="eur"
        )
        purchase = before.get_model("credits", "Purchase").objects.create(
            user=user,
            pack=pack,
            credits=100,
            price=499,
            currency="eur",
            idempotency_key="k",
            status="credited",
            checkout_session_id="cs_1",
            payment_intent="pi_1",
            credit_entry=entry,
            credited_at=entry.created_at,
        )
        before.get_model("credits", "StripeEvent").objects.create(
            event_id="evt_1",
            type="checkout.session.completed",
            created=entry.created_at,
            data_object={"id": "cs_1"},
            payment_intent="pi_1",
            status="processed",
            outcome="credited ⚡100",
            purchase=purchase,
        )
        ContentType = before.get_model("contenttypes", "ContentType")
        # As on a deployment made before the move: the content type (and so permissions, admin history) is credits'.
        ContentType.objects.filter(app_label="purchases").delete()
        old_type = ContentType.objects.get_or_create(app_label="credits", model="purchase")[0]

        after = migrate(AFTER)
        moved = after.get_model("purchases", "Purchase").objects.select_related("pack", "credit_entry").get()
        assert (moved.pk, moved.status, moved.pack.slug, moved.credit_entry_id) == (
            purchase.pk,
            "credited",
            "moving",
            entry.pk,
        )
        event = after.get_model("purchases", "StripeEvent").objects.get()
        assert (event.event_id, event.purchase_id, event.data_object) == ("evt_1", purchase.pk, {"id": "cs_1"})
        assert after.get_model("purchases", "CreditPack").objects.filter(slug="moving").exists()
        assert after.get_model("contenttypes", "ContentType").objects.get(pk=old_type.pk).app_label == "purchases"

        undone = migrate(BEFORE)
        assert undone.get_model("credits", "Purchase").objects.get().payment_intent == "pi_1"
        assert undone.get_model("contenttypes", "ContentType").objects.get(pk=old_type.pk).app_label == "credits"
    finally:
        latest()

    # And today's models read the same rows.
    from purchases.models import Purchase

    assert Purchase.objects.get().checkout_session_id == "cs_1"
