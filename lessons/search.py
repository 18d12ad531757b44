"""Word search over lessons: PostgreSQL full-text search (weighted, ranked, GIN-indexed), a plain fallback on SQLite.

Each lesson carries its searchable document in a generated column, `Lesson.search_vector`, which the database
computes on every insert and update (bulk ones included), so a query reads it instead of building it per row:

- PostgreSQL: a tsvector weighing the title most (A), then the one-line summary (B), then the description (C), in
  the 'english' configuration. Migration 0006 indexes the column with GIN (PostgreSQL only, outside the model state,
  as 0002 did for the expression index it replaces); tests/lessons/test_search.py checks with EXPLAIN that it is used.
- SQLite: the three texts joined by spaces. Searches use SQLite's FTS5 index with bm25 ranking instead
  (lessons/search_sqlite.py); another database searches that column word by word with LIKE.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector, SearchVectorField
from django.db import connection
from django.db.models import F, Q, QuerySet, Value
from django.db.models.expressions import Func, RawSQL
from django.db.models.fields import BooleanField, FloatField
from django.db.models.functions import Coalesce

from lessons.search_sqlite import BM25_WEIGHTS, FTS_TABLE, TITLE_TABLE, fts_query

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.models.sql.compiler import SQLCompiler

    from lessons.models import Lesson

SEARCH_CONFIG = "english"
SEARCH_INDEX_NAME = "lessons_lesson_search_vector_gin"
QUERY_MAX_LENGTH = 200
# A word as common as "model" in a catalog of AI lessons matches nearly every lesson. Ranking all of them to show
# twelve reads every match's vector, which grows with the catalog (half a second at 100,000 lessons); so a search
# ranks the SEARCH_MATCHES_AT_MOST most recently added matches only, and counts and pages through those. Below that
# many matches (most searches) nothing changes: every match is ranked. bench/search.py measures both kinds.
SEARCH_MATCHES_AT_MOST = 500  # 40 pages of cards; 1,000 cost twice as much for a three-word search
# A quoted phrase the search must find ("attention layer"), unless it is excluded (-"…").
_PHRASE = re.compile(r'(?:^|\s)"([^"]+)"')
# websearch's OR: with it, no phrase is required of every match.
_OR = re.compile(r"(?:^|\s)or(?:\s|$)", re.IGNORECASE)


class SearchDocumentField(SearchVectorField):
    """A tsvector column on PostgreSQL, a text column elsewhere (what `LessonSearchDocument` computes there)."""

    def db_type(self, connection: BaseDatabaseWrapper) -> str:
        return "tsvector" if connection.vendor == "postgresql" else "text"


class LessonSearchDocument(Func):
    """What a lesson is found by, from its title, summary and description, in the database's own terms.

    PostgreSQL: setweight(to_tsvector('english'::regconfig, title), 'A') || … 'B' || … 'C'. The configuration is
    given as a regconfig, which makes to_tsvector immutable, as a generated column requires. Elsewhere: the three
    texts joined by spaces.
    """

    arg_joiner = " || ' ' || "
    template = "%(expressions)s"
    output_field = SearchDocumentField()

    def __init__(self, title: Any, summary: Any, description: Any, **extra: Any) -> None:
        super().__init__(title, summary, description, **extra)

    def as_sql(
        self,
        compiler: SQLCompiler,
        connection: BaseDatabaseWrapper,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra_context: Any,
    ) -> tuple[str, Any]:
        texts = self.copy()
        texts.set_source_expressions([Coalesce(text, Value("")) for text in self.get_source_expressions()])
        return super(LessonSearchDocument, texts).as_sql(
            compiler, connection, function=function, template=template, arg_joiner=arg_joiner, **extra_context
        )

    def as_postgresql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any) -> tuple[str, Any]:
        title, summary, description = self.get_source_expressions()
        vector = (
            SearchVector(title, weight="A", config=SEARCH_CONFIG)
            + SearchVector(summary, weight="B", config=SEARCH_CONFIG)
            + SearchVector(description, weight="C", config=SEARCH_CONFIG)
        )
        return compiler.compile(vector.resolve_expression(compiler.query, allow_joins=False))


def full_text_available() -> bool:
    return connection.vendor == "postgresql"


def search_count_capped(count: int) -> bool:
    """Whether a search's count stopped at the limit, more lessons matching than it ranks: the page shows "500+"."""
    return full_text_available() and count >= SEARCH_MATCHES_AT_MOST


