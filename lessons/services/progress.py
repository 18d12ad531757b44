"""Writes of a learner's place in the catalog: lessons started, opened and completed, enrolments, course order."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from lessons.exceptions import LessonNotAvailable
from lessons.models import (
    Course,
    CourseLesson,
    Enrollment,
    Lesson,
    LessonProgress,
    MaterialRequest,
)

# A merge request from a browser is bounded: nobody has watched more lessons than this on one device.
MERGE_MAX_ENTRIES = 500

# --- Progress ----------------------------------------------------------------------------------------------------


def _progress_set_once(progress: LessonProgress, *, unset: str, **values: object) -> bool:
    """Write `values` on the progress row only while its `unset` field is still empty (a concurrent request may have
    set it first); True when this call wrote them. The instance is reloaded either way."""
    written = LessonProgress.objects.filter(pk=progress.pk, **{f"{unset}__isnull": True}).update(**values) == 1
    progress.refresh_from_db()
    return written


def lesson_start(
    *, user: User, lesson: Lesson, origin: str = LessonProgress.Origin.SERVER, at: datetime | None = None
) -> tuple[LessonProgress, bool]:
    """Record that ``user`` opened the lesson (its link or a chapter). Idempotent: the first start is kept."""
    if not lesson.is_published:
        raise LessonNotAvailable(lesson.slug)
    now = timezone.now()
    started_at = min(at, now) if at is not None else now
    try:
        with transaction.atomic():
            progress, created = LessonProgress.objects.get_or_create(
                user=user, lesson=lesson, defaults={"started_at": started_at, "source": origin}
            )
    except IntegrityError:  # a concurrent first start won the race: theirs is as good as ours
        progress, created = LessonProgress.objects.get(user=user, lesson=lesson), False
    if progress.started_at is None:  # the row came from opening the lesson's page: this is the first start
        created = _progress_set_once(progress, unset="started_at", started_at=started_at, source=origin)
    return progress, created


def progress_merge(*, user: User, entries: Mapping[str, datetime | None]) -> list[str]:
    """Merge lessons a visitor opened in this browser (slug → when) into the account; return the slugs now recorded.

    Unknown, draft and malformed slugs are skipped; rows the account already has are kept as they are (the server's
    record wins), and times in the future are clamped to now.
    """
    now = timezone.now()
    wanted = dict(list(entries.items())[:MERGE_MAX_ENTRIES])
    lessons = {lesson.slug: lesson for lesson in Lesson.objects.published().filter(slug__in=list(wanted))}
    if not lessons:
        return []
    rows = [
        LessonProgress(
            user=user,
            lesson=lesson,
            started_at=min(wanted[slug] or now, now),
            source=LessonProgress.Origin.BROWSER,
        )
        for slug, lesson in lessons.items()
    ]
    LessonProgress.objects.bulk_create(rows, ignore_conflicts=True)
    for row in rows:  # lessons whose page the learner had opened on the server, but not the work itself
        LessonProgress.objects.filter(user=user, lesson=row.lesson, started_at__isnull=True).update(
            started_at=row.started_at, source=LessonProgress.Origin.BROWSER
        )
    return sorted(lessons)


def lesson_open(*, user: User, lesson: Lesson, open_at_most: int, now: datetime | None = None) -> LessonProgress:
    """The lesson is open in a page or an app now: its clock starts unless it is already running.

    A learner has at most ``open_at_most`` lessons open: opening one more closes the one opened longest ago (its
    clock starts again the next time it is opened), so lessons cannot all be opened at once and completed together.
    A completed lesson keeps no clock.
    """
    now = now or timezone.now()
    known = LessonProgress.objects.filter(user=user, lesson=lesson).first()
    if known is not None and (known.completed_at is not None or known.opened_at is not None):
        return known  # the common case, one read: every view of the page reports the opening
    with transaction.atomic():
        try:
            with transaction.atomic():
                # Opening the page is not starting the work: the row says "opened", not "watched".
                progress, _ = LessonProgress.objects.get_or_create(
                    user=user, lesson=lesson, defaults={"started_at": None, "source": LessonProgress.Origin.SERVER}
                )
        except IntegrityError:
            progress = LessonProgress.objects.get(user=user, lesson=lesson)
        if progress.completed_at is not None or progress.opened_at is not None:
            return progress
        # Lock the learner's open lessons (in a fixed order) so two openings at once count each other.
        still_open = list(
            LessonProgress.objects.select_for_update()
            .filter(user=user, opened_at__isnull=False, completed_at__isnull=True)
            .exclude(pk=progress.pk)
            .order_by("opened_at", "pk")
        )
        surplus = len(still_open) - (open_at_most - 1)
        if surplus > 0:
            LessonProgress.objects.filter(pk__in=[row.pk for row in still_open[:surplus]]).update(opened_at=None)
        LessonProgress.objects.filter(pk=progress.pk, opened_at__isnull=True).update(opened_at=now)
        progress.refresh_from_db()
    return progress


def lesson_progress_complete(*, user: User, lesson: Lesson, at: datetime | None = None) -> tuple[LessonProgress, bool]:
    """Mark the lesson completed for ``user`` once; the bool says whether this call completed it.

    Safe under concurrency: the conditional UPDATE lets exactly one caller see the row go from open to completed,
    so whoever awards XP for completion (gamification) awards it once. ``completed_at`` here is the one record of
    when the lesson was completed.
    """
    now = at or timezone.now()
    with transaction.atomic():
        progress, _ = lesson_start(user=user, lesson=lesson, at=now)
        completed_now = _progress_set_once(progress, unset="completed_at", completed_at=now, opened_at=None)
    return progress, completed_now


# --- Courses -----------------------------------------------------------------------------------------------------


def course_enroll(*, user: User, course: Course) -> tuple[Enrollment, bool]:
    """Enrol ``user`` in ``course``; enrolling twice keeps the first enrolment."""
    try:
        with transaction.atomic():
            return Enrollment.objects.get_or_create(user=user, course=course)
    except IntegrityError:
        return Enrollment.objects.get(user=user, course=course), False


def course_positions_normalise(*, course: Course) -> None:
    """Renumber a course's lessons 1..n in their current order (position, then id), closing gaps and ties."""
    rows = list(CourseLesson.objects.filter(course=course).order_by("position", "id"))
    changed = []
    for position, row in enumerate(rows, start=1):
        if row.position != position:
            row.position = position
            changed.append(row)
    CourseLesson.objects.bulk_update(changed, ["position"])


def course_lessons_set(*, course: Course, lessons: Sequence[Lesson]) -> None:
    """Make ``lessons`` the course's lessons, in this order (used by the demo loader and tests)."""
    with transaction.atomic():
        CourseLesson.objects.filter(course=course).exclude(lesson__in=[lesson.pk for lesson in lessons]).delete()
        existing = {row.lesson_id: row for row in CourseLesson.objects.filter(course=course)}
        for position, lesson in enumerate(lessons, start=1):
            row = existing.get(lesson.pk)
            if row is None:
                CourseLesson.objects.create(course=course, lesson=lesson, position=position)
            elif row.position != position:
                row.position = position
                row.save(update_fields=["position"])


def user_erase(*, user: User) -> None:
    """Forget what the catalog holds about a learner whose account is being erased: enrolments, progress and the
    transcripts they asked for."""
    with transaction.atomic():
        Enrollment.objects.filter(user=user).delete()
        MaterialRequest.objects.filter(user=user).delete()
        LessonProgress.objects.filter(user=user).delete()
