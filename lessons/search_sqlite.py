"""Ranked word search on the embedded database: SQLite's FTS5 with bm25, as PostgreSQL ranks with its own full text.

`lessons_lesson_fts` is an FTS5 index over each lesson's title, summary and description, `lessons_lesson_fts_title`
one over its title alone (external-content tables: they store only the index, the texts stay in `lessons_lesson`),
stemmed by the Porter tokenizer as PostgreSQL's
'english' configuration stems. Triggers on `lessons_lesson` keep it in step with every insert, update and delete,
bulk ones and the admin's included, the way PostgreSQL computes the generated `search_vector` column itself.

Made by migration 0008 on SQLite only. Django rebuilds a SQLite table to alter it (a new table, copied, renamed),
which drops the table's triggers: after every `migrate`, `sqlite_search_index_ensure` makes any missing trigger again
and rebuilds the index from the rows (lessons/apps.py).
"""

# ruff: noqa: S608 - statements built from our own table and column names only; the search words are parameters

from __future__ import annotations

import re

from django.db.backends.base.base import BaseDatabaseWrapper

FTS_TABLE = "lessons_lesson_fts"  # title, summary and description: what a search must match, and its bm25
TITLE_TABLE = "lessons_lesson_fts_title"  # the title alone, for a bm25 measured against titles' own lengths
# bm25 weights, in the index's column order: a word in the title counts most, then the summary, then the description
# (PostgreSQL's A, B and C weights). FTS5 weighs the hits but measures a row by all its columns together, so a long
# description drowns a short title; the title's own index adds a score where the title's length is what counts.
BM25_WEIGHTS = (10.0, 4.0, 1.0)
_TOKENIZE = "tokenize='porter unicode61 remove_diacritics 2'"
_INDEXES = {FTS_TABLE: ("title", "summary", "description"), TITLE_TABLE: ("title",)}


def _triggers() -> dict[str, str]:
    triggers = {}
    for table, columns in _INDEXES.items():
        names = ", ".join(columns)
        new = ", ".join(f"new.{column}" for column in columns)
        old = ", ".join(f"old.{column}" for column in columns)
        add = f"INSERT INTO {table}(rowid, {names}) VALUES (new.id, {new});"
        remove = f"INSERT INTO {table}({table}, rowid, {names}) VALUES ('delete', old.id, {old});"
        triggers[f"{table}_insert"] = f"AFTER INSERT ON lessons_lesson BEGIN {add} END"
        triggers[f"{table}_delete"] = f"AFTER DELETE ON lessons_lesson BEGIN {remove} END"
        triggers[f"{table}_update"] = f"AFTER UPDATE OF {names} ON lessons_lesson BEGIN {remove} {add} END"
    return triggers


CREATE_TABLES = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {table} USING fts5({', '.join(columns)}, content='lessons_lesson', "
    f"content_rowid='id', {_TOKENIZE})"
    for table, columns in _INDEXES.items()
]
TRIGGERS = _triggers()
REBUILDS = [f"INSERT INTO {table}({table}) VALUES ('rebuild')" for table in _INDEXES]

_PHRASE = re.compile(r'(-?)"([^"]*)"')
_WORD = re.compile(r"\w+")


def sqlite_search_index_ensure(connection: BaseDatabaseWrapper) -> None:
    """Make the index and its triggers where missing, then fill the index from the lessons (SQLite only)."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for statement in CREATE_TABLES:
            cursor.execute(statement)
        for name, body in TRIGGERS.items():
            cursor.execute(f"CREATE TRIGGER IF NOT EXISTS {name} {body}")
        for statement in REBUILDS:
            cursor.execute(statement)


def fts_query(words: str) -> str:
    """The search box's words as an FTS5 query: every word required, "quoted phrases" kept as phrases, -excluded
    words and phrases left out of the results. Each term is quoted, so no character of the input is FTS5 syntax.
    "" when nothing searchable is left."""
    required: list[str] = []
    excluded: list[str] = []

    def phrase(match: re.Match[str]) -> str:
        terms = _WORD.findall(match[2])
        if terms:
            (excluded if match[1] else required).append('"' + " ".join(terms) + '"')
        return " "

    rest = _PHRASE.sub(phrase, words)
    for token in rest.split():
        terms = _WORD.findall(token)
        if not terms:
            continue
        term = '"' + " ".join(terms) + '"'
        (excluded if token.startswith("-") else required).append(term)
    if not required:
        return ""
    query = " AND ".join(required)
    return query + "".join(f" NOT {term}" for term in excluded)
