"""A learner asks for the transcript of a lesson that lacks one: free, once per learner, through the API and the lesson
page (htmx and without JavaScript); curators see the requested lessons first. And the API's `material` figures."""

import pytest
from django.test import Client

from credits.models import LedgerEntry
from lessons.models import Lesson, MaterialRequest
from lessons.services import material_request_create
from tests.app_sessions import session_token
from tests.factories import ChapterFactory, LearnerWithCreditsFactory, LessonFactory, UserFactory
from tests.lessons.html import visible_text

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
# Eleven words, sharing "loops" with the second chapter's title and nothing with the first's.
DESCRIPTION = "This lesson explains loops in machine learning and why they matter."
TRANSCRIPT = "WEBVTT\n\n00:00:01.000 --> 00:00:05.000\nWelcome to a lesson with a transcript of its own words.\n"


@pytest.fixture
def lesson(db):
    lesson = LessonFactory(kind="youtube", external_url="https://www.youtube.com/watch?v=abc", description=DESCRIPTION)
    ChapterFactory(lesson=lesson, start_seconds=0, title="Intro")
    ChapterFactory(lesson=lesson, start_seconds=60, title="Loops")
    return lesson


def request_url(lesson) -> str:
    return f"/api/v1/lessons/{lesson.slug}/material-request"


# --- The API ----------------------------------------------------------------------------------------------------


def test_a_learner_asks_once_and_asking_again_answers_the_same(client, lesson):
    learner = UserFactory()
    client.force_login(learner)

    first = client.post(request_url(lesson))
    again = client.post(request_url(lesson))

    assert (first.status_code, first.json()) == (202, {"requested": True})
    assert (again.status_code, again.json()) == (202, {"requested": True})
    assert MaterialRequest.objects.filter(user=learner, lesson=lesson).count() == 1
    assert LedgerEntry.objects.count() == 0  # free


def test_an_app_asks_with_its_session_token(lesson):
    app = Client()
    token = session_token(app, UserFactory())
    response = app.post(request_url(lesson), headers={"X-Session-Token": token})
    assert response.status_code == 202


def test_a_visitor_is_told_to_sign_in_and_nothing_is_recorded(client, lesson):
    response = client.post(request_url(lesson))
    assert response.status_code == 401
    assert MaterialRequest.objects.count() == 0


@pytest.mark.parametrize("status", [Lesson.Status.DRAFT, Lesson.Status.INCOMING])
def test_an_unpublished_or_unknown_lesson_is_404(client, status):
    client.force_login(UserFactory())
    hidden = LessonFactory(status=status)
    assert client.post(request_url(hidden)).status_code == 404
    assert client.post("/api/v1/lessons/no-such-lesson/material-request").status_code == 404


def test_the_lesson_detail_says_what_the_tutor_has_read_and_whether_the_caller_asked(client, lesson):
    visitor = client.get(f"/api/v1/lessons/{lesson.slug}").json()["material"]
    assert visitor == {
        "kinds": ["description"],
        "words": 11,
        "chapters_covered": 0,
        "chapters_total": 2,
        "requested": False,
    }

    learner = UserFactory()
    client.force_login(learner)
    assert client.get(f"/api/v1/lessons/{lesson.slug}").json()["material"]["requested"] is False
    material_request_create(user=learner, lesson=lesson)
    assert client.get(f"/api/v1/lessons/{lesson.slug}").json()["material"]["requested"] is True

    # Another learner's request is theirs alone; a visitor's answer (the shared page) never carries one.
    client.logout()
    assert client.get(f"/api/v1/lessons/{lesson.slug}").json()["material"]["requested"] is False


def test_the_detail_counts_a_transcript_once_it_is_attached(client, lesson):
    from tutor.services import lesson_transcript_attach

    lesson_transcript_attach(lesson=lesson, raw=TRANSCRIPT)
    material = client.get(f"/api/v1/lessons/{lesson.slug}").json()["material"]
    assert material["kinds"] == ["description", "transcript"]
    assert material["words"] == 11 + 11
    # Said in the intro; "Loops" has only the description's one sentence, which the guide quotes in its overview.
    assert (material["chapters_covered"], material["chapters_total"]) == (1, 2)


