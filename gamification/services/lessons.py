"""Completing lessons and answering their check questions: the gate against click-farming, then the rewards.

A completion counts once per learner, and only when the lesson has been open long enough (a quarter of its
duration, one to ten minutes, measured on the server from the first time the signed-in learner had it open) or when
one of its check questions was answered right. It pays XP by the lesson's level, ⚡ for the first few lessons of the
learner's day, and a course reward when it finishes an enrolled course.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from gamification.exceptions import ChoiceNotInQuestion, CompletionTooSoon
from gamification.local_days import local_date
from gamification.models import CheckAnswer, CheckChoice, CheckQuestion, CourseCompletion, LessonCompletion
from gamification.references import (
    check_first_try_xp_key,
    course_reference,
    course_reward_key,
    lesson_reference,
    lesson_reward_key,
    lesson_xp_key,
)
from gamification.rewards import (
    CHECK_RIGHT_FIRST_TIME_XP,
    COURSE_REWARD_CREDITS,
    LESSON_REWARD_CREDITS,
    LESSON_REWARDS_PER_DAY,
    OPEN_LESSONS_MAX,
    check_gate_open,
    completion_wait_seconds,
    lesson_xp,
)
from gamification.selectors import course_lessons_done_in_their_own_time, courses_finished_by, lesson_opened_at
from gamification.services.badges import badges_award
from gamification.services.gains import Gains
from gamification.services.profiles import profile_locked
from gamification.services.rewards import reward_pay
from gamification.services.xp import xp_add
from gamification.streaks import streak_shown
from lessons.exceptions import LessonNotAvailable
from lessons.models import Lesson, LessonProgress
from lessons.services import lesson_open as lessons_lesson_open
from lessons.services import lesson_progress_complete


def lesson_open(*, user: User, lesson: Lesson, now: datetime | None = None) -> LessonProgress:
    """The learner has the lesson open in a page or an app: its completion clock starts (unless already running).

    Only this explicit event starts the clock; at most OPEN_LESSONS_MAX lessons are open at once (lessons.services)."""
    if not lesson.is_published:
        raise LessonNotAvailable(lesson.slug)
    return lessons_lesson_open(user=user, lesson=lesson, open_at_most=OPEN_LESSONS_MAX, now=now)


@dataclass
class CompletionResult:
    completion: LessonCompletion
    created: bool
    gains: Gains = field(default_factory=Gains)
    courses: list[CourseCompletion] = field(default_factory=list)

    @property
    def xp_awarded(self) -> int:
        return self.gains.xp if self.created else 0

    @property
    def credits_awarded(self) -> int:
        return self.gains.credits if self.created else 0


def _completion_route(*, user: User, lesson: Lesson, now: datetime) -> str:
    """How this completion earns its place (check questions, or time), or CompletionTooSoon saying how long to go."""
    questions = CheckQuestion.objects.filter(lesson=lesson).count()
    answers = CheckAnswer.objects.filter(user=user, question__lesson=lesson)
    answered, right_first_time = answers.count(), answers.filter(first_correct=True).count()
    if check_gate_open(questions=questions, right_first_time=right_first_time):
        return LessonCompletion.Via.CHECK
    opened_at = lesson_opened_at(user=user, lesson=lesson)
    needed = completion_wait_seconds(lesson.duration_seconds)
    if opened_at is None:
        # Completing never starts the clock: only opening the lesson does (the page does it; apps call "opened").
        raise CompletionTooSoon(
            lesson_title=lesson.title,
            seconds_left=needed,
            questions_can_help=check_gate_open(questions=questions, right_first_time=right_first_time + questions),
            not_open=True,
        )
    waited = (now - opened_at).total_seconds()
    if waited < needed:
        unanswered = questions - answered
        raise CompletionTooSoon(
            lesson_title=lesson.title,
            seconds_left=int(needed - waited + 0.999),
            questions_can_help=check_gate_open(questions=questions, right_first_time=right_first_time + unanswered),
        )
    return LessonCompletion.Via.TIME


def lesson_complete(*, user: User, lesson: Lesson, now: datetime | None = None) -> CompletionResult:
    """Mark the lesson done for the learner once and pay for it (CompletionTooSoon when it came too fast;
    lessons.exceptions.LessonNotAvailable for a draft). Completing it again returns the first completion."""
    now = now or timezone.now()
    if not lesson.is_published:
        raise LessonNotAvailable(lesson.slug)
    existing = LessonCompletion.objects.filter(user=user, lesson=lesson).first()
    if existing is not None:
        return _already_done(user=user, completion=existing, now=now)
    via = _completion_route(user=user, lesson=lesson, now=now)
    gains = Gains()
    with transaction.atomic():
        profile = profile_locked(user=user)
        existing = LessonCompletion.objects.filter(user=user, lesson=lesson).first()
        if existing is not None:  # a concurrent request completed it while this one waited for the lock
            return _already_done(user=user, completion=existing, now=now)
        progress, _ = lesson_progress_complete(user=user, lesson=lesson, at=now)
        day = local_date(now, user.time_zone_at(now))
        # Under the profile lock, so two completions at once cannot both take the day's last ⚡.
        paid_today = LessonCompletion.objects.filter(user=user, local_date=day, credits_awarded__gt=0).count()
        credits = LESSON_REWARD_CREDITS if paid_today < LESSON_REWARDS_PER_DAY else 0
        xp = lesson_xp(lesson.level)
        completion = LessonCompletion.objects.create(
            user=user,
            lesson=lesson,
            progress=progress,
            local_date=day,
            via=via,
            xp_awarded=xp,
            credits_awarded=credits,
        )
        xp_add(
            profile=profile,
            amount=xp,
            reason=f"Completed “{lesson.title}”",
            reference=lesson_reference(lesson),
            idempotency_key=lesson_xp_key(lesson_id=lesson.pk),
            now=now,
            gains=gains,
        )
        if credits:
            reward_pay(
                user=user,
                amount=credits,
                reason=f"Lesson completed: {lesson.title}",
                reference=lesson_reference(lesson),
                idempotency_key=lesson_reward_key(user_id=user.pk, lesson_id=lesson.pk),
                gains=gains,
                said="lesson completed",
            )
        courses = _courses_reward(user=user, lesson=lesson, now=now, gains=gains)
        gains.badges = badges_award(user=user, profile=profile, now=now)
    return CompletionResult(completion=completion, created=True, gains=gains, courses=courses)


def _already_done(*, user: User, completion: LessonCompletion, now: datetime) -> CompletionResult:
    gains = Gains()
    profile = user.learner_profile if hasattr(user, "learner_profile") else None
    if profile is not None:
        gains.streak = streak_shown(profile.streak_state, today=local_date(now, user.time_zone_at(now)))
    return CompletionResult(completion=completion, created=False, gains=gains)


def _courses_reward(*, user: User, lesson: Lesson, now: datetime, gains: Gains) -> list[CourseCompletion]:
    """Enrolled courses this lesson has just finished: record each once and pay the course reward."""
    finished = []
    for course in courses_finished_by(user=user, lesson=lesson):
        if not course_lessons_done_in_their_own_time(user=user, course=course):
            # Lessons opened side by side and completed together: no course completion, reward or badge for that.
            gains.notes.append(f"“{course.title}”: its lessons were done together, so the course reward is not due.")
            continue
        completion, created = CourseCompletion.objects.get_or_create(
            user=user, course=course, defaults={"completed_at": now, "credits_awarded": COURSE_REWARD_CREDITS}
        )
        if not created:
            continue
        reward_pay(
            user=user,
            amount=COURSE_REWARD_CREDITS,
            reason=f"Course completed: {course.title}",
            reference=course_reference(course.pk),
            idempotency_key=course_reward_key(user_id=user.pk, course_id=course.pk),
            gains=gains,
            said=f"course completed: {course.title}",
        )
        finished.append(completion)
    return finished


@dataclass
class CheckResult:
    question: CheckQuestion
    chosen: CheckChoice
    correct: bool
    first_try: bool
    gains: Gains = field(default_factory=Gains)


def check_answer(
    *, user: User, question: CheckQuestion, choice: CheckChoice, now: datetime | None = None
) -> CheckResult:
    """Record an answer to a check question; right at the first try earns bonus XP, once."""
    if choice.question_id != question.pk:
        raise ChoiceNotInQuestion("That answer belongs to another question.")
    now = now or timezone.now()
    gains = Gains()
    with transaction.atomic():
        profile = profile_locked(user=user)
        answer = CheckAnswer.objects.filter(user=user, question=question).first()
        first_try = answer is None
        if answer is None:
            CheckAnswer.objects.create(
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
            if choice.is_correct and answer.correct_at is None:
                answer.correct_at = now
            answer.save(update_fields=["attempts", "last_choice", "correct_at"])
        if first_try and choice.is_correct:
            xp_add(
                profile=profile,
                amount=CHECK_RIGHT_FIRST_TIME_XP,
                reason="Check question right at the first try",
                reference=f"check:{question.pk}",
                idempotency_key=check_first_try_xp_key(question_id=question.pk),
                now=now,
                gains=gains,
            )
            gains.badges = badges_award(user=user, profile=profile, now=now)
    return CheckResult(question=question, chosen=choice, correct=choice.is_correct, first_try=first_try, gains=gains)
