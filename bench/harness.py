"""What the in-process benchmarks share: a temporary folder for VAR_DIR, no broker, and a database of their own.

With a PostgreSQL DATABASE_URL the bench creates a database named after the configured one with a `_<name>_bench`
suffix and drops it at the end (unless `keep`); the database DATABASE_URL names is never touched. Otherwise it uses a
SQLite file in the temporary folder, which is removed at the end.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent


def loopback_production_env(*, tool: str) -> dict[str, str]:
    """The production settings for gunicorn served over plain HTTP on loopback (bench/pages.py, make scale-check):
    debug off, a throwaway secret, and only the HTTPS-only flags turned off, since no TLS proxy stands in front."""
    return {
        "DJANGO_DEBUG": "0",
        "SECRET_KEY": f"{tool}-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "STATIC_MANIFEST": "0",
        "LOG_LEVEL": "WARNING",
    }


def bench_run(*, name: str, keep: bool, env: dict[str, str], run: Callable[[], None]) -> int:
    """Set the process up for a bench called `name` (settings from `env` on top of the shared ones), call `run`."""
    workdir = Path(tempfile.mkdtemp(prefix=f"{name}-bench-"))
    os.environ["VAR_DIR"] = str(workdir)  # cache, broker folders and SQLite file: nothing under var/ is touched
    os.environ.update(DJANGO_SETTINGS_MODULE="config.settings", SECURE_SSL_REDIRECT="0", STATIC_MANIFEST="0", **env)
    os.environ.pop("REDIS_URL", None)
    os.environ["DATABASE_URL"], cleanup = bench_database(
        os.environ.get("DATABASE_URL", ""), name=name, folder=workdir, keep=keep
    )
    sys.path.insert(0, str(ROOT))
    try:
        run()
    finally:
        from django.db import connections

        connections.close_all()
        cleanup()
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


def bench_database(url: str, *, name: str, folder: Path, keep: bool = False) -> tuple[str, Callable[[], None]]:
    """The database URL for a bench called `name` and the callable that drops it afterwards.

    PostgreSQL (`url`): a fresh database beside the named one, with a `_<name>_bench` suffix, dropped by the callable
    unless `keep`. Anything else: a SQLite file in `folder`, which the caller removes.
    """
    if not url.startswith(("postgres://", "postgresql://")):
        return f"sqlite:///{folder / 'bench.sqlite3'}", lambda: None
    import psycopg

    parts = urlsplit(url)
    bench_name = f"{parts.path.lstrip('/') or 'learnplatform'}_{name}_bench"
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{bench_name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{bench_name}"')

    def cleanup() -> None:
        if not keep:
            with psycopg.connect(maintenance, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{bench_name}" WITH (FORCE)')

    return urlunsplit(parts._replace(path=f"/{bench_name}")), cleanup
