"""Per-learner rate limits for actions other learners or staff see (ratings, reports, questions): N per window.

Counted in the shared cache (Redis in production), in fixed windows. When the cache cannot be reached the action is
allowed and a warning logged: these limits bound abuse, and a cache outage must not take features down with it.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from django.core.cache import cache

logger = logging.getLogger(__name__)


class RateLimited(Exception):  # noqa: N818 - the name says what happened
    """Too many of this action lately; ``retry_after`` says in how many seconds the next one is allowed."""

    def __init__(self, *, action: str, retry_after: int) -> None:
        self.action = action
        self.retry_after = retry_after
        minutes = max(1, -(-retry_after // 60))
        super().__init__(f"You did that several times in a short while: try again in {minutes} min.")


@dataclass(frozen=True)
class Limit:
    action: str
    times: int
    per_seconds: int


def rate_limit_consume(*, limit: Limit, user_pk: int) -> None:
    """Count one use of ``limit.action`` by this learner, or raise RateLimited when the window's uses are spent."""
    now = time.time()
    window = int(now // limit.per_seconds)
    key = f"learner-rl:{limit.action}:{user_pk}:{window}"
    try:
        cache.add(key, 0, timeout=limit.per_seconds + 5)
        used = cache.incr(key)
    except Exception:  # the cache is down (or evicted the key between add and incr): allow, and say so
        logger.warning("rate limit %s not counted: the cache did not answer", limit.action, exc_info=True)
        return
    if used > limit.times:
        raise RateLimited(action=limit.action, retry_after=max(1, int((window + 1) * limit.per_seconds - now + 0.999)))
