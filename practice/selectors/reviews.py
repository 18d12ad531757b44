"""Reads of spaced review: how many cards are due, the queue (due first, then the next ones), one card as the
learner sees it (its prompt and choices, and after answering the passage with its moment)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch
from django.utils import timezone

from accounts.models import User
from core.page_cache import cached_or_computed
from lessons.chapters import chapter_url
from lessons.models import Lesson
from practice.models import CardKind, CheckChoice, ReviewCard
from practice.services.terms import term_pattern

QUEUE_LENGTH = 20
TERM_DISTRACTORS = 3
BLANK = "_____"
# Terms of other lessons a key-term card may offer as wrong choices, kept for a while (the catalog moves slowly).
TERM_POOL_SIZE = 400
TERM_POOL_SECONDS = 600


@dataclass(frozen=True)
class ReviewChoice:
    id: str
    text: str


@dataclass(frozen=True)
class ReviewItem:
    card: ReviewCard
    prompt: str
    choices: list[ReviewChoice]
    passage: str  # where the answer is found, shown after answering
    passage_url: str  # the lesson, at the passage's moment when it has one
    explanation: str
    is_due: bool

    @property
    def card_id(self) -> int:
        return self.card.pk

    @property
    def kind(self) -> str:
        return self.card.kind

    @property
    def due_at(self) -> datetime:
        return self.card.due

    @property
    def lesson(self) -> Lesson:
        return self.card.lesson


@dataclass(frozen=True)
class ReviewQueue:
    due_count: int
    items: list[ReviewItem]

    @property
    def next_due(self) -> ReviewItem | None:
        return self.items[0] if self.items and self.items[0].is_due else None


def review_due_count(*, user: User, now: datetime | None = None) -> int:
    """How many of the learner's cards are due now (one indexed count)."""
    return ReviewCard.objects.filter(user=user, due__lte=now or timezone.now()).count()


@dataclass(frozen=True)
class PoolTerm:
    """A term of the catalog's concept index that may stand beside a card's own as a wrong choice."""

    text: str
    folded: str
    lesson_ids: frozenset[int]


def _term_pool() -> list[PoolTerm]:
    """The catalog's terms, one entry per term, sorted once here rather than for every card shown."""

    def compute() -> list[PoolTerm]:
        from tutor.models import ConceptTerm

        rows = (
            ConceptTerm.objects.filter(lesson__status=Lesson.Status.PUBLISHED)
            .order_by("-subject", "key")
            .values_list("lesson_id", "term")[:TERM_POOL_SIZE]
        )
        lessons_of: dict[str, set[int]] = {}
        for lesson_id, term in rows:
            lessons_of.setdefault(term, set()).add(lesson_id)
        return [PoolTerm(term, term.casefold(), frozenset(lessons_of[term])) for term in sorted(lessons_of)]

    return cached_or_computed("practice:term-pool:v2", compute, timeout=TERM_POOL_SECONDS)


def _term_choices(card: ReviewCard, pool: list[PoolTerm]) -> list[ReviewChoice]:
    """The right term among terms of other lessons, the same ones in the same order every time the card is shown."""
    own = card.term.casefold()
    only_this_lesson = frozenset({card.lesson_id})
    others = [
        term.text
        for term in pool
        if term.lesson_ids != only_this_lesson and term.folded != own and own not in term.folded
    ]
    rng = random.Random(card.pk)  # noqa: S311 - an order to show, not a secret
    picked = [*rng.sample(others, min(TERM_DISTRACTORS, len(others))), card.term]
    rng.shuffle(picked)
    return [ReviewChoice(id=term, text=term) for term in picked]


def _moment_url(lesson: Lesson, start_seconds: int | None) -> str:
    if start_seconds is None:
        return lesson.external_url
    return chapter_url(lesson.external_url, start_seconds, lesson.kind)


def review_item(card: ReviewCard, *, now: datetime, pool: list[PoolTerm] | None = None) -> ReviewItem:
    """One card as the learner sees it (its question's choices prefetched or read here)."""
    is_due = card.due <= now
    if card.kind == CardKind.TERM:
        blanked = term_pattern(card.term).sub(BLANK, card.definition)
        return ReviewItem(
            card=card,
            prompt=f"Which term fills the blank? “{blanked}”",
            choices=_term_choices(card, _term_pool() if pool is None else pool),
            passage=card.definition,
            passage_url=_moment_url(card.lesson, card.start_seconds),
            explanation="",
            is_due=is_due,
        )
    question = card.question
    assert question is not None  # a check card has its question (practice_card_has_its_subject)
    return ReviewItem(
        card=card,
        prompt=question.prompt,
        choices=[ReviewChoice(id=str(choice.pk), text=choice.text) for choice in question.choices.all()],
        passage=question.passage,
        passage_url=_moment_url(card.lesson, question.start_seconds),
        explanation=question.explanation,
        is_due=is_due,
    )


def _cards_with_subjects() -> object:
    # The lesson's long texts (transcript, material) stay in the database: a card shows its title and link only.
    return (
        ReviewCard.objects.select_related("lesson", "question")
        .defer("lesson__transcript", "lesson__material", "lesson__description")
        .prefetch_related(Prefetch("question__choices", queryset=CheckChoice.objects.order_by("position", "id")))
    )


def review_queue_for(*, user: User, now: datetime | None = None, limit: int = QUEUE_LENGTH) -> ReviewQueue:
    """The learner's cards, due ones first (oldest due first), then the next ones to come due, `limit` in all."""
    now = now or timezone.now()
    due_count = review_due_count(user=user, now=now)
    cards = list(_cards_with_subjects().filter(user=user).order_by("due", "id")[:limit])  # type: ignore[attr-defined]
    pool = _term_pool() if any(card.kind == CardKind.TERM for card in cards) else []
    return ReviewQueue(due_count=due_count, items=[review_item(card, now=now, pool=pool) for card in cards])


def review_card_get(*, user: User, card_id: int, now: datetime | None = None) -> ReviewItem:
    """One of the learner's cards as they see it; ReviewCard.DoesNotExist for anyone else's."""
    card = _cards_with_subjects().get(user=user, pk=card_id)  # type: ignore[attr-defined]
    return review_item(card, now=now or timezone.now())
