"""The hand-written PostgreSQL statements (the ledger's, XP's and review answers') take their table and column names
from the models' _meta (core/statements.py); these tests fail when the models, the migrated tables and the statements
stop agreeing: a field added, renamed or dropped, a table renamed, a type changed."""

import re

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from core.statements import insert_lists, row_read
from credits.models import Hold, LedgerEntry, Wallet
from credits.services import one_statement
from gamification.models import DailyActivity, LeagueMembership, LeagueWeek, LearnerProfile, XPEvent
from gamification.services import statements as xp_statements
from lessons.models import Lesson
from practice.models import ReviewCard, ReviewLog
from practice.services import review_statements

STATEMENTS = {
    f"{module.__name__}.{name}": sql
    for module in (one_statement, xp_statements, review_statements)
    for name, sql in module.STATEMENTS.items()
}
TABLES = [Wallet, LedgerEntry, Hold, LearnerProfile, XPEvent, DailyActivity, LeagueMembership, LeagueWeek]
TABLES += [ReviewCard, ReviewLog, Lesson]


def _entry_values(**changes: str) -> dict[str, str]:
    values = {field.name: "NULL" for field in LedgerEntry._meta.concrete_fields if not field.primary_key}
    return {**values, **changes}


def test_an_insert_that_misses_a_models_column_is_refused_at_once():
    values = _entry_values()
    del values["balance_after"]
    with pytest.raises(ImproperlyConfigured, match=r"no value for \['balance_after'\]"):
        insert_lists(LedgerEntry, values)


def test_an_insert_that_names_a_field_the_model_lacks_is_refused_at_once():
    with pytest.raises(ImproperlyConfigured, match=r"fields it lacks \['balance_before'\]"):
        insert_lists(LedgerEntry, _entry_values(balance_before="0"))


def test_the_insert_lists_name_every_column_of_the_model_in_order():
    columns, values = insert_lists(LedgerEntry, _entry_values(amount="%(amount)s"))
    assert columns.split(", ") == [f.column for f in LedgerEntry._meta.concrete_fields if not f.primary_key]
    assert values.split(", ")[columns.split(", ").index("amount")] == "%(amount)s"


def test_the_read_door_refuses_a_write():
    """Writes go through learner_statement_run, which drops the learner's pages; row_read runs SELECTs only."""
    with pytest.raises(ValueError, match="SELECT only"):
        row_read("UPDATE credits_wallet SET balance = 0", {})


@pytest.mark.postgres
@pytest.mark.django_db
@pytest.mark.parametrize("model", TABLES, ids=lambda model: model.__name__)
def test_the_migrated_tables_have_exactly_the_models_columns(model):
    with connection.cursor() as cursor:
        in_database = [
            column.name for column in connection.introspection.get_table_description(cursor, model._meta.db_table)
        ]
    assert sorted(in_database) == sorted(field.column for field in model._meta.concrete_fields)


@pytest.mark.postgres
@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(STATEMENTS))
def test_postgresql_plans_every_statement_against_the_real_tables(name):
    """EXPLAIN resolves every table, column and type without running the statement (every parameter NULL)."""
    sql = STATEMENTS[name]
    parameters = dict.fromkeys(re.findall(r"%\((\w+)\)s", sql))
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, parameters)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert re.search(r"\b(Insert|Update) on|\bLockRows\b", plan), plan
