"""Curation admin: staff only, every model's pages open, publishing, course order, and importing a lesson."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from lessons.models import CourseLesson, Lesson, RelatedLesson
from tests import seed
from tests.factories import (
    CategoryFactory,
    ChapterFactory,
    CourseFactory,
    CourseLessonFactory,
    EnrollmentFactory,
    LessonFactory,
    LessonProgressFactory,
    PublishedLessonFactory,
    RelatedLessonFactory,
    UserFactory,
)
from tests.lessons.admin_forms import lesson_change_form
from tests.lessons.html import visible_text

pytestmark = pytest.mark.django_db

IMPORT_URL = "/admin/lessons/lesson/import/"


def test_every_catalog_model_has_working_list_and_change_pages(staff_client):
    objects = {
        "category": CategoryFactory(),
        "lesson": LessonFactory(),
        "chapter": ChapterFactory(),
        "relatedlesson": RelatedLessonFactory(),
        "course": CourseFactory(),
        "courselesson": CourseLessonFactory(),
        "enrollment": EnrollmentFactory(),
        "lessonprogress": LessonProgressFactory(),
    }
    objects["source"] = objects["lesson"].source
    for name, obj in objects.items():
        assert staff_client.get(reverse(f"admin:lessons_{name}_changelist")).status_code == 200, name
        assert staff_client.get(reverse(f"admin:lessons_{name}_change", args=[obj.pk])).status_code == 200, name
        assert staff_client.get(reverse(f"admin:lessons_{name}_changelist"), {"q": "x"}).status_code == 200, name


def test_learners_cannot_reach_the_admin_or_the_importer(client):
    client.force_login(UserFactory())
    for url in ("/admin/lessons/lesson/", IMPORT_URL):
        response = client.get(url)
        assert response.status_code == 302
        assert "/login/" in response["Location"]


def test_the_lesson_page_in_the_admin_links_to_its_public_preview(staff_client):
    lesson = LessonFactory(slug="attention")
    content = staff_client.get(reverse("admin:lessons_lesson_change", args=[lesson.pk])).content.decode()
    assert 'href="/lessons/attention/"' in content
    assert "View on site" in content


def test_importing_the_seed_lesson_creates_a_draft_with_its_eleven_chapters(staff_client):
    category = CategoryFactory(name="Research Papers Explained")
    response = staff_client.post(
        IMPORT_URL,
        {
            "url": seed.SEED_LESSON.external_url,
            "description": seed.SEED_DESCRIPTION,
            "title": seed.SEED_LESSON.title,
            "category": category.pk,
            "level": "beginner",
        },
    )
    lesson = Lesson.objects.get(title=seed.SEED_LESSON.title)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:lessons_lesson_change", args=[lesson.pk])
    messages = [str(message) for message in get_messages(response.wsgi_request)]
    assert messages[0].startswith(f"Imported “{seed.SEED_LESSON.title}” with 11 chapters")
    assert "cut off" in messages[0]
    assert lesson.status == Lesson.Status.DRAFT
    assert (lesson.kind, lesson.source.name, lesson.category) == ("youtube", "YouTube", category)
    assert lesson.chapters.count() == 11

    page = staff_client.get(response["Location"])
    assert 'value="Could top AI rese"' in page.content.decode()


def test_the_import_form_says_what_is_missing(staff_client):
    response = staff_client.post(IMPORT_URL, {"url": "not a url", "description": ""})
    assert response.status_code == 200
    text = visible_text(response.content, main_only=False)
    assert "Enter a valid URL." in text
    assert "This field is required." in text
    assert not Lesson.objects.exists()


def test_the_changelist_offers_the_importer(staff_client):
    content = staff_client.get("/admin/lessons/lesson/").content.decode()
    assert f'href="{IMPORT_URL}"' in content
    assert "Import a lesson" in content


def test_publish_and_unpublish_actions(staff_client):
    drafts = LessonFactory.create_batch(2, status=Lesson.Status.DRAFT)
    response = staff_client.post(
        "/admin/lessons/lesson/",
        {"action": "publish", "_selected_action": [lesson.pk for lesson in drafts]},
        follow=True,
    )
    assert "Published 2 lessons." in visible_text(response.content, main_only=False)
    assert Lesson.objects.published().count() == 2
    staff_client.post("/admin/lessons/lesson/", {"action": "unpublish", "_selected_action": [drafts[0].pk]})
    assert Lesson.objects.published().count() == 1


def test_saving_a_course_renumbers_its_lessons_in_the_order_given(staff_client):
    course = CourseFactory(title="Order", slug="order")
    a, b = LessonFactory(), LessonFactory()
    first = CourseLessonFactory(course=course, lesson=a, position=1)
    second = CourseLessonFactory(course=course, lesson=b, position=2)
    data = {
        "title": "Order", "slug": "order", "description": "", "level": "beginner",
        "course_lessons-TOTAL_FORMS": "3", "course_lessons-INITIAL_FORMS": "2",
        "course_lessons-MIN_NUM_FORMS": "0", "course_lessons-MAX_NUM_FORMS": "1000",
        "course_lessons-0-id": first.pk, "course_lessons-0-course": course.pk, "course_lessons-0-lesson": a.pk,
        "course_lessons-0-position": "20",
        "course_lessons-1-id": second.pk, "course_lessons-1-course": course.pk, "course_lessons-1-lesson": b.pk,
        "course_lessons-1-position": "10",
        "course_lessons-2-course": course.pk, "course_lessons-2-lesson": "", "course_lessons-2-position": "0",
    }  # fmt: skip
    response = staff_client.post(reverse("admin:lessons_course_change", args=[course.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    rows = CourseLesson.objects.filter(course=course).order_by("position")
    assert list(rows.values_list("lesson", "position")) == [(b.pk, 1), (a.pk, 2)]


def test_saving_a_lesson_queues_a_related_recompute_after_commit(
    staff_client, django_capture_on_commit_callbacks, celery_eager
):
    lesson = LessonFactory(title="Transformers and attention", summary="Learn attention")
    LessonFactory(title="Attention in transformers explained", summary="Learn attention again")
    data = lesson_change_form(lesson)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = staff_client.post(reverse("admin:lessons_lesson_change", args=[lesson.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    # One recompute however many rows the save touched (the cached pages' new version comes after commit too).
    recomputes = [callback for callback in callbacks if "related_recompute" in callback.__qualname__]
    assert len(recomputes) == 1
    assert RelatedLesson.objects.filter(lesson=lesson, curated=False).exists()


def test_replacing_curated_chapters_with_parsed_ones_asks_first_and_changes_nothing_until_confirmed(staff_client):
    from lessons.models import Chapter

    lesson = PublishedLessonFactory(description="00:00 Intro\n01:17 Parsed chapter")
    Chapter.objects.create(lesson=lesson, start_seconds=0, title="Curated by hand")
    changelist = "/admin/lessons/lesson/"
    asked = staff_client.post(changelist, {"action": "chapters_from_description", "_selected_action": [lesson.pk]})
    assert asked.status_code == 200
    page = asked.content.decode()
    assert "Replace chapters?" in page
    assert "1 chapter now → 2 parsed from the description" in page
    assert list(lesson.chapters.values_list("title", flat=True)) == ["Curated by hand"]

    done = staff_client.post(
        changelist, {"action": "chapters_from_description", "_selected_action": [lesson.pk], "confirm": "yes"}
    )
    assert done.status_code == 302
    assert list(lesson.chapters.order_by("start_seconds").values_list("title", flat=True)) == [
        "Intro",
        "Parsed chapter",
    ]
