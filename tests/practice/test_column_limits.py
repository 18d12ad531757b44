"""A generated question at its columns' limits is stored on both databases, and one past them is never offered for
storing (PostgreSQL refuses a value longer than its column, SQLite keeps it)."""

import pytest

from practice.generation.questions import CHOICE_MAX, PROMPT_MAX, GeneratedChoice, GeneratedQuestion, question_problems
from practice.models import CheckQuestion, QuestionKind, QuestionOrigin
from practice.services import ChoiceText, check_question_add
from tests.factories import LessonFactory

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
