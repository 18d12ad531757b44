"""Catalog writes: importing a lesson, progress, completion once, enrolment, publishing and course order."""

from datetime import timedelta

import pytest
from django.utils import timezone

from lessons.chapters import ParsedChapter
from lessons.exceptions import LessonNotAvailable
from lessons.models import Chapter, CourseLesson, Enrollment, Kind, Lesson, LessonProgress, Level, RelatedLesson
from lessons.services import (
    chapters_replace,
    course_enroll,
    course_lessons_set,
    course_positions_normalise,
    lesson_import,
    lesson_progress_complete,
    lesson_start,
    lessons_publish,
    progress_merge,
)
from tests import seed
from tests.factories import (
    CategoryFactory,
    CourseFactory,
    CourseLessonFactory,
    LessonFactory,
    LessonProgressFactory,
    SourceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

SEED_URL = seed.SEED_LESSON.external_url


# --- Import --------------------------------------------------------------------------------------------------------


def test_importing_the_seed_lesson_keeps_all_eleven_chapters_including_the_cut_off_last_one():
    imported = lesson_import(url=SEED_URL, description=seed.SEED_DESCRIPTION, title="AI is Already Building AI")

    chapters = list(imported.lesson.chapters.order_by("start_seconds"))
    assert imported.chapter_count == 11
    assert len(chapters) == 11
    assert (chapters[0].start_seconds, chapters[0].title) == (0, "Intro")
    assert (chapters[1].start_seconds, chapters[1].title) == (77, "What “loops” in AI actually mean")
    assert (chapters[-1].start_seconds, chapters[-1].title) == (20 * 60 + 57, "Could top AI rese")
    assert [chapter.position for chapter in chapters] == list(range(1, 12))
    assert imported.last_chapter_truncated is True


def test_an_imported_lesson_is_a_draft_whose_kind_and_source_come_from_its_url():
    imported = lesson_import(url=SEED_URL, description=seed.SEED_DESCRIPTION)
    lesson = imported.lesson

    assert lesson.status == Lesson.Status.DRAFT
    assert lesson.kind == Kind.YOUTUBE
    assert lesson.source.name == "YouTube"
    assert lesson.external_url == SEED_URL
    # Without a title, the description's first sentence stands in until a curator edits it.
    assert lesson.title == "Are we truly on the verge of AI automating its own research and development?"
    assert lesson.slug == "are-we-truly-on-the-verge-of-ai-automating-its-own-research-and-development"


@pytest.mark.parametrize(
    ("url", "kind", "source_name"),
    [
        ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", Kind.YOUTUBE, "YouTube"),
        ("https://youtu.be/dQw4w9WgXcQ", Kind.YOUTUBE, "YouTube"),
        ("https://open.spotify.com/episode/7yLATDSaFvgJG80ACcRJtq", Kind.PODCAST, "Spotify"),
        ("https://podcasts.apple.com/us/podcast/the-mad-podcast-with-matt-turck/id1686238724", Kind.PODCAST,
         "Apple Podcasts"),
        ("https://medium.com/@someone/a-post-123", Kind.ARTICLE, "Medium"),
        ("https://dev.to/someone/a-post-42", Kind.ARTICLE, "Dev.to"),
        ("https://arxiv.org/abs/1706.03762", Kind.PAPER, "arXiv"),
        ("https://example.org/some/page", Kind.URL, "example.org"),
    ],
)  # fmt: skip
def test_the_import_recognises_the_kind_and_source_of_common_urls(url, kind, source_name):
    lesson = lesson_import(url=url, description="No timestamps here.", title="A lesson").lesson
    assert (lesson.kind, lesson.source.name) == (kind, source_name)
    assert lesson.chapters.count() == 0


def test_the_import_uses_the_title_category_level_source_and_summary_the_curator_gave():
    category, source = CategoryFactory(), SourceFactory(name="The MAD Podcast with Matt Turck", kind=Kind.PODCAST)
    lesson = lesson_import(
        url=SEED_URL,
        description=seed.SEED_DESCRIPTION,
        title="  AI is Already Building AI  ",
        category=category,
        level=Level.ADVANCED,
        source=source,
        summary="Learn where AI research automation stands",
    ).lesson
    assert (lesson.title, lesson.category, lesson.level, lesson.source) == (
        "AI is Already Building AI",
        category,
        Level.ADVANCED,
        source,
    )
    assert lesson.summary == "Learn where AI research automation stands"
    assert lesson.kind == Kind.YOUTUBE  # the URL still decides the kind


def test_importing_the_same_title_twice_gives_two_lessons_with_distinct_slugs():
    first = lesson_import(url=SEED_URL, description="", title="Same title").lesson
    second = lesson_import(url=SEED_URL, description="", title="Same title").lesson
    assert (first.slug, second.slug) == ("same-title", "same-title-2")


def test_the_import_asks_the_worker_to_recompute_related_lessons_after_commit(
    django_capture_on_commit_callbacks, celery_eager
):
    other = LessonFactory(title="Looping transformers and recursive self-improvement", summary="Learn about loops")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        lesson = lesson_import(
            url=SEED_URL, description=seed.SEED_DESCRIPTION, title="Recursive self-improvement in loops"
        ).lesson
    assert len(callbacks) == 1
    assert RelatedLesson.objects.filter(lesson=lesson, related=other, curated=False).exists()


def test_replacing_chapters_orders_them_by_time_and_numbers_them():
    lesson = LessonFactory()
    count = chapters_replace(
        lesson=lesson, chapters=[ParsedChapter(90, "Second"), ParsedChapter(0, "First"), ParsedChapter(200, "Third")]
    )
    assert count == 3
    assert list(Chapter.objects.filter(lesson=lesson).values_list("position", "start_seconds", "title")) == [
        (1, 0, "First"),
        (2, 90, "Second"),
        (3, 200, "Third"),
    ]


# --- Progress ------------------------------------------------------------------------------------------------------


def test_starting_a_lesson_twice_keeps_the_first_start():
    user, lesson = UserFactory(), LessonFactory()
    first, created = lesson_start(user=user, lesson=lesson)
    again, created_again = lesson_start(user=user, lesson=lesson)
    assert (created, created_again) == (True, False)
    assert again.started_at == first.started_at
    assert first.source == LessonProgress.Origin.SERVER


def test_a_draft_cannot_be_started_by_a_learner():
    with pytest.raises(LessonNotAvailable):
        lesson_start(user=UserFactory(), lesson=LessonFactory(status=Lesson.Status.DRAFT))
    assert not LessonProgress.objects.exists()


def test_merging_browser_progress_records_known_published_lessons_only():
    user = UserFactory()
    watched, draft = LessonFactory(slug="watched"), LessonFactory(slug="draft", status=Lesson.Status.DRAFT)
    an_hour_ago = timezone.now() - timedelta(hours=1)

    merged = progress_merge(user=user, entries={"watched": an_hour_ago, "draft": None, "no-such-lesson": None})

    assert merged == ["watched"]
    progress = LessonProgress.objects.get(user=user)
    assert (progress.lesson, progress.started_at, progress.source) == (watched, an_hour_ago, "browser")
    assert not LessonProgress.objects.filter(lesson=draft).exists()


def test_merging_keeps_what_the_server_knew_and_clamps_times_from_the_future():
    user = UserFactory()
    known = LessonProgressFactory(user=user, lesson=LessonFactory(slug="known"))
    LessonFactory(slug="fresh")
    merged = progress_merge(
        user=user,
        entries={"known": timezone.now() - timedelta(days=9), "fresh": timezone.now() + timedelta(days=3)},
    )
    assert merged == ["fresh", "known"]
    assert LessonProgress.objects.get(pk=known.pk).started_at == known.started_at
    assert LessonProgress.objects.get(user=user, lesson__slug="fresh").started_at <= timezone.now()


def test_merging_twice_adds_nothing_the_second_time():
    user = UserFactory()
    LessonFactory(slug="one")
    progress_merge(user=user, entries={"one": None})
    progress_merge(user=user, entries={"one": None})
    assert LessonProgress.objects.filter(user=user).count() == 1


def test_completing_a_lesson_marks_it_once_and_says_so_only_the_first_time():
    user, lesson = UserFactory(), LessonFactory()
    progress, completed_now = lesson_progress_complete(user=user, lesson=lesson)
    assert completed_now is True
    assert progress.completed_at is not None
    first_completed_at = progress.completed_at

    again, completed_again = lesson_progress_complete(user=user, lesson=lesson)
    assert completed_again is False
    assert again.completed_at == first_completed_at
    assert LessonProgress.objects.filter(user=user, lesson=lesson).count() == 1


def test_completing_a_started_lesson_keeps_its_start():
    progress = LessonProgressFactory(started_at=timezone.now() - timedelta(days=2))
    completed, _ = lesson_progress_complete(user=progress.user, lesson=progress.lesson)
    assert completed.started_at == progress.started_at
    assert completed.completed_at > progress.started_at


# --- Courses and curation ------------------------------------------------------------------------------------------


def test_enrolling_twice_keeps_one_enrolment():
    user, course = UserFactory(), CourseFactory()
    _, created = course_enroll(user=user, course=course)
    _, created_again = course_enroll(user=user, course=course)
    assert (created, created_again) == (True, False)
    assert Enrollment.objects.filter(user=user, course=course).count() == 1


def test_course_positions_are_renumbered_in_order_after_a_reorder_with_ties_and_gaps():
    course = CourseFactory()
    third = CourseLessonFactory(course=course, position=30)
    first = CourseLessonFactory(course=course, position=5)
    second = CourseLessonFactory(course=course, position=5)  # a tie: the older row goes first
    course_positions_normalise(course=course)
    assert list(CourseLesson.objects.filter(course=course).order_by("position").values_list("pk", "position")) == [
        (first.pk, 1),
        (second.pk, 2),
        (third.pk, 3),
    ]


def test_setting_a_courses_lessons_keeps_the_given_order_and_drops_the_rest():
    course = CourseFactory()
    a, b, c = LessonFactory(), LessonFactory(), LessonFactory()
    course_lessons_set(course=course, lessons=[a, b, c])
    course_lessons_set(course=course, lessons=[c, a])
    assert list(course.course_lessons.order_by("position").values_list("lesson", "position")) == [(c.pk, 1), (a.pk, 2)]


def test_publishing_and_unpublishing_report_how_many_lessons_changed(django_capture_on_commit_callbacks):
    drafts = [LessonFactory(status=Lesson.Status.DRAFT) for _ in range(2)]
    LessonFactory()
    with django_capture_on_commit_callbacks() as callbacks:
        assert lessons_publish(lessons=Lesson.objects.all(), published=True) == 2
    recomputes = [callback for callback in callbacks if "related_recompute" in callback.__qualname__]
    assert len(recomputes) == 1  # one recompute for the batch
    assert all(Lesson.objects.get(pk=draft.pk).is_published for draft in drafts)
    assert lessons_publish(lessons=Lesson.objects.filter(pk=drafts[0].pk), published=False) == 1
    assert Lesson.objects.published().count() == 2
