"""Ranked search on SQLite: FTS5 indexes over the lessons' texts, kept in step by triggers (lessons/search_sqlite.py).

SQLite only, and outside the model state, as 0006's GIN index is PostgreSQL's only: PostgreSQL keeps its full-text
search. The statements are written out here, as they were when this migration was made.
"""

# ruff: noqa: S608 - statements built from our own table and column names only; the search words are parameters

from django.db import migrations

TOKENIZE = "tokenize='porter unicode61 remove_diacritics 2'"
INDEXES = {"lessons_lesson_fts": ("title", "summary", "description"), "lessons_lesson_fts_title": ("title",)}


def _forward():
    statements = []
    for table, columns in INDEXES.items():
        names = ", ".join(columns)
        new = ", ".join(f"new.{column}" for column in columns)
        old = ", ".join(f"old.{column}" for column in columns)
        add = f"INSERT INTO {table}(rowid, {names}) VALUES (new.id, {new});"
        remove = f"INSERT INTO {table}({table}, rowid, {names}) VALUES ('delete', old.id, {old});"
        statements += [
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {table} USING fts5({names}, content='lessons_lesson', "
            f"content_rowid='id', {TOKENIZE})",
            f"CREATE TRIGGER IF NOT EXISTS {table}_insert AFTER INSERT ON lessons_lesson BEGIN {add} END",
            f"CREATE TRIGGER IF NOT EXISTS {table}_delete AFTER DELETE ON lessons_lesson BEGIN {remove} END",
            f"CREATE TRIGGER IF NOT EXISTS {table}_update AFTER UPDATE OF {names} ON lessons_lesson "
            f"BEGIN {remove} {add} END",
            f"INSERT INTO {table}({table}) VALUES ('rebuild')",
        ]
    return statements


def _backward():
    statements = []
    for table in INDEXES:
        statements += [f"DROP TRIGGER IF EXISTS {table}_{event}" for event in ("insert", "delete", "update")]
        statements.append(f"DROP TABLE IF EXISTS {table}")
    return statements


def _on_sqlite(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            for statement in statements():
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("lessons", "0007_lesson_search_pairs")]

    operations = [migrations.RunPython(_on_sqlite(_forward), _on_sqlite(_backward), elidable=False)]
