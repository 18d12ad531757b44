"""Parts of a learner's pages kept in the shared cache (Redis in production, a file cache by default).

A part is stored under a key that names everything it was built from (the learner, a version of their data, the
day), so a changed input is a different key and nothing is ever invalidated by hand. The cache is only a shortcut:
when it cannot be read or written, the part is computed as if it had missed and a warning is logged, never an error.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache

logger = logging.getLogger(__name__)

T = TypeVar("T")

_MISSING = object()


def cached_or_computed(key: str, compute: Callable[[], T], *, timeout: int) -> T:
    """The value stored under `key`, or `compute()`'s, stored there for `timeout` seconds."""
    try:
        found = cache.get(key, _MISSING)
    except Exception:  # the cache is down or answered garbage: the page still works, only slower
        logger.warning("page cache: could not read %s", key, exc_info=True)
        return compute()
    if found is not _MISSING:
        return found
    value = compute()
    try:
        cache.set(key, value, timeout=timeout)
    except Exception:
        logger.warning("page cache: could not store %s", key, exc_info=True)
    return value
