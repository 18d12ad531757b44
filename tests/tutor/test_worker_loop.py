"""The whole loop through a real Celery worker process, on Redis (REDIS_URL) or the embedded filesystem broker:
unlock → hold → generation → capture; a backend that always fails; a worker killed in the middle of a generation."""

from __future__ import annotations

import signal
import time
import uuid
from datetime import timedelta

import pytest
from django.conf import settings
from django.db.models import F

from config.celery import app
from credits.models import Hold, LedgerEntry
from credits.selectors import ledger_audit, wallet_summary
from tests.celery_worker import celery_worker_running, wait_for
from tests.factories import LearnerWithCreditsFactory
from tests.tutor.conftest import ALWAYS_FAILS, SLOW
from tutor import services
from tutor.models import Explanation, ExplanationStatus, Unlock, UnlockStatus

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("empty_tutor_queue")]

ON_REDIS = bool(settings.REDIS_URL)


def tutor_queue_size() -> int:
    with app.connection_for_write() as connection:
        return connection.default_channel.queue_declare("tutor", passive=True).message_count


def learner_with(balance: int):
    return LearnerWithCreditsFactory(credits=balance)


def unlock(user, lesson):
    return services.unlock(user=user, lesson=lesson, idempotency_key=str(uuid.uuid4()))


def unlock_status(user) -> str:
    return Unlock.objects.get(user=user).status


def test_an_unlock_is_held_written_by_the_worker_and_captured_and_the_next_learner_shares_it(lesson):
    first, second = learner_with(100), learner_with(100)
    with celery_worker_running(env={"TUTOR_BACKEND": "study_guide"}) as worker:
        started = time.monotonic()
        result = unlock(first, lesson)
        assert wallet_summary(user=first).available == 70  # held at once
        assert wallet_summary(user=first).balance == 100

        wait_for(lambda: unlock_status(first) == UnlockStatus.CHARGED, worker=worker, what="the capture")
        broker = "Redis" if ON_REDIS else "the embedded broker"
        print(f"\nunlock → written and captured by a real worker on {broker}: {time.monotonic() - started:.2f} s")

        explanation = Explanation.objects.get(pk=result.explanation.pk)
        assert explanation.status == ExplanationStatus.READY
        assert (explanation.backend, explanation.attempts) == ("study_guide", 1)
        assert "## Chapter by chapter" in explanation.markdown
        assert (wallet_summary(user=first).balance, wallet_summary(user=first).available) == (70, 70)

        shared = unlock(second, lesson)
        assert shared.explanation.pk == explanation.pk
        assert unlock_status(second) == UnlockStatus.CHARGED  # served from the shared text, at once
        # A marker sent through the tutor's queue after the second unlock: the queue is first in, first out, so once
        # the worker has received the marker it has received any stray job the second unlock might have sent.
        marker = app.send_task("health.ping", args=["marker"], queue="tutor").id
        wait_for(lambda: f"health.ping[{marker}] received" in worker.log(), worker=worker, what="the marker")
        lines = worker.log().splitlines()
        received = [line for line in lines if "explanation_generate[" in line and "received" in line]
        assert len(received) == 1, worker.log()

    assert Explanation.objects.count() == 1
    assert Explanation.objects.get().attempts == 1
    assert wallet_summary(user=second).balance == 70
    assert LedgerEntry.objects.filter(kind=LedgerEntry.Kind.SPEND).count() == 2
    assert ledger_audit() == []


def test_a_backend_that_always_fails_returns_every_hold_once_and_the_balance_is_back(lesson):
    first, second = learner_with(100), learner_with(100)
    env = {"TUTOR_BACKEND": ALWAYS_FAILS, "TUTOR_MAX_RETRIES": "2", "TUTOR_RETRY_BACKOFF_SECONDS": "0.2"}
    with celery_worker_running(env=env) as worker:
        unlock(first, lesson)
        unlock(second, lesson)
        wait_for(
            lambda: Explanation.objects.get().status == ExplanationStatus.FAILED,
            worker=worker,
            what="the explanation to fail",
        )
        wait_for(
            lambda: set(Unlock.objects.values_list("status", flat=True)) == {UnlockStatus.RETURNED},
            worker=worker,
            what="both unlocks to be returned",
        )

    explanation = Explanation.objects.get()
    assert explanation.attempts == 3  # the first try and two retries with backoff
    assert "503" in explanation.error
    holds = Hold.objects.all()
    assert [hold.status for hold in holds] == [Hold.Status.RELEASED, Hold.Status.RELEASED]
    assert {hold.release_reason for hold in holds} == {"the explanation could not be written"}
    for user in (first, second):
        summary = wallet_summary(user=user)
        assert (summary.balance, summary.held, summary.available) == (100, 0, 100)
    assert not LedgerEntry.objects.filter(kind=LedgerEntry.Kind.SPEND).exists()
    assert ledger_audit() == []


