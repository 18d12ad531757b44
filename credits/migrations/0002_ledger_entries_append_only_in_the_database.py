"""The database itself refuses to change a ledger entry: the ORM guard covers our code, this covers raw SQL.

PostgreSQL refuses UPDATE and DELETE (TRUNCATE, which test runs use to empty tables, stays allowed). SQLite refuses
UPDATE only: Django's test flush on SQLite empties tables with DELETE. A later migration that rebuilds the table on
SQLite drops this trigger with the old table, so such a migration must create it again.
"""

from django.db import migrations

POSTGRES_CREATE = """
CREATE OR REPLACE FUNCTION credits_ledgerentry_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'credits_ledgerentry is append-only: % refused; post a reversing entry instead', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER credits_ledgerentry_append_only
    BEFORE UPDATE OR DELETE ON credits_ledgerentry
    FOR EACH ROW EXECUTE FUNCTION credits_ledgerentry_refuse_change();
"""
POSTGRES_DROP = """
DROP TRIGGER IF EXISTS credits_ledgerentry_append_only ON credits_ledgerentry;
DROP FUNCTION IF EXISTS credits_ledgerentry_refuse_change();
"""
SQLITE_CREATE = """
CREATE TRIGGER credits_ledgerentry_append_only BEFORE UPDATE ON credits_ledgerentry
BEGIN
    SELECT RAISE(ABORT, 'credits_ledgerentry is append-only: UPDATE refused; post a reversing entry instead');
END;
"""
SQLITE_DROP = "DROP TRIGGER IF EXISTS credits_ledgerentry_append_only;"


def _run(sql_by_vendor):
    def run(apps, schema_editor):
        sql = sql_by_vendor.get(schema_editor.connection.vendor)
        if sql:
            schema_editor.execute(sql, params=None)  # no placeholders: the % in RAISE is literal

    return run


class Migration(migrations.Migration):
    dependencies = [("credits", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES_CREATE, "sqlite": SQLITE_CREATE}),
            _run({"postgresql": POSTGRES_DROP, "sqlite": SQLITE_DROP}),
            elidable=False,
        )
    ]
