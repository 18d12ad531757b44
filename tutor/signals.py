"""The tutor hears that a published lesson was saved, and has the worker check whether its material grew."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction

from lessons.models import Lesson, LessonStatus

logger = logging.getLogger(__name__)


def lesson_saved(sender: type[Lesson], instance: Lesson, raw: bool = False, **kwargs: Any) -> None:
    """post_save of a lesson: after commit, enqueue the material check (robust: a broker outage fails no save). Only
    published lessons can have been unlocked; incoming items and drafts are skipped without a query."""
    if raw or instance.status != LessonStatus.PUBLISHED:
        return
    lesson_id = instance.pk
    transaction.on_commit(lambda: _refresh_send(lesson_id), robust=True)


def _refresh_send(lesson_id: int) -> None:
    from tutor.tasks import explanation_material_refresh_task  # the tasks import the services

    explanation_material_refresh_task.delay(lesson_id)
