"""Completing a lesson: when it was opened, which courses it finishes, and the completion block's state."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Exists, F, OuterRef, QuerySet
from django.utils import timezone

from accounts.models import User
from accounts.selectors import signed_in_user
from gamification.lesson_checks import LessonChecks, completion_part_templates, lesson_checks
from gamification.local_days import local_date
from gamification.models import DailyActivity, LessonCompletion
from gamification.rewards import (
    DAILY_GOAL_DEFAULT,
    LESSON_REWARD_CREDITS,
    LESSON_REWARDS_PER_DAY,
    completion_wait_seconds,
    lesson_xp,
    lesson_xp_for_checks,
)
from gamification.selectors.facts import _count_by, profile_for
from gamification.streaks import streak_shown
from lessons.models import Course, CourseLesson, Enrollment, Lesson, LessonProgress, LessonStatus


def lesson_opened_at(*, user: User, lesson: Lesson) -> datetime | None:
    """When the lesson's clock started: the learner's page or app said it was opened (an explicit "opened" event),
    and it has stayed among their open lessons since. None when it is not open."""
    return (
        LessonProgress.objects.filter(user=user, lesson=lesson, opened_at__isnull=False)
        .values_list("opened_at", flat=True)
        .first()
    )


def course_lessons_done_in_their_own_time(*, user: User, course: Course) -> bool:
    """Whether the course's lessons completed by time each had their own wait: between the first and the last such
    completion there was room for every later lesson's wait, one after the other. Lessons opened side by side and
    completed together do not pass; lessons passed by their check question do not count here."""
    rows = list(
        LessonCompletion.objects.filter(
            user=user,
            via=LessonCompletion.Via.TIME,
            lesson__in=CourseLesson.objects.filter(course=course).values("lesson"),
        )
        .order_by("progress__completed_at")
        .values_list("progress__completed_at", "lesson__duration_seconds")
    )
    first, last = rows[0][0] if rows else None, rows[-1][0] if rows else None
    if len(rows) < 2 or first is None or last is None:  # a completion always has its progress's time
        return True
    later_waits = sum(completion_wait_seconds(duration) for _, duration in rows[1:])
    return (last - first).total_seconds() >= later_waits


def courses_finished_by(*, user: User, lesson: Lesson) -> QuerySet[Course]:
    """Courses the learner is enrolled in that hold this lesson and whose every published lesson they completed."""
    in_course = CourseLesson.objects.filter(course=OuterRef("pk"), lesson__status=LessonStatus.PUBLISHED)
    done = in_course.filter(lesson__in=LessonCompletion.objects.filter(user=user).values("lesson"))
    return (
        Course.objects.filter(course_lessons__lesson=lesson)
        .filter(Exists(Enrollment.objects.filter(user=user, course=OuterRef("pk"))))
        .annotate(total=_count_by(in_course, "course"), done=_count_by(done, "course"))
        .filter(total__gt=0, done__gte=F("total"))
        .distinct()
    )


@dataclass(frozen=True)
class CompletionPanel:
    """The lesson page's block: the check questions (practice's part, `parts`), the “Mark as done” button and what
    completing pays."""

    lesson: Lesson
    signed_in: bool
    checks: LessonChecks
    parts: list[str]
    completion: LessonCompletion | None = None
    opened_at: datetime | None = None
    wait_seconds: int = 0
    xp_on_offer: int = 0
    credits_on_offer: int = 0
    seconds_left: int = 0
    streak: int = 0
    today_xp: int = 0
    daily_goal: int = DAILY_GOAL_DEFAULT
    error: str = ""

    @property
    def done(self) -> bool:
        return self.completion is not None

    @property
    def has_checks(self) -> bool:
        return self.checks.questions > 0

    @property
    def ready(self) -> bool:
        if self.has_checks:
            return self.checks.passed
        return self.opened_at is not None and self.seconds_left == 0

    @property
    def complete_after(self) -> datetime | None:
        return self.opened_at + timedelta(seconds=self.wait_seconds) if self.opened_at else None


def completion_panel_for(*, user: Any, lesson: Lesson, now: datetime | None = None, error: str = "") -> CompletionPanel:
    """Everything the block shows but the questions themselves (the part practice renders): no query for visitors,
    at most 7 for a learner."""
    now = now or timezone.now()
    learner = signed_in_user(user)
    parts = completion_part_templates()
    if learner is None:
        return CompletionPanel(
            lesson=lesson, signed_in=False, checks=LessonChecks(), parts=parts, xp_on_offer=lesson_xp(lesson.level)
        )
    checks = lesson_checks(user=learner, lesson=lesson)
    completion = LessonCompletion.objects.filter(user=learner, lesson=lesson).select_related("progress").first()
    profile = profile_for(user=learner)
    today = local_date(now, learner.time_zone_at(now))
    streak = streak_shown(profile.streak_state, today=today)
    if completion is not None:
        today_xp = DailyActivity.objects.filter(user=learner, day=today).values_list("xp", flat=True).first() or 0
        return CompletionPanel(
            lesson=lesson,
            signed_in=True,
            checks=checks,
            parts=parts,
            completion=completion,
            streak=streak,
            today_xp=today_xp,
            daily_goal=profile.daily_goal,
            error=error,
        )
    opened_at = lesson_opened_at(user=learner, lesson=lesson)
    wait = completion_wait_seconds(lesson.duration_seconds)
    waited = (now - opened_at).total_seconds() if opened_at else 0
    paid_today = LessonCompletion.objects.filter(user=learner, local_date=today, credits_awarded__gt=0).count()
    return CompletionPanel(
        lesson=lesson,
        signed_in=True,
        checks=checks,
        parts=parts,
        opened_at=opened_at,
        wait_seconds=wait,
        seconds_left=max(0, int(wait - waited + 0.999)) if opened_at else wait,
        xp_on_offer=lesson_xp_for_checks(
            lesson.level,
            questions=checks.questions,
            right_first_time=checks.right_first_time + checks.questions - checks.answered,
        ),
        credits_on_offer=LESSON_REWARD_CREDITS if paid_today < LESSON_REWARDS_PER_DAY else 0,
        streak=streak,
        daily_goal=profile.daily_goal,
        error=error,
    )
