"""The gamification API: POST /api/v1/lessons/{slug}/complete, GET /api/v1/me, GET /api/v1/leaderboard."""

from datetime import UTC, datetime

import pytest

from practice.services import check_answer
from tests.app_sessions import session_token
from tests.factories import UserFactory, xp_give

pytestmark = pytest.mark.django_db

NOON = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


@pytest.fixture
def token(client, learner):
    return session_token(client, learner)


def call(client, method, path, token):
    return getattr(client, method)(f"/api/v1{path}", headers={"X-Session-Token": token})


@pytest.mark.parametrize(
    ("method", "path"), [("post", "/lessons/any/complete"), ("get", "/me"), ("get", "/leaderboard")]
)
def test_anonymous_callers_get_401_as_json(client, method, path):
    response = getattr(client, method)(f"/api/v1{path}")
    assert response.status_code == 401
    assert response.json()["detail"].startswith("Sign in first")


def test_completing_a_lesson_never_opened_is_refused_and_does_not_start_its_clock(
    client, token, learner, lesson, time_machine
):
    time_machine.move_to(NOON, tick=False)
    refused = call(client, "post", f"/lessons/{lesson.slug}/complete", token)
    assert refused.status_code == 409
    assert refused.json()["detail"].startswith(f"Open “{lesson.title}” first")
    assert "Retry-After" not in refused
    time_machine.shift(3600)
    assert call(client, "post", f"/lessons/{lesson.slug}/complete", token).status_code == 409


def test_a_learner_has_at_most_three_lessons_open_and_opening_a_fourth_closes_the_oldest(
    client, token, learner, time_machine
):
    from tests.factories import PublishedLessonFactory

    time_machine.move_to(NOON, tick=False)
    lessons = PublishedLessonFactory.create_batch(4, duration_seconds=60)
    for item in lessons:
        assert call(client, "post", f"/lessons/{item.slug}/opened", token).status_code == 200
        time_machine.shift(1)
    time_machine.shift(120)
    answers = [call(client, "post", f"/lessons/{item.slug}/complete", token).status_code for item in lessons]
    assert answers == [409, 200, 200, 200]


def test_a_completion_too_soon_answers_409_with_how_long_to_go_then_200_once_done(
    client, token, learner, lesson, time_machine
):
    time_machine.move_to(NOON, tick=False)
    opened = call(client, "post", f"/lessons/{lesson.slug}/opened", token)
    assert opened.status_code == 200
    assert opened.json()["seconds_left"] == 300
    refused = call(client, "post", f"/lessons/{lesson.slug}/complete", token)
    assert refused.status_code == 409
    assert refused.json() == {
        "detail": f"Too soon to mark “{lesson.title}” as done: keep it open for another 5 min.",
        "seconds_left": 300,
    }
    assert refused["Retry-After"] == "300"

    time_machine.shift(300)
    done = call(client, "post", f"/lessons/{lesson.slug}/complete", token)
    assert done.status_code == 200
    assert done.json() == {
        "xp_awarded": 10,
        "credits_awarded": 5,
        "streak": 0,  # 10 XP of the 20-XP daily goal
        "badges_awarded": ["first-lesson"],
        "already_completed": False,
    }

    again = call(client, "post", f"/lessons/{lesson.slug}/complete", token)
    assert again.json() == {
        "xp_awarded": 0,
        "credits_awarded": 0,
        "streak": 0,
        "badges_awarded": [],
        "already_completed": True,
    }


def test_an_unknown_lesson_is_a_404(client, token):
    response = call(client, "post", "/lessons/no-such-lesson/complete", token)
    assert response.status_code == 404
    assert response.json() == {"detail": "No lesson with slug “no-such-lesson”."}


def test_me_answers_xp_level_streak_badges_and_the_wallet(client, token, learner, quiz_lesson, settings):
    question = quiz_lesson.checks.get()
    check_answer(user=learner, question=question, choice=question.choices.get(text="right"))
    call(client, "post", f"/lessons/{quiz_lesson.slug}/complete", token)

    body = call(client, "get", "/me", token).json()

    assert {key: body[key] for key in ("email", "xp", "level", "streak", "daily_goal", "freezes")} == {
        "email": learner.email,
        "xp": 25,
        "level": 1,
        "streak": 1,
        "daily_goal": 20,
        "freezes": 0,
    }
    assert [badge["slug"] for badge in body["badges"]] == ["sharp-eye", "first-lesson", "goal-getter"]
    assert (body["balance"], body["available"]) == (settings.SIGNUP_BONUS + 5, settings.SIGNUP_BONUS + 5)


def test_me_for_a_newcomer_answers_the_starting_figures(client, token, settings):
    body = call(client, "get", "/me", token).json()
    assert (body["xp"], body["level"], body["streak"], body["badges"]) == (0, 1, 0, [])
    assert body["balance"] == settings.SIGNUP_BONUS


def test_the_leaderboard_lists_this_weeks_league_by_rank_with_display_names(client, token, learner):
    rival = UserFactory(display_name="Grace")
    xp_give(user=rival, amount=40, reason="Practice", idempotency_key="r")
    xp_give(user=learner, amount=25, reason="Practice", idempotency_key="a")
    assert call(client, "get", "/leaderboard", token).json() == [
        {"rank": 1, "display_name": "Grace", "xp": 40, "is_you": False},
        {"rank": 2, "display_name": learner.public_name, "xp": 25, "is_you": True},
    ]


def test_the_leaderboard_is_empty_before_the_learner_earns_xp_this_week(client, token):
    assert call(client, "get", "/leaderboard", token).json() == []


def test_the_browser_session_works_too(client, learner, quiz_lesson):
    client.force_login(learner)
    assert client.get("/api/v1/me").json()["email"] == learner.email


def test_the_openapi_document_lists_the_three_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"/api/v1/lessons/{slug}/complete", "/api/v1/me", "/api/v1/leaderboard"} <= set(paths)
