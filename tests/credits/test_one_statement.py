"""On PostgreSQL a grant, a spend, a hold and a capture are one statement each; what that cannot settle comes out right.

The round-trip count is the point of that path (it is what makes ledger writes fast), so it is pinned. The races where
another transaction commits the same key, releases or captures the same hold while this one waits for the wallet
lock are played out step by step.
"""

import threading
from collections.abc import Callable

import pytest
from django.db import connection, connections, transaction

from credits.models import EntryKind, Hold, LedgerEntry
from credits.selectors import ledger_audit, wallet_summary
from credits.services import (
    HoldNotOpen,
    InsufficientCredits,
    credits_grant,
    credits_spend,
    hold_capture,
    hold_place,
    hold_release,
)
from tests.credits.conftest import assert_spent_once, fund
from tests.factories import UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_a_grant_a_spend_a_hold_and_its_capture_are_one_statement_each(django_assert_num_queries):
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
    with django_assert_num_queries(1):
        captured = hold_capture(hold=hold)
    assert (captured.amount, captured.balance_after, hold.status) == (-20, 55, Hold.Status.CAPTURED)
    assert Hold.objects.get(pk=hold.pk).captured_entry_id == captured.pk
    summary = wallet_summary(user=user)
    assert (summary.balance, summary.held, summary.available) == (55, 0, 55)
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


def race(first: Callable[[], object], second: Callable[[], object]) -> dict[str, object]:
    """Run `first` in a transaction that stays open until `second` (in its own thread) waits on the wallet lock.

    Returns what each answered (or the exception it raised) under "first" and "second".
    """
    first_holds_the_lock = threading.Event()
    second_started = threading.Event()
    release_first = threading.Event()
    answers: dict[str, object] = {}

    def run_first() -> None:
        try:
            with transaction.atomic():
                answers["first"] = first()
                first_holds_the_lock.set()
                assert release_first.wait(30)
        finally:
            connection.close()

    def run_second() -> None:
        try:
            assert first_holds_the_lock.wait(30)
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                answers["second_pid"] = cursor.fetchone()[0]
            second_started.set()
            answers["second"] = second()
        except Exception as error:  # the answer under test may be an exception
            answers["second"] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run_first), threading.Thread(target=run_second)]
    for thread in threads:
        thread.start()
    try:
        assert second_started.wait(30)
        for _ in range(600):  # up to 30 s: the second statement is queued behind the first's wallet lock
            if _waiting_on_a_lock(answers["second_pid"]):
                break
            threading.Event().wait(0.05)
        else:
            pytest.fail("the second call never waited for the wallet lock")
    finally:
        release_first.set()
        for thread in threads:
            thread.join(60)
    return answers


def test_a_key_committed_while_waiting_for_the_wallet_is_replayed_and_the_callers_transaction_goes_on():
    user = UserFactory()
    fund(user, 100)

    def spend() -> int:
        return credits_spend(user=user, amount=30, reason="Quiz", idempotency_key="k").pk

    def spend_then_grant_in_one_transaction() -> tuple[int, int]:
        with transaction.atomic():
            pk = spend()
            # The caller's transaction is still usable after the refused statement.
            grant = credits_grant(user=user, amount=1, kind=EntryKind.REWARD, reason="Lesson", idempotency_key="r")
            return pk, grant.balance_after

    answers = race(spend, spend_then_grant_in_one_transaction)

    assert answers["second"] == (answers["first"], 71)
    assert_spent_once(user, balance=71)


def test_a_hold_released_while_a_capture_waits_for_the_wallet_is_not_captured():
    user = UserFactory()
    fund(user, 100)
    # Another open hold, so that the wallet's `held` cannot go below zero: the hold's own constraints must refuse.
    hold_place(user=user, amount=40, reason="Tutor", reference="unlock:lesson:2", idempotency_key="other")
    hold = hold_place(user=user, amount=30, reason="Tutor", reference="unlock:lesson:1", idempotency_key="h")

    answers = race(
        lambda: hold_release(hold=Hold.objects.get(pk=hold.pk), reason="changed my mind"),
        lambda: hold_capture(hold=Hold.objects.get(pk=hold.pk)),
    )

    assert isinstance(answers["second"], HoldNotOpen)
    assert Hold.objects.get(pk=hold.pk).status == Hold.Status.RELEASED
    assert not LedgerEntry.objects.filter(wallet__user=user, kind=EntryKind.SPEND).exists()
    summary = wallet_summary(user=user)
    assert (summary.balance, summary.held) == (100, 40)
    assert ledger_audit() == []


def test_a_hold_captured_while_another_capture_waits_answers_both_with_one_entry():
    user = UserFactory()
    fund(user, 100)
    hold = hold_place(user=user, amount=30, reason="Tutor", reference="unlock:lesson:1", idempotency_key="h")

    def capture() -> int:
        return hold_capture(hold=Hold.objects.get(pk=hold.pk)).pk

    answers = race(capture, capture)

    assert answers["second"] == answers["first"]
    assert LedgerEntry.objects.filter(wallet__user=user, kind=EntryKind.SPEND).count() == 1
    summary = wallet_summary(user=user)
    assert (summary.balance, summary.held) == (70, 0)
    assert ledger_audit() == []
