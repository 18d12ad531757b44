"""The database refuses bad catalog states: the constraints hold on SQLite and PostgreSQL alike."""

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from lessons.models import Chapter, CourseLesson, Enrollment, Lesson, LessonProgress, RelatedLesson
from tests.factories import (
    ChapterFactory,
    CourseFactory,
    CourseLessonFactory,
    LessonFactory,
    LessonProgressFactory,
    RelatedLessonFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def refused(callable_, *args, **kwargs):
    with pytest.raises(IntegrityError), transaction.atomic():
        callable_(*args, **kwargs)


def test_a_chapter_cannot_start_before_zero():
    lesson = LessonFactory()
    refused(Chapter.objects.create, lesson=lesson, start_seconds=-1, title="Before the start")


def test_two_chapters_of_a_lesson_cannot_start_at_the_same_moment():
    chapter = ChapterFactory(start_seconds=77)
    refused(Chapter.objects.create, lesson=chapter.lesson, start_seconds=77, title="Same moment")
    assert Chapter.objects.create(lesson=LessonFactory(), start_seconds=77, title="Another lesson is fine")


def test_a_lesson_cannot_cost_less_than_nothing():
    lesson = LessonFactory()
    refused(Lesson.objects.filter(pk=lesson.pk).update, unlock_price=-5)


def test_the_unlock_price_defaults_to_the_setting_when_the_lesson_is_created(settings):
    settings.UNLOCK_PRICE = 45
    assert LessonFactory().unlock_price == 45
    settings.UNLOCK_PRICE = 30
    assert LessonFactory().unlock_price == 30


def test_a_lesson_is_not_related_to_itself():
    lesson = LessonFactory()
    refused(RelatedLesson.objects.create, lesson=lesson, related=lesson)


def test_a_lesson_is_not_its_own_up_next():
    lesson = LessonFactory()
    refused(Lesson.objects.filter(pk=lesson.pk).update, up_next=lesson)


def test_a_related_pair_is_stored_once_as_curated_and_once_as_computed_at_most():
    link = RelatedLessonFactory(curated=True)
    refused(RelatedLesson.objects.create, lesson=link.lesson, related=link.related, curated=True)
    # The similarity may have found the same lesson: both rows may exist until the next recompute.
    assert RelatedLesson.objects.create(lesson=link.lesson, related=link.related, curated=False)
    refused(RelatedLesson.objects.create, lesson=link.lesson, related=link.related, curated=False)


@pytest.mark.parametrize(("field", "value"), [("level", "expert"), ("kind", "tiktok"), ("status", "archived")])
def test_values_outside_the_choices_are_refused_by_the_database(field, value):
    lesson = LessonFactory()
    refused(Lesson.objects.filter(pk=lesson.pk).update, **{field: value})


def test_a_learner_enrols_in_a_course_once():
    user, course = UserFactory(), CourseFactory()
    Enrollment.objects.create(user=user, course=course)
    refused(Enrollment.objects.create, user=user, course=course)


def test_a_lesson_appears_in_a_course_once_and_never_at_a_negative_position():
    row = CourseLessonFactory()
    refused(CourseLesson.objects.create, course=row.course, lesson=row.lesson, position=9)
    refused(CourseLesson.objects.create, course=row.course, lesson=LessonFactory(), position=-1)


def test_progress_is_one_row_per_learner_and_lesson():
    progress = LessonProgressFactory()
    refused(LessonProgress.objects.create, user=progress.user, lesson=progress.lesson)


def test_a_lesson_cannot_be_completed_before_it_was_started():
    progress = LessonProgressFactory()
    refused(
        LessonProgress.objects.filter(pk=progress.pk).update,
        completed_at=progress.started_at - timezone.timedelta(minutes=1),
    )


def test_only_published_lessons_are_listed_as_published_and_visible_to_learners():
    published = LessonFactory()
    draft = LessonFactory(status=Lesson.Status.DRAFT)
    learner, staff = UserFactory(), UserFactory(is_staff=True)
    assert list(Lesson.objects.published()) == [published]
    assert set(Lesson.objects.visible_to(learner)) == {published}
    assert set(Lesson.objects.visible_to(None)) == {published}
    assert set(Lesson.objects.visible_to(staff)) == {published, draft}


def test_the_link_label_and_short_verb_follow_the_kind():
    assert LessonFactory(kind="youtube", external_url="https://www.youtube.com/watch?v=abc").link_label == (
        "Watch on YouTube"
    )
    paper = LessonFactory(kind="paper", source__name="ArXiv cs.AI", external_url="https://arxiv.org/abs/1706.03762")
    assert paper.link_label == "Read on arXiv"
    assert paper.action_verb == "Read"
    assert LessonFactory(kind="podcast").action_verb == "Listen"
