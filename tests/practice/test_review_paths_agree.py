"""On PostgreSQL a review answer reads and writes through plain statements (the profile lock, the card with the day's
review XP, plain XP in one statement, the card's schedule with the log); elsewhere, and for XP that is not plain, the
ORM does it. Hypothesis drives two learners with the same cards through the same answers at the same moments, one on
each path, and every answer must come out the same and leave the same rows: cards, logs, XP events, days, league
scores, the profile and its badges.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from gamification.models import BadgeAward, DailyActivity, LeagueMembership, LearnerProfile, XPEvent
from gamification.rewards import DAILY_GOAL_CHOICES
from gamification.services import statements as xp_statements
from practice import scheduling
from practice.models import ReviewCard, ReviewLog
from practice.services import review_answer, review_statements
from tests.accounts.factories import UserFactory
from tests.lessons.factories import PublishedLessonFactory
from tests.practice.review_factories import PracticeQuestionFactory, card_answered, choice_id, term_card

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

START = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)  # a Monday: the steps cross days and, sometimes, weeks
ANSWERS = ("right", "wrong", "again", "hard", "good", "easy")
step = st.tuples(
    st.integers(min_value=0, max_value=2),  # which card: two check cards and a term card
    st.sampled_from(ANSWERS),
    st.integers(min_value=0, max_value=60 * 24 * 4),  # minutes since the step before
    st.sampled_from([None, 2.0, 12.0, 90.0]),  # seconds the learner took (None: not timed)
)


@contextlib.contextmanager
def orm_path() -> Iterator[None]:
    """What SQLite runs: every read and write through the ORM."""
    with (
        mock.patch.object(review_statements, "available", return_value=False),
        mock.patch.object(xp_statements, "available", return_value=False),
    ):
        yield


@pytest.fixture
def unfuzzed(settings):
    """Intervals without FSRS's random fuzz, so two learners' identical answers get identical due dates."""
    settings.REVIEW_INTERVAL_FUZZING = False
    scheduling.scheduler.cache_clear()
    yield
    scheduling.scheduler.cache_clear()


def _learner(*, questions, lesson, goal: int, opted_out: bool) -> tuple[object, list[ReviewCard]]:
    user = UserFactory()
    LearnerProfile.objects.create(user=user, daily_goal=goal, league_opt_out=opted_out)
    cards = [card_answered(user=user, question=question, now=START - timedelta(hours=1)) for question in questions]
    cards.append(term_card(user=user, lesson=lesson, term="attention", due=START - timedelta(hours=1)))
    return user, cards


def _choice(card: ReviewCard, answer: str) -> dict[str, object]:
    if answer in scheduling.RATINGS_BY_NAME:
        return {"rating": answer}
    if card.question is None:
        return {"choice": "attention" if answer == "right" else "tokenizer"}
    return {"choice": choice_id(card.question, answer)}


def _rows(user, cards: list[ReviewCard]) -> dict[str, object]:
    """Everything an answer writes for `user`, with card keys replaced by the card's place so learners compare."""
    place = {card.pk: index for index, card in enumerate(cards)}

    def placed(text: str) -> str:  # "review:<card pk>…" → "review:#<place>…"
        for pk, index in place.items():
            text = text.replace(f"review:{pk}", f"review:#{index}")
        return text

    profile = LearnerProfile.objects.get(user=user)
    return {
        "cards": [
            (place[card.pk], card.state, card.step, card.stability, card.difficulty, card.due, card.last_review,
             card.reviews, card.lapses)
            for card in ReviewCard.objects.filter(user=user).order_by("pk")
        ],
        "logs": [
            (place[log.card_id], log.rating, log.correct, log.due_answered, log.reviewed_at, log.scheduled,
             log.xp_awarded)
            for log in ReviewLog.objects.filter(user=user).order_by("pk")
        ],
        "xp": [
            (event.amount, event.reason, placed(event.reference), placed(event.idempotency_key), event.local_date,
             event.created_at)
            for event in XPEvent.objects.filter(user=user).order_by("pk")
        ],
        "days": list(DailyActivity.objects.filter(user=user).order_by("day").values_list(
            "day", "xp", "goal", "goal_met", "frozen")),
        "league": list(LeagueMembership.objects.filter(user=user).order_by("week__key").values_list(
            "week__key", "xp", "last_xp_at", "joined_at")),
        "profile": (profile.xp, profile.level, profile.daily_goal, profile.streak_length, profile.streak_longest,
                    profile.streak_started, profile.streak_last_day, profile.freezes),
        "badges": sorted(BadgeAward.objects.filter(user=user).values_list("badge", flat=True)),
    }  # fmt: skip


def _said(result) -> tuple[object, ...]:
    gains = result.gains
    return (
        result.correct, result.rating, result.scheduled, result.xp_awarded, result.due_at, result.right_answer,
        gains.xp, gains.level_reached, gains.goal_met, gains.streak, gains.streak_extended,
        [badge.slug for badge in gains.badges],
    )  # fmt: skip


def test_both_paths_answer_alike_and_leave_the_same_rows(settings, unfuzzed):
    plain_awards = []
    real_plain = xp_statements.xp_add_plain

    def counted(**kwargs):
        paid = real_plain(**kwargs)
        plain_awards.append(paid)
        return paid

    @hypothesis_settings(max_examples=15, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(
        steps=st.lists(step, min_size=1, max_size=14),
        review_xp=st.sampled_from([2, 7, 20, 60]),
        cap=st.sampled_from([10, 30, 1000]),
        goal=st.sampled_from(DAILY_GOAL_CHOICES),
        opted_out=st.booleans(),
    )
    def answer_alike(steps, review_xp, cap, goal, opted_out):
        settings.REVIEW_XP, settings.REVIEW_XP_DAILY_CAP = review_xp, cap
        lesson = PublishedLessonFactory()
        questions = [PracticeQuestionFactory(lesson=lesson), PracticeQuestionFactory(lesson=lesson)]
        fast, fast_cards = _learner(questions=questions, lesson=lesson, goal=goal, opted_out=opted_out)
        slow, slow_cards = _learner(questions=questions, lesson=lesson, goal=goal, opted_out=opted_out)
        now = START
        for index, answer, minutes, seconds in steps:
            now += timedelta(minutes=minutes)
            fast_card, slow_card = fast_cards[index], slow_cards[index]
            with mock.patch.object(xp_statements, "xp_add_plain", counted):
                fast_said = review_answer(
                    user=fast, card_id=fast_card.pk, seconds=seconds, now=now, **_choice(fast_card, answer)
                )
            with orm_path():
                slow_said = review_answer(
                    user=slow, card_id=slow_card.pk, seconds=seconds, now=now, **_choice(slow_card, answer)
                )
            assert _said(fast_said) == _said(slow_said)
            assert _rows(fast, fast_cards) == _rows(slow, slow_cards)

    answer_alike()
    # The comparison meant something: plain XP went through the one statement, and some XP did not.
    assert True in plain_awards
    assert False in plain_awards
