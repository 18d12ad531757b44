"""The header's ⚡ is what the learner can spend, and every live (htmx) update that moves credits updates it."""

import re
import uuid

import pytest

from tests.factories import CheckQuestionFactory, LearnerWithCreditsFactory, PublishedLessonFactory

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def header_balance(response) -> int:
    return int(re.search(r"<span data-balance>(-?\d+)</span>", response.content.decode())[1])


def swapped_balance(response) -> int | None:
    match = re.search(r'<span hx-swap-oob="innerHTML:\[data-balance\]">(-?\d+)</span>', response.content.decode())
    return int(match[1]) if match else None


@pytest.fixture(autouse=True)
def _no_broker(monkeypatch):
    monkeypatch.setattr("tutor.services.generation._generation_send", lambda explanation_id: None)


def test_while_an_unlock_is_held_the_header_shows_what_is_left_to_spend(client):
    learner = LearnerWithCreditsFactory(credits=60)
    lesson = PublishedLessonFactory(unlock_price=30)
    client.force_login(learner)

    unlocked = client.post(f"/lessons/{lesson.slug}/tutor/unlock", {"idempotency_key": str(uuid.uuid4())}, headers=HTMX)

    assert swapped_balance(unlocked) == 30  # the live answer: ⚡30 held of ⚡60
    assert header_balance(client.get(lesson.get_absolute_url())) == 30
    assert header_balance(client.get("/credits/")) == 30


def test_completing_a_lesson_live_updates_the_header_with_the_reward(client):
    learner = LearnerWithCreditsFactory(credits=25)
    lesson = CheckQuestionFactory(lesson=PublishedLessonFactory(level="intermediate")).lesson
    question = lesson.checks.get()
    client.force_login(learner)

    # The right answer to its only question completes the lesson.
    completed = client.post(
        f"/lessons/{lesson.slug}/check/{question.pk}", {"choice": question.choices.get(text="right").pk}, headers=HTMX
    )

    assert "⚡5 earned" in completed.headers["HX-Trigger"].encode().decode("unicode_escape")
    assert swapped_balance(completed) == 30


def test_a_visitor_s_live_answer_carries_no_balance(client):
    lesson = PublishedLessonFactory()
    response = client.get(f"/lessons/{lesson.slug}/tutor/status", headers=HTMX)
    assert response.status_code == 200
    assert swapped_balance(response) is None
