"""Answering a review card: graded (a choice, with the time it took) or rated by the learner, rescheduled by FSRS,
and paid in XP when it was due.

The economy's rules (docs/economy.md) hold under concurrency because every answer locks the learner's profile (the
lock gamification's own awards take first) and then the card: a second tab, a replayed form or a retried request
waits for the first and then finds the card no longer due. An answer before the card is due is logged and changes
nothing. XP goes through gamification's `xp_add`, so it counts toward the daily goal, the streak and the league, with
an idempotency key per card and due date; the `practice_review_xp_once_per_due` constraint is the last word.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone

from accounts.models import User
from gamification.local_days import day_bounds, local_date
from gamification.services import Gains, badges_award_after_xp, profile_locked, xp_add
from practice import scheduling
from practice.models import CardKind, CardState, CheckChoice, ReviewCard, ReviewLog
from practice.references import review_reference, review_xp_key
from practice.services import review_statements

# The names say what happened, like the other apps' domain exceptions.
# ruff: noqa: N818


class ReviewError(Exception):
    """Base class of what can go wrong answering a review card."""

    http_status: int | None = None


class CardNotFound(ReviewError):
    """No such card among the learner's own (another learner's card reads as one that does not exist)."""

    http_status = 404


class ReviewAnswerInvalid(ReviewError):
    """Neither a choice on the card nor a known rating."""

    http_status = 400


@dataclass
class ReviewResult:
    card: ReviewCard
    correct: bool | None  # None for a rating without a choice
    rating: str  # again, hard, good, easy
    scheduled: bool  # False: answered before it was due; nothing moved
    xp_awarded: int
    gains: Gains = field(default_factory=Gains)
    right_answer: str = ""  # what the right choice says, for the feedback

    @property
    def due_at(self) -> datetime:
        return self.card.due


def _review_xp_between(*, user: User, start: datetime, end: datetime) -> int:
    earned = ReviewLog.objects.filter(user=user, reviewed_at__gte=start, reviewed_at__lt=end, xp_awarded__gt=0)
    return int(earned.aggregate(total=Sum("xp_awarded"))["total"] or 0)


def _graded(card: ReviewCard, choice: str | int, choices: list[tuple[int, str, bool]] | None) -> tuple[bool, str]:
    """Whether the choice is right, and the right answer's text; ReviewAnswerInvalid for a choice not on the card.
    `choices` are the question's (id, text, right), in order, when already read; None reads them."""
    if card.kind == CardKind.TERM:
        text = str(choice).strip()
        if not text:
            raise ReviewAnswerInvalid("Pick an answer first.")
        return text.casefold() == card.term.strip().casefold(), card.term
    try:
        choice_id = int(choice)
    except (TypeError, ValueError):
        raise ReviewAnswerInvalid("That answer is not one of this card's choices.") from None
    if choices is None:
        listed = CheckChoice.objects.filter(question_id=card.question_id) if card.question_id is not None else []
        choices = [(item.pk, item.text, item.is_correct) for item in listed]
    picked = next((right for pk, _text, right in choices if pk == choice_id), None)
    if picked is None:
        raise ReviewAnswerInvalid("That answer is not one of this card's choices.")
    return picked, next((text for _pk, text, right in choices if right), "")


def _card_locked(*, user: User, card_id: int, day_start: datetime, day_end: datetime) -> review_statements.LockedCard:
    """The learner's card, locked, its lesson's title, their review XP of [day_start, day_end) and, on PostgreSQL, its
    choices; CardNotFound for a card that is not theirs. One plain statement on PostgreSQL (review_statements.py),
    the ORM elsewhere (which reads the choices only when an answer needs them)."""
    if review_statements.available():
        found = review_statements.card_locked(user_id=user.pk, card_id=card_id, day_start=day_start, day_end=day_end)
        if found is None:
            raise CardNotFound("No such review card.")
        return found
    # The lesson's title only (its row carries the transcript, which an answer has no use for).
    card = (
        ReviewCard.objects.select_for_update(of=("self",))
        .annotate(lesson_title=F("lesson__title"))
        .filter(pk=card_id, user=user)
        .first()
    )
    if card is None:
        raise CardNotFound("No such review card.")
    earned = _review_xp_between(user=user, start=day_start, end=day_end)
    return review_statements.LockedCard(card, card.lesson_title, earned, None)


