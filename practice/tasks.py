"""Celery tasks of practice: thin callers of its services, safe to run twice."""

from __future__ import annotations

from celery import shared_task

from practice.services.generated import lesson_checks_generate


@shared_task(name="practice.tasks.lesson_checks_generate_task", acks_late=True, reject_on_worker_lost=True)
def lesson_checks_generate_task(lesson_id: int) -> int:
    """Make a lesson's check questions from its material (when it has none, or its material changed); the number
    stored. Routed to the "tutor" queue: with the `openai` backend it waits on the model server like explanations."""
    return lesson_checks_generate(lesson_id=lesson_id)


def lessons_checks_enqueue(lesson_ids: list[int]) -> None:
    """Send one task per lesson (called after the commit that changed their material; see practice/apps.py)."""
    for lesson_id in lesson_ids:
        lesson_checks_generate_task.delay(lesson_id)
