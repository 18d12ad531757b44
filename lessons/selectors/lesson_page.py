"""The lesson page (shared by the site and the API) and lesson look-ups by id or slug.

A fixed number of queries whatever the number of chapters or related lessons (tests/lessons/test_query_budgets.py):
related lessons come in one prefetch, marks as EXISTS annotations."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import (
    DateTimeField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
)

from accounts.models import User
from accounts.selectors import signed_in_user
from lessons.chapters import chapter_url, timestamp_format, title_cut_off
from lessons.exceptions import LessonNotFound
from lessons.models import (
    Course,
    CourseLesson,
    Enrollment,
    Lesson,
    LessonProgress,
    RelatedLesson,
    lessons_visible_to,
)
from lessons.selectors.cards import CARD_DEFERRED, LessonCard, _card, _marks

RELATED_SHOWN = 4


@dataclass(frozen=True)
class ChapterLink:
    start_seconds: int
    title: str
    timestamp: str  # "1:17"
    url: str  # into the video at its time where the platform allows it
    truncated: bool = False


@dataclass(frozen=True)
class UpNext:
    card: LessonCard
    reason: str
    course: Course | None = None  # set when it is the next lesson of the course the learner follows


@dataclass(frozen=True)
class LessonDetail:
    """Everything the lesson page and GET /api/v1/lessons/{slug} show. Other apps (the tutor) extend it by
    wrapping it, not by querying the lesson again."""

    card: LessonCard
    chapters: list[ChapterLink]
    related: list[LessonCard]
    up_next: UpNext | None
    course: Course | None  # the course the learner follows through this lesson, if any
    course_position: int | None = None  # 1-based place of the lesson in that course
    course_length: int | None = None

    @property
    def lesson(self) -> Lesson:
        return self.card.lesson

    @property
    def link_label(self) -> str:
        return self.lesson.link_label


def lesson_detail_get(*, slug: str, user: Any, course_slug: str | None = None, preview: bool = False) -> LessonDetail:
    """The lesson page's content for ``user`` (anonymous allowed); raises LessonNotFound. With ``preview`` (the
    page) staff open a lesson of any status; without it (the API) the lesson must be one ``user`` may see.

    "Up next" is the next lesson of the course the learner follows through this lesson (``course_slug`` when the
    lesson is in it, else the learner's latest enrolment that holds it), else the curated up-next lesson, else the
    first related lesson. Queries: the lesson (+ up next), its chapters, its related lessons, and, for a signed-in
    learner or a ``course_slug``, the course's lessons.
    """
    learner = signed_in_user(user)
    up_next_marks = {f"up_next_{name}": value for name, value in _marks(learner, "up_next").items()}
    related_rows = (
        RelatedLesson.objects.filter(lessons_visible_to(user, through="related__"))
        .select_related("related__source", "related__category")
        .defer(*(f"related__{name}" for name in CARD_DEFERRED))
        .annotate(**{f"related_{name}": value for name, value in _marks(learner, "related").items()})
        .order_by("-curated", "position", "-score", "id")
    )
    try:
        lesson = (
            (Lesson.objects.previewable_by(user) if preview else Lesson.objects.visible_to(user))
            .select_related("source", "category", "up_next__source", "up_next__category")
            .defer("transcript", "material", *(f"up_next__{name}" for name in CARD_DEFERRED))
            .annotate(**_marks(learner, "pk"), **up_next_marks)
            .prefetch_related("chapters", Prefetch("related_links", queryset=related_rows, to_attr="related_rows"))
            .get(slug=slug)
        )
    except Lesson.DoesNotExist:
        raise LessonNotFound(slug) from None

    chapters = [
        ChapterLink(
            start_seconds=chapter.start_seconds,
            title=chapter.title,
            timestamp=timestamp_format(chapter.start_seconds),
            url=chapter_url(lesson.external_url, chapter.start_seconds, lesson.kind),
        )
        for chapter in lesson.chapters.all()
    ]
    if chapters and title_cut_off(lesson.description, chapters[-1].title):
        chapters[-1] = dataclasses.replace(chapters[-1], truncated=True)

    related: list[LessonCard] = []
    seen = {lesson.pk}
    for row in getattr(lesson, "related_rows", []):
        if row.related_id in seen:
            continue  # a pair both curated and computed (until the next recompute) shows once, as curated
        seen.add(row.related_id)
        related.append(_row_card(row, "related"))
        if len(related) == RELATED_SHOWN:
            break

    course, position, length, course_next = course_followed_get(lesson=lesson, user=user, course_slug=course_slug)
    up_next: UpNext | None = None
    if course is not None and course_next is not None:
        up_next = course_up_next(course=course, position=position, length=length, card=course_next)
    elif lesson.up_next is not None and (lesson.up_next.is_published or getattr(user, "is_staff", False)):
        up_next = UpNext(
            card=_card(lesson.up_next, prefix="up_next_"),
            reason=lesson.up_next_reason or "Picked by our curators to follow this lesson.",
        )
    elif related:
        up_next = UpNext(card=related[0], reason="The closest related lesson to this one.")

    return LessonDetail(
        card=_card(lesson),
        chapters=chapters,
        related=related,
        up_next=up_next,
        course=course,
        course_position=position,
        course_length=length,
    )


def course_up_next(*, course: Course, position: int | None, length: int | None, card: LessonCard) -> UpNext:
    """ "Up next" when the learner follows a course through the lesson: the course's next lesson."""
    return UpNext(
        card=card, reason=f"Next in “{course.title}”: lesson {(position or 0) + 1} of {length}.", course=course
    )


def _row_card(row: Any, field: str) -> LessonCard:
    """The card of the lesson a row points at (``row.<field>``), with the marks annotated on the row as
    ``<field>_is_started`` / ``<field>_is_completed`` by ``_marks(user, field)``."""
    return LessonCard(
        lesson=getattr(row, field),
        started=bool(getattr(row, f"{field}_is_started", False)),
        completed=bool(getattr(row, f"{field}_is_completed", False)),
    )


def course_followed_get(
    *, lesson: Lesson, user: Any, course_slug: str | None, enrolled_course_ids: Sequence[int] | None = None
) -> tuple[Course | None, int | None, int | None, LessonCard | None]:
    """(course, 1-based position of ``lesson``, number of lessons, next lesson's card) for the course the learner
    follows through this lesson; all None when there is none. One query; none for a visitor without a course, nor
    when ``enrolled_course_ids`` (from `learner_parts_get`) says the learner is in no course holding the lesson."""
    learner = signed_in_user(user)
    if learner is None and not course_slug:
        return None, None, None, None
    if enrolled_course_ids is not None and not enrolled_course_ids and not course_slug:
        return None, None, None, None
    containing = Q(course__course_lessons__lesson=lesson)
    chosen = Q(course__slug=course_slug) if course_slug else Q(course__enrollments__user=learner)
    if course_slug and learner is not None:
        chosen |= Q(course__enrollments__user=learner)
    course_ids = CourseLesson.objects.filter(containing & chosen).values("course_id")
    enrolled_at = Enrollment.objects.filter(user=learner, course=OuterRef("course")).values("created")[:1]
    # The lesson itself is always in (a staff preview of a draft); its neighbours only when the user may see them.
    rows_visible = Q(lesson=lesson) | lessons_visible_to(user, through="lesson__")
    rows = list(
        CourseLesson.objects.filter(course_id__in=course_ids)
        .filter(rows_visible)
        .select_related("course", "lesson__source", "lesson__category")
        .defer(*(f"lesson__{name}" for name in CARD_DEFERRED))
        .annotate(
            enrolled_at=Subquery(enrolled_at) if learner is not None else Value(None, output_field=DateTimeField()),
            **{f"lesson_{name}": value for name, value in _marks(learner, "lesson").items()},
        )
        .order_by("course_id", "position", "id")
    )
    if not rows:
        return None, None, None, None
    by_course: dict[int, list[CourseLesson]] = {}
    for row in rows:
        by_course.setdefault(row.course_id, []).append(row)

    def preference(course_rows: list[CourseLesson]) -> tuple[int, str]:
        first = course_rows[0]
        named = 1 if course_slug and first.course.slug == course_slug else 0
        enrolled = getattr(first, "enrolled_at", None)
        return named, enrolled.isoformat() if enrolled else ""

    course_rows = max(by_course.values(), key=preference)
    index = next(index for index, row in enumerate(course_rows) if row.lesson_id == lesson.pk)
    following = course_rows[index + 1] if index + 1 < len(course_rows) else None
    next_card = _row_card(following, "lesson") if following is not None else None
    return course_rows[0].course, index + 1, len(course_rows), next_card


@dataclass(frozen=True)
class LearnerParts:
    """What the lesson page shows of one learner besides the tutor: their marks, and the courses they are enrolled in
    that hold this lesson."""

    marks: dict[int, tuple[bool, bool]]  # lesson id: (started, completed), for lessons they have progress on
    enrolled_course_ids: tuple[int, ...]


def learner_parts_get(*, user: User, lesson: Lesson, lesson_ids: Iterable[int]) -> LearnerParts:
    """The learner's marks on ``lesson_ids`` and their enrolled courses holding ``lesson``: one query.

    Every signed-in view of a lesson runs it, so it is written as SQL: the same UNION through the ORM cost 1.1 ms of
    Python to build against 0.1 ms to run (docs/performance.md). The SQL is plain enough for SQLite and PostgreSQL,
    and the table and column names come from the models.
    """
    ids = [int(pk) for pk in lesson_ids]
    progress, course_lesson, enrollment = (model._meta.db_table for model in (LessonProgress, CourseLesson, Enrollment))
    in_list = ", ".join(["%s"] * len(ids)) or "NULL"
    sql = (
        f"SELECT 'mark', p.lesson_id, p.started_at, p.completed_at FROM {progress} p "  # noqa: S608 - names from _meta
        f"WHERE p.user_id = %s AND p.lesson_id IN ({in_list}) "
        f"UNION ALL SELECT 'course', c.course_id, NULL, NULL FROM {course_lesson} c "
        f"JOIN {enrollment} e ON e.course_id = c.course_id WHERE c.lesson_id = %s AND e.user_id = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk, *ids, lesson.pk, user.pk])
        rows = cursor.fetchall()
    marks = {
        pk: (started is not None, completed is not None) for kind, pk, started, completed in rows if kind == "mark"
    }
    courses = tuple(pk for kind, pk, _, _ in rows if kind == "course")
    return LearnerParts(marks=marks, enrolled_course_ids=courses)


def lesson_get_visible(*, pk: int, user: Any) -> Lesson:
    """The lesson with this id if ``user`` may see it; raises LessonNotFound."""
    try:
        return Lesson.objects.visible_to(user).only("slug").get(pk=pk)
    except Lesson.DoesNotExist:
        raise LessonNotFound(str(pk)) from None


def lesson_published_get(*, slug: str) -> Lesson:
    try:
        return Lesson.objects.published().get(slug=slug)
    except Lesson.DoesNotExist:
        raise LessonNotFound(slug) from None
