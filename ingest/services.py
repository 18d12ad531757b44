"""Writes of the pipeline: add a source, poll it (items in, as incoming lessons), fetch an item's material, sweep.

Outcomes, in the words docs/sources.md uses:
* A poll that fails (network, HTTP error, a body that is not a safe feed) records the error on the source, pushes its
  next poll back exponentially and, after INGEST_MAX_FAILURES in a row, turns it off. It writes no lesson.
* A 304 writes no lesson: only the source's poll times move on.
* A new item becomes an *incoming* lesson in one transaction with its chapters and its pending material. The database
  refuses a second row for one (source, identity key), so two polls at once create each item once.
* An item already known is updated only while it is incoming and no curator touched it; published, rejected, merged
  or edited lessons are never overwritten, so a rejected item never comes back.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.text import slugify

from ingest.exceptions import MaterialRetry, SourceConflict
from ingest.feeds import FeedError, FeedItem, feed_parse
from ingest.fetching import FetchError, fetch
from ingest.material import Material, MaterialError, article_text, chapters_from_json, transcript_text
from ingest.models import MaterialFetch, MaterialStatus
from ingest.suggestions import Suggester, Suggestion
from lessons.chapters import ParsedChapter
from lessons.models import FEED_FORMAT_KINDS, Category, Chapter, FeedFormat, Lesson, LessonStatus, Level, Source
from lessons.related import related_recompute
from lessons.services import chapters_replace

logger = logging.getLogger(__name__)

_T = TypeVar("_T")
_FEED_ACCEPT = "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
_DESCRIPTION_MAX = 20_000
_MATERIAL_MAX = 400_000


@dataclass
class PollResult:
    source_name: str
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    error: str = ""
    not_modified: bool = False

    def line(self) -> str:
        counts = f"{self.new} new, {self.updated} updated, {self.unchanged} unchanged, {self.failed} failed"
        return f"{self.source_name}: {counts}"


# --- Sources ---------------------------------------------------------------------------------------------------


def source_add(
    *, name: str, feed_format: str, feed_url: str, category: Category | None = None, level: str = ""
) -> tuple[Source, bool]:
    """Add a polled source, or return the one that already reads ``feed_url`` (True when created).

    A hand-kept source of the same name (the demo catalog's "Medium · LLM") gets the feed; a source of that name that
    already reads another feed is a SourceConflict.
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
            raise SourceConflict(f"A source named “{name}” already reads {named.feed_url}.")
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


def source_poll(*, source_id: int, material_inline: bool = False, now: datetime | None = None) -> PollResult:
    """Fetch one source's feed and bring its items in (see the module docstring for every outcome).

    With ``material_inline`` the material of new items is fetched here, before returning (the sources_poll command and
    the benchmark); otherwise each new item's material is one task, enqueued after commit.
    """
    source = Source.objects.filter(pk=source_id).first()
    if source is None:  # deleted while its poll waited in the queue
        return PollResult(source_name=f"source {source_id} (deleted)")
    now = now or timezone.now()
    result = PollResult(source_name=source.name)
    try:
        fetched = fetch(source.feed_url, etag=source.etag, last_modified=source.last_modified, accept=_FEED_ACCEPT)
        if fetched.not_modified:
            _source_succeeded(source, now=now, etag=fetched.etag, last_modified=fetched.last_modified)
            result.not_modified = True
            return result
        items = feed_parse(fetched.body, feed_format=source.feed_format, content_type=fetched.content_type)
    except (FetchError, FeedError) as error:
        message = error.message if isinstance(error, FetchError) else str(error)
        _source_failed(source, message=message, now=now)
        logger.warning("source %s: %s", source.name, message)
        result.failed, result.error = 1, message
        return result

    pending: list[int] = []
    new_ids: list[int] = []
    known = dict(
        Lesson.objects.filter(source=source, identity_key__in=[item.identity_key for item in items]).values_list(
            "identity_key", "pk"
        )
    )
    fresh = [item for item in items if item.identity_key not in known]
    suggestions = Suggester().suggest_many([(i.title, i.summary, i.material) for i in fresh]) if fresh else []
    suggested = {item.identity_key: suggestion for item, suggestion in zip(fresh, suggestions, strict=True)}
    # One transaction for the feed (each item in its own savepoint): a poll that dies leaves nothing half-made, and
    # the material tasks are sent only once it committed.
    with transaction.atomic():
        created = _items_create_together(source, fresh, suggested, now=now) if fresh else []
        if created is not None:
            result.new, pending = len(fresh), created
        for item in items if created is None else [item for item in items if item.identity_key in known]:
            outcome, fetch_id = _item_ingest(
                source, item, known.get(item.identity_key), suggested.get(item.identity_key), now=now
            )
            setattr(result, outcome, getattr(result, outcome) + 1)
            if fetch_id is not None:
                pending.append(fetch_id)
        if result.new:
            new_ids = list(
                Lesson.objects.filter(source=source, identity_key__in=[item.identity_key for item in fresh])
                .filter(status=LessonStatus.INCOMING)
                .values_list("pk", flat=True)
            )
            if not material_inline:
                _related_enqueue(new_ids)
    # Validators are stored last: a poll that died midway fetches the whole feed again next time.
    _source_succeeded(source, now=now, etag=fetched.etag, last_modified=fetched.last_modified)
    if material_inline:
        statuses = materials_fetch_now(fetch_ids=pending)
        result.failed += sum(1 for status in statuses if status == MaterialStatus.FAILED)
        if result.new:
            incoming_related_recompute(lesson_ids=new_ids)
    else:
        for fetch_id in pending:
            _material_enqueue(fetch_id)
    return result


def _source_succeeded(source: Source, *, now: datetime, etag: str, last_modified: str) -> None:
    Source.objects.filter(pk=source.pk).update(
        last_polled_at=now,
        last_success_at=now,
        last_error="",
        consecutive_failures=0,
        next_poll_at=now + timedelta(minutes=max(1, source.poll_interval_minutes)),
        etag=etag[:500],
        last_modified=last_modified[:100],
    )


def _source_failed(source: Source, *, message: str, now: datetime) -> None:
    failures = source.consecutive_failures + 1
    delay = min(
        int(settings.INGEST_RETRY_BASE_SECONDS) * 2 ** min(failures - 1, 20), int(settings.INGEST_RETRY_MAX_SECONDS)
    )
    disable = failures >= int(settings.INGEST_MAX_FAILURES)
    if disable:
        message = f"Turned off after {failures} failed polls in a row; fix the feed and tick “enabled”. Last: {message}"
    Source.objects.filter(pk=source.pk).update(
        last_polled_at=now,
        last_error=message[:2000],
        consecutive_failures=failures,
        next_poll_at=now + timedelta(seconds=delay),
        enabled=False if disable else F("enabled"),
    )


# --- Items -----------------------------------------------------------------------------------------------------


def _items_create_together(
    source: Source, items: list[FeedItem], suggested: dict[str, Suggestion], *, now: datetime
) -> list[int] | None:
    """Create every new item, its chapters and its pending material in three INSERTs; the MaterialFetch ids, or None
    when the database refused one (another poll created it meanwhile, or the feed lists it twice): nothing is kept
    then, and the caller goes item by item."""
    try:
        with transaction.atomic():
            lessons = Lesson.objects.bulk_create(
                [
                    Lesson(**_new_lesson_fields(source, item, suggested.get(item.identity_key), now=now))
                    for item in items
                ]
            )
            pairs = list(zip(lessons, items, strict=True))
            Chapter.objects.bulk_create(
                chapter for lesson, item in pairs for chapter in _chapters(lesson, item.chapters)
            )
            jobs = MaterialFetch.objects.bulk_create(
                _material_job(lesson, item) for lesson, item in pairs if item.needs_material
            )
    except IntegrityError:
        return None
    return [job.pk for job in jobs]


def _item_ingest(
    source: Source, item: FeedItem, known_id: int | None, suggestion: Suggestion | None, *, now: datetime
) -> tuple[str, int | None]:
    """("new" | "updated" | "unchanged", the MaterialFetch id to run when one was created)."""
    if known_id is not None:
        return _item_refresh(known_id, item), None
    try:
        with transaction.atomic():
            lesson = Lesson.objects.create(**_new_lesson_fields(source, item, suggestion, now=now))
            Chapter.objects.bulk_create(_chapters(lesson, item.chapters))
            job = _material_job(lesson, item) if item.needs_material else None
            if job is not None:
                job.save()
    except IntegrityError:
        # Another poll of this feed created it a moment ago: the constraint, not a check, decides (module docstring).
        return "unchanged", None
    return "new", job.pk if job is not None else None


def _new_lesson_fields(
    source: Source, item: FeedItem, suggestion: Suggestion | None, *, now: datetime
) -> dict[str, object]:
    fields = _lesson_fields(source, item, now=now)
    if suggestion is not None:
        fields |= {
            "suggested_category_id": suggestion.category_id,
            "suggested_level": suggestion.level,
            "suggested_summary": suggestion.summary[:300],
        }
        if not source.default_level and suggestion.level:
            fields["level"] = suggestion.level
    return fields


def _chapters(lesson: Lesson, chapters: Iterable[ParsedChapter]) -> list[Chapter]:
    ordered = sorted(chapters, key=lambda chapter: chapter.start_seconds)
    return [
        Chapter(lesson=lesson, start_seconds=chapter.start_seconds, title=chapter.title[:300], position=position)
        for position, chapter in enumerate(ordered, start=1)
    ]


def _material_job(lesson: Lesson, item: FeedItem) -> MaterialFetch:
    return MaterialFetch(
        lesson=lesson,
        article_url=item.article_url[:1000],
        transcript_url=item.transcript_url[:1000],
        transcript_type=item.transcript_type[:100],
        chapters_url=item.chapters_url[:1000],
    )


def _lesson_fields(source: Source, item: FeedItem, *, now: datetime) -> dict[str, object]:
    digest = hashlib.sha1(f"{source.pk}:{item.identity_key}".encode(), usedforsecurity=False).hexdigest()[:10]
    return {
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
        "description": item.summary[:_DESCRIPTION_MAX],
        "material": item.material[:_MATERIAL_MAX],
        "status": LessonStatus.INCOMING,
        "identity_key": item.identity_key,
    }


def _item_refresh(lesson_id: int, item: FeedItem) -> str:
    """Update an incoming, untouched lesson from a changed item; anything a curator owns stays as it is."""
    with transaction.atomic():
        lesson = (
            Lesson.objects.select_for_update()
            .filter(pk=lesson_id, status=LessonStatus.INCOMING, curator_edited_at__isnull=True)
            .first()
        )
        if lesson is None:
            return "unchanged"
        changes: dict[str, object] = {
            "title": item.title[:300],
            "external_url": item.link[:1000],
            "authors": item.authors[:300],
            "description": item.summary[:_DESCRIPTION_MAX],
            "duration_seconds": item.duration_seconds,
        }
        if item.material:
            changes["material"] = item.material[:_MATERIAL_MAX]
        if item.published_on:
            changes["published_at"] = item.published_on
        changed = [key for key, value in changes.items() if getattr(lesson, key) != value]
        if not changed:
            return "unchanged"
        for key in changed:
            setattr(lesson, key, changes[key])
        lesson.save(update_fields=[*changed, "updated"])
        if "description" in changed and item.chapters:
            chapters_replace(lesson=lesson, chapters=item.chapters)
    return "updated"


# --- Material --------------------------------------------------------------------------------------------------


def material_fetch(*, fetch_id: int, final_attempt: bool = False) -> str:
    """Fetch and store one item's material; returns the job's status ("pending" when another worker holds it).

    A transient failure (network, 5xx, timeout) raises MaterialRetry unless ``final_attempt``; a permanent one (404,
    not a transcript, no article text) records the error. What was fetched is written only while the lesson is still
    incoming and untouched by a curator.
    """
    jobs = _material_claim([fetch_id])
    if not jobs:
        row = MaterialFetch.objects.filter(pk=fetch_id).values_list("status", flat=True).first()
        return row or MaterialStatus.FAILED
    job = jobs[0]
    read = _material_read(job)
    if read.transient and not final_attempt:
        MaterialFetch.objects.filter(pk=job.pk).update(claimed_at=None, error=read.error)
        raise MaterialRetry(read.error)
    with transaction.atomic():
        return _materials_write([job], [read])[0]


def materials_fetch_now(*, fetch_ids: list[int]) -> list[str]:
    """Fetch the material of many items in this process, as the last attempt each gets (``sources_poll`` and the
    benchmark): pages are fetched a few at a time in threads, then everything is stored in one transaction."""
    jobs = _material_claim(fetch_ids)
    threads = max(1, int(settings.INGEST_MATERIAL_THREADS))
    with ThreadPoolExecutor(max_workers=threads) as pool:
        reads = list(pool.map(_material_read, jobs))
    with transaction.atomic():
        return _materials_write(jobs, reads)


def _material_claim(fetch_ids: list[int]) -> list[MaterialFetch]:
    """Take the pending jobs no live worker holds (a claim older than the lease is a lost worker's)."""
    now = timezone.now()
    lease = timedelta(seconds=int(settings.INGEST_MATERIAL_LEASE_SECONDS))
    claimable = Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - lease)
    with transaction.atomic():
        ids = list(
            MaterialFetch.objects.select_for_update(skip_locked=True)
            .filter(claimable, pk__in=fetch_ids, status=MaterialStatus.PENDING)
            .values_list("pk", flat=True)
        )
        MaterialFetch.objects.filter(pk__in=ids).update(claimed_at=now, attempts=F("attempts") + 1)
    return list(MaterialFetch.objects.filter(pk__in=ids).order_by("pk"))


