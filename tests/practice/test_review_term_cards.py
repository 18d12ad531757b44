"""Key-term cards: a lesson completed or unlocked brings its key terms back as review cards, once, after commit."""

from datetime import UTC, datetime

import pytest
from django.db import transaction

from gamification.services import lesson_complete, lesson_open
from practice.models import CardKind, ReviewCard
from practice.services import term_cards_create
from practice.services.terms import lesson_key_terms
from tests.accounts.factories import UserFactory
from tests.credits.factories import LearnerWithCreditsFactory
from tests.lessons.factories import PublishedLessonFactory
from tutor.models import ConceptTerm
from tutor.services import unlock

pytestmark = pytest.mark.django_db

NOON = datetime(2026, 3, 10, 12, tzinfo=UTC)


@pytest.fixture
def lesson():
    lesson = PublishedLessonFactory(
        title="Attention in transformers",
        description="Attention is how a transformer weighs every token against the others. "
        "A tokenizer is what cuts text into tokens before the model reads it.",
        duration_seconds=600,
    )
    ConceptTerm.objects.bulk_create(
        [
            ConceptTerm(
                lesson=lesson,
                key="attention",
                term="Attention",
                subject=True,
                sentence="Attention is how a transformer weighs every token against the others.",
            ),
            ConceptTerm(
                lesson=lesson,
                key="tokenizer",
                term="tokenizer",
                sentence="A tokenizer is what cuts text into tokens before the model reads it.",
            ),
            ConceptTerm(lesson=lesson, key="gpu", term="GPU", sentence=""),  # no sentence: no card
        ]
    )
    return lesson


def _terms(user):
    return sorted(ReviewCard.objects.filter(user=user, kind=CardKind.TERM).values_list("term", flat=True))


def test_a_lessons_key_terms_with_a_sentence_become_due_cards(lesson):
    user = UserFactory()
    assert term_cards_create(user=user, lesson=lesson) == 2
    assert _terms(user) == ["Attention", "tokenizer"]
    card = ReviewCard.objects.get(user=user, term="Attention")
    assert card.definition.startswith("Attention is how")
    assert card.last_review is None
    assert term_cards_create(user=user, lesson=lesson) == 0  # idempotent
    assert ReviewCard.objects.filter(user=user).count() == 2


def test_a_lesson_the_index_has_not_reached_is_read_from_its_material():
    lesson = PublishedLessonFactory(
        title="Tokenizers",
        description="Tokenizers are what cut text into the pieces a language model reads.",
    )
    terms = lesson_key_terms(lesson)
    assert terms
    assert terms[0].term == "Tokenizers"
    assert terms[0].subject
    assert "cut text" in terms[0].sentence


def test_completing_a_lesson_makes_its_term_cards_once_it_commits(
    lesson, time_machine, django_capture_on_commit_callbacks
):
    user = UserFactory()
    time_machine.move_to(NOON, tick=False)
    lesson_open(user=user, lesson=lesson)
    time_machine.shift(11 * 60)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        lesson_complete(user=user, lesson=lesson)
        assert _terms(user) == []  # not before the completion commits
    assert callbacks
    assert _terms(user) == ["Attention", "tokenizer"]


def test_a_completion_rolled_back_leaves_no_cards(lesson, time_machine, django_capture_on_commit_callbacks):
    user = UserFactory()
    time_machine.move_to(NOON, tick=False)
    lesson_open(user=user, lesson=lesson)
    time_machine.shift(11 * 60)

    def complete_then_fail():
        with transaction.atomic():
            lesson_complete(user=user, lesson=lesson)
            raise RuntimeError("the request failed after completing")

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        complete_then_fail()
    assert _terms(user) == []


def test_unlocking_a_lesson_makes_its_term_cards_and_completing_it_later_adds_none(
    lesson, time_machine, django_capture_on_commit_callbacks, settings
):
    settings.TUTOR_BACKEND = "tests.tutor.backends_for_tests.Quick"
    learner = LearnerWithCreditsFactory(credits=100)
    with django_capture_on_commit_callbacks(execute=True):
        unlock(user=learner, lesson=lesson, idempotency_key="u1")
    assert _terms(learner) == ["Attention", "tokenizer"]
    time_machine.move_to(NOON, tick=False)
    lesson_open(user=learner, lesson=lesson)
    time_machine.shift(11 * 60)
    with django_capture_on_commit_callbacks(execute=True):
        lesson_complete(user=learner, lesson=lesson)
    assert ReviewCard.objects.filter(user=learner).count() == 2
