"""Celery tasks of the ledger: thin callers of the services, safe to run twice."""

from celery import shared_task

from credits.services import holds_expire


@shared_task(name="credits.tasks.holds_expire_task", acks_late=True)
def holds_expire_task() -> int:
    """Beat runs this every minute (settings.CELERY_BEAT_SCHEDULE): expired holds go back to the learners."""
    return holds_expire()
