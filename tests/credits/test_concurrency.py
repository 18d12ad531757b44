"""Many requests at once against one wallet: the balance stays right to the credit and no database error escapes.

Threads start together on a Barrier, each with its own database connection, so their transactions really overlap.
PostgreSQL runs the full size (50 threads × 4 attempts, 20 rounds); SQLite, whose IMMEDIATE transactions serialise
writers, runs a smaller copy to show the same answers there.
"""

import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings
from django.db import connection

from credits.models import EntryKind, Hold, LedgerEntry, Wallet
from credits.selectors import ledger_audit, wallet_summary
from credits.services import (
    HoldNotOpen,
    InsufficientCredits,
    credits_grant,
    credits_spend,
    hold_capture,
    hold_place,
    hold_release,
    wallet_get_or_create,
)
from tests.credits.conftest import assert_spent_once, fund
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

ATTEMPTS = 4
PRICE = 30


def run_together(threads: int, work: Callable[[int], object]) -> list[object]:
    """Run work(0..threads-1) in as many threads, released at the same instant; each closes its connection."""
    barrier = threading.Barrier(threads, timeout=60)

    def one(index: int) -> object:
        try:
            barrier.wait()
            return work(index)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=threads) as pool:
        return list(pool.map(one, range(threads)))


def outcome(call: Callable[[], object]) -> str:
    """'ok', 'insufficient', or the repr of anything else, which the tests then show as a failure."""
    try:
        call()
    except InsufficientCredits:
        return "insufficient"
    except Exception as error:  # any other error reaching the caller is what these tests look for
        return repr(error)
    return "ok"


def spend_attempts(user, index: int) -> list[str]:
    return [
        outcome(
            lambda attempt=attempt: credits_spend(
                user=user, amount=PRICE, reason="Unlocked a quiz", idempotency_key=f"t{index}-a{attempt}"
            )
        )
        for attempt in range(ATTEMPTS)
    ]


def hold_attempts(user, index: int) -> list[str]:
    return [
        outcome(
            lambda attempt=attempt: hold_place(
                user=user,
                amount=PRICE,
                reason="AI tutor explanation",
                reference=f"unlock:lesson:{index}",
                idempotency_key=f"t{index}-a{attempt}",
            )
        )
        for attempt in range(ATTEMPTS)
    ]


def _many_spends_against_one_wallet(rounds: int, threads: int) -> None:
    for round_number in range(rounds):
        user = UserFactory()
        fund(user, 100)
        results = run_together(threads, lambda index, user=user: spend_attempts(user, index))
        counts = Counter(result for attempts in results for result in attempts)
        assert counts == {"ok": 3, "insufficient": threads * ATTEMPTS - 3}, f"round {round_number}: {counts}"
        summary = wallet_summary(user=user)
        assert (summary.balance, summary.available) == (10, 10)
        assert LedgerEntry.objects.filter(wallet__user=user, kind=EntryKind.SPEND).count() == 3
        assert ledger_audit() == []


def _many_holds_against_one_wallet(rounds: int, threads: int) -> None:
    for round_number in range(rounds):
        user = UserFactory()
        fund(user, 100)
        results = run_together(threads, lambda index, user=user: hold_attempts(user, index))
        counts = Counter(result for attempts in results for result in attempts)
        assert counts == {"ok": 3, "insufficient": threads * ATTEMPTS - 3}, f"round {round_number}: {counts}"
        summary = wallet_summary(user=user)
        assert (summary.balance, summary.held, summary.available) == (100, 90, 10)
        assert Hold.objects.filter(wallet__user=user, status=Hold.Status.OPEN).count() == 3
        assert ledger_audit() == []


@pytest.mark.slow  # fifty threads, twenty rounds
@pytest.mark.xdist_group("fifty_connections")  # one at a time in the parallel slow lane: 2 × 50 > max_connections
@pytest.mark.postgres
def test_on_postgres_fifty_threads_spending_30_from_100_get_exactly_three_spends():
    _many_spends_against_one_wallet(rounds=20, threads=50)


@pytest.mark.slow  # fifty threads, twenty rounds
@pytest.mark.xdist_group("fifty_connections")
@pytest.mark.postgres
def test_on_postgres_fifty_threads_holding_30_from_100_get_exactly_three_holds():
    _many_holds_against_one_wallet(rounds=20, threads=50)


