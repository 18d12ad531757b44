"""The catalog's content version: one token that changes whenever anything a visitor can see of the catalog may have
changed. Cached pages (core/page_cache.py) and cached page parts put it in their keys, so a change never serves a
stale page: the next request renders afresh under the new token, and the old entries expire on their own.

What changes it:
- a save or delete of a lesson (unless it is an incoming item, which nobody outside curation sees), a chapter, a
  related-lessons row, a course or its lessons, a source or a category: through the model signals connected in
  `invalidation_connect()`, so the admin, services, the shell and data migrations are all covered;
- the services that write in bulk (bulk_create, update(), queryset delete), which send no signals: they call
  `content_changed()` themselves.

Signals here do not carry domain flow; they only say "drop the cached pages", which every write path must do and
none may forget. The new token is set when the transaction commits: a reader in between renders the old rows under
the old token, never old rows under the new one (`content_changed`).
"""

from __future__ import annotations

import time
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from core.page_cache import VersionKey, cache_call
from lessons.models import Category, Chapter, Course, CourseLesson, Lesson, LessonStatus, RelatedLesson, Source

VERSION_KEY = "lessons:content-version"


# The catalog's current version: calling it reads the token (made on first use); raises when the cache is down.
content_version = VersionKey(VERSION_KEY)


def content_changed() -> None:
    """Start a new version now, and inside a transaction again when it commits (once per transaction).

    Now: no request keeps serving the pages of the old content. At commit: a request that ran in between read the
    rows as they were before the commit and may have cached them under the version of "now"; that version is dropped
    too. A cache outage does not stop the write (core/page_cache.py logs it); pages then wait for their expiry.
    """
    cache_call(_version_bump)
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        return  # autocommit: the write is already committed, one new version is enough
    if any(entry[1] is _version_bump for entry in connection.run_on_commit):
        return
    transaction.on_commit(_version_bump, robust=True)


def _version_bump() -> None:
    cache.set(VERSION_KEY, str(time.time_ns()), timeout=None)


def _changed(sender: type, instance: Any, **kwargs: Any) -> None:
    if isinstance(instance, Lesson) and instance.status == LessonStatus.INCOMING:
        return  # the curation queue: invisible until published, and publishing is a change of its own
    content_changed()


def invalidation_connect() -> None:
    for model in (Lesson, Chapter, RelatedLesson, Course, CourseLesson, Source, Category):
        post_save.connect(_changed, sender=model, dispatch_uid=f"lessons-cache-{model.__name__}-save")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"lessons-cache-{model.__name__}-delete")
