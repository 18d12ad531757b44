"""Background work for the catalog: thin Celery tasks that call a service."""

from celery import shared_task

from lessons.models import Lesson
from lessons.related import related_recompute


@shared_task(name="lessons.related_recompute", acks_late=True)
def related_recompute_task(lesson_id: int | None = None) -> int:
    """Recompute computed related lessons; safe to run twice (it rewrites the same rows)."""
    lesson = Lesson.objects.filter(pk=lesson_id).first() if lesson_id is not None else None
    return related_recompute(lesson=lesson).rows
