"""A generated question at its columns' limits is stored on both databases, and one past them is never offered for
storing (PostgreSQL refuses a value longer than its column, SQLite keeps it)."""

import pytest

from gamification.models import XPEvent
from lessons.models import Lesson
from practice.generation.questions import CHOICE_MAX, PROMPT_MAX, GeneratedChoice, GeneratedQuestion, question_problems
from practice.models import CheckQuestion, QuestionKind, QuestionOrigin, ReviewCard
from practice.services import ChoiceText, check_question_add, review_answer
from tests.accounts.factories import UserFactory
from tests.factories import LessonFactory
from tests.lessons.factories import PublishedLessonFactory
from tests.practice.review_factories import PracticeQuestionFactory, card_answered, choice_id, term_card

pytestmark = pytest.mark.django_db


def test_a_question_at_the_columns_limits_is_stored_whole():
    lesson = LessonFactory()
    prompt, right = "p" * PROMPT_MAX, "r" * CHOICE_MAX
    assert check_question_add(
        lesson=lesson,
        prompt=prompt,
        position=1,
        choices=[ChoiceText(right, correct=True), ChoiceText("w" * CHOICE_MAX)],
        origin=QuestionOrigin.OFFLINE,
        kind=QuestionKind.TERM,
    )
    stored = CheckQuestion.objects.get(lesson=lesson)
    assert stored.prompt == prompt
    assert sorted(len(choice.text) for choice in stored.choices.all()) == [CHOICE_MAX, CHOICE_MAX]


def test_a_generated_question_past_a_limit_is_refused_before_storing():
    right = "the answer"
    question = GeneratedQuestion(
        kind=QuestionKind.TERM,
        prompt="q" * (PROMPT_MAX + 1),
        choices=(GeneratedChoice(right, is_correct=True), GeneratedChoice("x" * (CHOICE_MAX + 1))),
        passage=f"The passage says {right}.",
        explanation="",
    )
    assert question_problems(question) == ["prompt empty or too long", "a choice too long"]


def test_a_review_of_the_longest_title_term_and_choice_is_stored_within_every_column():
    """A review answer writes through plain statements on PostgreSQL (XP, card, log): with the lesson's title, the
    card's term and a choice at their columns' limits, the XP reason is cut to its column and the rest stays whole."""
    title_max = Lesson._meta.get_field("title").max_length
    term_max = ReviewCard._meta.get_field("term").max_length
    lesson = PublishedLessonFactory(title="t" * title_max, summary="A lesson with the longest title.")
    user = UserFactory()
    first = term_card(user=user, lesson=lesson, term="attention")
    review_answer(user=user, card_id=first.pk, choice="attention")  # the day's row and seat: the next XP is plain
    term = "a" * term_max
    card = term_card(user=user, lesson=lesson, term=term)
    assert review_answer(user=user, card_id=card.pk, choice=term).xp_awarded > 0
    question = PracticeQuestionFactory(lesson=lesson)
    question.choices.filter(text="right").update(text="r" * CHOICE_MAX)
    checked = card_answered(user=user, question=question)
    result = review_answer(user=user, card_id=checked.pk, choice=choice_id(question, "r" * CHOICE_MAX), seconds=20)
    assert result.correct
    assert result.right_answer == "r" * CHOICE_MAX
    reasons = list(XPEvent.objects.filter(user=user).values_list("reason", flat=True))
    assert reasons
    assert {len(reason) for reason in reasons} == {XPEvent._meta.get_field("reason").max_length}
    assert all(reason.startswith("Review: ttt") for reason in reasons)
