"""Redis (Celery's broker and the cache) or the embedded defaults; the page caches and the session store."""

from pathlib import Path

from config.settings.base import DEBUG, VAR_DIR, env


def caches_for(redis_url: str, var_dir: Path) -> dict[str, dict[str, str]]:
    """Redis when there is one; else a file cache, which the web process and the worker share (allauth's rate
    limits need that)."""
    if redis_url:
        # django-redis keeps one client per connection pool (Django's own backend builds one per operation).
        return {"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": redis_url}}
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(var_dir / "cache"),
        }
    }


# --- Redis (broker and cache) or the embedded defaults -------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
CACHES = caches_for(REDIS_URL, VAR_DIR)

# Pages every visitor sees the same are kept this long per content version (core/page_cache.py); 0 turns it off.
# Off by default under DEBUG, so an edited template shows at once while developing.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=0 if DEBUG else 6 * 3600)
# A signed-in learner's own pages are kept at most this long (core/learner_pages.py): anything they or a worker
# change drops them at once; this bounds what changes by the clock or by others (midnight, league places). 0: off.
LEARNER_PAGE_SECONDS = env.int("LEARNER_PAGE_SECONDS", default=60)
# What names this release in the cached pages' keys (a commit id); unset, a digest of the code's files does.
RELEASE_ID = env.str("RELEASE_ID", default="")
# Sessions are read from the cache and written through to the database: a signed-in page costs no session query, and
# a session the cache lost (or a cache outage) is read from the database.
SESSION_ENGINE = "accounts.sessions"

# --- Later additions ------------------------------------------------------------------------------------------------
# New settings of this concern go below, each in a commented block of its own (and in README.md's configuration).
