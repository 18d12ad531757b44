"""The Celery app: configured from Django settings (CELERY_*), tasks discovered in every installed app."""

import gc
import os
from pathlib import Path

from celery import Celery
from celery.signals import worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("learnplatform")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def embedded_broker_folders_create() -> None:
    """The filesystem transport fails on missing folders; create them before anyone publishes or consumes."""
    options = app.conf.broker_transport_options or {}
    for key in ("data_folder_in", "data_folder_out", "data_folder_processed", "control_folder"):
        if folder := options.get(key):
            Path(folder).mkdir(parents=True, exist_ok=True)
    backend = str(app.conf.result_backend or "")
    if backend.startswith("file://"):
        Path(backend.removeprefix("file://")).mkdir(parents=True, exist_ok=True)


# Every process that publishes, consumes or stores a result needs the folders, not only the worker: a web process or
# a test calling `task.apply()` on a fresh VAR_DIR would otherwise fail. A few mkdirs, once per process.
embedded_broker_folders_create()


@app.task(name="health.ping", acks_late=True)
def health_ping(payload: str = "ping") -> str:
    """A round trip through the broker and a worker: the health check and the tests use it."""
    return f"pong:{payload}"


@worker_init.connect
def _objects_freeze(**_: object) -> None:
    """Move everything the start-up made (settings, models, thousands of modules) out of the garbage collector's
    sight, before the pool forks: the children share those pages instead of copying them as the collector touches
    them, and the worker's exit no longer walks them all (a warm stop took seconds less, bench/worker_stop.py)."""
    gc.freeze()
