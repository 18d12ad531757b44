"""The catalog: filters by course, category, level and source, word search on either database, pages, marks."""

import pytest

from lessons.models import Lesson, Level
from lessons.services import lesson_progress_complete, lesson_start
from tests.factories import (
    CategoryFactory,
    CourseFactory,
    CourseLessonFactory,
    LessonFactory,
    SourceFactory,
    UserFactory,
)
from tests.lessons.html import lesson_cards, visible_links, visible_text

pytestmark = pytest.mark.django_db


def titles(response) -> list[str]:
    """Titles of the lesson cards, in order."""
    return list(lesson_cards(response.content))


def catalog(client, **params):
    response = client.get("/lessons/", params)
    assert response.status_code == 200
    return response


@pytest.fixture
def shelf():
    papers, podcasts = CategoryFactory(name="Research Papers Explained"), CategoryFactory(name="Podcasts")
    arxiv, mad = SourceFactory(name="ArXiv cs.CL"), SourceFactory(name="The MAD Podcast")
    return {
        "attention": LessonFactory(
            title="Attention Is All You Need", summary="Learn how the transformer replaces recurrence",
            description="Self-attention, multi-head attention and positional encodings.", category=papers,
            source=arxiv, level=Level.BEGINNER,
        ),
        "switch": LessonFactory(
            title="Switch Transformers", summary="Learn how sparse experts scale models",
            description="Mixture of experts routing, one expert per token.", category=papers, source=arxiv,
            level=Level.ADVANCED,
        ),
        "interview": LessonFactory(
            title="AI is Already Building AI", summary="Learn where research automation stands",
            description="An interview about recursive self-improvement and transformers in loops.", category=podcasts,
            source=mad, level=Level.BEGINNER,
        ),
        "draft": LessonFactory(
            title="Transformers, a draft", summary="Not yet", category=papers, source=arxiv,
            status=Lesson.Status.DRAFT,
        ),
    }  # fmt: skip


def test_the_catalog_lists_published_lessons_only(client, shelf):
    assert set(titles(catalog(client))) == {
        "Attention Is All You Need",
        "Switch Transformers",
        "AI is Already Building AI",
    }
    assert "3 lessons" in visible_text(catalog(client).content)


def test_filters_narrow_by_category_level_and_source(client, shelf):
    papers = shelf["attention"].category
    assert set(titles(catalog(client, category=papers.slug))) == {"Attention Is All You Need", "Switch Transformers"}
    assert titles(catalog(client, level="advanced")) == ["Switch Transformers"]
    assert titles(catalog(client, source=shelf["interview"].source_id)) == ["AI is Already Building AI"]
    assert titles(catalog(client, category=papers.slug, level="beginner")) == ["Attention Is All You Need"]


def test_the_course_filter_lists_a_courses_lessons_in_course_order(client, shelf):
    course = CourseFactory(slug="transformers")
    CourseLessonFactory(course=course, lesson=shelf["switch"], position=1)
    CourseLessonFactory(course=course, lesson=shelf["attention"], position=2)
    assert titles(catalog(client, course="transformers")) == ["Switch Transformers", "Attention Is All You Need"]


def test_a_filter_value_that_is_not_a_choice_is_left_out_with_a_note(client, shelf):
    text = visible_text(catalog(client, level="expert", category="no-such-category").content)
    assert "Some filters were not understood and were left out." in text
    assert "3 lessons" in text


def test_search_finds_words_in_titles_summaries_and_descriptions(client, shelf):
    assert titles(catalog(client, q="attention")) == ["Attention Is All You Need"]
    assert titles(catalog(client, q="experts")) == ["Switch Transformers"]  # the summary
    assert titles(catalog(client, q="recursive")) == ["AI is Already Building AI"]  # the description
    assert titles(catalog(client, q="quantum chromodynamics")) == []
    assert "No lesson matches these filters yet." in visible_text(catalog(client, q="quantum chromodynamics").content)


def test_search_never_shows_drafts_and_combines_with_filters(client, shelf):
    found = titles(catalog(client, q="transformers"))
    assert "Transformers, a draft" not in found
    assert set(found) >= {"Switch Transformers"}
    assert titles(catalog(client, q="transformers", level="advanced")) == ["Switch Transformers"]


@pytest.mark.postgres  # stemming and ranking are PostgreSQL full-text search
def test_on_postgresql_search_stems_words_and_ranks_title_matches_first(client, shelf):
    # "transformer" in a title (weight A) outranks "transformers" in a description (weight C).
    found = titles(catalog(client, q="transformer"))
    assert found[0] == "Switch Transformers"
    assert found[-1] == "AI is Already Building AI"
    assert titles(catalog(client, q="replacing recurrences")) == ["Attention Is All You Need"]  # stemmed


@pytest.mark.sqlite  # the fallback
def test_on_sqlite_every_word_must_appear_somewhere(client, shelf):
    assert titles(catalog(client, q="mixture routing")) == ["Switch Transformers"]
    assert titles(catalog(client, q="mixture attention")) == []


def test_the_catalog_is_paginated_twelve_to_a_page_and_keeps_the_filters(client):
    category = CategoryFactory(slug="many")
    for n in range(30):
        LessonFactory(title=f"Lesson {n:02d}", category=category)
    first = catalog(client, category="many")
    assert len(titles(first)) == 12
    assert "Page 1 of 3" in visible_text(first.content)
    next_link = next(link for link in visible_links(first.content) if link.text == "Next →")
    assert next_link.href == "?category=many&page=2"
    last = catalog(client, category="many", page=3)
    assert len(titles(last)) == 6
    assert "Page 3 of 3" in visible_text(last.content)
    assert titles(catalog(client, category="many", page=99)) == titles(last)  # past the end: the last page


def test_lessons_the_learner_finished_or_started_are_marked(client, shelf):
    learner = UserFactory()
    lesson_progress_complete(user=learner, lesson=shelf["attention"])
    lesson_start(user=learner, lesson=shelf["switch"])
    client.force_login(learner)
    cards = lesson_cards(catalog(client).content)
    assert "✓ Completed" in cards["Attention Is All You Need"]
    assert "Watched" not in cards["Attention Is All You Need"]
    assert "Watched" in cards["Switch Transformers"]
    assert "Watched" not in cards["AI is Already Building AI"]
    assert "Completed" not in cards["AI is Already Building AI"]


def test_staff_see_drafts_in_the_catalog_marked_as_drafts(client, shelf):
    client.force_login(UserFactory(is_staff=True))
    text = visible_text(catalog(client, q="draft").content)
    assert "Transformers, a draft" in text
    assert "Draft" in text


def test_the_filters_are_labelled_form_fields(client, shelf):
    content = catalog(client).content.decode()
    for name, label in (("q", "Search"), ("course", "Course"), ("category", "Category"), ("level", "Level")):
        assert f'<label for="id_{name}">{label}</label>' in content
    assert 'role="search"' in content