def test_the_openapi_document_describes_the_request_and_the_material_with_examples(client):
    document = client.get("/api/v1/openapi.json").json()
    operation = document["paths"]["/api/v1/lessons/{slug}/material-request"]["post"]
    assert set(operation["responses"]) >= {"202", "401", "404"}
    schemas = document["components"]["schemas"]
    assert schemas["TutorMaterialOut"]["examples"][0]["chapters_total"] == 11
    assert schemas["MaterialRequestedOut"]["examples"] == [{"requested": True}]
    assert "material" in schemas["LessonDetailOut"]["required"]


# --- The lesson page ---------------------------------------------------------------------------------------------


def page_text(client, lesson) -> str:
    return visible_text(client.get(lesson.get_absolute_url()).content)


def test_the_page_shows_the_coverage_next_to_the_unlock_button_and_in_the_confirmation(client, lesson):
    assert "The tutor has read: the description (11 words) · covers 0 of 2 chapters" in page_text(client, lesson)

    client.force_login(LearnerWithCreditsFactory(credits=100))
    content = client.get(lesson.get_absolute_url()).content.decode()
    assert content.count("The tutor has read: the description (11 words) · covers 0 of 2 chapters") == 2
    assert "Ask for the transcript (free)" in visible_text(content)


def test_asking_with_htmx_swaps_the_button_for_what_was_asked(client, lesson):
    learner = UserFactory()
    client.force_login(learner)

    response = client.post(f"/lessons/{lesson.slug}/material-request", **HTMX)

    assert response.status_code == 200
    assert 'id="material-request"' in response.content.decode()
    assert "You asked for this lesson's transcript." in visible_text(response.content, main_only=False)
    assert MaterialRequest.objects.filter(user=learner, lesson=lesson).exists()
    assert "Ask for the transcript (free)" not in page_text(client, lesson)  # the learner's page was dropped
    assert "You asked for this lesson's transcript." in page_text(client, lesson)


def test_asking_without_javascript_comes_back_to_the_tutor_with_a_message(client, lesson):
    client.force_login(UserFactory())

    response = client.post(f"/lessons/{lesson.slug}/material-request", follow=True)

    assert response.redirect_chain[0] == (f"{lesson.get_absolute_url()}#tutor", 302)
    assert "Curators see the lessons learners ask for first." in visible_text(response.content, main_only=False)


def test_a_visitor_asking_is_sent_to_sign_in_and_shown_no_button(client, lesson):
    response = client.post(f"/lessons/{lesson.slug}/material-request")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert "Ask for the transcript" not in page_text(client, lesson)


def test_a_lesson_with_a_transcript_offers_no_request(client, lesson):
    lesson.transcript = TRANSCRIPT
    lesson.save()
    client.force_login(UserFactory())
    text = page_text(client, lesson)
    assert "The tutor has read: the full transcript (11 words) and the description (11 words)" in text
    assert "Ask for the transcript" not in text


# --- Curators ------------------------------------------------------------------------------------------------------


def test_curators_see_the_most_requested_lessons_first_with_their_count(staff_client, lesson):
    quiet = LessonFactory(title="Nobody asked about this one")
    asked_once = LessonFactory(title="Asked once")
    for learner in (UserFactory(), UserFactory()):
        material_request_create(user=learner, lesson=lesson)
    material_request_create(user=UserFactory(), lesson=asked_once)

    listed = staff_client.get("/admin/lessons/lesson/").context["cl"].result_list
    titles = [row.title for row in listed]
    assert titles.index(lesson.title) < titles.index(asked_once.title) < titles.index(quiet.title)
    assert [row.transcript_request_total for row in listed][:2] == [2, 1]

    waiting = staff_client.get("/admin/lessons/lesson/", {"transcript_requested": "waiting"}).context["cl"]
    assert {row.title for row in waiting.result_list} == {lesson.title, asked_once.title}


def test_erasing_a_learner_forgets_their_requests_and_the_export_lists_them(lesson):
    from lessons.selectors import export_for
    from lessons.services import user_erase

    learner = UserFactory()
    material_request_create(user=learner, lesson=lesson)
    assert export_for(user=learner)["transcript_requests"][0]["lesson"] == lesson.slug
    user_erase(user=learner)
    assert not MaterialRequest.objects.filter(user=learner).exists()
