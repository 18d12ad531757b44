"""GET /api/v1/lessons and /api/v1/lessons/{slug}: shapes from docs/api.md, filters, marks, and clear 4xx, never 500."""

import pytest

from lessons.models import Lesson, Level
from lessons.services import lesson_progress_complete, lesson_start
from tests import seed
from tests.app_sessions import session_token
from tests.factories import (
    CategoryFactory,
    CourseFactory,
    CourseLessonFactory,
    LessonFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

SUMMARY_KEYS = {
    "slug", "title", "summary", "source", "kind", "level", "category", "external_url", "published_at",
    "duration_seconds", "url", "watched", "completed",
}  # fmt: skip


def test_the_seed_lesson_answers_with_its_chapters_related_lessons_and_up_next(client, seed_lesson):
    response = client.get(f"/api/v1/lessons/{seed_lesson.slug}")
    assert response.status_code == 200
    body = response.json()

    assert set(body) >= SUMMARY_KEYS | {
        "description", "chapters", "related", "up_next", "unlock_price", "unlocked", "explanation",
    }  # fmt: skip
    assert body["title"] == "AI is Already Building AI — Google DeepMind’s Mostafa Dehghani"
    assert body["source"] == {
        "name": "The MAD Podcast with Matt Turck",
        "kind": "podcast",
        "url": "https://podcasts.apple.com/us/podcast/the-mad-podcast-with-matt-turck/id1686238724",
    }
    assert body["level"] == "beginner"
    assert body["category"] == {"slug": "research-papers-explained", "name": "Research Papers Explained", "icon": "📄"}
    assert body["description"] == seed.SEED_DESCRIPTION
    assert body["link_label"] == "Watch on YouTube"
    assert len(body["chapters"]) == 11
    assert body["chapters"][1] == {
        "start_seconds": 77,
        "title": "What “loops” in AI actually mean",
        "url": "https://www.youtube.com/watch?v=Bo19sXssYXI&t=77s",  # into the video, at the chapter's second
    }
    assert body["chapters"][-1]["title"] == "Could top AI rese"
    assert [item["title"] for item in body["related"]] == [item.title for item in seed.SEED_NEIGHBOURS[:4]]
    assert body["related"][0]["source"]["name"] == "Medium · LLM"
    assert body["related"][0]["summary"].startswith("Learn to critically evaluate medical research papers")
    assert set(body["related"][0]) == SUMMARY_KEYS
    assert body["up_next"]["title"] == "Microsoft Research Forum | Season 2, Episode 4"
    assert body["up_next_reason"] == seed.SEED_LESSON.up_next_why
    assert (body["unlock_price"], body["unlocked"], body["explanation"]) == (30, False, None)
    assert (body["watched"], body["completed"]) == (None, None)  # anonymous: unknown, not false


def test_chapter_urls_point_into_a_youtube_video_at_their_time(client):
    lesson = LessonFactory(kind="youtube", external_url="https://www.youtube.com/watch?v=abc")
    lesson.chapters.create(start_seconds=77, title="Loops", position=1)
    body = client.get(f"/api/v1/lessons/{lesson.slug}").json()
    assert body["chapters"] == [
        {"start_seconds": 77, "title": "Loops", "url": "https://www.youtube.com/watch?v=abc&t=77s"}
    ]


def test_an_unknown_or_draft_lesson_is_a_json_404(client):
    draft = LessonFactory(status=Lesson.Status.DRAFT)
    for slug in ("no-such-lesson", draft.slug):
        response = client.get(f"/api/v1/lessons/{slug}")
        assert response.status_code == 404
        assert response.json() == {"detail": f"No lesson with slug “{slug}”."}


def test_the_list_answers_count_and_summaries_newest_first(client):
    older = LessonFactory(title="Older", published_at="2020-01-01")
    newer = LessonFactory(title="Newer", published_at="2024-01-01")
    LessonFactory(status=Lesson.Status.DRAFT)
    body = client.get("/api/v1/lessons").json()
    assert body["count"] == 2
    assert [item["slug"] for item in body["items"]] == [newer.slug, older.slug]
    assert set(body["items"][0]) == SUMMARY_KEYS
    assert body["items"][0]["published_at"] == "2024-01-01"
    assert body["items"][0]["url"] == f"/lessons/{newer.slug}/"


def test_the_list_filters_by_level_category_course_and_words(client):
    papers = CategoryFactory(slug="papers")
    attention = LessonFactory(title="Attention Is All You Need", category=papers, level=Level.BEGINNER)
    switch = LessonFactory(title="Switch Transformers", category=papers, level=Level.ADVANCED)
    LessonFactory(title="An interview", level=Level.BEGINNER)
    course = CourseFactory(slug="transformers")
    CourseLessonFactory(course=course, lesson=switch, position=1)
    CourseLessonFactory(course=course, lesson=attention, position=2)

    def slugs(**params):
        response = client.get("/api/v1/lessons", params)
        assert response.status_code == 200, response.content
        return [item["slug"] for item in response.json()["items"]]

    assert set(slugs(category="papers")) == {attention.slug, switch.slug}
    assert slugs(level="advanced") == [switch.slug]
    assert slugs(level="Advanced") == [switch.slug]  # the level's label is accepted too
    assert slugs(course="transformers") == [switch.slug, attention.slug]
    assert slugs(q="attention") == [attention.slug]
    assert slugs(category="papers", level="beginner") == [attention.slug]
    assert slugs(category="no-such-category") == []


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"level": "expert"}, "level: Input should be 'beginner', 'intermediate', 'advanced'"),
        ({"page": "0"}, "page: Input should be greater than or equal to 1"),
        ({"page": "two"}, "page: Input should be a valid integer"),
        ({"q": "x" * 201}, "q: String should have at most 200 characters"),
        ({"course": "c" * 201}, "course: String should have at most 200 characters"),
    ],
)
def test_bad_query_parameters_answer_400_with_a_clear_detail(client, params, message):
    response = client.get("/api/v1/lessons", params)
    assert response.status_code == 400
    assert response.json()["detail"].startswith(message)


