"""POST /api/v1/lessons/{slug}/unlock, GET /api/v1/lessons/{slug}/explanation, and the lesson detail's tutor fields,
exactly as docs/api.md states: 201 / 200 / 402 / 401 / 403 / 404, and 400 without an Idempotency-Key."""

import pytest
from django.test import Client

from credits.models import Hold
from tests.app_sessions import session_token
from tests.factories import LearnerWithCreditsFactory, LessonFactory
from tests.tutor.conftest import REFUSES
from tutor import services
from tutor.models import Explanation

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _quick(quick_backend, monkeypatch):
    monkeypatch.setattr("tutor.services.generation._generation_send", lambda explanation_id: None)


@pytest.fixture
def api(client, learner):
    client.force_login(learner)
    return client


def unlock(client, slug, key="key-1"):
    headers = {"Idempotency-Key": key} if key is not None else {}
    return client.post(f"/api/v1/lessons/{slug}/unlock", headers=headers)


def run_worker(lesson):
    explanation = Explanation.objects.get(lesson=lesson, retired_at__isnull=True)
    services.explanation_write(explanation_id=explanation.pk, claimant="test-task", final_attempt=True)


def test_the_first_unlock_answers_201_with_the_balance_and_what_is_held(api, lesson):
    response = unlock(api, lesson.slug)
    assert response.status_code == 201
    assert response.json() == {"unlocked": True, "balance": 100, "available": 70, "explanation": {"status": "pending"}}


def test_unlocking_again_with_another_key_answers_200_and_charges_nothing(api, lesson, learner):
    unlock(api, lesson.slug, key="first")
    response = unlock(api, lesson.slug, key="another")
    assert response.status_code == 200
    assert response.json() == {"unlocked": True, "balance": 100, "available": 70, "explanation": {"status": "pending"}}
    assert Hold.objects.filter(wallet__user=learner).count() == 1


def test_a_replayed_key_whose_answer_was_lost_gets_the_first_answer_again(api, lesson, learner):
    first = unlock(api, lesson.slug, key="first")
    run_worker(lesson)  # meanwhile the explanation was written and the price captured
    replay = unlock(api, lesson.slug, key="first")
    assert (replay.status_code, replay.json()) == (201, first.json())
    assert first.json() == {"unlocked": True, "balance": 100, "available": 70, "explanation": {"status": "pending"}}
    assert Hold.objects.filter(wallet__user=learner).count() == 1
    # The key belongs to this lesson's unlock: on another lesson already unlocked it is no replay of it.
    other = LessonFactory()
    unlock(api, other.slug, key="other")
    elsewhere = unlock(api, other.slug, key="first")
    assert (elsewhere.status_code, elsewhere.json()["available"]) == (200, 40)


def test_an_unlock_of_a_ready_explanation_is_charged_at_once(api, lesson, other_learner):
    other = Client()
    other.force_login(other_learner)
    unlock(other, lesson.slug)
    run_worker(lesson)
    response = unlock(api, lesson.slug)
    assert response.status_code == 201
    assert response.json() == {"unlocked": True, "balance": 70, "available": 70, "explanation": {"status": "ready"}}


def test_not_enough_credits_answers_402_with_what_is_available_and_the_price(client):
    user = LearnerWithCreditsFactory(credits=60)
    client.force_login(user)
    lesson = LessonFactory(unlock_price=80)
    response = unlock(client, lesson.slug)
    assert response.status_code == 402
    assert response.json() == {
        "detail": "Not enough credits: ⚡60 available, ⚡80 needed.",
        "available": 60,
        "price": 80,
    }


def test_an_anonymous_caller_gets_401(client, lesson):
    response = unlock(client, lesson.slug)
    assert response.status_code == 401
    assert response.json() == {"detail": "Sign in first: send X-Session-Token or a session cookie."}
    assert client.get(f"/api/v1/lessons/{lesson.slug}/explanation").status_code == 401


def test_an_unknown_or_draft_lesson_gets_404(api):
    assert unlock(api, "no-such-lesson").status_code == 404
    assert unlock(api, LessonFactory(status="draft").slug).status_code == 404
    assert api.get("/api/v1/lessons/no-such-lesson/explanation").status_code == 404


