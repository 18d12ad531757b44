"""The tutor's Celery tasks in-process: retries with exponential backoff, the last failure returning the credits,
the queue each task goes to, and the sweep beat runs."""

import time
import uuid
from datetime import timedelta

import pytest
from django.db import OperationalError
from django.utils import timezone

from config.celery import app
from credits.selectors import wallet_summary
from tests.tutor.conftest import ALWAYS_FAILS
from tutor import services
from tutor.models import Explanation, ExplanationStatus, Unlock, UnlockStatus
from tutor.tasks import explanation_generate, tutor_sweep_task

pytestmark = pytest.mark.django_db


class RetryRequested(Exception):  # noqa: N818 - stands in for celery.exceptions.Retry
    def __init__(self, countdown):
        super().__init__(countdown)
        self.countdown = countdown


@pytest.fixture
def retries_recorded(monkeypatch):
    """Celery's retry would publish a new message; here it only says when it would have run."""

    def retry(*, exc=None, countdown=None, max_retries=None):
        return RetryRequested(countdown)

    monkeypatch.setattr(explanation_generate, "retry", retry)


@pytest.fixture
def waiting(learner, lesson, monkeypatch):
    """An explanation a learner is waiting for, not yet sent to any broker."""
    monkeypatch.setattr("tutor.services.generation._generation_send", lambda explanation_id: None)
    return services.unlock(user=learner, lesson=lesson, idempotency_key=str(uuid.uuid4())).explanation


def run_as_delivery(explanation, *, retries):
    explanation_generate.push_request(id="task-1", retries=retries)
    try:
        return explanation_generate.run(explanation.pk)
    finally:
        explanation_generate.pop_request()


def test_transient_errors_are_retried_with_exponential_backoff_and_the_last_one_returns_the_credits(
    waiting, learner, settings, retries_recorded
):
    settings.TUTOR_BACKEND = ALWAYS_FAILS
    settings.TUTOR_MAX_RETRIES = 3
    settings.TUTOR_RETRY_BACKOFF_SECONDS = 10.0
    for retries, countdown in ((0, 10.0), (1, 20.0), (2, 40.0)):
        with pytest.raises(RetryRequested) as raised:
            run_as_delivery(waiting, retries=retries)
        assert raised.value.countdown == countdown
        assert Explanation.objects.get().status == ExplanationStatus.PENDING
        assert wallet_summary(user=learner).available == 70

    assert run_as_delivery(waiting, retries=3) == services.FAILED
    assert Explanation.objects.get().attempts == 4
    assert wallet_summary(user=learner).available == 100


class DatabaseGoesAway:
    """A backend whose first call meets the database going away (as the progress writer would, mid-write)."""

    def generate(self, material, *, on_progress=None):
        raise OperationalError("server closed the connection unexpectedly (test double)")


def test_a_database_outage_mid_write_is_retried_and_the_retry_takes_back_its_own_claim(
    waiting, learner, settings, retries_recorded, monkeypatch
):
    settings.TUTOR_RETRY_BACKOFF_SECONDS = 10.0
    monkeypatch.setattr("tutor.services.generation.backend_get", DatabaseGoesAway)
    with pytest.raises(RetryRequested) as raised:
        run_as_delivery(waiting, retries=0)
    assert raised.value.countdown == 10.0
    explanation = Explanation.objects.get()
    assert (explanation.status, explanation.claimed_by) == (ExplanationStatus.RUNNING, "task-1")

    monkeypatch.undo()  # the database is back; the retry is the same task id
    settings.TUTOR_BACKEND = "tests.tutor.backends_for_tests.Quick"
    assert run_as_delivery(waiting, retries=1) == services.WRITTEN
    assert Unlock.objects.get().status == UnlockStatus.CHARGED
    assert wallet_summary(user=learner).balance == 70


def test_a_retry_after_the_text_was_stored_settles_the_unlocks_left_waiting(waiting, learner):
    # The database went away after the explanation was stored and before its unlocks were settled.
    Explanation.objects.filter(pk=waiting.pk).update(status=ExplanationStatus.READY, markdown="## Text", claim_token="")
    assert Unlock.objects.get().status == UnlockStatus.PENDING

    assert run_as_delivery(waiting, retries=1) == services.SKIPPED
    assert Unlock.objects.get().status == UnlockStatus.CHARGED
    assert (wallet_summary(user=learner).balance, wallet_summary(user=learner).available) == (70, 70)


def test_an_eager_run_writes_the_explanation_and_captures_the_hold(waiting, learner, quick_backend, celery_eager):
    assert explanation_generate.delay(waiting.pk).get() == services.WRITTEN
    assert wallet_summary(user=learner).balance == 70


