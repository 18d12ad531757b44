"""Completing lessons, and the XP a check question right at the first try earns: the gate, then the rewards.

A completion counts once per learner. A lesson with live check questions (practice's, read through
gamification/lesson_checks.py) completes when the learner has answered them all right, at the first try or later;
a lesson without completes when it has been open long enough (a quarter of its duration, one to ten minutes,
measured on the server from the first time the signed-in learner had it open). It pays XP by the lesson's level
(scaled by the first tries when it has questions), ⚡ for the first few lessons of the learner's day, and a course
reward when it finishes an enrolled course.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from gamification.exceptions import ChecksLeft, CompletionTooSoon
from gamification.lesson_checks import LessonChecks, lesson_checks
from gamification.local_days import local_date
from gamification.models import CourseCompletion, LessonCompletion
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
    completion_wait_seconds,
    lesson_xp_for_checks,
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


def _completion_route(*, user: User, lesson: Lesson, checks: LessonChecks, now: datetime) -> str:
    """How this completion earns its place (check questions, or time), or the error saying what is still to do."""
    if checks.questions:
        if checks.passed:
            return LessonCompletion.Via.CHECK
        raise ChecksLeft(lesson_title=lesson.title, questions=checks.questions, left=checks.left)
    opened_at = lesson_opened_at(user=user, lesson=lesson)
    needed = completion_wait_seconds(lesson.duration_seconds)
    if opened_at is None:
        # Completing never starts the clock: only opening the lesson does (the page does it; apps call "opened").
        raise CompletionTooSoon(lesson_title=lesson.title, seconds_left=needed, not_open=True)
    waited = (now - opened_at).total_seconds()
    if waited < needed:
        raise CompletionTooSoon(lesson_title=lesson.title, seconds_left=int(needed - waited + 0.999))
    return LessonCompletion.Via.TIME


def lesson_complete(*, user: User, lesson: Lesson, now: datetime | None = None) -> CompletionResult:
    """Mark the lesson done for the learner once and pay for it (ChecksLeft while its check questions are not all
    answered right, CompletionTooSoon when a lesson without came too fast; lessons.exceptions.LessonNotAvailable for
    a draft). Completing it again returns the first completion."""
    now = now or timezone.now()
    if not lesson.is_published:
        raise LessonNotAvailable(lesson.slug)
    existing = LessonCompletion.objects.filter(user=user, lesson=lesson).first()
    if existing is not None:
        return _already_done(user=user, completion=existing, now=now)
    checks = lesson_checks(user=user, lesson=lesson)
    via = _completion_route(user=user, lesson=lesson, checks=checks, now=now)
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
        xp = lesson_xp_for_checks(lesson.level, questions=checks.questions, right_first_time=checks.right_first_time)
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


def check_right_first_time_reward(*, user: User, question_id: int, now: datetime | None = None) -> Gains:
    """A check question answered right at the first try earns CHECK_RIGHT_FIRST_TIME_XP, once per question (its key),
    and may earn a badge. Practice calls it in the transaction that records the answer."""
    now = now or timezone.now()
    gains = Gains()
    with transaction.atomic():
        profile = profile_locked(user=user)
        if xp_add(
            profile=profile,
            amount=CHECK_RIGHT_FIRST_TIME_XP,
            reason="Check question right at the first try",
            reference=f"check:{question_id}",
            idempotency_key=check_first_try_xp_key(question_id=question_id),
            now=now,
            gains=gains,
        ):
            gains.badges = badges_award(user=user, profile=profile, now=now)
    return gains
