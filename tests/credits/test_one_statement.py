"""On PostgreSQL a grant, a spend and a hold are one statement each, and what that cannot settle still comes out right.

The round-trip count is the point of that path (it is what makes ledger writes fast), so it is pinned; the race where
another transaction commits the same key while this one waits for the wallet lock is played out step by step.
"""

import threading

import pytest
from django.db import connection, connections, transaction

from credits.models import EntryKind, Hold, LedgerEntry
from credits.selectors import ledger_audit, wallet_summary
from credits.services import InsufficientCredits, credits_grant, credits_spend, hold_place
from tests.credits.conftest import fund, postgres_only
from tests.factories import UserFactory

pytestmark = [pytest.mark.postgres, postgres_only, pytest.mark.django_db(transaction=True)]


def test_a_grant_a_spend_and_a_hold_on_an_existing_wallet_are_one_statement_each(django_assert_num_queries):
    user = UserFactory()
    fund(user, 100)
    with django_assert_num_queries(1):
        credits_grant(user=user, amount=5, kind=EntryKind.REWARD, reason="Lesson", idempotency_key="r1")
    with django_assert_num_queries(1):
        spent = credits_spend(user=user, amount=30, reason="Quiz", idempotency_key="s1")
    with django_assert_num_queries(1):
        hold = hold_place(user=user, amount=20, reason="Tutor", reference="unlock:lesson:1", idempotency_key="h1")
    assert spent.balance_after == 75
    assert LedgerEntry.objects.get(pk=spent.pk).balance_after == 75
    assert Hold.objects.get(pk=hold.pk).status == Hold.Status.OPEN
    summary = wallet_summary(user=user)
    assert (summary.balance, summary.held, summary.available) == (75, 20, 55)
    assert ledger_audit() == []


def test_what_one_statement_cannot_settle_gets_the_same_answers_as_before():
    user = UserFactory()
    fund(user, 100)
    first = credits_spend(user=user, amount=30, reason="Quiz", idempotency_key="s1")
    assert credits_spend(user=user, amount=30, reason="Quiz", idempotency_key="s1").pk == first.pk
    with pytest.raises(InsufficientCredits) as refused:
        credits_spend(user=user, amount=71, reason="Quiz", idempotency_key="s2")
    assert (refused.value.available, refused.value.required) == (70, 71)
    assert not LedgerEntry.objects.filter(idempotency_key="s2").exists()
    assert wallet_summary(user=user).balance == 70


def _waiting_on_a_lock(pid: int) -> bool:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid])
        row = cursor.fetchone()
    return row is not None and row[0] == "Lock"


def test_a_key_committed_while_waiting_for_the_wallet_is_replayed_and_the_callers_transaction_goes_on():
    user = UserFactory()
    fund(user, 100)
    first_holds_the_lock = threading.Event()
    second_started = threading.Event()
    release_first = threading.Event()
    answers: dict[str, object] = {}

    def first() -> None:
        try:
            with transaction.atomic():
                answers["first"] = credits_spend(user=user, amount=30, reason="Quiz", idempotency_key="k").pk
                first_holds_the_lock.set()
                assert release_first.wait(30)
        finally:
            connection.close()

    def second() -> None:
        try:
            assert first_holds_the_lock.wait(30)
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                answers["second_pid"] = cursor.fetchone()[0]
            second_started.set()
            with transaction.atomic():
                answers["second"] = credits_spend(user=user, amount=30, reason="Quiz", idempotency_key="k").pk
                # The caller's transaction is still usable after the refused statement.
                answers["after"] = credits_grant(
                    user=user, amount=1, kind=EntryKind.REWARD, reason="Lesson", idempotency_key="r"
                ).balance_after
        except BaseException as error:
            answers["error"] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    try:
        assert second_started.wait(30)
        pid = answers["second_pid"]
        for _ in range(600):  # up to 30 s: the second statement is queued behind the first's wallet lock
            if _waiting_on_a_lock(pid):
                break
            threading.Event().wait(0.05)
        else:
            pytest.fail("the second spend never waited for the wallet lock")
    finally:
        release_first.set()
        for thread in threads:
            thread.join(60)
    assert "error" not in answers, answers.get("error")
    assert answers["second"] == answers["first"]
    assert answers["after"] == 71
    assert LedgerEntry.objects.filter(wallet__user=user, kind=EntryKind.SPEND).count() == 1
    assert wallet_summary(user=user).balance == 71
    assert ledger_audit() == []
