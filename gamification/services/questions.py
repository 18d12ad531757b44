"""Writes of check questions: a lesson's question with its choices (the demo loader adds some; staff use the admin)."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction

from gamification.models import CheckChoice, CheckQuestion
from lessons.models import Lesson


@dataclass(frozen=True)
class ChoiceText:
    text: str
    correct: bool = False
    explanation: str = ""


def check_question_add(*, lesson: Lesson, prompt: str, position: int, choices: Sequence[ChoiceText]) -> bool:
    """Add the question (keyed by lesson and prompt) with its choices, unless it is there; returns whether it added."""
    with transaction.atomic():
        question, created = CheckQuestion.objects.get_or_create(
            lesson=lesson, prompt=prompt, defaults={"position": position}
        )
        if created:
            CheckChoice.objects.bulk_create(
                CheckChoice(
                    question=question,
                    text=choice.text,
                    is_correct=choice.correct,
                    explanation=choice.explanation,
                    position=index,
                )
                for index, choice in enumerate(choices)
            )
    return created
