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

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TypeVar

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from ingest.exceptions import MaterialRetry, SourceConflict
from ingest.feeds import FeedError, FeedItem, feed_parse
from ingest.fetching import FetchError, fetch
from ingest.material import Material, MaterialError, article_text, chapters_from_json, transcript_text
from ingest.models import TRANSCRIPT_CUT, MaterialFetch, MaterialStatus
from ingest.suggestions import Suggester, Suggestion
from lessons.exceptions import SourceNameTaken
from lessons.models import Category, Lesson, LessonStatus, Source
from lessons.related import related_recompute
from lessons.services import (
    IncomingItem,
    IncomingMaterial,
    incoming_item_create,
    incoming_item_refresh,
    incoming_items_create,
    incoming_materials_set,
    source_poll_failed,
    source_poll_lease_take,
    source_poll_succeeded,
    source_polled_add,
    source_polled_update,
)

logger = logging.getLogger(__name__)

_T = TypeVar("_T")
_FEED_ACCEPT = "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"


@dataclass
class PollResult:
    source_name: str
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    error: str = ""
    not_modified: bool = False
    notes: list[str] = field(default_factory=list)  # what a limit cut or the feed left out, said on the source too

    def line(self) -> str:
        if self.not_modified:
            return f"{self.source_name}: not modified"
        counts = f"{self.new} new, {self.updated} updated, {self.unchanged} unchanged, {self.failed} failed"
        return f"{self.source_name}: {counts}" + "".join(f"; {note}" for note in self.notes)


# --- Sources ---------------------------------------------------------------------------------------------------


def source_add(
    *,
    name: str,
    feed_format: str,
    feed_url: str,
    category: Category | None = None,
    level: str = "",
    update: bool = False,
) -> tuple[Source, bool]:
    """Add a polled source, or return the one that already reads ``feed_url`` (True when created).

    A hand-kept source of the same name (the demo catalog's "Medium · LLM") gets the feed; a source of that name that
    already reads another feed is a SourceConflict. When the source reading ``feed_url`` has another name, format,
    category or level than asked, nothing changes silently: ``update`` changes them, else it is a SourceConflict
    that says what differs.
    """
    try:
        source, created = source_polled_add(
            name=name, feed_format=feed_format, feed_url=feed_url, category=category, level=level
        )
        differences = [] if created else _source_differences(source, name, feed_format, category, level)
        if differences and not update:
            raise SourceConflict(
                f"{feed_url} is already read by the source “{source.name}”, whose {', '.join(differences)}; "
                "nothing was changed (run again with --update to change it)."
            )
        if differences:
            source = source_polled_update(
                source=source, name=name, feed_format=feed_format, category=category, level=level
            )
        return source, created
    except SourceNameTaken as error:
        raise SourceConflict(str(error)) from error


def _source_differences(
    source: Source, name: str, feed_format: str, category: Category | None, level: str
) -> list[str]:
    """What the source has other than asked, in words ("name is “Blog”, not “Notes”"); unasked fields are none."""
    asked = [("name", source.name, name), ("kind", source.feed_format, feed_format)]
    if category is not None:
        current = source.default_category.slug if source.default_category else "none"
        asked.append(("category", current, category.slug))
    if level:
        asked.append(("level", source.default_level or "none", level))
    return [f"{label} is “{have}”, not “{want}”" for label, have, want in asked if have != want]


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
        fetched = fetch(
            source.feed_url,
            etag=source.etag,
            last_modified=source.last_modified,
            accept=_FEED_ACCEPT,
            max_bytes=int(settings.INGEST_MAX_FEED_BYTES),
        )
        if fetched.not_modified:
            source_poll_succeeded(source=source, now=now, etag=fetched.etag, last_modified=fetched.last_modified)
            result.not_modified = True
            return result
        parsed = feed_parse(
            fetched.body, feed_format=source.feed_format, content_type=fetched.content_type, url=fetched.url
        )
        items = parsed.items
        result.notes += parsed.notes
    except (FetchError, FeedError) as error:
        message = error.message if isinstance(error, FetchError) else str(error)
        if message.startswith("too large"):
            message += " (INGEST_MAX_FEED_BYTES)"
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
    source_poll_succeeded(
        source=source, now=now, etag=fetched.etag, last_modified=fetched.last_modified, notes="; ".join(result.notes)
    )
    if material_inline:
        statuses = materials_fetch_now(fetch_ids=pending)
        result.failed += sum(1 for status in statuses if status == MaterialStatus.FAILED)
        if cut := MaterialFetch.objects.filter(pk__in=pending, error__contains=TRANSCRIPT_CUT).count():
            limit, plural = f"{int(settings.INGEST_MAX_TRANSCRIPT_CHARS):,}", "s" if cut != 1 else ""
            result.notes.append(f"{cut} transcript{plural} cut at {limit} characters ({TRANSCRIPT_CUT})")
        if result.new:
            incoming_related_recompute(lesson_ids=new_ids)
    else:
        for fetch_id in pending:
            _material_enqueue(fetch_id)
    return result


def _source_failed(source: Source, *, message: str, now: datetime) -> None:
    """Back off exponentially (INGEST_RETRY_BASE_SECONDS × 2^(failures − 1), at most INGEST_RETRY_MAX_SECONDS) and
    turn the source off after INGEST_MAX_FAILURES failures in a row."""
    failures = source.consecutive_failures + 1
    delay = min(
        int(settings.INGEST_RETRY_BASE_SECONDS) * 2 ** min(failures - 1, 20), int(settings.INGEST_RETRY_MAX_SECONDS)
    )
    disable = failures >= int(settings.INGEST_MAX_FAILURES)
    if disable:
        message = f"Turned off after {failures} failed polls in a row; fix the feed and tick “enabled”. Last: {message}"
    source_poll_failed(
        source=source,
        message=message,
        failures=failures,
        retry_at=now + timedelta(seconds=delay),
        disable=disable,
        now=now,
    )


