"""Double submits at once: ten requests of the same learner unlocking the same lesson end with one hold and one
unlock, and no database error reaches any of them; many learners at once share one explanation.

Threads start together on a Barrier, each with its own database connection, so their transactions overlap.
PostgreSQL is where this matters (row locks, a unique index that makes the second insert wait); SQLite's IMMEDIATE
transactions serialise writers, and a smaller copy runs there to show the same answers.
"""

import threading
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from credits.models import Hold
from credits.selectors import ledger_audit, wallet_summary
from tests.factories import LearnerWithCreditsFactory
from tutor import services
from tutor.models import Explanation, Unlock

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 10
ON_POSTGRES = [pytest.mark.postgres]


@pytest.fixture(autouse=True)
def _no_broker(monkeypatch):
    monkeypatch.setattr("tutor.services.generation._generation_send", lambda explanation_id: None)


def run_together(threads: int, work: Callable[[int], object]) -> list[object]:
    barrier = threading.Barrier(threads, timeout=60)

    def one(index: int) -> object:
        try:
            barrier.wait()
            return work(index)
        except Exception as error:  # what these tests look for: any error reaching a caller
            return repr(error)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=threads) as pool:
        return list(pool.map(one, range(threads)))


def created(result) -> object:
    return result.created if isinstance(result, services.UnlockResult) else result


def double_submit(lesson, *, threads: int, same_key: bool) -> None:
    learner = LearnerWithCreditsFactory(credits=100)
    key = str(uuid.uuid4())

    results = run_together(
        threads,
        lambda index: services.unlock(
            user=learner, lesson=lesson, idempotency_key=key if same_key else f"{key}-{index}"
        ),
    )

    outcomes = [created(result) for result in results]
    assert sorted(outcomes, key=str) == [False] * (threads - 1) + [True], outcomes
    assert Hold.objects.filter(wallet__user=learner).count() == 1
    assert Unlock.objects.filter(user=learner, lesson=lesson).count() == 1
    summary = wallet_summary(user=learner)
    assert (summary.balance, summary.held, summary.available) == (100, 30, 70)
    assert ledger_audit() == []


KEYS = pytest.mark.parametrize("same_key", [True, False], ids=["same key (double click)", "a new key each (retries)"])


@pytest.mark.parametrize("_postgres", [pytest.param(None, marks=ON_POSTGRES)], ids=["postgres"])
@KEYS
def test_ten_simultaneous_unlocks_by_one_learner_hold_the_price_once(lesson, same_key, _postgres):
    double_submit(lesson, threads=THREADS, same_key=same_key)


@KEYS
def test_simultaneous_unlocks_by_one_learner_hold_the_price_once_on_any_database(lesson, same_key):
    double_submit(lesson, threads=3, same_key=same_key)


@pytest.mark.parametrize("_postgres", [pytest.param(None, marks=ON_POSTGRES)], ids=["postgres"])
def test_many_learners_unlocking_at_once_share_one_explanation(lesson, _postgres):
    learners = [LearnerWithCreditsFactory(credits=100) for _ in range(THREADS)]

    results = run_together(
        THREADS, lambda index: services.unlock(user=learners[index], lesson=lesson, idempotency_key=f"k{index}")
    )

    assert [created(result) for result in results] == [True] * THREADS
    assert Explanation.objects.count() == 1
    assert Unlock.objects.filter(explanation=Explanation.objects.get()).count() == THREADS
    assert Hold.objects.filter(status=Hold.Status.OPEN).count() == THREADS