def _answer_store(*, card: ReviewCard, log: ReviewLog) -> None:
    """Write the card's new schedule (when the answer was scheduled) and the answer's log."""
    if review_statements.available():
        review_statements.answer_store(card=card, log=log)
        return
    if log.scheduled:
        card.save(update_fields=ReviewCard.SCHEDULE_FIELDS)
    log.save()


def review_answer(
    *,
    user: User,
    card_id: int,
    choice: str | int | None = None,
    rating: str | None = None,
    seconds: float | None = None,
    now: datetime | None = None,
) -> ReviewResult:
    """Answer one of the learner's cards with a choice (graded from correctness and time) or a rating.

    A card that was due is rescheduled and, unless rated "again" (a wrong answer), earns REVIEW_XP once per due date,
    up to REVIEW_XP_DAILY_CAP per local day. A card not due yet is logged as an early answer: no new schedule, no XP.
    """
    if choice is None and rating is None:
        raise ReviewAnswerInvalid("Send a choice or a rating.")
    if choice is None and rating not in scheduling.RATINGS_BY_NAME:
        raise ReviewAnswerInvalid(f"A rating is one of {', '.join(scheduling.RATINGS_BY_NAME)}.")
    now = now or timezone.now()
    zone = user.time_zone_at(now)
    day_start, day_end = day_bounds(local_date(now, zone), zone)
    with transaction.atomic():
        profile = profile_locked(user=user)
        card, lesson_title, earned_today, choices = _card_locked(
            user=user, card_id=card_id, day_start=day_start, day_end=day_end
        )
        correct: bool | None = None
        right_answer = ""
        if choice is not None:
            correct, right_answer = _graded(card, choice, choices)
            grade = scheduling.rating_from_answer(correct=correct, seconds=seconds)
        else:
            grade = scheduling.RATINGS_BY_NAME[str(rating)]
        due_answered = card.due
        log = ReviewLog(
            user=user, card=card, rating=int(grade), correct=correct, due_answered=due_answered, reviewed_at=now
        )
        if due_answered > now:
            log.scheduled = False
            _answer_store(card=card, log=log)
            return ReviewResult(
                card=card,
                correct=correct,
                rating=scheduling.RATING_NAMES[grade],
                scheduled=False,
                xp_awarded=0,
                right_answer=right_answer,
            )
        if grade == scheduling.AGAIN and card.state == CardState.REVIEW:
            card.lapses += 1
        duration_ms = None if seconds is None else max(0, int(seconds * 1000))
        scheduling.review(card, grade, now=now, duration_ms=duration_ms).apply(card)
        card.reviews += 1
        gains = Gains()
        amount = 0
        if grade != scheduling.AGAIN:
            amount = min(settings.REVIEW_XP, settings.REVIEW_XP_DAILY_CAP - earned_today)
        if amount > 0:
            paid = xp_add(
                profile=profile,
                amount=amount,
                reason=f"Review: {lesson_title}"[:200],
                reference=review_reference(card.pk),
                idempotency_key=review_xp_key(card_id=card.pk, due=due_answered.isoformat()),
                now=now,
                gains=gains,
            )
            if paid:
                log.xp_awarded = amount
                badges_award_after_xp(user=user, profile=profile, gains=gains, now=now)
        _answer_store(card=card, log=log)
    return ReviewResult(
        card=card,
        correct=correct,
        rating=scheduling.RATING_NAMES[grade],
        scheduled=True,
        xp_awarded=log.xp_awarded,
        gains=gains,
        right_answer=right_answer,
    )
