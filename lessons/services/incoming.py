"""Writes of the incoming pipeline: the rows a source's feed brings in (incoming lessons, their chapters and
material). The ingest app reads the feeds and calls these."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.utils.text import slugify

from lessons.chapters import ParsedChapter
from lessons.models import (
    FEED_FORMAT_KINDS,
    Chapter,
    Lesson,
    Level,
    Source,
)
from lessons.services.publishing import chapter_rows_build, chapters_replace
from lessons.services.skills import lesson_skills_suggest

# What an incoming lesson keeps of a feed item's text and of its fetched material.
INCOMING_DESCRIPTION_MAX = 20_000
INCOMING_MATERIAL_MAX = 400_000

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
    suggestion_confidence: float | None = None


@dataclass(frozen=True)
class IncomingMaterial:
    """What was fetched behind one incoming lesson (any part may be empty)."""

    lesson_id: int
    text: str = ""
    transcript: str = ""
    chapters: tuple[ParsedChapter, ...] = ()
    duration_seconds: int | None = None


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
                row
                for lesson, item in zip(lessons, items, strict=True)
                for row in chapter_rows_build(lesson, item.chapters)
            )
            lesson_skills_suggest(lessons=lessons)
    except IntegrityError:
        return None
    return lessons


def incoming_item_create(*, source: Source, item: IncomingItem, now: datetime) -> Lesson | None:
    """Create one item as an incoming lesson with its chapters; None when the source already has it (the unique
    constraint refused it: a poll of the same feed created it a moment ago)."""
    try:
        with transaction.atomic():
            lesson = Lesson.objects.create(**_incoming_fields(source, item, now=now))
            Chapter.objects.bulk_create(chapter_rows_build(lesson, item.chapters))
            lesson_skills_suggest(lessons=[lesson])
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
                # Bounded by the caller (TRANSCRIPT_MAX_CHARS), which says so when it cuts one.
                with_transcript.append(Lesson(pk=found.lesson_id, transcript=found.transcript, updated=now))
            if found.chapters:
                chaptered.append(found.lesson_id)
                chapter_rows += chapter_rows_build(Lesson(pk=found.lesson_id), found.chapters)
        Lesson.objects.bulk_update(with_text, ["material", "updated"])
        Lesson.objects.bulk_update(with_transcript, ["transcript", "updated"])
        if chaptered:
            Chapter.objects.filter(lesson_id__in=chaptered).delete()
            Chapter.objects.bulk_create(chapter_rows)
    return untouched


def lesson_material_fill(
    *, materials: Sequence[IncomingMaterial], now: datetime, untouched_incoming_only: bool = False
) -> set[int]:
    """Fill what a lesson lacks from fetched material (a video's captions, or what a curator asked to fetch for a
    lesson in the catalog), overwriting nothing: the transcript and the text only when empty, the chapters only when
    it has none, the duration only when unknown. Any lesson but a rejected one, or with ``untouched_incoming_only``
    (what a poll brought) only incoming lessons no curator touched; the ids of the lessons written."""
    if not materials:
        return set()
    with transaction.atomic():
        rows = Lesson.objects.select_for_update().filter(pk__in=[found.lesson_id for found in materials])
        if untouched_incoming_only:
            rows = rows.filter(status=Lesson.Status.INCOMING, curator_edited_at__isnull=True)
        lessons = {
            lesson.pk: lesson
            for lesson in rows.exclude(status=Lesson.Status.REJECTED).only(
                "pk", "transcript", "material", "duration_seconds"
            )
        }
        chaptered = set(
            Chapter.objects.filter(lesson_id__in=list(lessons)).values_list("lesson_id", flat=True).distinct()
        )
        written: set[int] = set()
        chapter_rows: list[Chapter] = []
        for found in materials:
            lesson = lessons.get(found.lesson_id)
            if lesson is None:
                continue
            fields: list[str] = []
            if found.transcript and not lesson.transcript:
                lesson.transcript, fields = found.transcript, [*fields, "transcript"]
            if found.text and not lesson.material:
                lesson.material, fields = found.text[:INCOMING_MATERIAL_MAX], [*fields, "material"]
            if found.duration_seconds and not lesson.duration_seconds:
                lesson.duration_seconds, fields = found.duration_seconds, [*fields, "duration_seconds"]
            if found.chapters and lesson.pk not in chaptered:
                chaptered.add(lesson.pk)
                chapter_rows += chapter_rows_build(lesson, found.chapters)
                written.add(lesson.pk)
            if fields:
                lesson.updated = now
                lesson.save(update_fields=[*fields, "updated"])
                written.add(lesson.pk)
        Chapter.objects.bulk_create(chapter_rows)
    return written


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
        "suggestion_confidence": item.suggestion_confidence,
    }
    if not source.default_level and item.suggested_level:
        fields["level"] = item.suggested_level
    return fields
