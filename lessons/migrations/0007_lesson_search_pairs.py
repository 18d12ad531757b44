"""A phrase search finds its lessons from an index instead of re-reading every lesson that holds its words.

The GIN index over `search_vector` keeps no word positions, so a phrase ("attention layer") was answered by reading
each lesson holding both words to check their order: tens of thousands of rows for two common words. Here
`lessons_word_pairs(search_vector)` makes each pair of neighbouring words of the vector one lexeme ("attent layer"),
and a GIN index over that expression finds the lessons holding a phrase's pairs at once; the vector still decides the
exact match (lessons/search.py). An expression index, not a column: the table's rows stay as small as they were, and
the pairs are computed when a lesson is written, never when it is searched. PostgreSQL only, like 0006's index;
SQLite's search has no phrases.
"""

from django.db import migrations

# Every pair of words at neighbouring positions of a tsvector, as one lexeme "first second" each (weights dropped).
WORD_PAIRS = """
CREATE OR REPLACE FUNCTION lessons_word_pairs(document tsvector) RETURNS tsvector
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT coalesce(array_to_tsvector(array_agg(DISTINCT first.lexeme || ' ' || second.lexeme)), ''::tsvector)
    FROM (SELECT lexeme, unnest(positions) AS position FROM unnest(document)) AS first
    JOIN (SELECT lexeme, unnest(positions) AS position FROM unnest(document)) AS second
      ON second.position = first.position + 1
$$
"""
# The pairs a phrase needs, as a tsquery ('attent layer' & …), or NULL when it has fewer than two neighbouring words.
PAIRS_QUERY = """
CREATE OR REPLACE FUNCTION lessons_pairs_query(phrase text) RETURNS tsquery
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT string_agg(quote_literal(lexeme), ' & ')::tsquery
    FROM unnest(lessons_word_pairs(to_tsvector('english'::regconfig, phrase)))
$$
"""
INDEX = "CREATE INDEX lessons_lesson_search_pairs_gin ON lessons_lesson USING gin (lessons_word_pairs(search_vector))"
# Lessons are read a page at a time: PostgreSQL plans parallel scans for searches over a large catalog, and starting
# a worker costs more than it saves there (bench/search.py, a phrase over 100,000 lessons: 22 ms parallel, 10 serial).
SERIAL = "ALTER TABLE lessons_lesson SET (parallel_workers = 0)"
DROP = """
ALTER TABLE lessons_lesson RESET (parallel_workers);
DROP INDEX IF EXISTS lessons_lesson_search_pairs_gin;
DROP FUNCTION IF EXISTS lessons_pairs_query(text);
DROP FUNCTION IF EXISTS lessons_word_pairs(tsvector);
"""


def make(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for statement in (WORD_PAIRS, PAIRS_QUERY, INDEX, SERIAL):
            schema_editor.execute(statement)


def drop(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("lessons", "0006_lesson_search_vector")]

    operations = [migrations.RunPython(make, drop, elidable=False)]