@pytest.fixture
def lost_worker_settings(settings):
    """How a lost job comes back. On Redis the broker hands the unacknowledged message out again after the
    visibility timeout (shortened here, with kombu's restore sweep every second) and the same task id takes its claim
    back at once, so the lease stays long. kombu's filesystem transport deletes a message when a worker fetches it
    and never hands it out again: the tutor's sweep recovers the job once its claim is past the lease (short here)."""
    lease = 600 if ON_REDIS else 3
    settings.TUTOR_CLAIM_LEASE_SECONDS = lease
    return {
        "TUTOR_BACKEND": SLOW,
        "TUTOR_TEST_SLOW_SECONDS": "3",
        "TUTOR_CLAIM_LEASE_SECONDS": str(lease),
        "CELERY_VISIBILITY_TIMEOUT": "3",
        "CELERY_UNACKED_RESTORE_SECONDS": "1",
    }


def test_a_worker_killed_mid_generation_leaves_the_job_to_another_delivery_with_one_capture(
    lesson, lost_worker_settings
):
    learner = learner_with(100)
    env = lost_worker_settings
    with celery_worker_running(env=env) as doomed:
        result = unlock(learner, lesson)
        wait_for(
            lambda: Explanation.objects.get().partial_markdown != "",
            worker=doomed,
            what="the first worker to be writing",
        )
        doomed.kill(signal.SIGKILL)
        doomed.process.wait(timeout=10)
    first_claim = Explanation.objects.get()
    assert (first_claim.status, first_claim.attempts) == (ExplanationStatus.RUNNING, 1)
    assert Hold.objects.get().status == Hold.Status.OPEN  # nothing captured, nothing returned
    assert wallet_summary(user=learner).available == 70
    if not ON_REDIS:
        # kombu's filesystem transport deleted the message when the doomed worker fetched it: nothing is left for
        # another worker to receive. Then the lease passes, driven here rather than waited for.
        assert tutor_queue_size() == 0
        past_the_lease = timedelta(minutes=1)
        Explanation.objects.filter(pk=first_claim.pk).update(
            claimed_at=F("claimed_at") - past_the_lease, enqueued_at=F("enqueued_at") - past_the_lease
        )

    with celery_worker_running(env={**env, "TUTOR_TEST_SLOW_SECONDS": "1"}) as rescuer:
        if ON_REDIS:
            # Nobody sweeps: the broker itself hands the message back after the visibility timeout.
            wait_for(
                lambda: unlock_status(learner) == UnlockStatus.CHARGED,
                worker=rescuer,
                timeout=60,
                what="the redelivered message to finish the job",
            )
            assert Explanation.objects.get().claimed_by == first_claim.claimed_by  # the same message, redelivered
        else:
            assert services.explanations_recover() == 1  # what beat runs every minute
            wait_for(
                lambda: unlock_status(learner) == UnlockStatus.CHARGED,
                worker=rescuer,
                what="the recovered job to finish",
            )
            assert Explanation.objects.get().claimed_by != first_claim.claimed_by

    explanation = Explanation.objects.get(pk=result.explanation.pk)
    assert (explanation.status, explanation.attempts) == (ExplanationStatus.READY, 2)
    assert explanation.backend == "test-slow"
    assert list(Hold.objects.values_list("status", flat=True)) == [Hold.Status.CAPTURED]  # no orphan hold
    assert LedgerEntry.objects.filter(kind=LedgerEntry.Kind.SPEND).count() == 1
    assert (wallet_summary(user=learner).balance, wallet_summary(user=learner).available) == (70, 70)
    assert ledger_audit() == []
