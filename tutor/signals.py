"""The tutor hears that a published lesson was saved, and has the worker check whether its material grew."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction

from lessons.models import Lesson, LessonStatus

logger = logging.getLogger(__name__)


# The lesson's columns an explanation is written from (beside its chapters, whose edits save the lesson in the admin).
MATERIAL_FIELDS = frozenset({"title", "description", "transcript", "material"})


def lesson_saved(
    sender: type[Lesson],
    instance: Lesson,
    created: bool = False,
    raw: bool = False,
    update_fields: frozenset[str] | None = None,
    **kwargs: Any,
) -> None:
    """post_save of a lesson: after commit, enqueue the material check (robust: a broker outage fails no save). Only
    a published lesson saved before can have been unlocked: new lessons, incoming items, drafts and saves of other
    columns only (``update_fields``) are skipped without a query."""
    if raw or created or instance.status != LessonStatus.PUBLISHED:
        return
    if update_fields is not None and not MATERIAL_FIELDS & set(update_fields):
        return
    lesson_id = instance.pk
    transaction.on_commit(lambda: _refresh_send(lesson_id), robust=True)


def _refresh_send(lesson_id: int) -> None:
    from tutor.tasks import explanation_material_refresh_task  # the tasks import the services

    explanation_material_refresh_task.delay(lesson_id)
