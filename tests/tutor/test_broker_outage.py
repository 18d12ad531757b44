"""A broker outage loses no work: an unlock made while Redis is down is written once Redis is back, because the intent
is committed with the unlock and the tutor's sweep sends unclaimed pending work again after a short delay.

The test runs a Redis of its own, which it stops and starts; the database is the suite's."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.utils import timezone

from config.celery import app
from credits.selectors import wallet_summary
from tests.celery_worker import celery_worker_running
from tests.factories import LearnerWithCreditsFactory
from tutor import services
from tutor.models import Explanation, ExplanationStatus, Unlock, UnlockStatus
from tutor.services import explanations_recover

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not shutil.which("redis-server"), reason="needs the redis-server binary"),
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def redis_server(port: int) -> Iterator[subprocess.Popen]:
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.05)
        else:
            raise RuntimeError("redis-server did not start")
        yield process
    finally:
        process.terminate()
        process.wait(timeout=10)


@contextmanager
def producer_on(url: str) -> Iterator[None]:
    """This process sends tasks to the test's own Redis (the worker is started on it too)."""
    saved = app.conf.broker_url

    def connect_to(broker: str) -> None:
        # Celery keeps a connection pool and a producer pool, made on first use: drop both so they are made anew.
        app.conf.broker_url = broker
        app._pool = None
        app.amqp._producer_pool = None

    connect_to(url)
    try:
        yield
    finally:
        connect_to(saved)


def test_an_unlock_made_while_the_broker_is_down_is_written_once_it_is_back(lesson, settings):
    settings.TUTOR_BACKEND = "tests.tutor.backends_for_tests.Quick"
    port = free_port()
    url = f"redis://127.0.0.1:{port}/0"
    learner = LearnerWithCreditsFactory(credits=100)
    with producer_on(url):
        with redis_server(port):
            pass  # up, then stopped: the broker is down from here
        result = services.unlock(user=learner, lesson=lesson, idempotency_key=str(uuid.uuid4()))
        assert result.created
        assert wallet_summary(user=learner).available == 70  # held, the request answered
        explanation = Explanation.objects.get(pk=result.explanation.pk)
        assert (explanation.status, explanation.enqueued_at is not None) == (ExplanationStatus.PENDING, True)

        with redis_server(port), celery_worker_running(env={"REDIS_URL": url, "TUTOR_BACKEND": settings.TUTOR_BACKEND}):
            assert explanations_recover() == 0  # too early: the first enqueue may still be on its way
            later = timezone.now() + timedelta(seconds=settings.TUTOR_ENQUEUE_RETRY_SECONDS + 1)
            assert explanations_recover(now=later) == 1  # what beat's sweep does a couple of minutes on
            deadline = time.monotonic() + 60
            while Unlock.objects.get(user=learner).status != UnlockStatus.CHARGED:
                assert time.monotonic() < deadline, "the explanation was not written after the broker came back"
                time.sleep(0.2)

    explanation.refresh_from_db()
    assert explanation.status == ExplanationStatus.READY
    assert (wallet_summary(user=learner).balance, wallet_summary(user=learner).available) == (70, 70)
