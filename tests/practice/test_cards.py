"""A learner's first answer to a check question makes their review card, scheduled by FSRS."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from practice import scheduling
from practice.models import CheckQuestion, ReviewCard, ReviewLog
from practice.services import check_card_record
from tests.factories import LessonFactory, UserFactory

pytestmark = pytest.mark.django_db


def _question() -> CheckQuestion:
    return CheckQuestion.objects.create(lesson=LessonFactory(), prompt="What does attention weigh?")


def test_a_wrong_first_answer_is_due_again_within_minutes() -> None:
    now = timezone.now()
    card = check_card_record(user=UserFactory(), question=_question(), correct=False, now=now)
    assert now < card.due <= now + timedelta(minutes=10)
    assert card.lapses == 1
    assert ReviewLog.objects.get(card=card).rating == 1


def test_a_quick_right_answer_waits_longer_than_a_wrong_one() -> None:
    now = timezone.now()
    question = _question()
    right = check_card_record(user=UserFactory(), question=question, correct=True, seconds=3, now=now)
    wrong = check_card_record(user=UserFactory(), question=question, correct=False, now=now)
    assert right.due > wrong.due
    assert ReviewLog.objects.get(card=right).rating == 4  # easy


def test_a_second_first_answer_changes_nothing() -> None:
    user, question = UserFactory(), _question()
    first = check_card_record(user=user, question=question, correct=False)
    again = check_card_record(user=user, question=question, correct=True)
    assert again.pk == first.pk
    assert again.due == first.due
    assert ReviewCard.objects.count() == 1
    assert ReviewLog.objects.count() == 1


def test_recall_fades_with_time() -> None:
    card = check_card_record(user=UserFactory(), question=_question(), correct=True, seconds=20)
    soon = scheduling.retrievability(card, now=card.last_review + timedelta(hours=1))
    later = scheduling.retrievability(card, now=card.last_review + timedelta(days=30))
    assert 0 < later < soon <= 1


def test_the_rating_follows_correctness_and_time(settings) -> None:
    settings.REVIEW_EASY_SECONDS, settings.REVIEW_HARD_SECONDS = 8, 45
    assert scheduling.rating_from_answer(correct=False, seconds=2) == scheduling.RATINGS_BY_NAME["again"]
    assert scheduling.rating_from_answer(correct=True, seconds=2) == scheduling.RATINGS_BY_NAME["easy"]
    assert scheduling.rating_from_answer(correct=True, seconds=20) == scheduling.RATINGS_BY_NAME["good"]
    assert scheduling.rating_from_answer(correct=True, seconds=60) == scheduling.RATINGS_BY_NAME["hard"]
    assert scheduling.rating_from_answer(correct=True, seconds=None) == scheduling.RATINGS_BY_NAME["good"]


def test_time_travel_reaches_the_scheduler() -> None:
    with time_machine.travel(timezone.now() + timedelta(days=7), tick=False):
        card = check_card_record(user=UserFactory(), question=_question(), correct=False)
        assert card.last_review == timezone.now()
