"""The endpoints the page's script calls: a signed-in start, and merging a visitor's browser marks at sign-in."""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from lessons.models import Lesson, LessonProgress
from tests.factories import LessonFactory, LessonProgressFactory, UserFactory

pytestmark = pytest.mark.django_db


def post_json(client, url, payload=None, **extra):
    return client.post(url, data=json.dumps(payload or {}), content_type="application/json", **extra)


def test_a_signed_in_start_is_stored_once(client):
    learner, lesson = UserFactory(), LessonFactory(slug="attention")
    client.force_login(learner)
    first = post_json(client, "/lessons/attention/started")
    second = post_json(client, "/lessons/attention/started")
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["slug"] == "attention"
    assert first.json()["completed"] is False
    progress = LessonProgress.objects.get(user=learner, lesson=lesson)
    assert progress.source == "server"


def test_a_visitor_cannot_start_on_the_server(client):
    LessonFactory(slug="attention")
    response = post_json(client, "/lessons/attention/started")
    assert response.status_code == 401
    assert response.json() == {"detail": "Sign in to save progress to your account."}
    assert not LessonProgress.objects.exists()


def test_starting_an_unknown_or_draft_lesson_is_a_404(client):
    client.force_login(UserFactory())
    LessonFactory(slug="draft", status=Lesson.Status.DRAFT)
    assert post_json(client, "/lessons/nope/started").status_code == 404
    assert post_json(client, "/lessons/draft/started").status_code == 404
    assert client.get("/lessons/draft/started").status_code == 405


def test_the_endpoints_need_the_csrf_token_from_the_page():
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(UserFactory())
    LessonFactory(slug="attention")
    assert post_json(strict, "/lessons/attention/started").status_code == 403
    assert post_json(strict, "/lessons/progress/merge", {"lessons": {"attention": None}}).status_code == 403
    page = strict.get("/lessons/attention/")
    token = page.content.decode().split('data-csrf-token="', 1)[1].split('"', 1)[0]
    assert post_json(strict, "/lessons/attention/started", HTTP_X_CSRFTOKEN=token).status_code == 201


def test_merging_records_the_browsers_lessons_with_their_times(client):
    learner = UserFactory()
    LessonFactory(slug="attention")
    LessonFactory(slug="bert")
    LessonFactory(slug="draft", status=Lesson.Status.DRAFT)
    yesterday = (timezone.now() - timedelta(days=1)).replace(microsecond=0)
    client.force_login(learner)
    response = post_json(
        client,
        "/lessons/progress/merge",
        {"lessons": {"attention": yesterday.isoformat(), "bert": "not a time", "draft": None, "../etc": None}},
    )
    assert response.status_code == 200
    assert response.json() == {"merged": ["attention", "bert"]}
    rows = {row.lesson.slug: row for row in LessonProgress.objects.filter(user=learner)}
    assert set(rows) == {"attention", "bert"}
    assert rows["attention"].started_at == yesterday
    assert rows["attention"].source == "browser"


def test_merging_keeps_the_accounts_own_record(client):
    progress = LessonProgressFactory(lesson=LessonFactory(slug="attention"))
    client.force_login(progress.user)
    response = post_json(client, "/lessons/progress/merge", {"lessons": {"attention": "2020-01-01T00:00:00Z"}})
    assert response.json() == {"merged": ["attention"]}
    assert LessonProgress.objects.get(pk=progress.pk).started_at == progress.started_at


@pytest.mark.parametrize("body", ["not json", "[1, 2]", '{"lessons": ["attention"]}', '{"other": 1}'])
def test_a_malformed_merge_is_a_clear_400(client, body):
    client.force_login(UserFactory())
    response = client.post("/lessons/progress/merge", data=body, content_type="application/json")
    assert response.status_code == 400
    assert "lessons" in response.json()["detail"]


def test_a_visitor_cannot_merge_and_an_oversized_merge_is_refused(client):
    assert post_json(client, "/lessons/progress/merge", {"lessons": {}}).status_code == 401
    client.force_login(UserFactory())
    huge = {"lessons": {f"lesson-{n}": "2026-01-01T00:00:00Z" for n in range(3000)}}
    assert post_json(client, "/lessons/progress/merge", huge).status_code == 413
