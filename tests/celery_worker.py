"""Start a real Celery worker process against the test database, and wait until it answers a task."""

import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def test_database_url() -> str:
    """The URL of the database this test run created, for a process that is not this one."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] or "postgres"
    if db.get("PASSWORD"):
        auth += f":{db['PASSWORD']}"
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@dataclass
class WorkerProcess:
    process: subprocess.Popen
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def kill(self, sig: int) -> None:
        """Signal the worker's whole process group (the main process and its pool children)."""
        os.killpg(self.process.pid, sig)


@contextmanager
def celery_worker_running(
    *,
    env: dict[str, str] | None = None,
    queues: str = "celery,tutor",
    concurrency: int = 1,
    ready_timeout: float = 60,
) -> Iterator[WorkerProcess]:
    # The worker uses this test process's database, folder and Redis database (under pytest-xdist, this worker's own:
    # config/settings/test.py), as given here rather than worked out again from PYTEST_XDIST_WORKER.
    worker_env = {**os.environ, "DATABASE_URL": test_database_url(), "VAR_DIR": str(settings.VAR_DIR)}
    worker_env.pop("PYTEST_XDIST_WORKER", None)
    if settings.REDIS_URL:
        worker_env["REDIS_URL"] = settings.REDIS_URL
    else:
        worker_env.pop("REDIS_URL", None)
    worker_env |= env or {}
    log_path = Path(tempfile.mkstemp(prefix="celery-worker-", suffix=".log")[1])
    name = f"test-{uuid.uuid4().hex[:8]}@%h"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--loglevel=INFO", "--pool=prefork",
             f"--concurrency={concurrency}", "-Q", queues, "-n", name,
             "--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=ROOT, env=worker_env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    worker = WorkerProcess(process=process, log_path=log_path)
    try:
        _wait_ready(worker, ready_timeout)
        yield worker
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                worker.kill(9)
                process.wait(timeout=5)


def _wait_ready(worker: WorkerProcess, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if worker.process.poll() is not None:
            raise RuntimeError(f"The Celery worker exited early:\n{worker.log()}")
        if "ready." in worker.log():
            return
        time.sleep(0.2)
    raise RuntimeError(f"The Celery worker was not ready within {timeout} s:\n{worker.log()}")


def wait_for(
    condition: Callable[[], bool], *, worker: WorkerProcess | None = None, timeout: float = 60, what: str = ""
) -> None:
    """Poll `condition` until it holds; past `timeout` seconds fail, with the end of the log of `worker` if given."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    log = f" Worker log:\n{worker.log()[-6000:]}" if worker is not None else ""
    raise AssertionError(f"Timed out waiting for {what or condition}.{log}")
