"""When the catalog changes the content version (core/content_version.py), which cached pages and parts are keyed by.

What changes it:
- a save or delete of a lesson (unless it is an incoming item, which nobody outside curation sees), a chapter, a
  related-lessons row, a course or its lessons, a source or a category: through the model signals connected in
  `invalidation_connect()`, so the admin, services, the shell and data migrations are all covered;
- the writes in bulk (bulk_create, bulk_update, update()), which send no signals: the models' managers are
  ContentRowsQuerySets (core/content_version.py), which start a new version themselves (queryset deletes send the
  signals). No service calls `content_changed()`.

Signals here do not carry domain flow; they only say "drop the cached pages", which every write path must do and
none may forget. The new token is set when the transaction commits: a reader in between renders the old rows under
the old token, never old rows under the new one (`content_changed`).
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save

from core.content_version import content_changed
from lessons.models import (
    Category,
    Chapter,
    Course,
    CourseLesson,
    Lesson,
    LessonSkill,
    LessonStatus,
    RelatedLesson,
    Skill,
    Source,
)


def _changed(sender: type, instance: Any, **kwargs: Any) -> None:
    if isinstance(instance, Lesson) and instance.status == LessonStatus.INCOMING:
        return  # the curation queue: invisible until published, and publishing is a change of its own
    content_changed()


# What a visitor can see of the catalog; each has a ContentRowsQuerySet manager (tests/platform_checks/
# test_invalidation.py checks it).
CONTENT_MODELS = (Lesson, Chapter, RelatedLesson, Course, CourseLesson, Source, Category, Skill, LessonSkill)


def invalidation_connect() -> None:
    for model in CONTENT_MODELS:
        post_save.connect(_changed, sender=model, dispatch_uid=f"lessons-cache-{model.__name__}-save")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"lessons-cache-{model.__name__}-delete")