def test_the_sweep_recovers_lost_jobs_and_settles_unlocks_the_credits_sweeper_returned(
    waiting, learner, settings, monkeypatch
):
    sent = []
    monkeypatch.setattr("tutor.services.generation._generation_send", sent.append)
    refreshes = []
    monkeypatch.setattr("tutor.tasks.concepts_refresh_task.delay", lambda: refreshes.append(1))
    Explanation.objects.filter(pk=waiting.pk).update(
        enqueued_at=timezone.now() - timedelta(seconds=settings.TUTOR_CLAIM_LEASE_SECONDS + 1)
    )
    from credits.services import holds_expire

    holds_expire(now=timezone.now() + timedelta(seconds=settings.TUTOR_HOLD_TTL_SECONDS + 1))

    assert tutor_sweep_task() == {"recovered": 1, "settled": 1, "questions": 0, "concepts_stale": 1}
    assert sent == [waiting.pk]
    assert refreshes == [1]  # the lessons were never indexed: the sweep asked a worker to index them
    assert learner.unlocks.get().status == UnlockStatus.RETURNED


def test_generation_goes_to_the_tutor_queue_and_the_sweep_to_the_default_one_every_minute(settings):
    router = app.amqp.router
    assert router.route({}, "tutor.tasks.explanation_generate")["queue"].name == "tutor"
    assert router.route({}, "tutor.tasks.tutor_sweep_task")["queue"].name == "celery"
    assert settings.CELERY_BEAT_SCHEDULE["tutor-sweep"] == {"task": "tutor.tasks.tutor_sweep_task", "schedule": 60.0}


def test_generation_is_acknowledged_late_and_given_back_when_its_worker_is_lost():
    assert explanation_generate.acks_late
    assert explanation_generate.reject_on_worker_lost
    # The soft limit fires first (the explanation fails and the credits go back) and stays below the broker's
    # visibility timeout, so Redis redelivers only messages whose worker is gone.
    assert app.conf.task_soft_time_limit < app.conf.task_time_limit
    assert app.conf.task_time_limit < 3600


def test_a_claim_whose_worker_went_silent_is_taken_back_by_the_sweep_well_before_the_lease(
    waiting, settings, monkeypatch
):
    """A killed worker stops its heartbeat: three beats missed, the sweep sends the job again and a new delivery
    claims it, instead of waiting out TUTOR_CLAIM_LEASE_SECONDS (660 s)."""
    sent = []
    monkeypatch.setattr("tutor.services.generation._generation_send", sent.append)
    assert services.explanation_claim(explanation_id=waiting.pk, claimant="killed-worker") is not None
    silent_for = timedelta(seconds=3 * settings.TUTOR_HEARTBEAT_SECONDS + 1)
    assert silent_for < timedelta(seconds=60) < timedelta(seconds=settings.TUTOR_CLAIM_LEASE_SECONDS)
    now = timezone.now()
    Explanation.objects.filter(pk=waiting.pk).update(
        claimed_at=now - silent_for - timedelta(seconds=5), enqueued_at=now - silent_for - timedelta(seconds=5),
        progress_at=now - silent_for,
    )  # fmt: skip
    assert services.explanations_recover(now=now) == 1
    assert sent == [waiting.pk]
    assert services.explanation_claim(explanation_id=waiting.pk, claimant="next-delivery") is not None


def test_a_claim_with_a_recent_heartbeat_is_left_to_its_worker(waiting, settings, monkeypatch):
    sent = []
    monkeypatch.setattr("tutor.services.generation._generation_send", sent.append)
    services.explanation_claim(explanation_id=waiting.pk, claimant="live-worker")
    now = timezone.now()
    Explanation.objects.filter(pk=waiting.pk).update(
        claimed_at=now - timedelta(seconds=300), enqueued_at=now - timedelta(seconds=300), progress_at=now
    )
    assert services.explanations_recover(now=now) == 0
    assert services.explanation_claim(explanation_id=waiting.pk, claimant="another") is None
    assert sent == []


class SilentModel:
    """A model call that says nothing for longer than three heartbeats, and asks the sweep meanwhile."""

    name, model = "test-silent", "silent-1"
    swept: list[int] = []

    def generate(self, material, *, on_progress=None):
        from tests.tutor.backends_for_tests import guide_markdown
        from tutor.backends import GenerationResult

        time.sleep(1.0)
        SilentModel.swept.append(services.explanations_recover())
        return GenerationResult(markdown=guide_markdown(material), backend=self.name, model=self.model)


@pytest.mark.django_db(transaction=True)
def test_the_worker_keeps_its_claim_alive_while_the_model_is_silent(learner, lesson, settings, monkeypatch):
    monkeypatch.setattr("tutor.services.generation._generation_send", lambda explanation_id: None)
    settings.TUTOR_HEARTBEAT_SECONDS = 0.1
    settings.TUTOR_BACKEND = f"{__name__}.SilentModel"
    explanation = services.unlock(user=learner, lesson=lesson, idempotency_key="heartbeat").explanation
    SilentModel.swept.clear()
    outcome = services.explanation_write(explanation_id=explanation.pk, claimant="task-1", final_attempt=True)
    assert (outcome, SilentModel.swept) == (services.WRITTEN, [0])
