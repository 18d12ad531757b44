"""The test suite's settings (pyproject's DJANGO_SETTINGS_MODULE for pytest): the production configuration (DEBUG off)
on plain HTTP loopback, and, under pytest-xdist, local state of its own for each worker process.

Everything else is read from the environment as in production, so `DATABASE_URL` and `REDIS_URL` pick the
databases a run uses. A variable already set still wins where production reads one (DJANGO_DEBUG, SECRET_KEY).
"""

import os
import re

from config.settings import *  # noqa: F403
from config.settings.base import VAR_DIR, env
from config.settings.cache import REDIS_URL, caches_for
from config.settings.celery import broker_for

# Read by Django itself, not a setting: pytest-django's live_server with sync Playwright needs it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SECRET_KEY = env.str("SECRET_KEY", default="test-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")
# Plain HTTP on loopback: no redirect to HTTPS, cookies sent over HTTP, no HSTS.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
# Static files served as they are: no `collectstatic` before a run.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Factories set a password for every user; the production hasher would make the suite slow for nothing.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def redis_database_for_worker(url: str, index: int) -> str:
    """`url` with its database number moved up by `index`: worker gw1 of a run on redis://…/8 uses redis://…/9."""
    match = re.fullmatch(r"(?P<server>redis://[^/]+)(?:/(?P<db>\d+))?(?P<rest>\?.*)?", url)
    if not match:
        raise ValueError(f"REDIS_URL {url!r}: expected redis://host:port/N to give each test worker its own database")
    database = int(match["db"] or 0) + index
    if database > 15:
        raise ValueError(f"REDIS_URL {url!r}: worker {index} would need Redis database {database} (0-15 exist)")
    return f"{match['server']}/{database}{match['rest'] or ''}"


# pytest-xdist runs the fast lane in several processes (gw0, gw1, …). Each gets its own SQLite or PostgreSQL test
# database (pytest-django appends the worker's name), its own folder for the file cache and the embedded broker, and
# its own Redis database: a worker's cache.clear() (a FLUSHDB on Redis) or queued task never reaches another worker.
# Worker processes started by a test inherit the test process's values (tests/celery_worker.py), not this variable.
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if XDIST_WORKER:
    VAR_DIR = VAR_DIR / "xdist" / XDIST_WORKER
    if REDIS_URL:
        REDIS_URL = redis_database_for_worker(REDIS_URL, int(XDIST_WORKER.removeprefix("gw")))
    CACHES = caches_for(REDIS_URL, VAR_DIR)
    CELERY_EMBEDDED_DIR = VAR_DIR / "celery"
    CELERY_BROKER_URL, CELERY_BROKER_TRANSPORT_OPTIONS, CELERY_RESULT_BACKEND = broker_for(REDIS_URL, VAR_DIR)

# --- Later additions ------------------------------------------------------------------------------------------------
# New test-only settings go below, each in a commented block of its own.