@dataclass(frozen=True)
class _Read:
    material: Material
    errors: tuple[str, ...]
    transient: bool

    @property
    def error(self) -> str:
        return "; ".join(self.errors)[:2000]


def _material_read(job: MaterialFetch) -> _Read:
    """Fetch and read every part of one item's material; touches no database, so it may run in a thread."""
    attempts = _Attempts()
    text = attempts.run("article", job.article_url, lambda: article_text(fetch(job.article_url, accept="text/html")))
    transcript = attempts.run(
        "transcript",
        job.transcript_url,
        lambda: transcript_text(fetch(job.transcript_url), declared_type=job.transcript_type),
    )
    chapters = attempts.run("chapters", job.chapters_url, lambda: chapters_from_json(fetch(job.chapters_url)))
    found = Material(text=text or "", transcript=transcript or "", chapters=chapters or ())
    return _Read(material=found, errors=tuple(attempts.errors), transient=attempts.transient)


def _materials_write(jobs: list[MaterialFetch], reads: list[_Read]) -> list[str]:
    """Store what was found on each job's lesson (only while it is incoming and no curator touched it) and close the
    jobs: a handful of statements however many jobs, inside the caller's transaction."""
    now = timezone.now()
    untouched = set(
        Lesson.objects.select_for_update()
        .filter(pk__in=[job.lesson_id for job in jobs], status=LessonStatus.INCOMING, curator_edited_at__isnull=True)
        .values_list("pk", flat=True)
    )
    with_text: list[Lesson] = []
    with_transcript: list[Lesson] = []
    chapter_rows: list[Chapter] = []
    chaptered: list[int] = []
    statuses: list[str] = []
    for job, read in zip(jobs, reads, strict=True):
        found = read.material
        nothing = not (found.text or found.transcript or found.chapters)
        job.status = MaterialStatus.FAILED if read.errors and nothing else MaterialStatus.DONE
        job.finished_at, job.error, job.claimed_at = now, read.error, None
        statuses.append(job.status)
        if job.lesson_id not in untouched:
            continue
        if found.text:
            with_text.append(Lesson(pk=job.lesson_id, material=found.text[:_MATERIAL_MAX], updated=now))
        if found.transcript:
            with_transcript.append(Lesson(pk=job.lesson_id, transcript=found.transcript[:_MATERIAL_MAX], updated=now))
        if found.chapters:  # a chapters file is the publisher's own list: it wins over one read from the show notes
            chaptered.append(job.lesson_id)
            chapter_rows += _chapters(Lesson(pk=job.lesson_id), found.chapters)
    Lesson.objects.bulk_update(with_text, ["material", "updated"])
    Lesson.objects.bulk_update(with_transcript, ["transcript", "updated"])
    if chaptered:
        Chapter.objects.filter(lesson_id__in=chaptered).delete()
        Chapter.objects.bulk_create(chapter_rows)
    MaterialFetch.objects.bulk_update(jobs, ["status", "finished_at", "error", "claimed_at"])
    return statuses


