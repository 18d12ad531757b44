"""Reads of the pipeline: the curator's Incoming queue (shared by the admin and the API) and each source's health."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import Length
from django.utils import timezone

from ingest.models import TRANSCRIPT_CUT
from lessons.chapters import chapter_url
from lessons.models import Chapter, Lesson, LessonStatus, Source

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
