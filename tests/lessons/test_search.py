"""Search reads the stored `Lesson.search_vector`: the database fills it on every write (bulk ones too), PostgreSQL
answers from its GIN index, a search that matches very many lessons ranks a bounded number, and SQLite falls back
to substrings of the same column."""

import pytest
from django.contrib.postgres.search import SearchQuery
from django.db import connection

from lessons.models import Lesson
from lessons.search import SEARCH_INDEX_NAME, full_text_available, lessons_search, search_matches_newest
from tests.factories import CategoryFactory, LessonFactory, SourceFactory

pytestmark = pytest.mark.django_db


def index_names() -> set[str]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Lesson._meta.db_table)
    return {name for name, details in constraints.items() if details.get("index")}


def found(words: str) -> list[str]:
    return [lesson.title for lesson in lessons_search(Lesson.objects.all(), words)]


def websearch(words: str) -> SearchQuery:
    return SearchQuery(words, search_type="websearch", config="english")


def stored_vector(lesson: Lesson) -> str:
    return Lesson.objects.values_list("search_vector", flat=True).get(pk=lesson.pk)


def test_the_database_fills_the_vector_when_a_lesson_is_created_and_updated():
    lesson = LessonFactory(title="Mixture of experts", summary="", description="Routing tokens to experts.")
    assert found("routing") == ["Mixture of experts"]
    assert found("gradients") == []

    lesson.description = "Gradients through the router."
    lesson.save()
    assert found("gradients") == ["Mixture of experts"]
    assert found("routing") == []

    Lesson.objects.filter(pk=lesson.pk).update(title="Sparse models")  # a queryset update, no save()
    assert found("sparse") == ["Sparse models"]


def test_bulk_created_lessons_get_their_vectors_too():
    """Ingest's incoming items, the related-lessons recompute and the demo loader write lessons in bulk."""
    source, category = SourceFactory(), CategoryFactory()
    Lesson.objects.bulk_create(
        Lesson(title=f"Bulk {n}", slug=f"bulk-{n}", source=source, category=category, external_url=f"https://e.org/{n}",
               description="Distillation into a small student." if n % 2 else "Quantisation.",
               status=Lesson.Status.PUBLISHED)
        for n in range(6)
    )  # fmt: skip
    assert sorted(found("distillation")) == ["Bulk 1", "Bulk 3", "Bulk 5"]
    assert all(stored_vector(lesson) for lesson in Lesson.objects.all())


@pytest.mark.postgres  # full-text search is PostgreSQL's
def test_on_postgresql_the_vector_weighs_title_summary_and_description():
    lesson = LessonFactory(title="Attention", summary="Transformers", description="Recurrence")
    assert stored_vector(lesson) == "'attent':1A 'recurr':3C 'transform':2B"


@pytest.mark.postgres  # full-text search is PostgreSQL's
def test_the_search_query_is_answered_from_the_gin_index_on_the_stored_column():
    for n in range(20):
        LessonFactory(title=f"Lesson {n}", description="Transformers and attention" if n % 5 == 0 else "Other")
    names = index_names()
    assert SEARCH_INDEX_NAME in names
    assert "lessons_lesson_search_gin" not in names  # 0002's expression index, which 0006 replaces
    query = search_matches_newest(Lesson.objects.all(), "attention", websearch("attention"))
    with connection.cursor() as cursor:
        # A small table: make the planner show what it can use. The newest-first walk of the primary key is a plan of
        # its own for a common word (lessons/search.py), and which one wins depends on the table's statistics.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        plan = query.explain()
    assert SEARCH_INDEX_NAME in plan
    assert "to_tsvector" not in plan  # read from the column, never computed per query
    assert len(query) == 4
    assert lessons_search(Lesson.objects.all(), "attention").count() == 4


