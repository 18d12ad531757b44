"""Helpers for the review tests: a practice check question with its choices, and a learner's card on it."""

from __future__ import annotations

from datetime import datetime

import factory
from django.utils import timezone

from practice.models import CardKind, CheckQuestion, ReviewCard
from practice.services import check_card_record
from tests.lessons.factories import PublishedLessonFactory


class PracticeQuestionFactory(factory.django.DjangoModelFactory):
    """A practice check question with one wrong choice ("wrong") and one right one ("right"), and its passage."""

    class Meta:
        model = "practice.CheckQuestion"
        skip_postgeneration_save = True

    lesson = factory.SubFactory(PublishedLessonFactory)
    prompt = factory.Sequence(lambda n: f"Review question {n}?")
    passage = "Attention weighs every token against every other token."
    start_seconds = 95
    explanation = "The lesson says so at 1:35."

    @factory.post_generation
    def choices(obj, create, extracted, **kwargs):  # noqa: N805 - factory_boy's post-generation signature
        if not create:
            return
        obj.choices.create(text="wrong", is_correct=False, position=1)
        obj.choices.create(text="right", is_correct=True, position=2)


def choice_id(question: CheckQuestion, text: str) -> int:
    return question.choices.get(text=text).pk


def card_answered(*, user, question=None, correct: bool = False, now: datetime | None = None) -> ReviewCard:
    """The learner's card for a question they answered (wrong by default: due again within minutes)."""
    question = question or PracticeQuestionFactory()
    return check_card_record(user=user, question=question, correct=correct, seconds=20, now=now or timezone.now())


def term_card(*, user, lesson=None, term: str = "attention", due: datetime | None = None) -> ReviewCard:
    lesson = lesson or PublishedLessonFactory()
    return ReviewCard.objects.create(
        user=user,
        kind=CardKind.TERM,
        lesson=lesson,
        term=term,
        definition=f"In a transformer, {term} is how each token weighs the others.",
        due=due or timezone.now(),
    )
