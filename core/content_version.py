"""The content version: one token that changes whenever anything every visitor can see may have changed (the catalog,
and the lesson titles other pages link to). Cached pages (core/page_cache.py, core/learner_pages.py) and cached page
parts put it in their keys, so a change never serves a stale page: the next request renders afresh under the new
token, and the old entries expire on their own.

The apps that own the content say when it changed (lessons/cache.py connects its models); core only keeps the token,
so every app can key its pages by it without importing the app that owns the content.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import models, transaction

from core.page_cache import StaleOnWriteQuerySet, VersionKey, cache_call, nothing_stale

VERSION_KEY = "lessons:content-version"


# The current version: calling it reads the token (made on first use); raises when the cache is down.
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


_M = TypeVar("_M", bound=models.Model)


class ContentRowsQuerySet(StaleOnWriteQuerySet[_M]):
    """Rows every visitor may see: its writes that send no model signal (`update()`, `bulk_create()`,
    `bulk_update()`) start a new content version, so no service can forget to. Saves and deletes (queryset deletes
    too) send signals, which the owning app connects to `content_changed` (lessons/cache.py). A model whose rows or
    fields are sometimes invisible (an incoming lesson, a source's poll bookkeeping) says which writes change nothing
    a visitor sees in `changes_content` and `rows_change_content`."""

    def changes_content(self, **update: Any) -> bool:
        """Whether updating these rows with ``update`` may change what visitors see (asked before it runs)."""
        return True

    def rows_change_content(self, rows: list[_M]) -> bool:
        """Whether writing ``rows`` in bulk may change what visitors see."""
        return bool(rows)

    def stale_after_update(self, **update: Any) -> Callable[[], None]:
        return content_changed if self.changes_content(**update) else nothing_stale

    def stale_after_rows(self, rows: list[_M]) -> Callable[[], None]:
        return content_changed if self.rows_change_content(rows) else nothing_stale


def content_rows_queryset(model: type[models.Model]) -> type[ContentRowsQuerySet[Any]] | None:
    """The model's ContentRowsQuerySet class, or None when its manager is another kind."""
    queryset_class = getattr(model._default_manager, "_queryset_class", None)
    if isinstance(queryset_class, type) and issubclass(queryset_class, ContentRowsQuerySet):
        return queryset_class
    return None