@pytest.mark.postgres  # full-text search is PostgreSQL's
def test_a_search_matching_more_than_the_limit_ranks_the_most_recently_added_matches(client, monkeypatch):
    monkeypatch.setattr("lessons.search.SEARCH_MATCHES_AT_MOST", 3)
    oldest = LessonFactory(title="Attention", description="")  # the best match, but the first one added
    for n in range(3):
        LessonFactory(title=f"Lesson {n}", description="attention" if n != 1 else "attention, attention")
    LessonFactory(title="Unrelated", description="Nothing to see")

    assert found("attention") == ["Lesson 1", "Lesson 2", "Lesson 0"]  # ranked: two mentions first, then newest
    assert oldest.title not in found("attention")
    assert lessons_search(Lesson.objects.all(), "attention").count() == 3
    page = client.get("/lessons/", {"q": "attention"})
    assert "3+ lessons for" in page.content.decode()
    assert "1 lesson for" in client.get("/lessons/", {"q": "unrelated"}).content.decode()  # under the limit: no +


@pytest.mark.sqlite  # SQLite's own index
def test_sqlite_has_no_gin_index_and_searches_its_fts5_index_by_stemmed_word():
    assert not full_text_available()
    assert SEARCH_INDEX_NAME not in index_names()
    lesson = LessonFactory(title="Attention Is All You Need", summary="Transformers", description="Recurrence")
    assert stored_vector(lesson) == "Attention Is All You Need Transformers Recurrence"
    assert found("ATTENT") == ["Attention Is All You Need"]  # the same stem
    assert found("tention") == []  # a word, not a substring
    assert found("transformers recurrence") == ["Attention Is All You Need"]  # words from two fields
    assert found("attention xylophone") == []


def test_an_empty_search_changes_nothing():
    LessonFactory.create_batch(3)
    assert lessons_search(Lesson.objects.all(), "   ").count() == 3


def test_a_very_long_search_answers_without_error():
    LessonFactory(title="Attention")
    assert list(lessons_search(Lesson.objects.all(), "attention " + "x" * 5000)) == []


@pytest.mark.postgres  # full-text search is PostgreSQL's
def test_a_phrase_finds_the_words_side_by_side_in_that_order_only():
    LessonFactory(title="Attention layers", description="How an attention layer weighs the words.")
    LessonFactory(title="Reversed", description="A layer of attention, in the other order.")
    LessonFactory(title="Apart", description="Attention is one thing; a layer is another.")
    LessonFactory(title="Across fields", summary="Notes on attention today", description="Layer by layer.")
    assert found('"attention layer"') == ["Attention layers"]
    assert found('"attention layers"') == ["Attention layers"]  # stemmed, as words are
    assert set(found('"attention layer" or "layer of attention"')) == {"Attention layers", "Reversed"}
    assert found('"attention layer" -reversed') == ["Attention layers"]
    assert set(found('attention -"attention layer"')) == {"Reversed", "Apart", "Across fields"}
    assert found('"the attention"') == found("attention")  # one word once the stop word goes: no pair to require
    # The title's last word and the summary's first are neighbours in the document, as PostgreSQL's phrases see it.
    assert found('"fields notes"') == ["Across fields"]


@pytest.mark.postgres  # full-text search is PostgreSQL's
def test_a_phrase_is_answered_from_the_index_of_word_pairs():
    for n in range(20):
        LessonFactory(title=f"Lesson {n}", description="attention layer" if n % 5 == 0 else "layer, then attention")
    assert "lessons_lesson_search_pairs_gin" in index_names()
    query = search_matches_newest(Lesson.objects.all(), '"attention layer"', websearch('"attention layer"'))
    # The search asks with the index's own expression, which PostgreSQL answers from the index (on a table this small
    # the planner may go either way for the whole search, so the expression's plan is checked on its own).
    assert "lessons_word_pairs(search_vector) @@" in str(query.query)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            "EXPLAIN SELECT id FROM lessons_lesson "
            "WHERE lessons_word_pairs(search_vector) @@ lessons_pairs_query('attention layer')"
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "lessons_lesson_search_pairs_gin" in plan
    assert len(query) == 4
