"""The check questions' API: GET /api/v1/lessons/{slug}/checks and POST /api/v1/checks/{id}/answer (shapes, no
answer given away, replays by Idempotency-Key, 401 and 404, hostile input)."""

import pytest

from api.idempotency import IDEMPOTENCY_KEY_MAX_LENGTH
from gamification.models import LessonCompletion, XPEvent
from practice.models import CheckAnswer, QuestionOrigin, QuestionStatus
from tests.app_sessions import session_token
from tests.factories import CheckQuestionFactory, LessonFactory, PublishedLessonFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def learner(db):
    return UserFactory(time_zone="UTC")


@pytest.fixture
def api(client, learner):
    headers = {"X-Session-Token": session_token(client, learner)}

    class Api:
        def get(self, path):
            return client.get(f"/api/v1{path}", headers=headers)

        def answer(self, question_id, body, key="key-1"):
            extra = {"Idempotency-Key": key} if key is not None else {}
            return client.post(
                f"/api/v1/checks/{question_id}/answer", body, content_type="application/json", headers=headers | extra
            )

    return Api()


@pytest.fixture
def quiz():
    lesson = PublishedLessonFactory(
        slug="quiz", level="intermediate", kind="youtube", external_url="https://youtu.be/abc"
    )
    timed = CheckQuestionFactory(lesson=lesson, prompt="Timed?", start_seconds=77, explanation="Said at 1:17.")
    untimed = CheckQuestionFactory(lesson=lesson, prompt="Untimed?")
    CheckQuestionFactory(lesson=lesson, prompt="Draft?", origin=QuestionOrigin.OFFLINE, status=QuestionStatus.DRAFT)
    return lesson, timed, untimed


def right_of(question):
    return question.choices.get(text="right").pk


def test_a_lesson_s_checks_come_without_their_answers(api, quiz):
    lesson, timed, untimed = quiz
    body = api.get("/lessons/quiz/checks").json()
    assert body == {
        "items": [
            {
                "id": timed.pk,
                "prompt": "Timed?",
                "choices": [{"id": c.pk, "text": c.text} for c in timed.choices.all()],
                "source": {"start_seconds": 77, "url": "https://youtu.be/abc?t=77s"},
            },
            {
                "id": untimed.pk,
                "prompt": "Untimed?",
                "choices": [{"id": c.pk, "text": c.text} for c in untimed.choices.all()],
                "source": {"start_seconds": None, "url": f"http://testserver{lesson.get_absolute_url()}"},
            },
        ]
    }


def test_answering_right_says_so_completes_the_lesson_and_schedules_the_review(api, learner, quiz):
    _, timed, untimed = quiz
    first = api.answer(timed.pk, {"choice": right_of(timed), "seconds": 20}, key="a")
    assert first.status_code == 200
    body = first.json()
    assert {key: body[key] for key in ("correct", "correct_choice", "explanation", "lesson_completed")} == {
        "correct": True,
        "correct_choice": right_of(timed),
        "explanation": "Said at 1:17.",
        "lesson_completed": False,  # one question still to go
    }
    assert body["xp_awarded"] == 5
    assert set(body["review"]) == {"card_id", "due_at"}

    last = api.answer(untimed.pk, {"choice": right_of(untimed)}, key="b").json()
    assert (last["lesson_completed"], last["xp_awarded"]) == (True, 5 + 20)
    assert last["explanation"] == "This is what the lesson shows."  # the right choice's, without the question's own
    assert LessonCompletion.objects.filter(user=learner).count() == 1


def test_a_wrong_answer_names_the_right_choice_and_comes_back_within_minutes(api, quiz):
    _, timed, _ = quiz
    body = api.answer(timed.pk, {"choice": timed.choices.get(text="wrong").pk}).json()
    assert (body["correct"], body["correct_choice"], body["xp_awarded"]) == (False, right_of(timed), 0)


