"""Writes in the catalog: progress, enrolment, publishing, course order, chapters, importing a lesson, and the rows a
source's feed brings in (incoming lessons, their material, the source's poll health)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import User
from config.learner_pages import learner_changed
from lessons.cache import content_changed
from lessons.chapters import ParsedChapter, chapters_parse
from lessons.exceptions import LessonNotAvailable, LessonNotIncoming, SourceNameTaken
from lessons.models import (
    FEED_FORMAT_KINDS,
    Category,
    Chapter,
    Course,
    CourseLesson,
    Enrollment,
    FeedFormat,
    Kind,
    Lesson,
    LessonProgress,
    Level,
    RelatedLesson,
    Source,
)
from lessons.sources import source_guess
from lessons.tasks import related_recompute_task

# A merge request from a browser is bounded: nobody has watched more lessons than this on one device.
MERGE_MAX_ENTRIES = 500
_SENTENCE_END = re.compile(r"(?<=[.!?])\s")
_TITLE_FROM_DESCRIPTION_MAX = 120
# What an incoming lesson keeps of a feed item's text and of its fetched material.
INCOMING_DESCRIPTION_MAX = 20_000
INCOMING_MATERIAL_MAX = 400_000


@dataclass(frozen=True)
class LessonImported:
    lesson: Lesson
    chapter_count: int
    last_chapter_truncated: bool


# --- Progress ----------------------------------------------------------------------------------------------------


def _progress_set_once(progress: LessonProgress, *, unset: str, **values: object) -> bool:
    """Write `values` on the progress row only while its `unset` field is still empty (a concurrent request may have
    set it first); True when this call wrote them. The instance is reloaded either way."""
    written = LessonProgress.objects.filter(pk=progress.pk, **{f"{unset}__isnull": True}).update(**values) == 1
    learner_changed(progress.user_id)  # an UPDATE sends no signal: the learner's cached pages say so here
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
    learner_changed(user.pk)  # neither the bulk insert nor the updates send signals
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
        learner_changed(user.pk)
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
    if changed:
        content_changed()


def course_lessons_set(*, course: Course, lessons: Sequence[Lesson]) -> None:
    """Make ``lessons`` the course's lessons, in this order (used by the demo loader and tests)."""
    with transaction.atomic():
        CourseLesson.objects.filter(course=course).exclude(lesson__in=[lesson.pk for lesson in lessons]).delete()
        content_changed()  # a queryset delete sends no signal
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
        content_changed()
        related_recompute_enqueue(lesson_id=None)
    return changed


def lesson_publish(*, lesson: Lesson) -> bool:
    """Publish a lesson a source brought in (or a draft); True when it changed. Fields the curator left empty take the
    pipeline's suggestions (category, summary). Publishing twice is a no-op; a rejected lesson is LessonNotIncoming."""
    with transaction.atomic():
        changed = _lesson_publish_row(lesson)
        if changed:
            related_recompute_enqueue(lesson_id=None)
    lesson.refresh_from_db()
    return changed


def incoming_lessons_publish(*, lessons: Iterable[Lesson]) -> int:
    """Publish several lessons from the Incoming queue (a curator's bulk action), skipping rejected ones; returns how
    many changed. The related lessons of the catalog are recomputed once for the lot, not once per lesson."""
    published = 0
    with transaction.atomic():
        for lesson in lessons:
            try:
                with transaction.atomic():
                    published += _lesson_publish_row(lesson)
            except LessonNotIncoming:
                continue
        if published:
            related_recompute_enqueue(lesson_id=None)
    return published


def _lesson_publish_row(lesson: Lesson) -> bool:
    with transaction.atomic():
        locked = Lesson.objects.select_for_update().get(pk=lesson.pk)
        if locked.status == Lesson.Status.PUBLISHED:
            return False
        if locked.status == Lesson.Status.REJECTED:
            raise LessonNotIncoming(locked.slug)
        fields = ["status", "updated"]
        locked.status = Lesson.Status.PUBLISHED
        if locked.category_id is None and locked.suggested_category_id is not None:
            locked.category_id = locked.suggested_category_id
            fields.append("category")
        if not locked.summary and locked.suggested_summary:
            locked.summary = summary_for_learners(locked.suggested_summary)
            fields.append("summary")
        locked.save(update_fields=fields)
    return True


