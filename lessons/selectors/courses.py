"""Courses with the learner's progress, a course's page, the learner's courses and the home page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce

from accounts.models import User
from accounts.selectors import signed_in_user
from lessons.exceptions import CourseNotFound
from lessons.models import (
    Course,
    CourseLesson,
    Enrollment,
    Lesson,
    LessonProgress,
    LessonStatus,
    lessons_visible_to,
)
from lessons.selectors.cards import CARD_DEFERRED, LessonCard, _card, _marks, lesson_cards_queryset
from lessons.selectors.lesson_page import _row_card

HOME_NEW_LESSONS = 6


@dataclass(frozen=True)
class CourseProgress:
    course: Course
    total: int
    completed: int
    enrolled: bool
    resume_slug: str | None  # the first lesson not completed, in course order; None when all are done

    @property
    def percent(self) -> int:
        return round(100 * self.completed / self.total) if self.total else 0

    @property
    def finished(self) -> bool:
        return self.total > 0 and self.completed >= self.total


@dataclass(frozen=True)
class CourseItem:
    position: int
    card: LessonCard


@dataclass(frozen=True)
class CourseDetail:
    progress: CourseProgress
    items: list[CourseItem]

    @property
    def course(self) -> Course:
        return self.progress.course


@dataclass(frozen=True)
class Home:
    continue_learning: list[CourseProgress]
    courses: list[CourseProgress]
    new_lessons: list[LessonCard]


def _course_progress_annotations(user: User | None) -> dict[str, Any]:
    rows = CourseLesson.objects.filter(course=OuterRef("pk"), lesson__status=LessonStatus.PUBLISHED)
    total = rows.order_by().values("course").annotate(n=Count("pk")).values("n")
    annotations: dict[str, Any] = {"lesson_total": Coalesce(Subquery(total, output_field=IntegerField()), 0)}
    if user is None:
        first = rows.order_by("position", "id").values("lesson__slug")[:1]
        annotations |= {
            "lesson_completed": Value(0),
            "is_enrolled": Value(False),
            "resume_slug": Subquery(first),
        }
        return annotations
    completed_progress = LessonProgress.objects.filter(user=user, lesson=OuterRef("lesson"), completed_at__isnull=False)
    completed = rows.filter(Exists(completed_progress)).order_by().values("course").annotate(n=Count("pk")).values("n")
    unfinished = rows.exclude(Exists(completed_progress)).order_by("position", "id").values("lesson__slug")[:1]
    annotations |= {
        "lesson_completed": Coalesce(Subquery(completed, output_field=IntegerField()), 0),
        "is_enrolled": Exists(Enrollment.objects.filter(user=user, course=OuterRef("pk"))),
        "resume_slug": Subquery(unfinished),
    }
    return annotations


def _course_progress(course: Course) -> CourseProgress:
    return CourseProgress(
        course=course,
        total=getattr(course, "lesson_total", 0),
        completed=getattr(course, "lesson_completed", 0),
        enrolled=bool(getattr(course, "is_enrolled", False)),
        resume_slug=getattr(course, "resume_slug", None),
    )


def courses_list(*, user: Any) -> list[CourseProgress]:
    """Every course with its size and, for a signed-in learner, their progress (one query)."""
    learner = signed_in_user(user)
    return [_course_progress(course) for course in Course.objects.annotate(**_course_progress_annotations(learner))]


def my_courses_list(*, user: User) -> list[CourseProgress]:
    """The courses ``user`` enrolled in, latest enrolment first (one query)."""
    enrolled_at = Enrollment.objects.filter(user=user, course=OuterRef("pk")).values("created")[:1]
    courses = (
        Course.objects.annotate(enrolled_at=Subquery(enrolled_at), **_course_progress_annotations(user))
        .filter(enrolled_at__isnull=False)
        .order_by("-enrolled_at", "pk")
    )
    return [_course_progress(course) for course in courses]


def course_detail_get(*, slug: str, user: Any) -> CourseDetail:
    """A course with its lessons in order and the learner's progress (two queries); raises CourseNotFound."""
    learner = signed_in_user(user)
    try:
        course = Course.objects.annotate(**_course_progress_annotations(learner)).get(slug=slug)
    except Course.DoesNotExist:
        raise CourseNotFound(slug) from None
    rows = (
        CourseLesson.objects.filter(lessons_visible_to(user, through="lesson__"), course=course)
        .select_related("lesson__source", "lesson__category")
        .defer(*(f"lesson__{name}" for name in CARD_DEFERRED))
        .annotate(**{f"lesson_{name}": value for name, value in _marks(learner, "lesson").items()})
        .order_by("position", "id")
    )
    items = [CourseItem(position=number, card=_row_card(row, "lesson")) for number, row in enumerate(rows, start=1)]
    return CourseDetail(progress=_course_progress(course), items=items)


def course_get(*, slug: str) -> Course:
    try:
        return Course.objects.get(slug=slug)
    except Course.DoesNotExist:
        raise CourseNotFound(slug) from None


def home_get(*, user: Any) -> Home:
    """The home page: courses the learner follows, every course, and the newest lessons (two queries)."""
    courses = courses_list(user=user)
    newest = lesson_cards_queryset(user=user).filter(status=LessonStatus.PUBLISHED)[:HOME_NEW_LESSONS]
    new_lessons = [_card(lesson) for lesson in newest]
    return Home(
        continue_learning=[progress for progress in courses if progress.enrolled],
        courses=courses,
        new_lessons=new_lessons,
    )


def lessons_in_progress_for(*, user: User, limit: int = 6) -> list[Lesson]:
    """Published lessons the learner opened or started and has not completed, most recent first (one query): /me/'s
    "where was I"."""
    progress = (
        LessonProgress.objects.filter(user=user, completed_at__isnull=True, lesson__status=LessonStatus.PUBLISHED)
        .filter(Q(started_at__isnull=False) | Q(opened_at__isnull=False))
        .select_related("lesson")
        .only("lesson__slug", "lesson__title", "started_at", "opened_at")
        .order_by(F("opened_at").desc(nulls_last=True), F("started_at").desc(nulls_last=True), "-id")[:limit]
    )
    return [row.lesson for row in progress]
