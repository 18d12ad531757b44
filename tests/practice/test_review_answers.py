"""Answering review cards: graded or rated, rescheduled only when due, and paid in XP that cannot be farmed."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gamification.models import BadgeAward, DailyActivity, LearnerProfile, XPEvent
from practice.models import ReviewCard, ReviewLog
from practice.services import CardNotFound, ReviewAnswerInvalid, review_answer
from tests.accounts.factories import UserFactory
from tests.practice.review_factories import PracticeQuestionFactory, card_answered, choice_id, term_card
from tests.threads import at_once

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _review_xp(settings):
    settings.REVIEW_XP, settings.REVIEW_XP_DAILY_CAP = 2, 30


def _due_wrong_card(user, *, minutes_ago: int = 30):
    """A card answered wrong `minutes_ago` (due again after a minute), with its question."""
    question = PracticeQuestionFactory()
    card = card_answered(user=user, question=question, now=timezone.now() - timedelta(minutes=minutes_ago))
    assert card.due <= timezone.now()
    return card, question


def test_a_quick_right_answer_to_a_due_card_schedules_it_days_ahead_and_pays_xp():
    user = UserFactory()
    card, question = _due_wrong_card(user)
    now = timezone.now()
    result = review_answer(user=user, card_id=card.pk, choice=choice_id(question, "right"), seconds=3, now=now)
    assert result.correct is True
    assert result.rating == "easy"
    assert result.scheduled
    assert result.due_at >= now + timedelta(days=1)
    assert result.xp_awarded == 2
    assert XPEvent.objects.get(user=user).amount == 2
    assert DailyActivity.objects.get(user=user).xp == 2  # counted toward the daily goal
    assert LearnerProfile.objects.get(user=user).xp == 2
    card.refresh_from_db()
    assert card.due == result.due_at
    assert card.reviews == 2


def test_a_wrong_answer_comes_back_within_minutes_and_earns_nothing():
    user = UserFactory()
    card, question = _due_wrong_card(user)
    now = timezone.now()
    result = review_answer(user=user, card_id=card.pk, choice=choice_id(question, "wrong"), now=now)
    assert result.correct is False
    assert result.rating == "again"
    assert result.right_answer == "right"
    assert now < result.due_at <= now + timedelta(minutes=10)
    assert result.xp_awarded == 0
    assert not XPEvent.objects.filter(user=user).exists()


def test_an_answer_before_the_card_is_due_schedules_nothing_and_awards_nothing():
    user = UserFactory()
    card = card_answered(user=user, correct=True)  # due in days
    due = card.due
    result = review_answer(user=user, card_id=card.pk, rating="easy")
    assert not result.scheduled
    assert result.xp_awarded == 0
    card.refresh_from_db()
    assert card.due == due
    assert card.reviews == 1
    log = ReviewLog.objects.filter(card=card).first()
    assert log is not None
    assert log.scheduled is False
    assert not XPEvent.objects.filter(user=user).exists()


def test_a_replayed_answer_earns_once():
    user = UserFactory()
    card, question = _due_wrong_card(user)
    now = timezone.now()
    answers = [
        review_answer(user=user, card_id=card.pk, choice=choice_id(question, "right"), seconds=3, now=now)
        for _ in range(3)
    ]
    assert [answer.xp_awarded for answer in answers] == [2, 0, 0]
    assert [answer.scheduled for answer in answers] == [True, False, False]
    assert XPEvent.objects.filter(user=user).count() == 1


def test_the_same_due_date_earns_once_even_through_the_table():
    user = UserFactory()
    card = card_answered(user=user)
    ReviewLog.objects.create(user=user, card=card, rating=3, due_answered=card.due, xp_awarded=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReviewLog.objects.create(user=user, card=card, rating=3, due_answered=card.due, xp_awarded=2)


def test_rated_again_later_the_card_earns_again_for_its_new_due_date():
    user = UserFactory()
    card, question = _due_wrong_card(user)
    first = review_answer(user=user, card_id=card.pk, choice=choice_id(question, "right"), seconds=3)
    with time_machine.travel(first.due_at + timedelta(minutes=1), tick=False):
        second = review_answer(user=user, card_id=card.pk, rating="good")
    assert (first.xp_awarded, second.xp_awarded) == (2, 2)


def test_the_daily_cap_holds(settings):
    settings.REVIEW_XP_DAILY_CAP = 5
    user = UserFactory()
    cards = [_due_wrong_card(user)[0] for _ in range(4)]
    paid = [review_answer(user=user, card_id=card.pk, rating="good").xp_awarded for card in cards]
    assert paid == [2, 2, 1, 0]
    assert LearnerProfile.objects.get(user=user).xp == 5


@pytest.mark.django_db(transaction=True)
def test_the_daily_cap_holds_when_one_learners_answers_race(settings):
    """Six due cards of one learner answered at once, under a cap of 7: each answer reads the day's sum after the
    profile lock, so exactly 7 XP is paid (2 + 2 + 2 + 1), whichever answers win."""
    settings.REVIEW_XP_DAILY_CAP = 7
    user = UserFactory()
    warm = _due_wrong_card(user)[0]  # the day's first XP takes the ORM path (the day's row, the week's seat)
    review_answer(user=user, card_id=warm.pk, rating="again")
    review_answer(user=user, card_id=term_card(user=user).pk, choice="attention")  # 2 XP, the day's row made
    cards = iter([_due_wrong_card(user)[0] for _ in range(6)])
    lock = threading.Lock()

    def answer_next():
        with lock:
            card = next(cards)
        return review_answer(user=user, card_id=card.pk, rating="good")

    outcomes = at_once(6, answer_next)
    assert not [outcome for outcome in outcomes if isinstance(outcome, Exception)], outcomes
    assert sorted(outcome.xp_awarded for outcome in outcomes) == [0, 0, 0, 1, 2, 2]
    assert LearnerProfile.objects.get(user=user).xp == 7
    assert sum(ReviewLog.objects.filter(user=user).values_list("xp_awarded", flat=True)) == 7
    assert sum(XPEvent.objects.filter(user=user).values_list("amount", flat=True)) == 7


def test_the_daily_cap_starts_again_at_the_learners_own_midnight(settings):
    settings.REVIEW_XP_DAILY_CAP = 2
    user = UserFactory(time_zone="America/New_York")
    # 03:30 UTC on 10 March is 23:30 on the 9th in New York (EDT): the cap counts the learner's day, not UTC's.
    late_evening = datetime(2026, 3, 10, 3, 30, tzinfo=UTC)
    with time_machine.travel(late_evening - timedelta(hours=1), tick=False):
        cards = [_due_wrong_card(user)[0] for _ in range(3)]
    with time_machine.travel(late_evening, tick=False):
        assert review_answer(user=user, card_id=cards[0].pk, rating="good").xp_awarded == 2
        assert (
            review_answer(user=user, card_id=cards[1].pk, rating="good").xp_awarded == 0
        )  # capped: still the 9th there
    with time_machine.travel(late_evening + timedelta(hours=1, minutes=1), tick=False):  # 00:31 on the 10th there
        assert review_answer(user=user, card_id=cards[2].pk, rating="good").xp_awarded == 2
    days = sorted(XPEvent.objects.filter(user=user).values_list("local_date", flat=True))
    assert [str(day) for day in days] == ["2026-03-09", "2026-03-10"]


def test_another_learners_card_is_not_found():
    card = card_answered(user=UserFactory())
    with pytest.raises(CardNotFound):
        review_answer(user=UserFactory(), card_id=card.pk, rating="good")
    assert ReviewLog.objects.filter(card=card).count() == 1


def test_a_choice_of_another_question_or_a_made_up_rating_is_refused():
    user = UserFactory()
    card, _question = _due_wrong_card(user)
    other = PracticeQuestionFactory()
    with pytest.raises(ReviewAnswerInvalid):
        review_answer(user=user, card_id=card.pk, choice=choice_id(other, "right"))
    with pytest.raises(ReviewAnswerInvalid):
        review_answer(user=user, card_id=card.pk, rating="perfect")
    with pytest.raises(ReviewAnswerInvalid):
        review_answer(user=user, card_id=card.pk)


def test_a_term_card_is_answered_with_its_term():
    user = UserFactory()
    card = term_card(user=user, term="Attention")
    result = review_answer(user=user, card_id=card.pk, choice="attention", seconds=3)
    assert result.correct is True
    assert result.xp_awarded == 2
    wrong = term_card(user=user, term="tokenizer")
    assert review_answer(user=user, card_id=wrong.pk, choice="Attention").correct is False


@pytest.mark.django_db(transaction=True)
def test_two_tabs_answering_the_same_due_card_at_once_earn_once():
    user = UserFactory()
    card, question = _due_wrong_card(user)
    right = choice_id(question, "right")
    outcomes = at_once(4, lambda: review_answer(user=user, card_id=card.pk, choice=right, seconds=3))
    assert not [outcome for outcome in outcomes if isinstance(outcome, Exception)]
    assert sorted(outcome.xp_awarded for outcome in outcomes) == [0, 0, 0, 2]
    assert sum(outcome.scheduled for outcome in outcomes) == 1
    assert XPEvent.objects.filter(user=user).count() == 1
    assert ReviewCard.objects.get(pk=card.pk).reviews == 2


def test_a_review_that_meets_the_daily_goal_earns_its_badge(settings):
    settings.REVIEW_XP = 20  # the default daily goal, met by one answer
    user = UserFactory()
    card, question = _due_wrong_card(user)
    result = review_answer(user=user, card_id=card.pk, choice=choice_id(question, "right"), seconds=3)
    assert result.gains.goal_met
    assert "goal-getter" in [badge.slug for badge in result.gains.badges]
    assert BadgeAward.objects.filter(user=user, badge="goal-getter").exists()


def test_an_ordinary_paid_review_is_a_few_statements_and_gathers_no_badge_facts():
    user = UserFactory()
    first, question = _due_wrong_card(user)
    review_answer(user=user, card_id=first.pk, choice=choice_id(question, "right"), seconds=3)  # the week's seat
    card, question = _due_wrong_card(user)
    right = choice_id(question, "right")
    with CaptureQueriesContext(connection) as captured:
        result = review_answer(user=user, card_id=card.pk, choice=right, seconds=3)
    assert result.xp_awarded == 2
    assert not result.gains.badges
    statements = [query["sql"] for query in captured.captured_queries if "SAVEPOINT" not in query["sql"]]
    assert not any("gamification_badgeaward" in sql or "gamification_lessoncompletion" in sql for sql in statements)
    if connection.vendor == "postgresql":
        # The profile lock; the card, locked, with its choices and the day's review XP; the XP (event, day, league,
        # profile) in one statement; the card's schedule with the log. No savepoint of the answer's own.
        assert len(statements) == 4, [sql[:60] for sql in statements]
        assert "FOR UPDATE" in statements[0]
        assert "gamification_learnerprofile" in statements[0]
        assert "practice_checkchoice" in statements[1]
        assert "INSERT INTO gamification_xpevent" in statements[2]
        assert "INSERT INTO practice_reviewlog" in statements[3]
    else:
        # Locks (profile, card), the card, the day's cap, the XP event (checked, written), the day, the league, the
        # profile, the log, and the choices of a check card: at most 12.
        assert len(statements) <= 12, [sql[:60] for sql in statements]
