"""What the hand-written PostgreSQL statements of the apps share: table and column names taken from the models' _meta
and INSERT lists that must name every column, so a renamed, added or dropped field breaks a statement when its module
is imported (and in its app's schema-drift test), never in production.

The statements themselves stay with the app that owns the rows they write (the ledger's in `credits`, XP in
`gamification`, review answers in `practice`); each runs through `core.learner_pages.learner_statement_run`, which
drops the learner's cached pages, since raw SQL sends no model signal.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from django.core.exceptions import ImproperlyConfigured
from django.db import connection, models

_M = TypeVar("_M", bound=models.Model)


class Table:
    """A model's table in a statement: ``str(table)`` is its name, ``table.balance`` a field's column. Used as
    ``"UPDATE {wallet} SET {wallet.balance} = …".format(wallet=Table(Wallet))``; a field that is gone fails at once."""

    def __init__(self, model: type[models.Model]) -> None:
        self._model_meta = model._meta

    def __getattr__(self, field: str) -> str:
        return str(self._model_meta.get_field(field).column)  # type: ignore[union-attr]

    def __str__(self) -> str:
        return str(self._model_meta.db_table)


def insert_lists(model: type[models.Model], values: Mapping[str, str]) -> tuple[str, str]:
    """An INSERT's column list and its matching SELECT list, for every column of ``model`` but its key. ``values``
    gives each field's SQL; a field it does not name, or names and the model lacks, is an error at once, so a column
    added to the model is never left to its database default by this path alone."""
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    missing = sorted({field.name for field in fields} - set(values))
    unknown = sorted(set(values) - {field.name for field in fields})
    if missing or unknown:
        table = model._meta.db_table
        raise ImproperlyConfigured(
            f"The one-statement write to {table} does not match the model: no value for {missing}; "
            f"values for fields it lacks {unknown}."
        )
    return ", ".join(str(field.column) for field in fields), ", ".join(values[field.name] for field in fields)


def set_list(model: type[models.Model], fields: Iterable[str]) -> str:
    """An UPDATE's ``column = %(field)s, …`` for ``fields`` of ``model``: each value is the parameter named after its
    field."""
    table = Table(model)
    return ", ".join(f"{getattr(table, field)} = %({field})s" for field in fields)


def select_list(model: type[models.Model], alias: str) -> str:
    """Every concrete column of ``model`` under the table alias ``alias``, in field order (what `loaded` reads)."""
    return ", ".join(f"{alias}.{field.column}" for field in model._meta.concrete_fields)


def loaded(model: type[_M], row: tuple[object, ...]) -> _M:
    """A model instance from a row of `select_list`'s columns, as Django makes one it read itself."""
    return model.from_db(connection.alias, [field.attname for field in model._meta.concrete_fields], row)


def as_loaded(instance: _M) -> _M:
    """A model instance for a row a statement has written: Django treats it as one read from the database."""
    instance._state.adding = False
    instance._state.db = connection.alias
    return instance


def row_read(sql: str, params: Mapping[str, Any]) -> tuple[Any, ...] | None:
    """The first row of one SELECT (a lock with FOR UPDATE is a read too), or None. Writes go through
    `core.learner_pages.learner_statement_run`, which drops the learner's pages: this door refuses anything else."""
    if sql.lstrip()[:6].upper() != "SELECT":
        raise ValueError("row_read runs a SELECT only; a write goes through learner_statement_run.")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row: tuple[Any, ...] | None = cursor.fetchone()
    return row


def postgresql() -> bool:
    """Whether the statements can run: they are PostgreSQL's (SQLite has no row locks for them to save)."""
    return connection.vendor == "postgresql"
