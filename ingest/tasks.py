"""Celery tasks of the pipeline: thin callers of ingest.services, safe to run twice (docs/sources.md)."""

from __future__ import annotations

from celery import Task, shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError, close_old_connections

from ingest.exceptions import MaterialRetry
from ingest.services import PollResult, incoming_related_recompute, ingest_sweep, material_fetch, source_poll


@shared_task(name="ingest.tasks.ingest_sweep_task", acks_late=True)
def ingest_sweep_task() -> dict[str, int]:
    """Beat runs this every minute: one poll task per due source, and lost material handed out again."""
    swept = ingest_sweep()
    return {"polls": swept.polls, "material": swept.material}


@shared_task(name="ingest.tasks.source_poll_task", acks_late=True)
def source_poll_task(source_id: int) -> str:
    """Poll one source; a failure is recorded on the source, never raised (a retry is the next due time)."""
    result: PollResult = source_poll(source_id=source_id)
    return result.line()


@shared_task(bind=True, name="ingest.tasks.material_fetch_task", acks_late=True, reject_on_worker_lost=True)
def material_fetch_task(self: Task, fetch_id: int) -> str:
    """Fetch one item's material; transient failures retry with exponential backoff, the last one records the error.

    A database outage (PostgreSQL restarting) retries too, with the same backoff; the retry takes back the claim
    this task held (the same task id), so the job does not wait for the claim's lease.
    """
    max_retries = int(settings.INGEST_MATERIAL_MAX_RETRIES)
    try:
        return material_fetch(
            fetch_id=fetch_id, final_attempt=self.request.retries >= max_retries, claim_owner=str(self.request.id or "")
        )
    except MaterialRetry as error:
        raise self.retry(exc=error, countdown=error.countdown, max_retries=max_retries) from error
    except (OperationalError, InterfaceError) as error:
        close_old_connections()  # a broken connection is not reused by the retry
        countdown = float(settings.INGEST_MATERIAL_BACKOFF_SECONDS) * 2**self.request.retries
        raise self.retry(exc=error, countdown=countdown, max_retries=max_retries) from error


@shared_task(name="ingest.tasks.incoming_related_task", acks_late=True)
def incoming_related_task(lesson_ids: list[int]) -> int:
    """Related lessons for items a poll just brought in, shown to the curator; safe to run twice."""
    return incoming_related_recompute(lesson_ids=lesson_ids)