# Words a line cannot end on once the word after them was cut ("tools such as a calcu…").
_DANGLING_WORDS = frozenset({"a", "an", "the", "of", "to", "and", "or", "as", "such", "with", "for", "in", "on", "by"})


def summary_for_learners(suggested: str) -> str:
    """A suggested summary as a learner reads it in lists: without the suggestion's "Learn:" label, and never
    ending on a word cut short with "…" (back to the last whole sentence, else the last whole word)."""
    line = re.sub(r"^\s*Learn\s*:\s*", "", suggested).strip()
    if line.endswith("…"):
        line = line[:-1].rstrip()
        sentence_end = max(line.rfind(". "), line.rfind("? "), line.rfind("! "))
        if sentence_end > 0:
            line = line[: sentence_end + 1]
        else:
            words = line.split()[:-1]  # the last word is the one cut short
            while len(words) > 1 and words[-1].lower().strip(",;:") in _DANGLING_WORDS:
                words.pop()
            line = " ".join(words).rstrip(",;:") + "."
    return line[:1].upper() + line[1:]


def lesson_reject(*, lesson: Lesson, merged_into: Lesson | None = None) -> bool:
    """Reject an incoming lesson (it stays, so a later poll recognises it and never brings it back); True when it
    changed. Rejecting twice is a no-op; a published lesson is LessonNotIncoming (unpublish it instead)."""
    with transaction.atomic():
        locked = Lesson.objects.select_for_update().get(pk=lesson.pk)
        if locked.status == Lesson.Status.REJECTED:
            return False
        if locked.status != Lesson.Status.INCOMING:
            raise LessonNotIncoming(locked.slug)
        locked.status = Lesson.Status.REJECTED
        locked.merged_into = merged_into
        locked.save(update_fields=["status", "merged_into", "updated"])
    lesson.refresh_from_db()
    return True


def lesson_merge(*, lesson: Lesson, into: Lesson) -> None:
    """Merge an incoming lesson into an existing one: the target gains the material, transcript and chapters it lacks,
    and the incoming one is rejected as merged, so the same item never comes back."""
    if into.pk == lesson.pk:
        raise LessonNotIncoming(lesson.slug)
    with transaction.atomic():
        target = Lesson.objects.select_for_update().get(pk=into.pk)
        fields = [name for name in ("material", "transcript") if not getattr(target, name) and getattr(lesson, name)]
        for name in fields:
            setattr(target, name, getattr(lesson, name))
        if fields:
            target.save(update_fields=[*fields, "updated"])
        if not target.chapters.exists() and lesson.chapters.exists():
            chapters_replace(
                lesson=target,
                chapters=[
                    ParsedChapter(start_seconds=chapter.start_seconds, title=chapter.title)
                    for chapter in lesson.chapters.all()
                ],
            )
        lesson_reject(lesson=lesson, merged_into=target)


def lesson_curator_edited(*, lesson: Lesson) -> None:
    """Record that a curator changed a lesson by hand: from now on no poll overwrites it."""
    Lesson.objects.filter(pk=lesson.pk).update(curator_edited_at=timezone.now())


def chapters_replace(*, lesson: Lesson, chapters: Iterable[ParsedChapter]) -> int:
    """Replace the lesson's chapters with ``chapters`` (in order of time); return how many it now has."""
    rows = _chapter_rows(lesson, chapters)
    with transaction.atomic():
        Chapter.objects.filter(lesson=lesson).delete()
        Chapter.objects.bulk_create(rows)
        content_changed()
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


def user_erase(*, user: User) -> None:
    """Forget what the catalog holds about a learner whose account is being erased: enrolments and progress."""
    with transaction.atomic():
        Enrollment.objects.filter(user=user).delete()
        LessonProgress.objects.filter(user=user).delete()


# --- Catalog rows by key (the demo loader; safe to run twice) -----------------------------------------------------


def category_save(*, slug: str, name: str, icon: str) -> Category:
    """Create or update the category with this slug."""
    return Category.objects.update_or_create(slug=slug, defaults={"name": name, "icon": icon})[0]


def source_save(*, name: str, kind: str, url: str) -> Source:
    """Create or update the source with this name."""
    return Source.objects.update_or_create(name=name, defaults={"kind": kind, "url": url})[0]


