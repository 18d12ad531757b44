"""Check questions: adding them (hand-written, or generated and stored by practice/generation), a curator's
approve and drop, and the learner's answer with everything it moves.

Answering records the learner's answer, makes their review card on the first answer (practice/services/cards.py),
pays the first-try bonus through gamification's service, and completes the lesson once every live question is
answered right: at the first try, or later once the question's card has come due (after a wrong answer the
scheduler brings it back within minutes; picking the shown right answer at once proves nothing). A review of the
card (the review page) counts the same way through `check_review_record`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from gamification.services import (
    CompletionResult,
    Gains,
    check_right_first_time_reward,
    lesson_complete,
    profile_locked,
)
from lessons.models import Lesson, LessonProgress
from practice.check_exceptions import ChoiceNotInQuestion
from practice.models import (
    CheckAnswer,
    CheckChoice,
    CheckQuestion,
    QuestionKind,
    QuestionOrigin,
    QuestionStatus,
    ReviewCard,
)
from practice.selectors.checks import lesson_checks_state
from practice.services.cards import check_card_record


@dataclass(frozen=True)
class ChoiceText:
    text: str
    correct: bool = False
    explanation: str = ""


def check_status_for_new(*, origin: str) -> str:
    """The status a new question starts with: a curator's is live; a generated one is live at once when
    CHECKS_LIVE_AT_ONCE is on, else a draft that waits for a curator in the admin."""
    if origin == QuestionOrigin.HAND or settings.CHECKS_LIVE_AT_ONCE:
        return QuestionStatus.LIVE
    return QuestionStatus.DRAFT


def check_question_add(
    *,
    lesson: Lesson,
    prompt: str,
    position: int,
    choices: Sequence[ChoiceText],
    origin: str = QuestionOrigin.HAND,
    kind: str = QuestionKind.CHOICE,
    passage: str = "",
    start_seconds: int | None = None,
    explanation: str = "",
    material_digest: str = "",
) -> bool:
    """Add the question (keyed by lesson and prompt) with its choices, unless it is there; returns whether it added.
    Its status follows `check_status_for_new`: live for a curator's, CHECKS_LIVE_AT_ONCE for a generated one."""
    with transaction.atomic():
        question, created = CheckQuestion.objects.get_or_create(
            lesson=lesson,
            prompt=prompt,
            defaults={
                "position": position,
                "origin": origin,
                "kind": kind,
                "status": check_status_for_new(origin=origin),
                "passage": passage,
                "start_seconds": start_seconds,
                "explanation": explanation,
                "material_digest": material_digest,
            },
        )
        if created:
            check_choices_store(question=question, choices=choices)
    return created


def check_choices_store(*, question: CheckQuestion, choices: Iterable[ChoiceText]) -> None:
    """Write a new question's choices, in the order given (positions 1, 2, …): a curator's and a generator's alike."""
    CheckChoice.objects.bulk_create(
        CheckChoice(
            question=question,
            text=choice.text,
            is_correct=choice.correct,
            explanation=choice.explanation,
            position=number,
        )
        for number, choice in enumerate(choices, start=1)
    )


def check_questions_status_set(*, questions: Iterable[CheckQuestion] | Iterable[int], status: str) -> int:
    """A curator approves (live) or drops questions; returns how many changed. Learners' answers stay."""
    if status not in QuestionStatus.values:
        raise ValueError(f"No question status {status!r}.")
    ids = [question if isinstance(question, int) else question.pk for question in questions]
    with transaction.atomic():
        return CheckQuestion.objects.filter(pk__in=ids).exclude(status=status).update(status=status)


@dataclass
class CheckAnswerResult:
    question: CheckQuestion
    chosen: CheckChoice
    correct: bool
    first_try: bool
    counted: bool  # a right answer that counts towards completing the lesson (first try, or the card was due)
    card: ReviewCard
    lesson_completed: bool  # the lesson is completed, by this answer or before
    gains: Gains = field(default_factory=Gains)
    completion: CompletionResult | None = None

    @property
    def xp_awarded(self) -> int:
        return self.gains.xp


def _lesson_complete_if_passed(*, user: User, lesson: Lesson, now: datetime, gains: Gains) -> CompletionResult | None:
    """Complete the lesson when every live question is answered right (once; a second time returns the first)."""
    if not lesson.is_published or not lesson_checks_state(user=user, lesson=lesson).passed:
        return None
    result = lesson_complete(user=user, lesson=lesson, now=now)
    if result.created:
        gains.absorb(result.gains)
    return result


def check_answer(
    *,
    user: User,
    question: CheckQuestion,
    choice: CheckChoice,
    seconds: float | None = None,
    now: datetime | None = None,
) -> CheckAnswerResult:
    """Record the learner's answer (ChoiceNotInQuestion for another question's choice). The first answer makes the
    review card and, when right, earns the first-try bonus once; the answer that makes every live question right
    completes the lesson. `seconds`, when known, is how long the learner took (it grades the card)."""
    if choice.question_id != question.pk:
        raise ChoiceNotInQuestion("That answer belongs to another question.")
    now = now or timezone.now()
    lesson = question.lesson
    gains = Gains()
    with transaction.atomic():
        profile_locked(user=user)  # one learner's answers and awards, one at a time
        answer = CheckAnswer.objects.filter(user=user, question=question).first()
        first_try = answer is None
        card = check_card_record(user=user, question=question, correct=choice.is_correct, seconds=seconds, now=now)
        counted = choice.is_correct and (first_try or card.due <= now)
        if answer is None:
            answer = CheckAnswer.objects.create(
                user=user,
                question=question,
                first_choice=choice,
                first_correct=choice.is_correct,
                last_choice=choice,
                correct_at=now if choice.is_correct else None,
                answered_at=now,
            )
        else:
            answer.attempts += 1
            answer.last_choice = choice
            if counted and answer.correct_at is None:
                answer.correct_at = now
            answer.save(update_fields=["attempts", "last_choice", "correct_at"])
        if first_try and choice.is_correct:
            gains.absorb(check_right_first_time_reward(user=user, question_id=question.pk, now=now))
        completion = _lesson_complete_if_passed(user=user, lesson=lesson, now=now, gains=gains) if counted else None
        done = completion is not None or _lesson_done(user=user, lesson=lesson)
    return CheckAnswerResult(
        question=question,
        chosen=choice,
        correct=choice.is_correct,
        first_try=first_try,
        counted=counted,
        card=card,
        lesson_completed=done,
        gains=gains,
        completion=completion,
    )


def _lesson_done(*, user: User, lesson: Lesson) -> bool:
    return LessonProgress.objects.filter(user=user, lesson=lesson, completed_at__isnull=False).exists()


def check_review_record(
    *, user: User, question: CheckQuestion, correct: bool, now: datetime | None = None
) -> CompletionResult | None:
    """A review of the question's card was answered (the review services call this with the card scheduled): a right
    answer counts as the question answered right, and may complete the lesson. Awards nothing else by itself."""
    now = now or timezone.now()
    if not correct:
        return None
    with transaction.atomic():
        profile_locked(user=user)
        answer = CheckAnswer.objects.filter(user=user, question=question).first()
        if answer is None or answer.correct_at is not None:
            return None
        answer.correct_at = now
        answer.save(update_fields=["correct_at"])
        return _lesson_complete_if_passed(user=user, lesson=question.lesson, now=now, gains=Gains())
