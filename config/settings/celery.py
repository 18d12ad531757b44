"""Celery: the broker (Redis or kombu's filesystem transport under VAR_DIR), delivery guarantees, beat and routes."""

from pathlib import Path

from config.settings.base import VAR_DIR, env
from config.settings.cache import REDIS_URL


def broker_for(redis_url: str, var_dir: Path) -> tuple[str, dict[str, object], str]:
    """(broker URL, transport options, result backend): Redis when there is one, else kombu's filesystem transport
    in var_dir/celery, which needs no server."""
    if redis_url:
        # A message whose worker died unacknowledged goes back on the queue after the visibility timeout. Tests that
        # kill a worker shorten it, and the restore sweep with it (kombu sweeps every interval × throttle seconds).
        options: dict[str, object] = {"visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=7200)}
        if restore_seconds := env.int("CELERY_UNACKED_RESTORE_SECONDS", default=0):
            options |= {"unacked_restore_interval": restore_seconds, "unacked_restore_throttle": 1}
        return redis_url, options, redis_url
    # In and out must be the same folder, or nothing is consumed.
    folder = var_dir / "celery"
    options = {
        "data_folder_in": str(folder / "queue"),
        "data_folder_out": str(folder / "queue"),
        "data_folder_processed": str(folder / "processed"),
        "control_folder": str(folder / "control"),
        "store_processed": False,
    }
    return "filesystem://", options, f"file://{folder / 'results'}"


# --- Celery ------------------------------------------------------------------------------------------------------
CELERY_EMBEDDED_DIR = VAR_DIR / "celery"
CELERY_BROKER_URL, CELERY_BROKER_TRANSPORT_OPTIONS, CELERY_RESULT_BACKEND = broker_for(REDIS_URL, VAR_DIR)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_RESULT_EXPIRES = 3600
CELERY_TIMEZONE = "UTC"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# The longest task (tutor generation) stays below the claim lease, the hold's expiry and the broker's visibility
# timeout, so a job is redelivered only when its worker is really gone: config/checks.py enforces the order.
CELERY_TASK_TIME_LIMIT = 600
CELERY_TASK_SOFT_TIME_LIMIT = 540
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {}
# Holds that outlive their expiry go back to the learner within a minute.
CELERY_BEAT_SCHEDULE["credits-holds-expire"] = {"task": "credits.tasks.holds_expire_task", "schedule": 60.0}
# Weekly leagues close soon after Monday 00:00 UTC (the task only closes weeks that have ended, once each); freezes
# are spent on missed days, or streaks ended, within an hour of each learner's midnight.
CELERY_BEAT_SCHEDULE["gamification-leagues-rollover"] = {
    "task": "gamification.tasks.leagues_rollover_task",
    "schedule": 300.0,
}
CELERY_BEAT_SCHEDULE["gamification-streaks-settle"] = {
    "task": "gamification.tasks.streaks_settle_task",
    "schedule": 3600.0,
}
CELERY_TASK_ROUTES: dict[str, dict[str, str]] = {}
# Explanations run on their own queue so a slow model never holds up other tasks (docs/tutor.md); the tutor's sweep is
# quick and must not wait behind them, so it stays on the default queue (an exact name wins over a pattern).
CELERY_TASK_ROUTES["tutor.tasks.tutor_sweep_task"] = {"queue": "celery"}
# Checking whether a saved lesson's material grew is quick too; the explanation it may ask for goes to "tutor".
CELERY_TASK_ROUTES["tutor.tasks.explanation_material_refresh_task"] = {"queue": "celery"}
CELERY_TASK_ROUTES["tutor.*"] = {"queue": "tutor"}
# Explanations whose worker vanished are handed to another worker, and unlocks follow holds the sweeper returned.
CELERY_BEAT_SCHEDULE["tutor-sweep"] = {"task": "tutor.tasks.tutor_sweep_task", "schedule": 60.0}
# Sources whose next poll is due get one task each; material left pending by a lost message is handed out again.
CELERY_BEAT_SCHEDULE["ingest-sweep"] = {"task": "ingest.tasks.ingest_sweep_task", "schedule": 60.0}

# --- Later additions ------------------------------------------------------------------------------------------------
# New settings of this concern go below, each in a commented block of its own (and in README.md's configuration).

# Check questions are made from a lesson's material in the worker (practice/tasks.py); with the `openai` backend they
# wait on the model server, so they share the explanations' queue rather than holding up the default one.
CELERY_TASK_ROUTES["practice.tasks.lesson_checks_generate_task"] = {"queue": "tutor"}
