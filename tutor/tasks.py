"""Celery tasks of the tutor: thin callers of the services, safe to run twice (docs/tutor.md)."""

from __future__ import annotations

from celery import Task, shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError

from lessons.models import Lesson
from tutor.exceptions import GenerationRetry
from tutor.services import (
    explanation_material_refresh,
    explanation_write,
    explanations_recover,
    question_answer,
    questions_recover,
    unlocks_reconcile,
)
from tutor.services.concepts import concepts_refresh, concepts_stale


@shared_task(bind=True, name="tutor.tasks.explanation_generate", acks_late=True, reject_on_worker_lost=True)
def explanation_generate(self: Task, explanation_id: int) -> str:
    """Write one explanation (routed to the "tutor" queue). Transient backend errors retry with exponential backoff;
    the last retry that fails, a permanent error or the soft time limit fail it and return the learners' credits.

    The database going away (a restart, a crash, a failover) is retried the same way: the retry carries this task's
    id, so it takes back the claim this delivery may have left running, and finishes or settles the job."""
    max_retries = int(settings.TUTOR_MAX_RETRIES)
    try:
        return explanation_write(
            explanation_id=explanation_id,
            claimant=self.request.id or "",
            final_attempt=self.request.retries >= max_retries,
        )
    except (GenerationRetry, OperationalError, InterfaceError) as error:
        countdown = float(settings.TUTOR_RETRY_BACKOFF_SECONDS) * 2**self.request.retries
        raise self.retry(exc=error, countdown=countdown, max_retries=max_retries) from error


@shared_task(name="tutor.tasks.question_answer_task", acks_late=True, reject_on_worker_lost=True)
def question_answer_task(question_id: int) -> str:
    """Answer one learner's question (routed to the "tutor" queue); a second delivery finds it claimed and stops."""
    return question_answer(question_id=question_id)


@shared_task(name="tutor.tasks.explanation_material_refresh_task", acks_late=True)
def explanation_material_refresh_task(lesson_id: int) -> int | None:
    """A published lesson was saved: when its material grew, write the explanation again for those who unlocked it.
    Returns the new explanation's id, or None when there was nothing to do."""
    lesson = Lesson.objects.filter(pk=lesson_id).select_related("source", "category").first()
    if lesson is None:
        return None
    explanation = explanation_material_refresh(lesson=lesson)
    return explanation.pk if explanation is not None else None


@shared_task(name="tutor.tasks.concepts_refresh_task", acks_late=True)
def concepts_refresh_task() -> int:
    """Re-index the terms of every published lesson that changed since it was indexed."""
    return concepts_refresh()


@shared_task(name="tutor.tasks.tutor_sweep_task", acks_late=True)
def tutor_sweep_task() -> dict[str, int]:
    """Beat runs this every minute: jobs whose worker vanished go to another worker, unlocks whose hold the
    credits sweeper returned (or whose explanation finished unsettled) are settled, questions no worker picked up
    are sent again, and the concept index is refreshed when lessons changed."""
    stale = concepts_stale()
    if stale:
        concepts_refresh_task.delay()
    return {
        "recovered": explanations_recover(),
        "settled": unlocks_reconcile(),
        "questions": questions_recover(),
        "concepts_stale": int(stale),
    }
