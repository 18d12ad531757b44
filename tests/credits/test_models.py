"""Ledger entries cannot be changed or deleted, and the database refuses states that must never exist."""

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone

from credits.models import EntryKind, Hold, LedgerEntry
from credits.selectors import wallet_summary
from credits.services import LedgerIsAppendOnly, credits_spend, hold_capture, hold_place, hold_release

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(funded_learner):
    return credits_spend(user=funded_learner, amount=30, reason="Quiz", reference="quiz:1", idempotency_key="s1")


def stored(entry):
    return LedgerEntry.objects.filter(pk=entry.pk).values_list("amount", "reason", "balance_after").get()


def test_saving_a_changed_entry_is_refused_and_the_row_stays_as_written(entry):
    entry.amount = -1
    entry.reason = "Edited"
    with pytest.raises(LedgerIsAppendOnly):
        entry.save()
    assert stored(entry) == (-30, "Quiz", 70)


def test_deleting_an_entry_is_refused(entry):
    with pytest.raises(LedgerIsAppendOnly):
        entry.delete()
    assert LedgerEntry.objects.filter(pk=entry.pk).exists()


def test_bulk_updates_and_deletes_of_entries_are_refused(entry):
    with pytest.raises(LedgerIsAppendOnly):
        LedgerEntry.objects.filter(pk=entry.pk).update(amount=-1)
    with pytest.raises(LedgerIsAppendOnly):
        LedgerEntry.objects.all().delete()
    entry.amount = -1
    with pytest.raises(LedgerIsAppendOnly):
        LedgerEntry.objects.bulk_update([entry], ["amount"])
    with pytest.raises(LedgerIsAppendOnly):
        LedgerEntry.objects.update_or_create(pk=entry.pk, defaults={"amount": -1})
    assert stored(entry) == (-30, "Quiz", 70)


def test_related_managers_refuse_too(entry, funded_learner):
    with pytest.raises(LedgerIsAppendOnly):
        funded_learner.wallet.entries.all().delete()
    with pytest.raises(LedgerIsAppendOnly):
        funded_learner.wallet.entries.update(reason="Edited")
    assert stored(entry) == (-30, "Quiz", 70)


def test_the_database_refuses_an_update_written_in_raw_sql(entry):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE credits_ledgerentry SET amount = -1 WHERE id = %s", [entry.pk])
    assert stored(entry) == (-30, "Quiz", 70)


@pytest.mark.postgres
def test_postgres_refuses_a_delete_written_in_raw_sql(entry):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM credits_ledgerentry WHERE id = %s", [entry.pk])
    assert LedgerEntry.objects.filter(pk=entry.pk).exists()


def test_the_database_refuses_an_entry_of_zero_credits(funded_learner):
    wallet = funded_learner.wallet
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerEntry.objects.create(
            wallet=wallet, amount=0, kind=EntryKind.REWARD, reason="x", idempotency_key="zero", balance_after=100
        )


def test_the_database_refuses_a_second_entry_with_the_same_key_in_one_wallet(entry, funded_learner):
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerEntry.objects.create(
            wallet=funded_learner.wallet,
            amount=5,
            kind=EntryKind.REWARD,
            reason="x",
            idempotency_key=entry.idempotency_key,
            balance_after=75,
        )


def test_the_database_refuses_an_unknown_kind(funded_learner):
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerEntry.objects.create(
            wallet=funded_learner.wallet, amount=5, kind="gift", reason="x", idempotency_key="k", balance_after=105
        )


def test_the_database_refuses_a_hold_both_captured_and_released(funded_learner):
    hold = hold_place(user=funded_learner, amount=30, reason="r", reference="unlock:lesson:1", idempotency_key="h")
    hold_capture(hold=hold)
    with pytest.raises(IntegrityError), transaction.atomic():
        Hold.objects.filter(pk=hold.pk).update(released_at=timezone.now(), release_reason="also")
    with pytest.raises(IntegrityError), transaction.atomic():
        Hold.objects.filter(pk=hold.pk).update(status=Hold.Status.RELEASED, released_at=timezone.now())


def test_the_database_refuses_a_released_hold_with_a_capture_entry(funded_learner):
    captured = hold_place(user=funded_learner, amount=10, reason="r", reference="unlock:lesson:1", idempotency_key="a")
    entry = hold_capture(hold=captured)
    released = hold_place(user=funded_learner, amount=10, reason="r", reference="unlock:lesson:2", idempotency_key="b")
    hold_release(hold=released, reason="failed")
    with pytest.raises(IntegrityError), transaction.atomic():
        Hold.objects.filter(pk=released.pk).update(captured_entry=entry)


def test_the_database_refuses_a_hold_of_zero_credits(funded_learner):
    with pytest.raises(IntegrityError), transaction.atomic():
        Hold.objects.create(
            wallet=funded_learner.wallet,
            amount=0,
            reason="r",
            reference="x",
            idempotency_key="h",
            expires_at=timezone.now(),
        )


def test_a_wallet_cannot_be_deleted_with_its_user(entry, funded_learner):
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        funded_learner.delete()
    assert wallet_summary(user=funded_learner).balance == 70
