"""The review API: my queue, answering a card (idempotent, 404 for another's card), my skills."""

import json
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from gamification.models import XPEvent
from lessons.models import LessonSkill, Skill
from tests.accounts.factories import UserFactory
from tests.practice.review_factories import PracticeQuestionFactory, card_answered, choice_id, term_card

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _review_xp(settings):
    settings.REVIEW_XP, settings.REVIEW_XP_DAILY_CAP = 2, 30


def _answer(client, card_id, body, key=None):
    return client.post(
        f"/api/v1/reviews/{card_id}/answer",
        json.dumps(body),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=key or str(uuid.uuid4()),
    )


def _due_card(user):
    question = PracticeQuestionFactory()
    return card_answered(user=user, question=question, now=timezone.now() - timedelta(minutes=30)), question


def test_my_reviews_lists_due_cards_first_then_the_next_ones(client):
    user = UserFactory()
    later = card_answered(user=user, correct=True)  # due in days
    due, question = _due_card(user)
    term = term_card(user=user, due=timezone.now() - timedelta(minutes=1))
    client.force_login(user)
    body = client.get("/api/v1/me/reviews").json()
    assert body["due_count"] == 2
    assert [item["card_id"] for item in body["items"]] == [due.pk, term.pk, later.pk]
    first = body["items"][0]
    assert first["kind"] == "check"
    assert first["prompt"] == question.prompt
    assert {choice["text"] for choice in first["choices"]} == {"right", "wrong"}
    assert first["lesson"] == {"slug": question.lesson.slug, "title": question.lesson.title}
    assert body["items"][1]["kind"] == "term"
    assert {"id": "attention", "text": "attention"} in body["items"][1]["choices"]
    assert client.get("/api/v1/me/reviews?limit=1").json()["items"][0]["card_id"] == due.pk


def test_answering_with_a_choice_grades_it_and_a_replayed_key_gets_the_first_answer(client):
    user = UserFactory()
    card, question = _due_card(user)
    client.force_login(user)
    key = str(uuid.uuid4())
    first = _answer(client, card.pk, {"choice": str(choice_id(question, "right")), "seconds": 3}, key)
    assert first.status_code == 200
    body = first.json()
    assert body["correct"] is True
    assert body["rating"] == "easy"
    assert body["xp_awarded"] == 2
    assert body["scheduled"]
    replay = _answer(client, card.pk, {"choice": str(choice_id(question, "right")), "seconds": 3}, key)
    assert replay.status_code == 200
    assert replay.json() == body
    another_key = _answer(client, card.pk, {"rating": "easy"})  # a new key: an early answer, nothing paid
    assert another_key.json()["scheduled"] is False
    assert another_key.json()["xp_awarded"] == 0
    assert XPEvent.objects.filter(user=user).count() == 1


def test_answering_with_a_rating(client):
    user = UserFactory()
    card, _question = _due_card(user)
    client.force_login(user)
    body = _answer(client, card.pk, {"rating": "again"}).json()
    assert body["correct"] is None
    assert body["rating"] == "again"
    assert body["xp_awarded"] == 0


def test_another_learners_card_is_404(client):
    card, question = _due_card(UserFactory())
    client.force_login(UserFactory())
    answer = _answer(client, card.pk, {"choice": str(choice_id(question, "right"))})
    assert answer.status_code == 404
    assert answer.json()["detail"]


@pytest.mark.parametrize(
    "body",
    [{}, {"choice": "1", "rating": "good"}, {"rating": "perfect"}, {"choice": ""}, {"choice": "x" * 301}],
)
def test_a_malformed_answer_is_400(client, body):
    user = UserFactory()
    card, _question = _due_card(user)
    client.force_login(user)
    assert _answer(client, card.pk, body).status_code == 400


def test_a_choice_not_on_the_card_is_400_and_changes_nothing(client):
    user = UserFactory()
    card, _question = _due_card(user)
    client.force_login(user)
    answer = _answer(client, card.pk, {"choice": str(choice_id(PracticeQuestionFactory(), "right"))})
    assert answer.status_code == 400
    card.refresh_from_db()
    assert card.due <= timezone.now()


def test_the_idempotency_key_is_required(client):
    user = UserFactory()
    card, _question = _due_card(user)
    client.force_login(user)
    answer = client.post(
        f"/api/v1/reviews/{card.pk}/answer", json.dumps({"rating": "good"}), content_type="application/json"
    )
    assert answer.status_code in (400, 422)


def test_visitors_are_401(client):
    assert client.get("/api/v1/me/reviews").status_code == 401
    assert client.get("/api/v1/me/skills").status_code == 401


def test_my_skills(client):
    user = UserFactory()
    _card, question = _due_card(user)
    skill = Skill.objects.create(name="Transformers", slug="transformers")
    LessonSkill.objects.create(lesson=question.lesson, skill=skill, weight=100)
    client.force_login(user)
    items = client.get("/api/v1/me/skills").json()["items"]
    assert items == [
        {"slug": "transformers", "name": "Transformers", "mastery": items[0]["mastery"], "lessons_done": 0, "cards": 1}
    ]
    assert 0 < items[0]["mastery"] <= 34


def test_the_document_has_the_endpoints_with_examples():
    from api.v1 import api

    document = json.loads(json.dumps(api.get_openapi_schema()))
    paths = document["paths"]
    answer = paths["/api/v1/reviews/{card_id}/answer"]["post"]
    assert {"200", "400", "401", "404"} <= set(answer["responses"])
    assert next(p for p in answer["parameters"] if p["name"] == "Idempotency-Key")["required"] is True
    schemas = document["components"]["schemas"]
    for name in ("ReviewsOut", "ReviewChoiceIn", "ReviewRatingIn", "ReviewAnswerOut", "SkillsOut"):
        assert schemas[name].get("examples"), name
    assert "/api/v1/me/reviews" in paths
    assert "/api/v1/me/skills" in paths