def source_feed_set(*, source: Source, feed_format: str, feed_url: str, poll_interval_minutes: int) -> None:
    """Point a source at its feed. Its health (last poll, errors, HTTP validators) is kept unless the feed changed, so
    setting the same feed again does not make the source due at once."""
    changed = source.feed_url != feed_url or source.feed_format != feed_format
    Source.objects.filter(pk=source.pk).update(
        feed_url=feed_url,
        feed_format=feed_format,
        kind=FEED_FORMAT_KINDS[feed_format] if source.kind == Kind.URL else source.kind,
        poll_interval_minutes=poll_interval_minutes,
        **({"etag": "", "last_modified": "", "next_poll_at": None} if changed else {}),
    )


def lesson_save(*, slug: str, fields: Mapping[str, object]) -> Lesson:
    """Create or update the lesson with this slug, setting `fields` (model field names)."""
    return Lesson.objects.update_or_create(slug=slug, defaults=dict(fields))[0]


def course_save(*, slug: str, title: str, description: str, level: str) -> Course:
    """Create or update the course with this slug (its lessons: `course_lessons_set`)."""
    return Course.objects.update_or_create(
        slug=slug, defaults={"title": title, "description": description, "level": level}
    )[0]


def lesson_curation_set(
    *, lesson: Lesson, up_next: Lesson | None, up_next_reason: str, related: Sequence[Lesson]
) -> int:
    """A curator's picks for a lesson: its "Up next" with the reason, and its curated related lessons in this order
    (others curated before are dropped). Returns how many curated related lessons it now has."""
    with transaction.atomic():
        lesson.up_next, lesson.up_next_reason = up_next, up_next_reason
        lesson.save(update_fields=["up_next", "up_next_reason", "updated"])
        RelatedLesson.objects.filter(lesson=lesson, curated=True).exclude(related__in=related).delete()
        content_changed()
        for position, other in enumerate(related, start=1):
            RelatedLesson.objects.update_or_create(
                lesson=lesson, related=other, curated=True, defaults={"position": position, "score": 0.0}
            )
    return len(related)


def related_computed_replace(*, lesson_ids: Sequence[int], rows: Sequence[RelatedLesson]) -> int:
    """Replace the computed (not curated) related lessons of `lesson_ids` with `rows`; returns how many it stored."""
    with transaction.atomic():
        RelatedLesson.objects.filter(curated=False, lesson__in=lesson_ids).delete()
        RelatedLesson.objects.bulk_create(rows)
        content_changed()
    return len(rows)


def lesson_transcript_set(*, lesson: Lesson, text: str) -> None:
    """Store the lesson's transcript (the tutor checks it parses first); it is read as the tutor's material."""
    lesson.transcript = text
    lesson.save(update_fields=["transcript", "updated"])


# --- Incoming lessons: what a source's feed brings in (the ingest pipeline reads feeds and calls these) -------------


@dataclass(frozen=True)
class IncomingItem:
    """One item of a source's feed, as the catalog stores it, with the curator's suggestions for it."""

    identity_key: str  # the feed's GUID, the arXiv id, yt:video:ID, or the canonical URL
    title: str
    link: str
    authors: str = ""
    published_on: date | None = None
    description: str = ""
    duration_seconds: int | None = None
    material: str = ""
    chapters: tuple[ParsedChapter, ...] = ()
    suggested_category_id: int | None = None
    suggested_level: str = ""
    suggested_summary: str = ""


@dataclass(frozen=True)
class IncomingMaterial:
    """What was fetched behind one incoming lesson (any part may be empty)."""

    lesson_id: int
    text: str = ""
    transcript: str = ""
    chapters: tuple[ParsedChapter, ...] = ()


def incoming_items_create(*, source: Source, items: Sequence[IncomingItem], now: datetime) -> list[Lesson] | None:
    """Create every item as an incoming lesson with its chapters, in two INSERTs however many items; the lessons in
    order, or None when the database refused one (another poll created it meanwhile, or the feed lists it twice):
    nothing is kept then, and the caller goes item by item (incoming_item_create).

    The unique constraint on (source, identity key) decides, not a check in Python, so two polls of one feed at once
    create each item once.
    """
    try:
        with transaction.atomic():
            lessons = Lesson.objects.bulk_create([Lesson(**_incoming_fields(source, item, now=now)) for item in items])
            Chapter.objects.bulk_create(
                row for lesson, item in zip(lessons, items, strict=True) for row in _chapter_rows(lesson, item.chapters)
            )
    except IntegrityError:
        return None
    return lessons


