"""Review cards: made when a learner answers a check question, then rescheduled by every review."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from practice import scheduling
from practice.models import CardKind, CardState, CheckQuestion, ReviewCard, ReviewLog


def check_card_record(
    *, user: User, question: CheckQuestion, correct: bool, seconds: float | None = None, now: datetime | None = None
) -> ReviewCard:
    """The learner's card for this question, made on their first answer and scheduled by it (a wrong answer comes
    back within minutes). A card that exists already is returned as it is: later answers go through review."""
    now = now or timezone.now()
    with transaction.atomic():
        card, created = ReviewCard.objects.get_or_create(
            user=user,
            question=question,
            kind=CardKind.CHECK,
            defaults={"lesson_id": question.lesson_id, "state": CardState.LEARNING, "step": 0, "due": now},
        )
        if not created:
            return card
        rating = scheduling.rating_from_answer(correct=correct, seconds=seconds)
        due_answered = card.due
        scheduling.review(card, rating, now=now).apply(card)
        card.reviews = 1
        card.lapses = 0 if correct else 1
        card.save()
        ReviewLog.objects.create(
            user=user, card=card, rating=int(rating), correct=correct, due_answered=due_answered, reviewed_at=now
        )
    return card
