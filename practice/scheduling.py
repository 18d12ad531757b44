"""The one place that talks to the `fsrs` scheduler (FSRS-6): a card's memory state in, the next state out.

Nothing here writes: services load a `ReviewCard`, ask `review()` for its next state and save what comes back, in
their own transaction. The library decides every interval (learning steps of 1 and 10 minutes, then days); the
project decides only the rating, from correctness and the time the learner took.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache

from django.conf import settings
from fsrs import Card, Rating, Scheduler, State

from practice.models import ReviewCard

AGAIN = Rating.Again  # a wrong answer's rating, for callers that must not import fsrs
RATINGS_BY_NAME = {"again": Rating.Again, "hard": Rating.Hard, "good": Rating.Good, "easy": Rating.Easy}
RATING_NAMES = {rating: name for name, rating in RATINGS_BY_NAME.items()}


@cache
def scheduler() -> Scheduler:
    return Scheduler(
        desired_retention=settings.REVIEW_DESIRED_RETENTION, enable_fuzzing=settings.REVIEW_INTERVAL_FUZZING
    )


def _fsrs_card(card: ReviewCard) -> Card:
    return Card(
        card_id=card.pk or None,
        state=State(card.state),
        step=card.step,
        stability=card.stability,
        difficulty=card.difficulty,
        due=card.due,
        last_review=card.last_review,
    )


@dataclass(frozen=True)
class NextState:
    state: int
    step: int | None
    stability: float | None
    difficulty: float | None
    due: datetime
    last_review: datetime | None

    def apply(self, card: ReviewCard) -> None:
        card.state, card.step = self.state, self.step
        card.stability, card.difficulty = self.stability, self.difficulty
        card.due, card.last_review = self.due, self.last_review


def review(card: ReviewCard, rating: Rating, *, now: datetime, duration_ms: int | None = None) -> NextState:
    """The card's state after this rating at `now` (the card itself is left as it was)."""
    after, _log = scheduler().review_card(_fsrs_card(card), rating, review_datetime=now, review_duration=duration_ms)
    return NextState(
        state=int(after.state),
        step=after.step,
        stability=after.stability,
        difficulty=after.difficulty,
        due=after.due,
        last_review=after.last_review,
    )


def retrievability(card: ReviewCard, *, now: datetime) -> float:
    """The chance (0–1) the learner recalls the card at `now`; 0 for a card never reviewed."""
    if card.last_review is None:
        return 0.0
    return float(scheduler().get_card_retrievability(_fsrs_card(card), current_datetime=now))


def rating_from_answer(*, correct: bool, seconds: float | None) -> Rating:
    """A wrong answer is Again; a right one Good, Easy when quick, Hard when slow (REVIEW_*_SECONDS settings)."""
    if not correct:
        return Rating.Again
    if seconds is None:
        return Rating.Good
    if seconds <= settings.REVIEW_EASY_SECONDS:
        return Rating.Easy
    if seconds >= settings.REVIEW_HARD_SECONDS:
        return Rating.Hard
    return Rating.Good