@pytest.mark.sqlite  # PostgreSQL runs the full-size tests above
def test_on_sqlite_ten_threads_spending_30_from_100_get_exactly_three_spends():
    _many_spends_against_one_wallet(rounds=5, threads=10)


@pytest.mark.sqlite  # PostgreSQL runs the full-size tests above
def test_on_sqlite_ten_threads_holding_30_from_100_get_exactly_three_holds():
    _many_holds_against_one_wallet(rounds=5, threads=10)


def test_one_key_sent_fifty_times_at_once_writes_one_entry_and_answers_the_same_each_time():
    user = UserFactory()
    fund(user, 100)
    threads = 50 if settings.IS_POSTGRES else 20

    def spend(index: int) -> int:
        return credits_spend(user=user, amount=PRICE, reason="Unlocked a quiz", idempotency_key="one-key").pk

    answers = run_together(threads, spend)
    assert len(set(answers)) == 1
    assert_spent_once(user, balance=70)


def test_one_hold_key_sent_fifty_times_at_once_places_one_hold():
    user = UserFactory()
    fund(user, 100)
    threads = 50 if settings.IS_POSTGRES else 20

    def place(index: int) -> int:
        return hold_place(
            user=user, amount=PRICE, reason="AI tutor", reference="unlock:lesson:1", idempotency_key="one-key"
        ).pk

    assert len(set(run_together(threads, place))) == 1
    assert wallet_summary(user=user).held == PRICE


def test_a_new_learner_opening_many_pages_at_once_gets_one_wallet_and_one_bonus():
    user = UserFactory(signup_bonus=True)
    threads = 50 if settings.IS_POSTGRES else 20
    wallet_ids = run_together(threads, lambda index: wallet_get_or_create(user=user).pk)
    assert len(set(wallet_ids)) == 1
    assert Wallet.objects.filter(user=user).count() == 1
    assert LedgerEntry.objects.filter(wallet__user=user).count() == 1
    assert wallet_summary(user=user).balance == settings.SIGNUP_BONUS


def test_a_first_grant_racing_wallet_creation_still_gives_one_bonus():
    user = UserFactory(signup_bonus=True)
    threads = 30 if settings.IS_POSTGRES else 10

    def grant(index: int) -> str:
        return outcome(
            lambda: credits_grant(
                user=user, amount=1, kind=EntryKind.REWARD, reason="Lesson", idempotency_key=f"lesson-{index}"
            )
        )

    assert set(run_together(threads, grant)) == {"ok"}
    assert wallet_summary(user=user).balance == settings.SIGNUP_BONUS + threads
    assert ledger_audit() == []


def test_capture_and_release_racing_on_one_hold_settle_it_exactly_once():
    rounds = 10 if settings.IS_POSTGRES else 3
    for _ in range(rounds):
        user = UserFactory()
        fund(user, 100)
        hold = hold_place(user=user, amount=PRICE, reason="AI tutor", reference="unlock:lesson:1", idempotency_key="h")

        def settle(index: int, hold_id: int = hold.pk) -> str:
            mine = Hold.objects.get(pk=hold_id)
            try:
                if index % 2:
                    hold_capture(hold=mine)
                    return "captured"
                hold_release(hold=mine, reason="failed")
            except HoldNotOpen:
                return "refused"
            except Exception as error:
                return repr(error)
            return "released"

        results = Counter(run_together(20, settle))
        hold.refresh_from_db()
        winner = "captured" if hold.status == Hold.Status.CAPTURED else "released"
        loser = "released" if winner == "captured" else "captured"
        # The winner's kind keeps answering the same (idempotent); the other kind is refused, never half-applied.
        assert results[loser] == 0
        assert results[winner] + results["refused"] == 20
        assert results["refused"] == 10
        summary = wallet_summary(user=user)
        assert summary.held == 0
        assert summary.balance == (70 if winner == "captured" else 100)
        assert LedgerEntry.objects.filter(wallet__user=user, kind=EntryKind.SPEND).count() == (winner == "captured")
        assert ledger_audit() == []
