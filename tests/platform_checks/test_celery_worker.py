"""A real task through a real worker process, on Redis and on the embedded filesystem broker."""

import socket

import pytest
from celery import Celery

from tests.celery_worker import celery_worker_running

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _redis_reachable(host: str = "127.0.0.1", port: int = 6379) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def _client_app(**conf: object) -> Celery:
    # Not the current app: shared tasks published later in this process must still go to the project's broker.
    app = Celery("test-client", set_as_current=False)
    app.conf.update(task_serializer="json", accept_content=["json"], result_serializer="json", **conf)
    return app


def test_a_task_round_trips_through_a_worker_on_redis():
    if not _redis_reachable():
        pytest.skip("Redis is not running on 127.0.0.1:6379 (make services starts it where installed)")
    url = "redis://127.0.0.1:6379/14"
    client = _client_app(broker_url=url, result_backend=url)
    client.connection_for_write().default_channel.client.flushdb()
    with celery_worker_running(env={"REDIS_URL": url}) as worker:
        result = client.send_task("health.ping", args=["redis"])
        assert result.get(timeout=30) == "pong:redis", worker.log()


def test_a_task_round_trips_through_a_worker_on_the_embedded_broker(tmp_path):
    queue = tmp_path / "celery" / "queue"
    processed = tmp_path / "celery" / "processed"
    results = tmp_path / "celery" / "results"
    for folder in (queue, processed, results):
        folder.mkdir(parents=True)
    client = _client_app(
        broker_url="filesystem://",
        broker_transport_options={
            "data_folder_in": str(queue),
            "data_folder_out": str(queue),
            "data_folder_processed": str(processed),
            "control_folder": str(tmp_path / "celery" / "control"),
        },
        result_backend=f"file://{results}",
    )
    # No REDIS_URL: the worker falls back to the embedded broker under its VAR_DIR, the same folders as the client.
    with celery_worker_running(env={"VAR_DIR": str(tmp_path), "REDIS_URL": ""}) as worker:
        result = client.send_task("health.ping", args=["embedded"])
        assert result.get(timeout=30) == "pong:embedded", worker.log()