def test_pages_hold_twelve_lessons_and_a_page_past_the_end_is_a_404(client):
    LessonFactory.create_batch(13)
    first = client.get("/api/v1/lessons").json()
    second = client.get("/api/v1/lessons", {"page": 2}).json()
    assert (first["count"], len(first["items"]), first["page_size"]) == (13, 12, 12)
    assert (second["page"], len(second["items"])) == (2, 1)
    assert not {item["slug"] for item in first["items"]} & {item["slug"] for item in second["items"]}
    response = client.get("/api/v1/lessons", {"page": 3})
    assert response.status_code == 404
    assert response.json() == {"detail": "There is no page 3: pages run from 1 to 2."}


def test_an_empty_catalog_answers_page_one_with_no_items(client):
    assert client.get("/api/v1/lessons").json() == {"count": 0, "page": 1, "page_size": 12, "items": []}


def test_a_learner_with_a_session_token_sees_their_watched_and_completed_marks(client):
    learner = UserFactory()
    started, completed, untouched = LessonFactory(), LessonFactory(), LessonFactory()
    lesson_start(user=learner, lesson=started)
    lesson_progress_complete(user=learner, lesson=completed)
    token = session_token(client, learner)
    client.logout()

    body = client.get("/api/v1/lessons", headers={"X-Session-Token": token}).json()
    marks = {item["slug"]: (item["watched"], item["completed"]) for item in body["items"]}
    assert marks == {started.slug: (True, False), completed.slug: (True, True), untouched.slug: (False, False)}
    detail = client.get(f"/api/v1/lessons/{completed.slug}", headers={"X-Session-Token": token}).json()
    assert (detail["watched"], detail["completed"]) == (True, True)


def test_a_browser_session_cookie_works_too(client):
    learner = UserFactory()
    lesson = LessonFactory()
    lesson_start(user=learner, lesson=lesson)
    client.force_login(learner)
    assert client.get(f"/api/v1/lessons/{lesson.slug}").json()["watched"] is True


def test_up_next_follows_the_course_named_in_the_request(client):
    course = CourseFactory(slug="transformers", title="Transformers")
    first, second = LessonFactory(), LessonFactory(title="The second one")
    CourseLessonFactory(course=course, lesson=first, position=1)
    CourseLessonFactory(course=course, lesson=second, position=2)
    body = client.get(f"/api/v1/lessons/{first.slug}", {"course": "transformers"}).json()
    assert body["up_next"]["slug"] == second.slug
    assert body["up_next_reason"] == "Next in “Transformers”: lesson 2 of 2."
    assert client.get(f"/api/v1/lessons/{second.slug}", {"course": "transformers"}).json()["up_next"] is None


def test_the_openapi_document_describes_both_endpoints(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/lessons" in paths
    assert "/api/v1/lessons/{slug}" in paths
    parameters = {parameter["name"] for parameter in paths["/api/v1/lessons"]["get"]["parameters"]}
    assert parameters >= {"course", "level", "category", "q", "page"}
