"""Query budgets: the lesson page, the catalog, courses, home and the API run a fixed number of queries (≤ 9),
whatever the number of chapters, related lessons and results. Each case is measured small and large: same count."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.content_version import content_changed
from lessons.models import Lesson
from lessons.services import course_enroll, lesson_progress_complete, lesson_start
from tests.factories import (
    CategoryFactory,
    ChapterFactory,
    CourseFactory,
    CourseLessonFactory,
    LessonFactory,
    RelatedLessonFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

# 9 since the lesson page shows the lesson's skills (one query for them, however many).
BUDGET = 9
# A visitor's page the cache has costs no query at all; two would be the most we accept (docs/performance.md).
HIT_BUDGET = 2


def build(size: int, learner=None):
    """A lesson with ``size`` chapters, ``size`` related lessons (half curated), a course of ``size`` lessons and
    ``size`` more lessons in its category; the learner (if any) enrolled and with progress on half of them."""
    category = CategoryFactory(slug=f"budget-category-{size}")
    lesson = LessonFactory(slug=f"budget-lesson-{size}", category=category, kind="youtube",
                           external_url="https://www.youtube.com/watch?v=abc")  # fmt: skip
    for n in range(size):
        ChapterFactory(lesson=lesson, start_seconds=n * 60, title=f"Chapter {n}")
        RelatedLessonFactory(lesson=lesson, related__category=category, curated=n % 2 == 0, position=n)
    course = CourseFactory(slug=f"budget-course-{size}")
    CourseLessonFactory(course=course, lesson=lesson, position=0)
    for n in range(size):
        CourseLessonFactory(course=course, lesson=LessonFactory(category=category), position=n + 1)
    lesson.up_next = LessonFactory(category=category)
    lesson.save()
    if learner is not None:
        course_enroll(user=learner, course=course)
        for index, row in enumerate(course.course_lessons.select_related("lesson")):
            if index % 2:
                lesson_progress_complete(user=learner, lesson=row.lesson)
            else:
                lesson_start(user=learner, lesson=row.lesson)
    return lesson, course, category


def loaded_lesson_columns(sql: str, column: str) -> int:
    """How many times the SQL loads a lesson's ``column``: the lesson table by its name or a join's alias (T4), the
    column standing alone in a list of columns (a search's filter or rank on descriptions is no load, nor is a course's
    description)."""
    pattern = r'(?:(?<=SELECT )|(?<=, ))"(?:lessons_lesson|T\d+)"\."' + re.escape(column) + r'"(?=, | FROM )'  # noqa: S608 - a regex over SQL, not SQL
    return len(re.findall(pattern, sql))


def count_queries(client, url, *, cached: bool = False) -> int:
    """Queries of a GET of ``url`` that renders the page (``cached``: that the page cache answers)."""
    client.get(url)  # warm up: per-user rows made on a first visit (a wallet) are not what is measured
    if not cached:
        content_changed()  # a miss as it happens: the content changed (the session stays in the cache)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def measure(client, django_assert_max_num_queries, urls_for_size, signed_in: bool) -> dict[str, tuple[int, int]]:
    """{page: (queries when it renders, queries when the page cache has it)}, the same for 3 and 30 items."""
    learner = UserFactory() if signed_in else None
    if learner is not None:
        client.force_login(learner)
    small, large = (urls_for_size(*build(size, learner)) for size in (3, 30))
    counts = {}
    for name in small:
        small_count, large_count = count_queries(client, small[name]), count_queries(client, large[name])
        assert small_count == large_count, f"{name}: {small_count} queries with 3 items, {large_count} with 30"
        content_changed()
        with django_assert_max_num_queries(BUDGET):
            client.get(large[name])
        hit = count_queries(client, large[name], cached=True)
        if not signed_in:
            assert hit <= HIT_BUDGET, f"{name}: {hit} queries when the page cache has it"
        counts[name] = (large_count, hit)
    return counts


def site_urls(lesson, course, category):
    return {
        "lesson page": lesson.get_absolute_url(),
        "lesson page in a course": f"{lesson.get_absolute_url()}?course={course.slug}",
        "catalog": "/lessons/",
        "catalog filtered": f"/lessons/?category={category.slug}&level=beginner",
        "catalog search": f"/lessons/?q=lesson&category={category.slug}",
        "catalog of a course": f"/lessons/?course={course.slug}",
        "course": course.get_absolute_url(),
        "home": "/",
    }


def api_urls(lesson, course, category):
    return {
        "api lesson": f"/api/v1/lessons/{lesson.slug}",
        "api lessons": f"/api/v1/lessons?category={category.slug}",
        "api lessons search": "/api/v1/lessons?q=lesson",
        "api course lessons": f"/api/v1/lessons?course={course.slug}",
    }


@pytest.mark.parametrize("signed_in", [False, True], ids=["visitor", "learner"])
def test_pages_run_a_fixed_number_of_queries_within_budget(client, django_assert_max_num_queries, signed_in):
    counts = measure(client, django_assert_max_num_queries, site_urls, signed_in)
    print(f"\nqueries per page ({'learner' if signed_in else 'visitor'}): {counts}")


@pytest.mark.parametrize("signed_in", [False, True], ids=["visitor", "learner"])
def test_api_endpoints_run_a_fixed_number_of_queries_within_budget(client, django_assert_max_num_queries, signed_in):
    counts = measure(client, django_assert_max_num_queries, api_urls, signed_in)
    print(f"\nqueries per API call ({'learner' if signed_in else 'visitor'}): {counts}")


def test_my_courses_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    learner = UserFactory()
    client.force_login(learner)
    build(3, learner)
    few = count_queries(client, "/my/courses/")
    build(30, learner)
    for _ in range(5):
        course_enroll(user=learner, course=CourseFactory())
    assert count_queries(client, "/my/courses/") == few
    with django_assert_max_num_queries(BUDGET):
        client.get("/my/courses/")


@pytest.mark.parametrize("signed_in", [False, True], ids=["visitor", "learner"])
def test_pages_and_api_never_read_transcripts_and_cards_never_read_descriptions(client, signed_in):
    """A transcript can be a hundred kilobytes: no page or API call here shows one, so none may load it. Cards (the
    catalog, related lessons, up next, course lessons) show a summary, so only the lesson's own page loads its
    description."""
    learner = UserFactory() if signed_in else None
    if learner is not None:
        client.force_login(learner)
    lesson, course, category = build(3, learner)
    Lesson.objects.update(transcript="WEBVTT\n\n00:00.000 --> 00:05.000\nHello.\n")
    for name, url in {**site_urls(lesson, course, category), **api_urls(lesson, course, category)}.items():
        client.get(url)
        content_changed()  # what a page loads when it renders, not when it comes from the page cache
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, url
        sql = "\n".join(query["sql"] for query in queries)
        assert '"lessons_lesson"."slug"' in sql, f"{name}: no lesson was read"
        assert loaded_lesson_columns(sql, "transcript") == 0, f"{name} read a transcript"
        descriptions = loaded_lesson_columns(sql, "description")
        own_page = name in {"lesson page", "lesson page in a course", "api lesson"}
        assert descriptions == (1 if own_page else 0), f"{name} read {descriptions} lesson descriptions"
