"""Tests that the demo catalog (demo/data.py) is complete and consistent before anything loads it."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from demo import data as demo_data
from lessons.chapters import chapter_url, chapters_parse
from lessons.sources import KINDS, arxiv_id

LESSON_SLUGS = {lesson.slug for lesson in demo_data.ALL_LESSONS}
NEW_STYLE_ARXIV_ID = re.compile(r"^[0-9]{2}(0[1-9]|1[0-2])\.[0-9]{4,5}$")


def test_there_are_at_least_thirty_lessons_besides_the_seed_and_its_neighbours():
    assert len(demo_data.LESSONS) >= 30
    assert demo_data.SEED_SLUG not in {lesson.slug for lesson in demo_data.LESSONS}


def test_there_are_at_least_four_courses():
    assert len(demo_data.COURSES) >= 4


@pytest.mark.parametrize(
    "slugs",
    [
        pytest.param([lesson.slug for lesson in demo_data.ALL_LESSONS], id="lessons"),
        pytest.param([course.slug for course in demo_data.COURSES], id="courses"),
        pytest.param([category.slug for category in demo_data.CATEGORIES], id="categories"),
        pytest.param([source.name for source in demo_data.SOURCES], id="source names"),
        pytest.param([user.email for user in demo_data.USERS], id="user emails"),
    ],
)
def test_slugs_and_names_are_unique(slugs):
    assert [slug for slug, count in Counter(slugs).items() if count > 1] == []


def test_lesson_and_course_slugs_are_url_safe():
    for slug in [lesson.slug for lesson in demo_data.ALL_LESSONS] + [course.slug for course in demo_data.COURSES]:
        assert re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", slug), slug


def test_every_course_lists_existing_lessons_once():
    for course in demo_data.COURSES:
        assert set(course.lessons) <= LESSON_SLUGS, course.slug
        assert len(course.lessons) == len(set(course.lessons)), course.slug
        assert course.level in demo_data.LEVELS


def test_every_related_and_up_next_slug_exists_and_is_not_the_lesson_itself():
    for lesson in demo_data.ALL_LESSONS:
        assert set(lesson.related) <= LESSON_SLUGS, lesson.slug
        assert lesson.slug not in lesson.related
        if lesson.up_next:
            assert lesson.up_next in LESSON_SLUGS
            assert lesson.up_next != lesson.slug
            assert lesson.up_next_why


def test_every_lesson_refers_to_a_known_category_source_kind_and_level():
    categories = {category.slug for category in demo_data.CATEGORIES}
    sources = {source.name for source in demo_data.SOURCES}
    for lesson in demo_data.ALL_LESSONS:
        assert lesson.category in categories, lesson.slug
        assert lesson.source in sources, lesson.slug
        assert lesson.kind in KINDS, lesson.slug
        assert lesson.level in demo_data.LEVELS, lesson.slug
    assert {source.kind for source in demo_data.SOURCES} <= set(KINDS)


def test_every_url_is_https_and_parseable():
    urls = [lesson.external_url for lesson in demo_data.ALL_LESSONS] + [s.url for s in demo_data.SOURCES if s.url]
    for url in urls:
        parts = urlsplit(url)
        assert parts.scheme == "https", url
        assert "." in (parts.hostname or ""), url
        assert " " not in url, url


def test_arxiv_links_carry_valid_ids_and_dates_not_before_the_id_month():
    papers = [lesson for lesson in demo_data.LESSONS if "arxiv.org" in lesson.external_url]
    assert len(papers) >= 25
    for lesson in papers:
        identifier = arxiv_id(lesson.external_url)
        assert identifier is not None, lesson.external_url
        assert NEW_STYLE_ARXIV_ID.match(identifier), lesson.external_url
        # A new-style id starts with the year and month of its first version, which is the date we publish.
        year, month = 2000 + int(identifier[:2]), int(identifier[2:4])
        assert lesson.published_on is not None
        assert (lesson.published_on.year, lesson.published_on.month) == (year, month), lesson.slug


def test_no_two_lessons_point_at_the_same_work():
    urls = [lesson.external_url for lesson in demo_data.ALL_LESSONS]
    assert [url for url, count in Counter(urls).items() if count > 1] == []


def test_every_lesson_has_exactly_one_kind_of_date_and_real_dates_are_in_the_past():
    for lesson in demo_data.ALL_LESSONS:
        assert (lesson.published_on is None) != (lesson.published_days_ago is None), lesson.slug
        if lesson.published_on is not None:
            assert date(2010, 1, 1) <= lesson.published_on <= date(2026, 1, 1), lesson.slug


def test_own_lessons_have_a_learn_summary_a_real_description_and_authors():
    for lesson in demo_data.LESSONS:
        assert lesson.summary.startswith("Learn "), lesson.slug
        sentences = re.findall(r"[.!?](?:\s|$)", lesson.description)
        assert 2 <= len(sentences) <= 4, lesson.slug
        assert lesson.authors, lesson.slug
        assert 1 <= lesson.duration_minutes <= 300, lesson.slug


def test_seed_lesson_is_as_on_the_seed_page():
    seed = demo_data.SEED_LESSON

    assert seed.title == "AI is Already Building AI — Google DeepMind’s Mostafa Dehghani"
    assert seed.source == "The MAD Podcast with Matt Turck"
    assert (seed.kind, seed.level, seed.category) == ("youtube", "Beginner", "research-papers-explained")
    assert seed.published_days_ago == 30
    assert seed.description.startswith("Are we truly on the verge of AI automating its own research and development?")
    assert seed.description.endswith("20:57 Could top AI rese")


def test_seed_description_parses_to_eleven_chapters():
    chapters = chapters_parse(demo_data.SEED_LESSON.description)

    assert len(chapters) == 11
    assert chapters[1].title == "What “loops” in AI actually mean"
    assert chapters[-1].title == "Could top AI rese"


def test_seed_url_is_the_episodes_real_video_so_chapters_jump_into_it():
    assert demo_data.SEED_LESSON.external_url == "https://www.youtube.com/watch?v=Bo19sXssYXI"
    assert chapter_url(demo_data.SEED_LESSON.external_url, 77, "youtube") == (
        "https://www.youtube.com/watch?v=Bo19sXssYXI&t=77s"
    )


def test_seed_related_lessons_and_up_next_are_those_on_the_seed_page():
    by_slug = {lesson.slug: lesson for lesson in demo_data.ALL_LESSONS}
    related = [by_slug[slug] for slug in demo_data.SEED_LESSON.related]
    up_next = by_slug[demo_data.SEED_LESSON.up_next]

    assert [(lesson.title, lesson.source) for lesson in related] == [
        ("The ABCs of reading medical research and review papers these days", "Medium · LLM"),
        ("#1 DevLog Meta-research: I Got Tired of Tab Chaos While Reading Research Papers.", "Dev.to AI"),
        ("How to Set Up a Karpathy-Style Wiki for Your Research Field", "Medium · AI"),
        (
            "The Non-Optimality of Scientific Knowledge: Path Dependence, Lock-In, and The Local Minimum Trap",
            "ArXiv cs.AI",
        ),
    ]
    assert related[0].summary == (
        "Learn to critically evaluate medical research papers by accepting nothing at face value, believing no one "
        "blindly, and checking everything"
    )
    assert (up_next.title, up_next.source) == ("Microsoft Research Forum | Season 2, Episode 4", "Microsoft Research")


def test_seed_up_next_is_also_next_in_its_course():
    course = next(course for course in demo_data.COURSES if demo_data.SEED_SLUG in course.lessons)
    position = course.lessons.index(demo_data.SEED_SLUG)

    assert course.lessons[position + 1] == demo_data.SEED_LESSON.up_next


def test_demo_users_are_a_learner_and_a_staff_curator():
    users = {user.email: user for user in demo_data.USERS}

    learner, curator = users["learner@example.com"], users["curator@example.com"]
    assert (learner.password, learner.display_name, learner.is_staff) == ("learn-demo-2026", "Ada Learner", False)
    assert (curator.password, curator.display_name) == ("curate-demo-2026", "Cora Curator")
    assert curator.is_staff
    assert curator.is_superuser


def test_demo_data_imports_no_django():
    source = Path(demo_data.__file__).read_text(encoding="utf-8")

    assert not re.search(r"^\s*(?:from|import)\s+django\b", source, flags=re.MULTILINE)


def test_no_course_is_labelled_more_than_one_level_below_its_hardest_lesson():
    levels = {lesson.slug: lesson.level for lesson in demo_data.ALL_LESSONS}
    order = list(demo_data.LEVELS)
    for course in demo_data.COURSES:
        hardest = max(order.index(levels[slug]) for slug in course.lessons)
        assert order.index(course.level) >= hardest - 1, (
            f"{course.title} is {course.level} with {order[hardest]} lessons"
        )