def incoming_item_create(*, source: Source, item: IncomingItem, now: datetime) -> Lesson | None:
    """Create one item as an incoming lesson with its chapters; None when the source already has it (the unique
    constraint refused it: a poll of the same feed created it a moment ago)."""
    try:
        with transaction.atomic():
            lesson = Lesson.objects.create(**_incoming_fields(source, item, now=now))
            Chapter.objects.bulk_create(_chapter_rows(lesson, item.chapters))
    except IntegrityError:
        return None
    return lesson


def incoming_item_refresh(*, lesson_id: int, item: IncomingItem) -> bool:
    """Update an incoming lesson no curator touched from a changed item; True when something changed. A published,
    rejected, merged or curator-edited lesson is never written (so a rejected item never comes back)."""
    with transaction.atomic():
        lesson = (
            Lesson.objects.select_for_update()
            .filter(pk=lesson_id, status=Lesson.Status.INCOMING, curator_edited_at__isnull=True)
            .first()
        )
        if lesson is None:
            return False
        changes: dict[str, object] = {
            "title": item.title[:300],
            "external_url": item.link[:1000],
            "authors": item.authors[:300],
            "description": item.description[:INCOMING_DESCRIPTION_MAX],
            "duration_seconds": item.duration_seconds,
        }
        if item.material:
            changes["material"] = item.material[:INCOMING_MATERIAL_MAX]
        if item.published_on:
            changes["published_at"] = item.published_on
        changed = [key for key, value in changes.items() if getattr(lesson, key) != value]
        if not changed:
            return False
        for key in changed:
            setattr(lesson, key, changes[key])
        lesson.save(update_fields=[*changed, "updated"])
        if "description" in changed and item.chapters:
            chapters_replace(lesson=lesson, chapters=item.chapters)
    return True


def incoming_materials_set(*, materials: Sequence[IncomingMaterial], now: datetime) -> set[int]:
    """Store fetched material on incoming lessons no curator touched (others are left as they are); the ids of the
    lessons written. A handful of statements however many lessons; the lessons stay locked until the caller's
    transaction ends.

    A chapters file is the publisher's own list: it replaces chapters read from the show notes.
    """
    with transaction.atomic():
        untouched = set(
            Lesson.objects.select_for_update()
            .filter(
                pk__in=[found.lesson_id for found in materials],
                status=Lesson.Status.INCOMING,
                curator_edited_at__isnull=True,
            )
            .values_list("pk", flat=True)
        )
        with_text: list[Lesson] = []
        with_transcript: list[Lesson] = []
        chapter_rows: list[Chapter] = []
        chaptered: list[int] = []
        for found in materials:
            if found.lesson_id not in untouched:
                continue
            if found.text:
                with_text.append(Lesson(pk=found.lesson_id, material=found.text[:INCOMING_MATERIAL_MAX], updated=now))
            if found.transcript:
                transcript = found.transcript[:INCOMING_MATERIAL_MAX]
                with_transcript.append(Lesson(pk=found.lesson_id, transcript=transcript, updated=now))
            if found.chapters:
                chaptered.append(found.lesson_id)
                chapter_rows += _chapter_rows(Lesson(pk=found.lesson_id), found.chapters)
        Lesson.objects.bulk_update(with_text, ["material", "updated"])
        Lesson.objects.bulk_update(with_transcript, ["transcript", "updated"])
        if chaptered:
            Chapter.objects.filter(lesson_id__in=chaptered).delete()
            Chapter.objects.bulk_create(chapter_rows)
    return untouched