def test_an_unlock_without_an_idempotency_key_is_refused_with_400(api, lesson):
    response = unlock(api, lesson.slug, key=None)
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["detail"]
    assert unlock(api, lesson.slug, key="x" * 161).status_code == 400
    assert not Hold.objects.exists()


def test_reusing_the_key_of_an_unlock_whose_credits_came_back_is_a_409(api, lesson, settings):
    settings.TUTOR_BACKEND = REFUSES
    unlock(api, lesson.slug, key="first")
    run_worker(lesson)
    assert unlock(api, lesson.slug, key="first").status_code == 409
    assert unlock(api, lesson.slug, key="second").status_code == 201


def test_the_explanation_is_403_until_unlocked_then_follows_its_state(api, lesson):
    response = api.get(f"/api/v1/lessons/{lesson.slug}/explanation")
    assert response.status_code == 403
    assert response.json() == {"detail": "Unlock “Loops in machine learning” to read its explanation."}

    unlock(api, lesson.slug)
    assert api.get(f"/api/v1/lessons/{lesson.slug}/explanation").json() == {
        "status": "pending",
        "markdown": "",
        "html": "",
    }

    run_worker(lesson)
    body = api.get(f"/api/v1/lessons/{lesson.slug}/explanation").json()
    assert body["status"] == "ready"
    assert body["markdown"].startswith("## Overview")
    assert "<h2>Chapter by chapter</h2>" in body["html"]


def test_after_the_credits_came_back_the_explanation_says_failed_and_what_was_returned(api, lesson, settings):
    settings.TUTOR_BACKEND = REFUSES
    unlock(api, lesson.slug)
    run_worker(lesson)
    response = api.get(f"/api/v1/lessons/{lesson.slug}/explanation")
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["returned"]) == ("failed", 30)


def test_the_lesson_detail_says_whether_the_caller_unlocked_and_how_the_explanation_is_doing(api, client, lesson):
    detail = api.get(f"/api/v1/lessons/{lesson.slug}").json()
    assert (detail["unlocked"], detail["explanation"], detail["unlock_price"]) == (False, None, 30)

    unlock(api, lesson.slug)
    detail = api.get(f"/api/v1/lessons/{lesson.slug}").json()
    assert (detail["unlocked"], detail["explanation"]) == (True, {"status": "pending"})

    run_worker(lesson)
    assert api.get(f"/api/v1/lessons/{lesson.slug}").json()["explanation"] == {"status": "ready"}
    anonymous = Client().get(f"/api/v1/lessons/{lesson.slug}").json()
    assert (anonymous["unlocked"], anonymous["explanation"]) == (False, None)


def test_an_app_unlocks_with_its_session_token_and_no_csrf(lesson):
    user = LearnerWithCreditsFactory(credits=100)
    app = Client(enforce_csrf_checks=True)
    token = session_token(app, user)
    response = app.post(
        f"/api/v1/lessons/{lesson.slug}/unlock", headers={"X-Session-Token": token, "Idempotency-Key": "app-1"}
    )
    assert response.status_code == 201
    assert response.json()["available"] == 70


def test_a_browser_unlock_without_the_csrf_token_is_refused(lesson, learner):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(learner)
    response = browser.post(f"/api/v1/lessons/{lesson.slug}/unlock", headers={"Idempotency-Key": "k"})
    assert response.status_code in (401, 403)
    assert not Hold.objects.exists()


def test_the_openapi_document_describes_both_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "post" in paths["/api/v1/lessons/{slug}/unlock"]
    assert "get" in paths["/api/v1/lessons/{slug}/explanation"]


def test_a_key_reused_for_another_lesson_is_a_409_that_does_not_leak_internal_key_prefixes(api, lesson):
    other = LessonFactory(title="Another lesson")
    assert unlock(api, lesson.slug, key="shared-key").status_code == 201
    LessonFactory._meta.model.objects.filter(pk=other.pk).update(unlock_price=lesson.unlock_price + 5)
    response = unlock(api, other.slug, key="shared-key")
    assert response.status_code == 409
    detail = response.json()["detail"]
    assert "tutor-unlock" not in detail
    assert "send a new key" in detail