class _Attempts:
    """Runs each part of an item's material, keeping what failed and whether trying again later may help."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.transient = False

    def run(self, label: str, url: str, read: Callable[[], _T]) -> _T | None:
        if not url:
            return None
        try:
            return read()
        except FetchError as error:
            self.transient = self.transient or error.transient
            self.errors.append(f"{label}: {error.message}")
        except MaterialError as error:
            self.errors.append(f"{label}: {error}")
        return None


def incoming_related_recompute(*, lesson_ids: list[int]) -> int:
    """Related lessons for items waiting in the queue, computed as for every lesson (lessons.related)."""
    waiting = list(Lesson.objects.filter(pk__in=lesson_ids, status=LessonStatus.INCOMING))
    return related_recompute(lessons=waiting).rows if waiting else 0


def _related_enqueue(lesson_ids: list[int]) -> None:
    from ingest.tasks import incoming_related_task

    def send() -> None:
        try:
            incoming_related_task.delay(lesson_ids)
        except Exception:  # a nicety for the queue: a broker outage must not fail the poll
            logger.warning("could not queue related lessons for %d new items", len(lesson_ids))

    transaction.on_commit(send)


def _material_enqueue(fetch_id: int) -> None:
    from ingest.tasks import material_fetch_task

    transaction.on_commit(lambda: material_fetch_task.delay(fetch_id))


# --- The beat's sweep ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SweepResult:
    polls: int
    material: int


def ingest_sweep(*, now: datetime | None = None) -> SweepResult:
    """Queue one poll per due source, and again any material whose task was lost (never claimed, or its worker died).

    A queued poll pushes the source's next_poll_at forward by a lease first, so the next sweep does not queue it again;
    a broker that lost the message is forgiven once the lease runs out.
    """
    from ingest.tasks import material_fetch_task, source_poll_task

    now = now or timezone.now()
    lease = timedelta(seconds=int(settings.INGEST_POLL_LEASE_SECONDS))
    polls = 0
    for source_id in Source.objects.due(now=now).values_list("pk", flat=True):
        taken = (
            Source.objects.filter(pk=source_id)
            .filter(Q(next_poll_at__isnull=True) | Q(next_poll_at__lte=now))
            .update(next_poll_at=now + lease)
        )
        if taken:
            source_poll_task.delay(source_id)
            polls += 1
    stale_enqueue = now - timedelta(seconds=int(settings.INGEST_MATERIAL_REQUEUE_SECONDS))
    stale_claim = now - timedelta(seconds=int(settings.INGEST_MATERIAL_LEASE_SECONDS))
    lost = list(
        MaterialFetch.objects.filter(status=MaterialStatus.PENDING, enqueued_at__lt=stale_enqueue)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=stale_claim))
        .values_list("pk", flat=True)[:500]
    )
    if lost:
        MaterialFetch.objects.filter(pk__in=lost).update(enqueued_at=now)
        for fetch_id in lost:
            material_fetch_task.delay(fetch_id)
    return SweepResult(polls=polls, material=len(lost))
