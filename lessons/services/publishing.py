"""Writes of curation: publishing and rejecting lessons, chapters, importing a lesson, curated picks and the
catalog rows the demo loader saves by key."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import slugify

from lessons.chapters import ParsedChapter, chapters_parse
from lessons.exceptions import LessonNotIncoming
from lessons.material_changes import lesson_material_changed
from lessons.models import (
    FEED_FORMAT_KINDS,
    Category,
    Chapter,
    Course,
    Kind,
    Lesson,
    Level,
    RelatedLesson,
    Source,
)
from lessons.sources import source_guess
from lessons.tasks import related_recompute_task

_SENTENCE_END = re.compile(r"(?<=[.!?])\s")
_TITLE_FROM_DESCRIPTION_MAX = 120


@dataclass(frozen=True)
class LessonImported:
    lesson: Lesson
    chapter_count: int
    last_chapter_truncated: bool


# --- Curation ----------------------------------------------------------------------------------------------------


def lessons_publish(*, lessons: QuerySet[Lesson], published: bool) -> int:
    """Publish or unpublish lessons; return how many changed. Related lessons are recomputed after commit."""
    status = Lesson.Status.PUBLISHED if published else Lesson.Status.DRAFT
    publishing = list(lessons.exclude(status=status).values_list("pk", flat=True)) if published else []
    changed = lessons.exclude(status=status).update(status=status, updated=timezone.now())
    if changed:
        related_recompute_enqueue(lesson_id=None)
        lesson_material_changed(lesson_ids=publishing)
    return changed


def lesson_publish(*, lesson: Lesson) -> bool:
    """Publish a lesson a source brought in (or a draft); True when it changed. Fields the curator left empty take the
    pipeline's suggestions (category, summary). Publishing twice is a no-op; a rejected lesson is LessonNotIncoming."""
    with transaction.atomic():
        changed = _lesson_publish_row(lesson)
        if changed:
            related_recompute_enqueue(lesson_id=None)
            lesson_material_changed(lesson_ids=[lesson.pk])
    lesson.refresh_from_db()
    return changed


def incoming_lessons_publish(*, lessons: Iterable[Lesson]) -> int:
    """Publish several lessons from the Incoming queue (a curator's bulk action), skipping rejected ones; returns how
    many changed. The related lessons of the catalog are recomputed once for the lot, not once per lesson."""
    published = 0
    published_ids: list[int] = []
    with transaction.atomic():
        for lesson in lessons:
            try:
                with transaction.atomic():
                    if _lesson_publish_row(lesson):
                        published += 1
                        published_ids.append(lesson.pk)
            except LessonNotIncoming:
                continue
        if published:
            related_recompute_enqueue(lesson_id=None)
            lesson_material_changed(lesson_ids=published_ids)
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
            _published_material_changed(target)
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
    rows = chapter_rows_build(lesson, chapters)
    with transaction.atomic():
        Chapter.objects.filter(lesson=lesson).delete()
        Chapter.objects.bulk_create(rows)
        _published_material_changed(lesson)
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
    return len(rows)


def lesson_transcript_set(*, lesson: Lesson, text: str) -> None:
    """Store the lesson's transcript (the tutor checks it parses first); it is read as the tutor's material."""
    lesson.transcript = text
    lesson.save(update_fields=["transcript", "updated"])
    _published_material_changed(lesson)


def _published_material_changed(lesson: Lesson) -> None:
    """Tell who reads a published lesson's material that it changed (a draft's is read when it is published)."""
    if lesson.status == Lesson.Status.PUBLISHED:
        lesson_material_changed(lesson_ids=[lesson.pk])


def chapter_rows_build(lesson: Lesson, chapters: Iterable[ParsedChapter]) -> list[Chapter]:
    ordered = sorted(chapters, key=lambda chapter: chapter.start_seconds)
    return [
        Chapter(lesson=lesson, start_seconds=chapter.start_seconds, title=chapter.title[:300], position=position)
        for position, chapter in enumerate(ordered, start=1)
    ]


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
