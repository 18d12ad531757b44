"""Writes in the catalog: progress, enrolment, publishing, course order, chapters and importing a lesson."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import User
from lessons.chapters import ParsedChapter, chapters_parse
from lessons.exceptions import LessonNotAvailable
from lessons.models import Category, Chapter, Course, CourseLesson, Enrollment, Lesson, LessonProgress, Level, Source
from lessons.sources import source_guess
from lessons.tasks import related_recompute_task

# A merge request from a browser is bounded: nobody has watched more lessons than this on one device.
MERGE_MAX_ENTRIES = 500
_SENTENCE_END = re.compile(r"(?<=[.!?])\s")
_TITLE_FROM_DESCRIPTION_MAX = 120


@dataclass(frozen=True)
class LessonImported:
    lesson: Lesson
    chapter_count: int
    last_chapter_truncated: bool


# --- Progress ----------------------------------------------------------------------------------------------------


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
        created = (
            LessonProgress.objects.filter(pk=progress.pk, started_at__isnull=True).update(
                started_at=started_at, source=origin
            )
            == 1
        )
        progress.refresh_from_db()
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
        completed_now = (
            LessonProgress.objects.filter(pk=progress.pk, completed_at__isnull=True).update(
                completed_at=now, opened_at=None
            )
            == 1
        )
        progress.refresh_from_db()
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


# --- Curation ----------------------------------------------------------------------------------------------------


def lessons_publish(*, lessons: QuerySet[Lesson], published: bool) -> int:
    """Publish or unpublish lessons; return how many changed. Related lessons are recomputed after commit."""
    status = Lesson.Status.PUBLISHED if published else Lesson.Status.DRAFT
    changed = lessons.exclude(status=status).update(status=status, updated=timezone.now())
    if changed:
        related_recompute_enqueue(lesson_id=None)
    return changed


def chapters_replace(*, lesson: Lesson, chapters: Iterable[ParsedChapter]) -> int:
    """Replace the lesson's chapters with ``chapters`` (in order of time); return how many it now has."""
    rows = [
        Chapter(lesson=lesson, start_seconds=chapter.start_seconds, title=chapter.title[:300], position=position)
        for position, chapter in enumerate(sorted(chapters, key=lambda chapter: chapter.start_seconds), start=1)
    ]
    with transaction.atomic():
        Chapter.objects.filter(lesson=lesson).delete()
        Chapter.objects.bulk_create(rows)
    return len(rows)


def lesson_import(
    *,
    url: str,
    description: str,
    title: str = "",
    category: Category | None = None,
    level: str = Level.BEGINNER,
    source: Source | None = None,
    summary: str = "",
) -> LessonImported:
    """Create a draft lesson from its URL and pasted description.

    The kind and (unless given) the source come from the URL; the chapters are parsed out of the description,
    keeping a last chapter whose title was cut off (the seed's "Could top AI rese"): its start time is real.
    Without a title, the description's first sentence stands in until a curator edits it.
    """
    url = url.strip()
    guess = source_guess(url)
    parsed = chapters_parse(description)
    with transaction.atomic():
        if source is None:
            source, _ = Source.objects.get_or_create(
                name=(guess.source_name or "Web")[:120], defaults={"kind": guess.kind}
            )
        title = title.strip() or _title_from_description(description) or f"A lesson from {source.name}"
        lesson = Lesson.objects.create(
            title=title[:300],
            slug=_slug_unique(title),
            source=source,
            kind=guess.kind,
            external_url=url,
            level=level,
            category=category,
            summary=summary.strip()[:300],
            description=description.strip(),
            status=Lesson.Status.DRAFT,
        )
        chapter_count = chapters_replace(lesson=lesson, chapters=parsed)
        related_recompute_enqueue(lesson_id=lesson.pk)
    return LessonImported(
        lesson=lesson, chapter_count=chapter_count, last_chapter_truncated=bool(parsed) and parsed[-1].truncated
    )


def related_recompute_enqueue(*, lesson_id: int | None) -> None:
    """Recompute related lessons in the worker once the current transaction commits (never per request)."""
    # robust: a broker outage must not turn a saved lesson into an error page; related lists are recomputed with the
    # next save or import.
    transaction.on_commit(lambda: related_recompute_task.delay(lesson_id), robust=True)


def _title_from_description(description: str) -> str:
    first_line = description.strip().split("\n", 1)[0]
    sentence = _SENTENCE_END.split(first_line, maxsplit=1)[0].strip()
    if len(sentence) <= _TITLE_FROM_DESCRIPTION_MAX:
        return sentence
    return sentence[:_TITLE_FROM_DESCRIPTION_MAX].rsplit(" ", 1)[0] + "…"


def _slug_unique(title: str) -> str:
    base = slugify(title)[:180].strip("-") or "lesson"
    slug, number = base, 2
    while Lesson.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug
