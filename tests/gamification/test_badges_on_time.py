"""A badge is awarded when its event happens: "Curious mind" as soon as the first unlock is charged, not at the next
lesson completion."""

import uuid

import pytest

from gamification.models import BadgeAward
from tests.factories import LearnerWithCreditsFactory, PublishedLessonFactory
from tests.lessons.html import visible_text
from tests.tutor.conftest import QUICK
from tutor import services as tutor
from tutor.models import Explanation

pytestmark = pytest.mark.django_db(transaction=True)  # the badge is checked once the charge commits


@pytest.fixture(autouse=True)
def _no_broker(settings, monkeypatch):
    settings.TUTOR_BACKEND = QUICK
    monkeypatch.setattr("tutor.services.generation._generation_send", lambda explanation_id: None)


def earned(learner) -> set[str]:
    return set(BadgeAward.objects.filter(user=learner).values_list("badge", flat=True))


def test_curious_mind_is_on_the_profile_as_soon_as_the_first_unlock_is_charged(client):
    learner = LearnerWithCreditsFactory(credits=100)
    lesson = PublishedLessonFactory()
    client.force_login(learner)
    assert "🔓 Curious mind Unlocked a first AI tutor explanation. Not yet earned" in visible_text(
        client.get("/me/").content
    )

    tutor.unlock(user=learner, lesson=lesson, idempotency_key=str(uuid.uuid4()))
    assert "first-unlock" not in earned(learner)  # held, not charged: the explanation is not written yet
    explanation = Explanation.objects.get(lesson=lesson)
    tutor.explanation_write(explanation_id=explanation.pk, claimant="test", final_attempt=True)

    assert "first-unlock" in earned(learner)
    profile = visible_text(client.get("/me/").content)  # the cached profile is not served again
    assert "Not yet earned 🔓 Curious mind" not in profile
    assert "🔓 Curious mind Unlocked a first AI tutor explanation. Earned" in profile


def test_an_explanation_already_written_earns_it_at_the_unlock_itself():
    first, second = LearnerWithCreditsFactory(credits=100), LearnerWithCreditsFactory(credits=100)
    lesson = PublishedLessonFactory()
    tutor.unlock(user=first, lesson=lesson, idempotency_key=str(uuid.uuid4()))
    tutor.explanation_write(explanation_id=Explanation.objects.get().pk, claimant="test", final_attempt=True)

    tutor.unlock(user=second, lesson=lesson, idempotency_key=str(uuid.uuid4()))  # captured at once

    assert "first-unlock" in earned(second)
