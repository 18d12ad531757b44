"""Sessions read from the cache and written through to the database (Django's cached_db), tolerant of a cache outage
when reading: the session comes from the database and the page answers. That includes `exists()`, which allauth's
session-token lookup calls for every X-Session-Token request: an app keeps the API while the cache is away.

Django's own store already logs and carries on when it cannot save to the cache, but a read that misses and then
cannot refill the cache fails the request. Deleting (signing out) still needs the cache: a session left there would
outlive its row, so an outage then answers 503 and the learner tries again.
"""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore

logger = logging.getLogger(__name__)


class SessionStore(CachedDBStore):
    def load(self) -> dict[str, Any]:
        try:
            data = self._cache.get(self.cache_key)  # type: ignore[attr-defined]  # Django API, not in the stubs
        except Exception:  # the cache is down, or refused the key: the database has the session
            data = None
        if data is not None:
            return data
        stored = self._get_session_from_db()  # type: ignore[attr-defined]
        if stored is None:
            return {}
        data = self.decode(stored.session_data)
        try:
            self._cache.set(self.cache_key, data, self.get_expiry_age(expiry=stored.expire_date))  # type: ignore[attr-defined]
        except Exception:
            logger.warning("session not cached: the cache did not answer", exc_info=True)
        return data

    def exists(self, session_key: str | None) -> bool:
        if not session_key:
            return False
        try:
            if (self.cache_key_prefix + session_key) in self._cache:  # type: ignore[attr-defined]
                return True
        except Exception:  # the cache is down: the database knows every session
            logger.warning("session looked up in the database: the cache did not answer", exc_info=True)
        return super(CachedDBStore, self).exists(session_key)

    async def aexists(self, session_key: str | None) -> bool:
        if not session_key:
            return False
        try:
            if await self._cache.ahas_key(self.cache_key_prefix + session_key):  # type: ignore[attr-defined]
                return True
        except Exception:
            logger.warning("session looked up in the database: the cache did not answer", exc_info=True)
        return await super(CachedDBStore, self).aexists(session_key)
