"""Reads of the pipeline: the curator's Incoming queue (shared by the admin and the API) and each source's health."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import Length
from django.utils import timezone

from ingest.models import TRANSCRIPT_CUT, MaterialFetch, MaterialStatus
from lessons.chapters import chapter_url
from lessons.models import Chapter, Kind, Lesson, LessonStatus, Source

if TYPE_CHECKING:
    from ingest.services import MaterialAsked

INCOMING_PAGE_SIZE = 50


@dataclass(frozen=True)
class IncomingChapter:
    start_seconds: int
    title: str
    url: str


@dataclass(frozen=True)
class IncomingItem:
    lesson: Lesson
    chapters: list[IncomingChapter]
    has_transcript: bool
    text_chars: int


def incoming_queryset() -> QuerySet[Lesson]:
    """Incoming lessons, newest first, with what the queue shows about their material (no big text columns loaded)."""
    return (
        Lesson.objects.incoming()
        .select_related("source", "suggested_category", "category")
        .defer("transcript", "material", "description")
        .annotate(material_chars=Length("material"), transcript_chars=Length("transcript"))
        .order_by("-created", "-pk")
    )


def incoming_page(*, source_id: int | None = None, page: int = 1) -> tuple[int, list[IncomingItem]]:
    """(total, one page of items) of the queue, with chapters in one more query."""
    rows = incoming_queryset()
    if source_id is not None:
        rows = rows.filter(source_id=source_id)
    count = rows.count()
    start = (page - 1) * INCOMING_PAGE_SIZE
    lessons = list(
        rows.prefetch_related(Prefetch("chapters", queryset=Chapter.objects.order_by("start_seconds")))[
            start : start + INCOMING_PAGE_SIZE
        ]
    )
    items = [
        IncomingItem(
            lesson=lesson,
            chapters=[
                IncomingChapter(
                    start_seconds=chapter.start_seconds,
                    title=chapter.title,
                    url=chapter_url(lesson.external_url, chapter.start_seconds, lesson.kind),
                )
                for chapter in lesson.chapters.all()
            ],
            has_transcript=bool(getattr(lesson, "transcript_chars", 0)),
            text_chars=int(getattr(lesson, "material_chars", 0) or 0),
        )
        for lesson in lessons
    ]
    return count, items


def incoming_get(*, slug: str) -> Lesson | None:
    """A lesson a curator may act on through the queue (incoming, or already decided, for idempotent answers)."""
    return Lesson.objects.filter(
        slug=slug,
        identity_key__gt="",
        status__in=(LessonStatus.INCOMING, LessonStatus.PUBLISHED, LessonStatus.REJECTED),
    ).first()


def sources_with_health(queryset: QuerySet[Source], *, now: datetime | None = None) -> QuerySet[Source]:
    """Sources annotated with items brought in the last 7 days, items waiting in the queue, and waiting items whose
    transcript was cut at TRANSCRIPT_MAX_CHARS (their material record names the limit)."""
    since = (now or timezone.now()) - timedelta(days=7)
    return queryset.annotate(
        items_last_week=Count("lessons", filter=Q(lessons__created__gte=since, lessons__identity_key__gt="")),
        items_waiting=Count("lessons", filter=Q(lessons__status=LessonStatus.INCOMING)),
        transcripts_cut=Count(
            "lessons",
            filter=Q(
                lessons__status=LessonStatus.INCOMING,
                lessons__material_fetch__error__contains=TRANSCRIPT_CUT,
            ),
        ),
    )


def lessons_missing_transcript() -> QuerySet[Lesson]:
    """Published lessons without a transcript that a fetch may give one (or, for an article, its text): YouTube
    videos, lessons whose feed named a transcript file, articles and pages without their text."""
    return (
        Lesson.objects.filter(status=LessonStatus.PUBLISHED, transcript="")
        .filter(
            Q(kind=Kind.YOUTUBE)
            | Q(external_url__contains="youtube.com/")
            | Q(external_url__contains="youtu.be/")
            | Q(material_fetch__transcript_url__gt="")
            | Q(kind__in=(Kind.ARTICLE, Kind.URL), material="")
        )
        .order_by("pk")
    )


def material_fetch_lines(*, asked: Sequence[MaterialAsked]) -> list[str]:
    """One line per lesson asked for, saying what its job found now: "SLUG: done; captions: en, automatic;
    transcript 12,345 characters; 5 chapters", "SLUG: failed; captions: unavailable: …", or why it waits."""
    ids = [entry.fetch_id for entry in asked if entry.fetch_id is not None]
    jobs = {job.pk: job for job in MaterialFetch.objects.filter(pk__in=ids)}
    lessons = {
        lesson.pk: lesson
        for lesson in Lesson.objects.filter(pk__in=[entry.lesson.pk for entry in asked])
        .annotate(transcript_chars=Length("transcript"), chapter_total=Count("chapters"))
        .only("pk", "slug")
    }
    lines = []
    for entry in asked:
        job = jobs.get(entry.fetch_id) if entry.fetch_id is not None else None
        lesson = lessons.get(entry.lesson.pk, entry.lesson)
        if entry.note or job is None:
            lines.append(f"{lesson.slug}: {entry.note or 'nothing to fetch'}")
            continue
        parts = [job.status]
        if job.captions:
            parts.append(f"captions: {job.captions}")
        if job.status == MaterialStatus.DONE:
            parts.append(f"transcript {getattr(lesson, 'transcript_chars', 0):,} characters")
            parts.append(f"{getattr(lesson, 'chapter_total', 0)} chapters")
        if job.error and not (job.captions and job.error == f"captions: {job.captions}"):
            parts.append(job.error)
        if job.status == MaterialStatus.PENDING:
            if job.retry_at is not None:
                parts.append(f"next try at {job.retry_at:%Y-%m-%d %H:%M:%S} UTC (the worker's sweep takes it then)")
            else:
                parts.append(
                    "its host's fetches this minute are spent (INGEST_FETCHES_PER_HOST_MINUTE): the sweep takes it"
                )
        lines.append(f"{lesson.slug}: " + "; ".join(parts))
    return lines
