"""A migrated PostgreSQL database kept as a template, so each test process clones it instead of migrating.

Migrating an empty test database takes each xdist worker 6-15 s (two at once on two cores), in each lane. The first
worker to finish migrating copies its fresh database to a template named after a digest of every installed app's
migration files, Django's version and the installed apps; a worker that finds that template creates its test
database from it (`CREATE DATABASE … TEMPLATE …`, under a second), and Django's `migrate` then has nothing to apply.
Any change to a migration changes the digest, so a stale template is never used (and is dropped when the new one is
made). Nothing ever connects to a template, so it stays exactly as the migrations left it. Best effort: when the
template cannot be made, the next run migrates as before. SQLite is left alone.
"""

from __future__ import annotations

import hashlib
from contextlib import suppress
from pathlib import Path

import django
from django.apps import apps
from django.conf import settings
from django.db import DatabaseError, connection

PREFIX = "tpl_"
DIGEST_LENGTH = 12


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def migrations_digest() -> str:
    digest = hashlib.sha256(f"{django.get_version()}\n{list(settings.INSTALLED_APPS)}\n".encode())
    for app in apps.get_app_configs():
        folder = Path(app.path) / "migrations"
        for path in sorted(folder.glob("*.py")):
            digest.update(f"{app.label}/{path.name}\n".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:DIGEST_LENGTH]


def _suffix() -> str:
    """The part after the digest: which database the template stands for (one per DATABASE_URL's name). Read before
    pytest-django points NAME at the test database."""
    return f"_{settings.DATABASES['default']['NAME']}"


def template_name() -> str:
    return f"{PREFIX}{migrations_digest()}{_suffix()}"[:63]


def template_exists(name: str) -> bool:
    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_catalog.pg_database WHERE datname = %s", [name])
        return cursor.fetchone() is not None


def template_save(name: str) -> None:
    """Copy the freshly migrated test database to the template `name` (template_name() as it was before the test
    database was set up), and drop the templates of older migrations of the same database."""
    test_database = connection.settings_dict["NAME"]
    quote = connection.ops.quote_name
    connection.close()  # CREATE DATABASE … TEMPLATE wants no session on the source
    try:
        with connection._nodb_cursor() as cursor:
            cursor.execute(f"CREATE DATABASE {quote(name)} WITH TEMPLATE {quote(test_database)}")
            cursor.execute(
                "SELECT datname FROM pg_catalog.pg_database WHERE datname LIKE %s AND datname <> %s",
                [f"{PREFIX}%{name[len(PREFIX) + DIGEST_LENGTH :]}", name],
            )
            for (stale,) in cursor.fetchall():
                with suppress(DatabaseError):  # in use: another run still clones from it
                    cursor.execute(f"DROP DATABASE IF EXISTS {quote(stale)}")
    except DatabaseError:
        pass  # the other worker made it first, or it cannot be made: the next run migrates again
