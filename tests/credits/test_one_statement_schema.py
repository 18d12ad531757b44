"""The one-statement path writes SQL by hand; its table and column names come from the models' _meta, and these tests
fail when the models, the migrated tables and the statements stop agreeing (a field added, renamed or dropped)."""

from datetime import UTC, datetime

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from credits.models import Hold, LedgerEntry, Wallet
from credits.services import one_statement

PARAMETERS = {
    "amount": 1,
    "now": datetime(2026, 1, 1, tzinfo=UTC),
    "user_id": 1,
    "checked": True,
    "required": 1,
    "key": "k",
    "kind": "reward",
    "reason": "r",
    "reference": "x:1",
    "created_by": None,
    "status": "open",
    "expires_at": datetime(2026, 1, 2, tzinfo=UTC),
    "hold": 1,
    "open": "open",
    "captured": "captured",
}


def _entry_values(**changes: str) -> dict[str, str]:
    values = {field.name: "NULL" for field in LedgerEntry._meta.concrete_fields if not field.primary_key}
    return {**values, **changes}


def test_an_insert_that_misses_a_models_column_is_refused_at_once():
    values = _entry_values()
    del values["balance_after"]
    with pytest.raises(ImproperlyConfigured, match=r"no value for \['balance_after'\]"):
        one_statement.insert_lists(LedgerEntry, values)


def test_an_insert_that_names_a_field_the_model_lacks_is_refused_at_once():
    with pytest.raises(ImproperlyConfigured, match=r"fields it lacks \['balance_before'\]"):
        one_statement.insert_lists(LedgerEntry, _entry_values(balance_before="0"))


def test_the_insert_lists_name_every_column_of_the_model_in_order():
    columns, values = one_statement.insert_lists(LedgerEntry, _entry_values(amount="%(amount)s"))
    assert columns.split(", ") == [f.column for f in LedgerEntry._meta.concrete_fields if not f.primary_key]
    assert values.split(", ")[columns.split(", ").index("amount")] == "%(amount)s"


@pytest.mark.postgres
@pytest.mark.postgres
@pytest.mark.django_db
@pytest.mark.parametrize("model", [Wallet, LedgerEntry, Hold], ids=lambda model: model.__name__)
def test_the_migrated_tables_have_exactly_the_models_columns(model):
    with connection.cursor() as cursor:
        in_database = [
            column.name for column in connection.introspection.get_table_description(cursor, model._meta.db_table)
        ]
    assert sorted(in_database) == sorted(field.column for field in model._meta.concrete_fields)


@pytest.mark.postgres
@pytest.mark.postgres
@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(one_statement.STATEMENTS))
def test_postgresql_plans_every_statement_against_the_real_tables(name):
    """EXPLAIN resolves every table, column and type without running the write."""
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + one_statement.STATEMENTS[name], PARAMETERS)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Insert on" in plan or "Update on" in plan
