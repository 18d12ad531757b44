"""Reads of check questions: a lesson's live questions with the learner's answers, their standing (for completion),
one question a caller may answer, and a learner's answers for their export.

Only live questions show or count. Hand-written questions come first, then generated ones, each by position.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Count, FilteredRelation, Q, QuerySet, Value, When

from accounts.models import User
from accounts.selectors import signed_in_user
from gamification.lesson_checks import LessonChecks
from lessons.chapters import chapter_url, timestamp_format
from lessons.exceptions import LessonNotFound
from lessons.models import Lesson, lessons_visible_to
from practice.check_exceptions import CheckNotFound
from practice.models import CheckAnswer, CheckChoice, CheckQuestion, QuestionOrigin, QuestionStatus


def checks_live(*, lesson: Lesson | int) -> QuerySet[CheckQuestion]:
    """The lesson's live questions in the order learners see them: hand-written first."""
    return (
        CheckQuestion.objects.filter(lesson=lesson, status=QuestionStatus.LIVE)
        .annotate(hand_first=Case(When(origin=QuestionOrigin.HAND, then=Value(0)), default=Value(1)))
        .order_by("hand_first", "position", "id")
    )


def check_source_url(question: CheckQuestion, lesson: Lesson) -> str:
    """Where the question's passage is: the lesson's link at its moment (timed material), else the lesson page."""
    if question.start_seconds is not None:
        return chapter_url(lesson.external_url, question.start_seconds, lesson.kind)
    return lesson.get_absolute_url()


@dataclass(frozen=True)
class QuestionView:
    question: CheckQuestion
    choices: list[CheckChoice]
    answer: CheckAnswer | None
    source_url: str

    @property
    def answered(self) -> bool:
        return self.answer is not None

    @property
    def right_first_time(self) -> bool:
        return self.answer is not None and self.answer.first_correct

    @property
    def last_choice_id(self) -> int | None:
        return self.answer.last_choice_id if self.answer else None

    @property
    def last_choice(self) -> CheckChoice | None:
        return next((choice for choice in self.choices if choice.pk == self.last_choice_id), None)

    @property
    def right_choices(self) -> list[CheckChoice]:
        return [choice for choice in self.choices if choice.is_correct]

    @property
    def timestamp(self) -> str:
        """ "1:17" for a passage at a moment of timed material, else ""."""
        seconds = self.question.start_seconds
        return timestamp_format(seconds) if seconds is not None else ""


def lesson_checks_for(*, user: Any, lesson: Lesson) -> list[QuestionView]:
    """The lesson's live questions with their choices and the learner's answers: 2 queries, 3 signed in."""
    questions = list(checks_live(lesson=lesson).prefetch_related("choices"))
    learner = signed_in_user(user)
    answers: dict[int, CheckAnswer] = {}
    if learner is not None and questions:
        answers = {
            answer.question_id: answer
            for answer in CheckAnswer.objects.filter(user=learner, question__in=[q.pk for q in questions])
        }
    return [
        QuestionView(
            question=question,
            choices=list(question.choices.all()),
            answer=answers.get(question.pk),
            source_url=check_source_url(question, lesson),
        )
        for question in questions
    ]


def lesson_checks_state(*, user: User, lesson: Lesson | int) -> LessonChecks:
    """How the learner stands on the lesson's live questions, in one query (gamification's completion reads it)."""
    # A LEFT JOIN to this learner's answer only (one per question at most), not to every learner's.
    row = (
        CheckQuestion.objects.filter(lesson=lesson, status=QuestionStatus.LIVE)
        .alias(mine=FilteredRelation("answers", condition=Q(answers__user=user)))
        .aggregate(
            questions=Count("pk"),
            answered=Count("mine"),
            right=Count("mine", filter=Q(mine__correct_at__isnull=False)),
            right_first_time=Count("mine", filter=Q(mine__first_correct=True)),
        )
    )
    return LessonChecks(
        questions=row["questions"],
        answered=row["answered"],
        right=row["right"],
        right_first_time=row["right_first_time"],
    )


def checks_right_first_time() -> QuerySet[CheckAnswer]:
    """Every answer that was right at the first try (the badge facts count a learner's)."""
    return CheckAnswer.objects.filter(first_correct=True)


def check_lesson_get(*, slug: str, user: Any) -> Lesson:
    """The lesson with this slug when the caller can see it (staff preview drafts); raises LessonNotFound."""
    try:
        return Lesson.objects.visible_to(user).get(slug=slug)
    except Lesson.DoesNotExist:
        raise LessonNotFound(slug) from None


def check_answerable_get(*, question_id: int, user: Any) -> CheckQuestion:
    """The live question with this id, with its lesson, when the caller can see the lesson; raises CheckNotFound."""
    question = (
        CheckQuestion.objects.filter(lessons_visible_to(user, through="lesson__"), pk=question_id)
        .filter(status=QuestionStatus.LIVE)
        .select_related("lesson")
        .first()
    )
    if question is None:
        raise CheckNotFound(f"No check question {question_id}.")
    return question


def checks_export_for(*, user: User) -> dict[str, object]:
    """The check-question part of the learner's data export: every answer, first and last, and when."""
    answers = (
        CheckAnswer.objects.filter(user=user)
        .select_related("question__lesson", "first_choice", "last_choice")
        .order_by("answered_at", "id")
    )
    return {
        "check_answers": [
            {
                "lesson": answer.question.lesson.slug,
                "question": answer.question.prompt,
                "first_answer": answer.first_choice.text if answer.first_choice else None,
                "first_correct": answer.first_correct,
                "last_answer": answer.last_choice.text if answer.last_choice else None,
                "correct_at": answer.correct_at.isoformat() if answer.correct_at else None,
                "attempts": answer.attempts,
                "answered_at": answer.answered_at.isoformat(),
            }
            for answer in answers
        ]
    }
