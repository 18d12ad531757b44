"""Word search over lessons: PostgreSQL full-text search (weighted, ranked, GIN-indexed), a plain fallback on SQLite.

The GIN index is created by migration 0002 on PostgreSQL only, over exactly the expression `search_vector()` builds:
the planner uses an expression index only when the query repeats the indexed expression, so both must stay equal
(tests/lessons/test_search.py checks with EXPLAIN that the index is used).
"""

from __future__ import annotations

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Q, QuerySet, Value
from django.db.models.expressions import CombinedExpression
from django.db.models.fields import FloatField

from lessons.models import Lesson

SEARCH_CONFIG = "english"
SEARCH_INDEX_NAME = "lessons_lesson_search_gin"
QUERY_MAX_LENGTH = 200


def search_vector() -> CombinedExpression:
    """Title weighs most (A), then the one-line summary (B), then the description (C)."""
    return (
        SearchVector("title", weight="A", config=SEARCH_CONFIG)
        + SearchVector("summary", weight="B", config=SEARCH_CONFIG)
        + SearchVector("description", weight="C", config=SEARCH_CONFIG)
    )


def full_text_available() -> bool:
    return connection.vendor == "postgresql"


def lessons_search(queryset: QuerySet[Lesson], words: str) -> QuerySet[Lesson]:
    """Lessons matching ``words``, annotated with ``search_rank`` and ordered best first.

    PostgreSQL reads ``words`` as a web search ("quoted phrases", -excluded, or), stemmed in English. SQLite needs
    every word to appear in the title, summary or description, and ranks by date.
    """
    words = words.strip()[:QUERY_MAX_LENGTH]
    if not words:
        return queryset
    if full_text_available():
        query = SearchQuery(words, search_type="websearch", config=SEARCH_CONFIG)
        vector = search_vector()
        return (
            queryset.alias(search=vector)
            .filter(search=query)
            .annotate(search_rank=SearchRank(vector, query))
            .order_by("-search_rank", "-published_at", "-id")
        )
    condition = Q()
    for word in words.split():
        condition &= Q(title__icontains=word) | Q(summary__icontains=word) | Q(description__icontains=word)
    return queryset.filter(condition).annotate(search_rank=Value(0.0, output_field=FloatField()))
