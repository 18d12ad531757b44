"""Badges as awarded (gamification.services.badges_award): once per learner, with the date, from real activity."""

from datetime import UTC, datetime

import pytest

from gamification.models import BadgeAward
from gamification.selectors import learner_facts
from gamification.services import badges_award
from tests.factories import LessonFactory, UserFactory, xp_give
from tutor import services as tutor_services

pytestmark = pytest.mark.django_db


def test_a_badge_is_awarded_once_however_often_its_rule_is_checked(learner):
    xp_give(user=learner, amount=20, reason="Practice", idempotency_key="a")
    assert [badge.slug for badge in badges_award(user=learner)] == []
    assert BadgeAward.objects.filter(user=learner, badge="goal-getter").count() == 1


@pytest.fixture
def tutor_unlock(settings, monkeypatch):
    """Unlock a lesson's explanation through the tutor; `write=True` also lets the worker's service write it, which
    captures the hold."""
    settings.TUTOR_BACKEND = "tests.tutor.backends_for_tests.Quick"
    monkeypatch.setattr("tutor.services.generation._generation_send", lambda explanation_id: None)

    def unlock(user, *, write: bool):
        result = tutor_services.unlock(user=user, lesson=LessonFactory(), idempotency_key="u")
        if write:
            tutor_services.explanation_write(explanation_id=result.explanation.pk, claimant="test", final_attempt=True)

    return unlock


def test_a_captured_tutor_unlock_earns_curious_mind_at_the_next_award(learner, tutor_unlock):
    tutor_unlock(learner, write=True)
    assert learner_facts(user=learner).unlocks == 1
    gains = xp_give(user=learner, amount=5, reason="Practice", idempotency_key="b")
    assert "first-unlock" in [badge.slug for badge in gains.badges]


def test_an_unlock_still_on_hold_earns_nothing_yet(learner, tutor_unlock):
    tutor_unlock(learner, write=False)
    assert learner_facts(user=learner).unlocks == 0


def test_reaching_level_5_earns_its_badge_dated_when_it_happened():
    learner = UserFactory()
    at = datetime(2026, 4, 2, 8, 30, tzinfo=UTC)
    gains = xp_give(user=learner, amount=500, reason="Imported history", idempotency_key="big", now=at)
    assert gains.level_reached == 5
    assert "Level 5 reached!" in gains.messages
    award = BadgeAward.objects.get(user=learner, badge="level-5")
    assert award.earned_at == at


def test_xp_history_is_append_only(learner):
    from gamification.models import XPEvent, XPEventIsAppendOnly

    xp_give(user=learner, amount=20, reason="Practice", idempotency_key="a")
    event = XPEvent.objects.get()
    event.amount = 2000
    with pytest.raises(XPEventIsAppendOnly):
        event.save()
    with pytest.raises(XPEventIsAppendOnly):
        event.delete()
