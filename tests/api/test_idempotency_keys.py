"""The Idempotency-Key header at its boundary on every endpoint that takes it: the longest key the API accepts is
stored and replayed by every column it reaches (PostgreSQL enforces varchar lengths, SQLite does not), one more
character is a 400 that records nothing."""

from __future__ import annotations

import pytest

from api.idempotency import IDEMPOTENCY_KEY_MAX_LENGTH
from credits.models import CALLER_KEY_MAX_LENGTH, IDEMPOTENCY_KEY_LENGTH, Hold, LedgerEntry
from purchases.models import Purchase
from tests.factories import CreditPackFactory, LearnerWithCreditsFactory, LessonFactory
from tutor import services
from tutor.models import Question

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.postgres,
    pytest.mark.postgres,  # SQLite does not enforce varchar lengths,
]

LONGEST = "k" * 159 + "!"  # printable ASCII, not ending in a space


@pytest.fixture(autouse=True)
def _no_broker(monkeypatch):
    monkeypatch.setattr("tutor.services.generation._generation_send", lambda explanation_id: None)
    monkeypatch.setattr("tutor.services.questions._answer_send", lambda question_id: None)


@pytest.fixture
def learner(client):
    learner = LearnerWithCreditsFactory(credits=100)
    client.force_login(learner)
    return learner


def post(client, path, key, **kwargs):
    return client.post(path, headers={"Idempotency-Key": key}, content_type="application/json", **kwargs)


def test_the_longest_key_is_the_one_rule_of_the_key_columns():
    assert len(LONGEST) == IDEMPOTENCY_KEY_MAX_LENGTH == CALLER_KEY_MAX_LENGTH == 160
    for model in (LedgerEntry, Hold, Purchase, Question):
        assert model._meta.get_field("idempotency_key").max_length == IDEMPOTENCY_KEY_LENGTH, model


def test_unlock_takes_the_longest_key_and_replays_it(client, learner):
    lesson = LessonFactory()
    path = f"/api/v1/lessons/{lesson.slug}/unlock"
    assert post(client, path, LONGEST + "x").status_code == 400
    first = post(client, path, LONGEST)
    assert first.status_code == 201, first.content
    again = post(client, path, LONGEST)
    assert (again.status_code, again.json()) == (201, first.json())
    assert Hold.objects.filter(wallet__user=learner).count() == 1


def test_a_question_takes_the_longest_key_and_replays_it(client, learner):
    lesson = LessonFactory()
    services.unlock(user=learner, lesson=lesson, idempotency_key="unlock")
    path = f"/api/v1/lessons/{lesson.slug}/questions"
    body = {"question": "What do loops mean?"}
    assert post(client, path, LONGEST + "x", data=body).status_code == 400
    first = post(client, path, LONGEST, data=body)
    assert first.status_code == 202, first.content
    again = post(client, path, LONGEST, data=body)
    assert (again.status_code, again.json()["id"]) == (202, first.json()["id"])
    assert Question.objects.get(user=learner).idempotency_key == LONGEST


@pytest.mark.usefixtures("stripe_settings")
def test_checkout_takes_the_longest_key_and_replays_it(client, learner):
    pack = CreditPackFactory(slug="key-boundary")
    path = f"/api/v1/credit-packs/{pack.slug}/checkout"
    assert post(client, path, LONGEST + "x").status_code == 400
    first = post(client, path, LONGEST)
    assert first.status_code == 200, first.content
    assert post(client, path, LONGEST).json() == first.json()
    assert Purchase.objects.filter(user=learner).count() == 1