def lessons_search(queryset: QuerySet[Lesson], words: str) -> QuerySet[Lesson]:
    """Lessons matching ``words``, annotated with ``search_rank`` and ordered best first.

    PostgreSQL reads ``words`` as a web search ("quoted phrases", -excluded, or), stemmed in English, and answers
    the SEARCH_MATCHES_AT_MOST most recently added matches at most, ranked. SQLite needs every word (stemmed) in the
    title, summary or description, and ranks with FTS5's bm25, title words counting most.
    """
    words = words.strip()[:QUERY_MAX_LENGTH]
    if not words:
        return queryset
    if full_text_available():
        query = SearchQuery(words, search_type="websearch", config=SEARCH_CONFIG)
        # The newest matches' keys are read once here; the count and the page then read only those rows.
        newest = list(search_matches_newest(queryset, words, query))
        return (
            queryset.filter(pk__in=newest)
            .annotate(search_rank=SearchRank(F("search_vector"), query))
            .order_by("-search_rank", "-published_at", "-id")
        )
    if connection.vendor == "sqlite":
        return _sqlite_search(queryset, words)
    condition = Q()
    for word in words.split():
        condition &= Q(search_vector__icontains=word)
    return queryset.filter(condition).annotate(search_rank=Value(0.0, output_field=FloatField()))


def _sqlite_search(queryset: QuerySet[Lesson], words: str) -> QuerySet[Lesson]:
    """SQLite's FTS5 index (lessons/search_sqlite.py): every word, stemmed, best bm25 first (title words count most)."""
    match = fts_query(words)
    if not match:
        return queryset.none()
    table = queryset.model._meta.db_table
    weights = ", ".join(str(weight) for weight in BM25_WEIGHTS)
    # bm25 is lower for a better match; negated, a higher rank is better, as PostgreSQL's ts_rank. The title's own
    # score is 0 when the title does not hold every word.
    rank = RawSQL(  # noqa: S611 - our names; the words are a parameter
        f"SELECT -bm25({FTS_TABLE}, {weights}) FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s AND rowid = {table}.id",  # noqa: S608 - our names
        (match,),
        output_field=FloatField(),
    )
    title_rank = RawSQL(  # noqa: S611 - our names; the words are a parameter
        f"SELECT -bm25({TITLE_TABLE}) FROM {TITLE_TABLE} WHERE {TITLE_TABLE} MATCH %s AND rowid = {table}.id",  # noqa: S608 - our names
        (match,),
        output_field=FloatField(),
    )
    matching = RawSQL(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", (match,))  # noqa: S608, S611
    return (
        queryset.filter(pk__in=matching)
        .annotate(search_rank=rank + Coalesce(title_rank, Value(0.0)))
        .order_by("-search_rank", "-published_at", "-id")
    )


def search_matches_newest(queryset: QuerySet[Lesson], words: str, query: SearchQuery) -> QuerySet[Lesson, int]:
    """The keys of the SEARCH_MATCHES_AT_MOST most recently added lessons matching ``query`` (PostgreSQL).

    The most recently added first: the primary key's order, which is also the rows' order on disk, so for a common
    word the database walks the key backwards reading neighbouring rows and stops at the limit; for a rarer word it
    takes every match from the GIN index.
    """
    matching = queryset.filter(search_vector=query)
    pairs = _phrase_pairs(words)
    if pairs:
        # Only lessons holding each phrase's neighbouring words in that order can match: the pairs' index finds them,
        # and the vector then checks the phrase exactly, on those lessons only. A subquery of its own, so PostgreSQL
        # does not combine the two indexes, which would make it recompute the pairs of each lesson it rechecks.
        # Raw: the expression is the index's own (migration 0007) and the pairs are a tsquery already (a lookup would
        # parse them again); unqualified, the column is the subquery's.
        holds_pairs = RawSQL("lessons_word_pairs(search_vector) @@ %s::tsquery", (pairs,), output_field=BooleanField())
        matching = matching.filter(pk__in=queryset.model._base_manager.filter(holds_pairs).values("pk"))
    return matching.order_by("-pk").values_list("pk", flat=True)[:SEARCH_MATCHES_AT_MOST]


def _phrase_pairs(words: str) -> str:
    """The neighbouring-word pairs every match must hold, as tsquery text ("'attent layer' & …"), or "" when the
    search requires no phrase of two words or more (none quoted, only excluded ones, or an OR)."""
    phrases = _PHRASE.findall(words)
    if not phrases or _OR.search(words):
        return ""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT string_agg(lessons_pairs_query(phrase)::text, ' & ') FROM unnest(%s::text[]) AS phrase",
            [phrases],
        )
        (pairs,) = cursor.fetchone()
    return pairs or ""
