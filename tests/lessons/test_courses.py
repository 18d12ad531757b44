"""Courses: ordered lessons, enrolling (visitors sign in first), progress, resuming, My courses and the home page."""

import pytest

from lessons.models import Enrollment, Lesson
from lessons.services import course_enroll, lesson_progress_complete
from tests.factories import CourseFactory, CourseLessonFactory, LessonFactory, UserFactory
from tests.lessons.html import visible_links, visible_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def course():
    course = CourseFactory(title="Transformers from the Ground Up", slug="transformers")
    for position, title in enumerate(["Word vectors", "Attention", "Transformers", "BERT"], start=1):
        CourseLessonFactory(course=course, lesson=LessonFactory(title=title, slug=title.lower().replace(" ", "-")),
                            position=position)  # fmt: skip
    CourseLessonFactory(course=course, lesson=LessonFactory(title="Unfinished", status=Lesson.Status.DRAFT), position=5)
    return course


def test_the_course_page_lists_its_published_lessons_in_order(client, course):
    text = visible_text(client.get("/courses/transformers/").content)
    lessons = text[text.index("Lessons 1") :]
    assert (
        lessons.index("Word vectors")
        < lessons.index("Attention")
        < lessons.index("Transformers")
        < lessons.index("BERT")
    )
    assert "Unfinished" not in text
    assert "4 lessons" in text


def test_a_visitor_is_asked_to_sign_in_before_enrolling_and_comes_back_to_the_course(client, course):
    links = visible_links(client.get("/courses/transformers/").content)
    sign_in = next(link for link in links if link.text == "Sign in to enrol")
    assert sign_in.href == "/accounts/login/?next=/courses/transformers/"
    response = client.post("/courses/transformers/enrol")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/courses/transformers/"
    assert not Enrollment.objects.exists()


def test_a_learner_enrols_sees_a_progress_bar_and_resumes_at_the_first_unfinished_lesson(client, course):
    learner = UserFactory()
    client.force_login(learner)
    response = client.post("/courses/transformers/enrol", follow=True)
    text = visible_text(response.content)
    assert "You are enrolled in “Transformers from the Ground Up”." in visible_text(response.content, main_only=False)
    assert "0 of 4 lessons completed" in text
    assert Enrollment.objects.filter(user=learner, course=course).count() == 1

    lesson_progress_complete(user=learner, lesson=Lesson.objects.get(slug="word-vectors"))
    response = client.get("/courses/transformers/")
    assert "1 of 4 lessons completed" in visible_text(response.content)
    assert '<progress id="progress-transformers" max="4" value="1">25%</progress>' in response.content.decode()
    resume = next(link for link in visible_links(response.content) if link.text == "Resume")
    assert resume.href == "/lessons/attention/?course=transformers"


def test_enrolling_twice_says_so_and_keeps_one_enrolment(client, course):
    learner = UserFactory()
    course_enroll(user=learner, course=course)
    client.force_login(learner)
    response = client.post("/courses/transformers/enrol", follow=True)
    assert "You were already enrolled" in visible_text(response.content, main_only=False)
    assert Enrollment.objects.filter(user=learner).count() == 1


def test_a_finished_course_says_so_instead_of_resume(client, course):
    learner = UserFactory()
    course_enroll(user=learner, course=course)
    for lesson in Lesson.objects.published():
        lesson_progress_complete(user=learner, lesson=lesson)
    client.force_login(learner)
    text = visible_text(client.get("/courses/transformers/").content)
    assert "4 of 4 lessons completed" in text
    assert "Course complete ✓" in text
    assert "Resume" not in text


def test_enrolling_needs_a_post_and_an_existing_course(client, course):
    client.force_login(UserFactory())
    assert client.get("/courses/transformers/enrol").status_code == 405
    assert client.post("/courses/nope/enrol").status_code == 404
    assert client.get("/courses/nope/").status_code == 404


def test_my_courses_lists_the_learners_courses_with_progress_and_needs_sign_in(client, course):
    assert client.get("/my/courses/")["Location"].startswith("/accounts/login/?next=/my/courses/")
    learner = UserFactory()
    client.force_login(learner)
    assert "You have not enrolled in a course yet." in visible_text(client.get("/my/courses/").content)
    other = CourseFactory(title="Not mine")
    course_enroll(user=learner, course=course)
    text = visible_text(client.get("/my/courses/").content)
    assert "Transformers from the Ground Up" in text
    assert "0 of 4 lessons completed" in text
    assert other.title not in text


def test_the_home_page_shows_continue_learning_courses_and_new_lessons(client, course):
    text = visible_text(client.get("/").content)
    assert "Courses" in text
    assert "Transformers from the Ground Up" in text
    assert "New lessons" in text
    assert "BERT" in text
    assert "Continue learning" not in text

    learner = UserFactory()
    course_enroll(user=learner, course=course)
    client.force_login(learner)
    response = client.get("/")
    text = visible_text(response.content)
    continuing = text[text.index("Continue learning") : text.index("Courses")]
    assert "Transformers from the Ground Up" in continuing
    assert "0 of 4 lessons completed" in continuing
    resume = next(link for link in visible_links(response.content) if link.text == "Resume")
    assert resume.href == "/lessons/word-vectors/?course=transformers"
