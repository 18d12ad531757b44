"""Completing a lesson: when it was opened, which courses it finishes, and the completion block's state."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Exists, F, OuterRef, QuerySet
from django.utils import timezone

from accounts.models import User
from accounts.selectors import signed_in_user
from gamification.local_days import local_date
from gamification.models import (
    CheckAnswer,
    CheckChoice,
    CheckQuestion,
    DailyActivity,
    LessonCompletion,
)
from gamification.rewards import (
    DAILY_GOAL_DEFAULT,
    LESSON_REWARD_CREDITS,
    LESSON_REWARDS_PER_DAY,
    check_gate_open,
    completion_wait_seconds,
    lesson_xp,
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
class QuestionView:
    question: CheckQuestion
    choices: list[CheckChoice]
    answer: CheckAnswer | None

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


@dataclass(frozen=True)
class CompletionPanel:
    """The lesson page's block: check questions, the “Mark as done” button and what completing pays."""

    lesson: Lesson
    signed_in: bool
    questions: list[QuestionView]
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
    def checks_passed(self) -> bool:
        right = sum(1 for question in self.questions if question.right_first_time)
        return check_gate_open(questions=len(self.questions), right_first_time=right)

    @property
    def questions_can_help(self) -> bool:
        """Whether answering the questions still left could open the gate (first tries only)."""
        open_chances = sum(1 for q in self.questions if q.right_first_time or not q.answered)
        return check_gate_open(questions=len(self.questions), right_first_time=open_chances)

    @property
    def ready(self) -> bool:
        return self.checks_passed or (self.opened_at is not None and self.seconds_left == 0)

    @property
    def complete_after(self) -> datetime | None:
        return self.opened_at + timedelta(seconds=self.wait_seconds) if self.opened_at else None


def completion_panel_for(*, user: Any, lesson: Lesson, now: datetime | None = None, error: str = "") -> CompletionPanel:
    """Everything the block shows, in 2 queries for visitors and at most 8 for a learner."""
    now = now or timezone.now()
    questions = list(CheckQuestion.objects.filter(lesson=lesson).prefetch_related("choices"))
    learner = signed_in_user(user)
    if learner is None:
        return CompletionPanel(
            lesson=lesson,
            signed_in=False,
            questions=[QuestionView(q, list(q.choices.all()), None) for q in questions],
            xp_on_offer=lesson_xp(lesson.level),
        )
    answers = {a.question_id: a for a in CheckAnswer.objects.filter(user=learner, question__lesson=lesson)}
    views = [QuestionView(q, list(q.choices.all()), answers.get(q.pk)) for q in questions]
    completion = LessonCompletion.objects.filter(user=learner, lesson=lesson).select_related("progress").first()
    profile = profile_for(user=learner)
    today = local_date(now, learner.time_zone_at(now))
    streak = streak_shown(profile.streak_state, today=today)
    if completion is not None:
        today_xp = DailyActivity.objects.filter(user=learner, day=today).values_list("xp", flat=True).first() or 0
        return CompletionPanel(
            lesson=lesson,
            signed_in=True,
            questions=views,
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
        questions=views,
        opened_at=opened_at,
        wait_seconds=wait,
        seconds_left=max(0, int(wait - waited + 0.999)) if opened_at else wait,
        xp_on_offer=lesson_xp(lesson.level),
        credits_on_offer=LESSON_REWARD_CREDITS if paid_today < LESSON_REWARDS_PER_DAY else 0,
        streak=streak,
        daily_goal=profile.daily_goal,
        error=error,
    )
