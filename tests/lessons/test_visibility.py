"""Who sees which lessons is one rule (lessons.models.lessons_visible_to), whichever list shows them: staff preview
drafts but never see incoming or rejected lessons outside curation, in the catalog, the related lessons or a course."""

import pytest

from lessons.models import Lesson
from tests.factories import CourseFactory, CourseLessonFactory, LessonFactory, RelatedLessonFactory, StaffUserFactory
from tests.factories import UserFactory as LearnerFactory
from tests.lessons.html import visible_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def lessons_of_every_status():
    lesson = LessonFactory(title="The lesson itself")
    course = CourseFactory(title="The course")
    CourseLessonFactory(course=course, lesson=lesson, position=1)
    for position, status in enumerate(Lesson.Status, start=2):
        other = LessonFactory(title=f"A {status.value} neighbour", status=status)
        RelatedLessonFactory(lesson=lesson, related=other, position=position)
        CourseLessonFactory(course=course, lesson=other, position=position)
    return lesson, course


def test_staff_see_drafts_but_no_incoming_or_rejected_lesson_in_related_and_course_lists(
    client, lessons_of_every_status
):
    lesson, course = lessons_of_every_status
    client.force_login(StaffUserFactory())
    for page in (client.get(lesson.get_absolute_url()), client.get(course.get_absolute_url())):
        text = visible_text(page.content, main_only=False)
        assert "A draft neighbour" in text
        assert "A published neighbour" in text
        assert "A incoming neighbour" not in text
        assert "A rejected neighbour" not in text


def test_learners_see_only_published_neighbours(client, lessons_of_every_status):
    lesson, course = lessons_of_every_status
    client.force_login(LearnerFactory())
    for page in (client.get(lesson.get_absolute_url()), client.get(course.get_absolute_url())):
        text = visible_text(page.content, main_only=False)
        assert "A published neighbour" in text
        assert "A draft neighbour" not in text
        assert "A incoming neighbour" not in text