def _incoming_fields(source: Source, item: IncomingItem, *, now: datetime) -> dict[str, object]:
    digest = hashlib.sha1(f"{source.pk}:{item.identity_key}".encode(), usedforsecurity=False).hexdigest()[:10]
    fields: dict[str, object] = {
        "title": item.title[:300],
        "slug": f"{slugify(item.title)[:150].strip('-') or 'lesson'}-{digest}",
        "source": source,
        "kind": FEED_FORMAT_KINDS.get(source.feed_format, source.kind),
        "external_url": item.link[:1000],
        "authors": item.authors[:300],
        "level": source.default_level or Level.BEGINNER,
        "category": source.default_category,
        "published_at": item.published_on or now.date(),
        "duration_seconds": item.duration_seconds,
        "description": item.description[:INCOMING_DESCRIPTION_MAX],
        "material": item.material[:INCOMING_MATERIAL_MAX],
        "status": Lesson.Status.INCOMING,
        "identity_key": item.identity_key,
        "suggested_category_id": item.suggested_category_id,
        "suggested_level": item.suggested_level,
        "suggested_summary": item.suggested_summary[:300],
    }
    if not source.default_level and item.suggested_level:
        fields["level"] = item.suggested_level
    return fields


def _chapter_rows(lesson: Lesson, chapters: Iterable[ParsedChapter]) -> list[Chapter]:
    ordered = sorted(chapters, key=lambda chapter: chapter.start_seconds)
    return [
        Chapter(lesson=lesson, start_seconds=chapter.start_seconds, title=chapter.title[:300], position=position)
        for position, chapter in enumerate(ordered, start=1)
    ]


# --- Polled sources: adding one, and the health of its polls -------------------------------------------------------


def source_polled_add(
    *, name: str, feed_format: str, feed_url: str, category: Category | None = None, level: str = ""
) -> tuple[Source, bool]:
    """Add a polled source, or return the one that already reads ``feed_url`` (True when created).

    A hand-kept source of the same name (the demo catalog's "Medium · LLM") gets the feed; a source of that name that
    already reads another feed is SourceNameTaken.
    """
    if feed_format not in FeedFormat.values:
        raise ValueError(f"unknown feed format {feed_format!r}")
    if level and level not in Level.values:
        raise ValueError(f"unknown level {level!r}")
    with transaction.atomic():
        existing = Source.objects.filter(feed_url=feed_url).first()
        if existing is not None:
            return existing, False
        named = Source.objects.select_for_update().filter(name=name).first()
        if named is not None and named.feed_url:
            raise SourceNameTaken(f"A source named “{name}” already reads {named.feed_url}.")
        fields = {
            "feed_url": feed_url,
            "feed_format": feed_format,
            "kind": FEED_FORMAT_KINDS[feed_format],
            "default_category": category,
            "default_level": level,
            "enabled": True,
            "next_poll_at": None,
        }
        if named is not None:
            for key, value in fields.items():
                setattr(named, key, value)
            named.save()
            return named, False
        return Source.objects.create(name=name, **fields), True


def source_poll_succeeded(*, source: Source, now: datetime, etag: str, last_modified: str) -> None:
    """Record a poll that read the feed (or was told it had not changed): errors cleared, the next poll after the
    source's interval, and the feed's HTTP validators kept for the next conditional request."""
    Source.objects.filter(pk=source.pk).update(
        last_polled_at=now,
        last_success_at=now,
        last_error="",
        consecutive_failures=0,
        next_poll_at=now + timedelta(minutes=max(1, source.poll_interval_minutes)),
        etag=etag[:500],
        last_modified=last_modified[:100],
    )


def source_poll_failed(
    *, source: Source, message: str, failures: int, retry_at: datetime, disable: bool, now: datetime
) -> None:
    """Record a failed poll: the error, the failures in a row, when to try again, and (``disable``) the source turned
    off. The caller's backoff policy decides ``retry_at`` and ``disable``."""
    Source.objects.filter(pk=source.pk).update(
        last_polled_at=now,
        last_error=message[:2000],
        consecutive_failures=failures,
        next_poll_at=retry_at,
        enabled=False if disable else F("enabled"),
    )


def source_poll_lease_take(*, source_id: int, now: datetime, until: datetime) -> bool:
    """Take a due source's next poll: push its next_poll_at to ``until`` unless another sweep took it first (True
    when this call took it)."""
    taken = Source.objects.due(now=now).filter(pk=source_id).update(next_poll_at=until)
    return taken == 1


def sources_poll_schedule(*, source_ids: Sequence[int], at: datetime) -> int:
    """Make sources due at ``at`` (a curator's "poll now"); returns how many."""
    return Source.objects.filter(pk__in=source_ids).update(next_poll_at=at)