def test_a_replayed_key_gets_the_first_answer_and_awards_nothing_twice(api, learner, quiz):
    _, timed, _ = quiz
    first = api.answer(timed.pk, {"choice": right_of(timed)}, key="same")
    # The same key again (its answer was lost), even with another pick: the first answer, nothing new.
    replay = api.answer(timed.pk, {"choice": timed.choices.get(text="wrong").pk}, key="same")
    assert replay.status_code == 200
    assert replay.json() == first.json()
    assert CheckAnswer.objects.get(user=learner).attempts == 1
    assert XPEvent.objects.filter(user=learner).count() == 1

    # A new key is a new answer: marked, but the bonus is never paid twice.
    again = api.answer(timed.pk, {"choice": right_of(timed)}, key="other").json()
    assert again["xp_awarded"] == 0
    assert CheckAnswer.objects.get(user=learner).attempts == 2


def test_visitors_get_401(client, quiz):
    _, timed, _ = quiz
    assert client.get("/api/v1/lessons/quiz/checks").status_code == 401
    response = client.post(
        f"/api/v1/checks/{timed.pk}/answer",
        {"choice": right_of(timed)},
        content_type="application/json",
        headers={"Idempotency-Key": "k"},
    )
    assert response.status_code == 401


def test_questions_of_lessons_the_caller_cannot_see_are_404(api, quiz):
    draft_lesson = LessonFactory(status="draft")
    hidden = CheckQuestionFactory(lesson=draft_lesson)
    assert api.get(f"/lessons/{draft_lesson.slug}/checks").status_code == 404
    assert api.get("/lessons/no-such-lesson/checks").status_code == 404
    assert api.answer(hidden.pk, {"choice": right_of(hidden)}).status_code == 404
    dropped = CheckQuestionFactory(lesson=quiz[0], status=QuestionStatus.DROPPED)
    assert api.answer(dropped.pk, {"choice": right_of(dropped)}).status_code == 404
    assert api.answer(10**9, {"choice": 1}).json() == {"detail": "No check question 1000000000."}
    assert not CheckAnswer.objects.exists()


@pytest.mark.parametrize(
    ("body", "key"),
    [
        ({"choice": 1}, None),  # no key
        ({}, "k"),
        ({"choice": "one"}, "k"),
        ({"choice": 2**70}, "k"),
        ({"choice": -1}, "k"),
        ({"choice": 1, "seconds": -5}, "k"),
        ({"choice": 1, "extra": True}, "k"),
        ({"choice": 1}, "k\x7f"),
    ],
)
def test_malformed_answers_are_400(api, quiz, body, key):
    _, timed, _ = quiz
    assert api.answer(timed.pk, body, key=key).status_code == 400
    assert not CheckAnswer.objects.exists()


def test_a_choice_of_another_question_is_404(api, quiz):
    _, timed, untimed = quiz
    response = api.answer(timed.pk, {"choice": right_of(untimed)})
    assert response.status_code == 404
    assert "not one of this question's answers" in response.json()["detail"]


@pytest.mark.postgres
@pytest.mark.parametrize("question_id", [2**63 - 1, 2**63, 10**30])
def test_ids_beyond_a_bigint_and_the_longest_key_are_answered_not_crashed(api, quiz, question_id):
    status = api.answer(question_id, {"choice": 2**63 - 1}, key="k" * IDEMPOTENCY_KEY_MAX_LENGTH).status_code
    assert status == (404 if question_id < 2**63 else 400)
    assert api.answer(quiz[1].pk, {"choice": 2**63 - 1}).status_code == 404
    _, timed, _ = quiz
    assert api.answer(timed.pk, {"choice": 1}, key="k" * (IDEMPOTENCY_KEY_MAX_LENGTH + 1)).status_code == 400
    long_key = api.answer(timed.pk, {"choice": right_of(timed)}, key="k" * IDEMPOTENCY_KEY_MAX_LENGTH)
    assert long_key.status_code == 200
