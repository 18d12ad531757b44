"""Full-text search on PostgreSQL uses the GIN index migration 0002 built; SQLite has no such index to use."""

import pytest
from django.db import connection

from lessons.models import Lesson
from lessons.search import SEARCH_INDEX_NAME, full_text_available, lessons_search
from tests.factories import LessonFactory

pytestmark = pytest.mark.django_db


def index_names() -> set[str]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Lesson._meta.db_table)
    return {name for name, details in constraints.items() if details.get("index")}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the GIN index exists on PostgreSQL only")
def test_the_search_query_is_answered_from_the_gin_index():
    for n in range(20):
        LessonFactory(title=f"Lesson {n}", description="Transformers and attention" if n % 5 == 0 else "Other")
    assert SEARCH_INDEX_NAME in index_names()
    query = lessons_search(Lesson.objects.all(), "attention")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a small table: make the planner show what it can use
        plan = query.explain()
    assert SEARCH_INDEX_NAME in plan
    assert query.count() == 4


@pytest.mark.skipif(connection.vendor == "postgresql", reason="the SQLite fallback")
def test_sqlite_has_no_full_text_index_and_searches_by_substring():
    assert not full_text_available()
    assert SEARCH_INDEX_NAME not in index_names()
    LessonFactory(title="Attention Is All You Need")
    assert [lesson.title for lesson in lessons_search(Lesson.objects.all(), "ATTENT")] == ["Attention Is All You Need"]


def test_an_empty_search_changes_nothing():
    LessonFactory.create_batch(3)
    assert lessons_search(Lesson.objects.all(), "   ").count() == 3


def test_a_very_long_search_answers_without_error():
    LessonFactory(title="Attention")
    assert list(lessons_search(Lesson.objects.all(), "attention " + "x" * 5000)) == []
