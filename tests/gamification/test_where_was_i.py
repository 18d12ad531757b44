"""/me/ says where the learner left off: lessons in progress, explanations unlocked (linked), questions asked."""

import uuid
from datetime import UTC, datetime

import pytest

from gamification.services import lesson_complete, lesson_open
from lessons.services import lesson_start
from tests.factories import LearnerWithCreditsFactory, PublishedLessonFactory
from tests.lessons.html import visible_links, visible_text
from tutor import services as tutor

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_broker(monkeypatch):
    monkeypatch.setattr("tutor.services.generation._generation_send", lambda explanation_id: None)
    monkeypatch.setattr("tutor.services.questions._answer_send", lambda question_id: None)


def test_the_profile_lists_lessons_in_progress_unlocked_explanations_and_questions(client, time_machine):
    learner = LearnerWithCreditsFactory(credits=100)
    started = PublishedLessonFactory(title="Scaling laws, explained")
    finished = PublishedLessonFactory(title="A lesson already done", duration_seconds=60)
    unlocked = PublishedLessonFactory(title="Attention Is All You Need")
    time_machine.move_to(datetime(2026, 3, 10, 12, 0, tzinfo=UTC), tick=False)
    lesson_start(user=learner, lesson=started)
    lesson_open(user=learner, lesson=finished)
    time_machine.shift(3600)
    lesson_complete(user=learner, lesson=finished)
    tutor.unlock(user=learner, lesson=unlocked, idempotency_key=str(uuid.uuid4()))
    tutor.question_ask(
        user=learner, lesson=unlocked, text="Why divide by the square root of d?", idempotency_key=str(uuid.uuid4())
    )
    client.force_login(learner)

    response = client.get("/me/")
    text = visible_text(response.content)
    links = visible_links(response.content)

    assert "Where you left off" in text
    assert "Scaling laws, explained" in text
    assert "A lesson already done" not in text.split("Where you left off")[1].split("Your year")[0]
    assert "Attention Is All You Need · being written · 1 question asked" in text
    assert "last: “Why divide by the square root of d?”" in text
    hrefs = {link.text: link.href for link in links}
    assert hrefs[unlocked.title] == f"{unlocked.get_absolute_url()}#tutor"
    assert hrefs["1 question asked"] == f"{unlocked.get_absolute_url()}#tutor-questions"
    assert hrefs["Scaling laws, explained"] == started.get_absolute_url()
