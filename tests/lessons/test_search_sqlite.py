"""On the embedded database, search ranks by relevance (SQLite's FTS5 and bm25), not by date, and its index follows
every write to the lessons, whoever makes it."""

import pytest
from django.core.management import call_command
from django.db import connection

from demo.load import demo_catalog_load
from lessons.models import Lesson
from lessons.search import lessons_search
from lessons.search_sqlite import fts_query
from tests.factories import LessonFactory, PublishedLessonFactory
from tests.lessons.html import lesson_cards

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.sqlite,  # SQLite's FTS5 index; PostgreSQL has its own search,
]


def found(words: str) -> list[str]:
    return [lesson.title for lesson in lessons_search(Lesson.objects.all(), words)]


def test_attention_ranks_attention_is_all_you_need_first_in_the_demo_catalog(client):
    demo_catalog_load()

    titles = list(lesson_cards(client.get("/lessons/", {"q": "attention"}).content))

    assert titles[0] == "Attention Is All You Need"
    assert len(titles) > 1  # other lessons mention attention too, ranked below the one about it


def test_a_word_in_the_title_outranks_the_same_word_deep_in_a_newer_description():
    PublishedLessonFactory(title="Attention, explained", description="A short lesson.")
    PublishedLessonFactory(title="A newer lesson", description="Mostly about memory. " * 20 + "Some attention.")
    assert found("attention") == ["Attention, explained", "A newer lesson"]


def test_the_index_follows_updates_deletes_and_bulk_writes():
    lesson = LessonFactory(title="Recurrent networks", summary="", description="")
    assert found("recurrent") == ["Recurrent networks"]

    Lesson.objects.filter(pk=lesson.pk).update(title="Convolutional networks")  # no signal, no save()
    assert found("recurrent") == []
    assert found("convolutional") == ["Convolutional networks"]

    Lesson.objects.bulk_create(
        [LessonFactory.build(title="Diffusion models", summary="", source=lesson.source, category=lesson.category)]
    )
    assert found("diffusion") == ["Diffusion models"]

    lesson.delete()
    assert found("convolutional") == []


def test_the_index_and_its_triggers_come_back_after_a_migration_rebuilt_the_table():
    LessonFactory(title="State space models")
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER lessons_lesson_fts_insert")  # what rebuilding the table for a new column does

    call_command("migrate", "lessons", verbosity=0)  # every migrate ends by making them again

    LessonFactory(title="State space models, part two")
    assert set(found("state space")) == {"State space models", "State space models, part two"}


@pytest.mark.parametrize(
    ("words", "query"),
    [
        ("attention", '"attention"'),
        ('"attention layer" memory', '"attention layer" AND "memory"'),
        ("attention -recurrent", '"attention" NOT "recurrent"'),
        ('NEAR(a b) OR "c', '"NEAR a" AND "b" AND "OR" AND "c"'),  # FTS5's syntax is only words here
        ("-only -excluded", ""),
        ("*** ---", ""),
    ],
)
def test_the_search_box_s_words_become_a_query_of_quoted_terms(words, query):
    assert fts_query(words) == query


def test_text_that_is_fts5_syntax_is_searched_as_words_without_error():
    LessonFactory(title="Attention")
    assert found('attention" OR x*') == []
    assert found("attention AND") == []
    assert found("attention") == ["Attention"]