# --- Items -----------------------------------------------------------------------------------------------------


def _items_create_together(
    source: Source, items: list[FeedItem], suggested: dict[str, Suggestion], *, now: datetime
) -> list[int] | None:
    """Create every new item, its chapters and its pending material in three INSERTs; the MaterialFetch ids, or None
    when the database refused one (another poll created it meanwhile, or the feed lists it twice): nothing is kept
    then, and the caller goes item by item."""
    with transaction.atomic():
        lessons = incoming_items_create(
            source=source, items=[_incoming(item, suggested.get(item.identity_key)) for item in items], now=now
        )
        if lessons is None:
            return None
        jobs = MaterialFetch.objects.bulk_create(
            _material_job(lesson, item) for lesson, item in zip(lessons, items, strict=True) if item.needs_material
        )
    return [job.pk for job in jobs]


def _item_ingest(
    source: Source, item: FeedItem, known_id: int | None, suggestion: Suggestion | None, *, now: datetime
) -> tuple[str, int | None]:
    """("new" | "updated" | "unchanged", the MaterialFetch id to run when one was created)."""
    if known_id is not None:
        updated = incoming_item_refresh(lesson_id=known_id, item=_incoming(item, None, refresh=True))
        return ("updated" if updated else "unchanged"), None
    with transaction.atomic():
        lesson = incoming_item_create(source=source, item=_incoming(item, suggestion), now=now)
        if lesson is None:
            # Another poll of this feed created it a moment ago: the constraint decided (module docstring).
            return "unchanged", None
        job = _material_job(lesson, item) if item.needs_material else None
        if job is not None:
            job.save()
    return "new", job.pk if job is not None else None


def _incoming(item: FeedItem, suggestion: Suggestion | None, *, refresh: bool = False) -> IncomingItem:
    """A feed item as the catalog stores it, with the curator's suggestions when the item is new. The feed's own full
    text is a new item's material until its page is read, and never overwrites what the page gave."""
    return IncomingItem(
        identity_key=item.identity_key,
        title=item.title,
        link=item.link,
        authors=item.authors,
        published_on=item.published_on,
        description=item.summary,
        duration_seconds=item.duration_seconds,
        material=item.material if refresh else (item.material or item.feed_text),
        chapters=tuple(item.chapters),
        suggested_category_id=suggestion.category_id if suggestion else None,
        suggested_level=suggestion.level if suggestion else "",
        suggested_summary=suggestion.summary if suggestion else "",
    )


def _material_job(lesson: Lesson, item: FeedItem) -> MaterialFetch:
    return MaterialFetch(
        lesson=lesson,
        article_url=item.article_url[:1000],
        transcript_url=item.transcript_url[:1000],
        transcript_type=item.transcript_type[:100],
        chapters_url=item.chapters_url[:1000],
    )


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
    transcript, cut = _transcript_bounded(transcript or "")
    if cut:
        attempts.errors.append(f"transcript: {cut}")
    found = Material(text=text or "", transcript=transcript, chapters=chapters or ())
    return _Read(material=found, errors=tuple(attempts.errors), transient=attempts.transient)


def _transcript_bounded(transcript: str) -> tuple[str, str]:
    """(the transcript cut at INGEST_MAX_TRANSCRIPT_CHARS after its last whole cue, else its last whole line, and
    what was cut in words, or "" when it fits)."""
    limit = int(settings.INGEST_MAX_TRANSCRIPT_CHARS)
    if len(transcript) <= limit:
        return transcript, ""
    head = transcript[:limit]
    end = head.rfind("\n\n")
    kept = head[:end] if end > 0 else head.rsplit("\n", 1)[0] if "\n" in head else head
    return kept.rstrip(), f"cut at {limit:,} of {len(transcript):,} characters ({TRANSCRIPT_CUT})"


def _materials_write(jobs: list[MaterialFetch], reads: list[_Read]) -> list[str]:
    """Store what was found on each job's lesson (lessons.services writes it only while the lesson is incoming and no
    curator touched it) and close the jobs: a handful of statements however many jobs, inside the caller's
    transaction."""
    now = timezone.now()
    incoming_materials_set(
        materials=[
            IncomingMaterial(
                lesson_id=job.lesson_id,
                text=read.material.text,
                transcript=read.material.transcript,
                chapters=tuple(read.material.chapters),
            )
            for job, read in zip(jobs, reads, strict=True)
            if read.material.text or read.material.transcript or read.material.chapters
        ],
        now=now,
    )
    statuses: list[str] = []
    for job, read in zip(jobs, reads, strict=True):
        found = read.material
        nothing = not (found.text or found.transcript or found.chapters)
        job.status = MaterialStatus.FAILED if read.errors and nothing else MaterialStatus.DONE
        job.finished_at, job.error, job.claimed_at = now, read.error, None
        statuses.append(job.status)
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

    # robust: a broker outage must not fail the poll (related lessons are a nicety for the queue; material is found
    # again by the sweep).
    transaction.on_commit(lambda: incoming_related_task.delay(lesson_ids), robust=True)


def _material_enqueue(fetch_id: int) -> None:
    from ingest.tasks import material_fetch_task

    transaction.on_commit(lambda: material_fetch_task.delay(fetch_id), robust=True)


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
        if source_poll_lease_take(source_id=source_id, now=now, until=now + lease):
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
