"""Celery tasks of the tutor: thin callers of the services, safe to run twice (docs/tutor.md)."""

from __future__ import annotations

from celery import Task, shared_task
from django.conf import settings

from tutor.exceptions import GenerationRetry
from tutor.services import explanation_write, explanations_recover, unlocks_reconcile


@shared_task(bind=True, name="tutor.tasks.explanation_generate", acks_late=True, reject_on_worker_lost=True)
def explanation_generate(self: Task, explanation_id: int) -> str:
    """Write one explanation (routed to the "tutor" queue). Transient backend errors retry with exponential backoff;
    the last retry that fails, a permanent error or the soft time limit fail it and return the learners' credits."""
    max_retries = int(settings.TUTOR_MAX_RETRIES)
    try:
        return explanation_write(
            explanation_id=explanation_id,
            claimant=self.request.id or "",
            final_attempt=self.request.retries >= max_retries,
        )
    except GenerationRetry as error:
        countdown = float(settings.TUTOR_RETRY_BACKOFF_SECONDS) * 2**self.request.retries
        raise self.retry(exc=error, countdown=countdown, max_retries=max_retries) from error


@shared_task(name="tutor.tasks.tutor_sweep_task", acks_late=True)
def tutor_sweep_task() -> dict[str, int]:
    """Beat runs this every minute: jobs whose worker vanished go to another worker, and unlocks whose hold the
    credits sweeper returned (or whose explanation finished unsettled) are settled."""
    return {"recovered": explanations_recover(), "settled": unlocks_reconcile()}
