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
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TypeVar
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.db import DataError, IntegrityError, InterfaceError, OperationalError, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Concat
from django.utils import timezone

from ingest.captions import FETCHES_PER_VIDEO, WATCH_URL, Captions, captions_read, youtube_video_id
from ingest.exceptions import MaterialRetry, SourceConflict
from ingest.feeds import FeedError, FeedItem, feed_parse
from ingest.fetching import Fetched, FetchError, fetch
from ingest.material import Material, MaterialError, article_text, chapters_from_json, transcript_text
from ingest.models import TRANSCRIPT_CUT, MaterialFetch, MaterialStatus
from ingest.suggestions import Suggester, Suggestion
from lessons.exceptions import SourceNameTaken
from lessons.models import Category, Kind, Lesson, LessonStatus, Source
from lessons.related import related_recompute
from lessons.services import (
    IncomingItem,
    IncomingMaterial,
    incoming_item_create,
    incoming_item_refresh,
    incoming_items_create,
    incoming_materials_set,
    lesson_material_fill,
    source_poll_failed,
    source_poll_lease_take,
    source_poll_succeeded,
    source_polled_add,
    source_polled_update,
)
from lessons.transcripts import transcript_capped, transcript_max_chars

logger = logging.getLogger(__name__)

# The database itself is down or restarting: not the feed's fault, so not recorded on it (nothing could be); callers
# (the sources_poll command, the task) report it and try again.
DATABASE_OUTAGE = (OperationalError, InterfaceError)

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
            if material_inline:
                result.failed += _material_inline(source, [], now=now)
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
        return _poll_failed(source, result, message=message, now=now)
    except DATABASE_OUTAGE:
        raise
    except Exception as error:  # a reader's bug on a stranger's feed: recorded like any failure, with backoff
        logger.exception("source %s: unexpected failure", source.name)
        return _poll_failed(source, result, message=f"unreadable feed ({error.__class__.__name__})", now=now)
    try:
        return _poll_items(source, result, items, fetched=fetched, material_inline=material_inline, now=now)
    except DATABASE_OUTAGE:
        raise
    except Exception as error:  # recorded on the source and tried again with backoff, like a feed that failed
        logger.exception("source %s: unexpected failure while storing items", source.name)
        return _poll_failed(source, result, message=f"items not stored ({error.__class__.__name__})", now=now)


def _poll_failed(source: Source, result: PollResult, *, message: str, now: datetime) -> PollResult:
    _source_failed(source, message=message, now=now)
    logger.warning("source %s: %s", source.name, message)
    result.failed, result.error = 1, message
    return result


def _poll_items(
    source: Source, result: PollResult, items: list[FeedItem], *, fetched: Fetched, material_inline: bool, now: datetime
) -> PollResult:

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
        result.failed += _material_inline(source, pending, now=now)
        if cut := MaterialFetch.objects.filter(pk__in=pending, error__contains=TRANSCRIPT_CUT).count():
            limit, plural = f"{transcript_max_chars():,}", "s" if cut != 1 else ""
            result.notes.append(f"{cut} transcript{plural} cut at {limit} characters ({TRANSCRIPT_CUT})")
        if result.new:
            incoming_related_recompute(lesson_ids=new_ids)
    else:
        for fetch_id in _within_poll_budget(pending):
            _material_enqueue(fetch_id)
    return result


def _material_inline(source: Source, pending: list[int], *, now: datetime) -> int:
    """Fetch, in this process, the new items' material and what earlier polls left missing (a transient failure whose
    retry time has come, or work deferred by a budget), within the poll's budget; the number that failed for good."""
    due = sorted({*pending, *_material_due(source, now=now)})
    statuses = materials_fetch_now(fetch_ids=_within_poll_budget(due))
    return sum(1 for status in statuses if status == MaterialStatus.FAILED)


def _material_due(source: Source, *, now: datetime) -> list[int]:
    lease = timedelta(seconds=int(settings.INGEST_MATERIAL_LEASE_SECONDS))
    return list(
        MaterialFetch.objects.filter(lesson__source=source, status=MaterialStatus.PENDING)
        .filter(Q(retry_at__isnull=True) | Q(retry_at__lte=now))
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - lease))
        .values_list("pk", flat=True)
    )


def _within_poll_budget(fetch_ids: list[int]) -> list[int]:
    """The first jobs whose fetches fit in INGEST_FETCHES_PER_SOURCE_POLL; the others stay pending for the sweep or
    the next poll (their ``enqueued_at`` is now, so the sweep hands them out once they are overdue)."""
    budget = int(settings.INGEST_FETCHES_PER_SOURCE_POLL)
    chosen: list[int] = []
    for job in MaterialFetch.objects.filter(pk__in=fetch_ids).order_by("pk"):
        cost = len(_job_urls(job))
        if cost > budget:
            break
        budget -= cost
        chosen.append(job.pk)
    return chosen


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
        suggestion_confidence=suggestion.confidence if suggestion else None,
    )


def _material_job(lesson: Lesson, item: FeedItem) -> MaterialFetch:
    return MaterialFetch(
        lesson=lesson,
        article_url=item.article_url[:1000],
        transcript_url=item.transcript_url[:1000],
        transcript_type=item.transcript_type[:100],
        chapters_url=item.chapters_url[:1000],
        video_url=item.video_url[:1000],
    )


# --- Material ----------------------------------------------------------------------------------------------------


def material_fetch(*, fetch_id: int, final_attempt: bool = False, claim_owner: str = "") -> str:
    """Fetch and store one item's material; returns the job's status ("pending" when another worker holds it, when
    its retry time has not come, or when its hosts' budget for this minute is spent).

    A transient failure (network, 5xx, 429, timeout) raises MaterialRetry (with the delay to wait) unless
    ``final_attempt`` or the job's attempts reached INGEST_MATERIAL_MAX_RETRIES + 1; a permanent one (404, not a
    transcript, no article text, a file no reader accepts) records the error. What was fetched is written only while
    the lesson is still incoming and untouched by a curator. ``claim_owner`` (a task id) takes back the claim that
    same task held when it stopped on a database error.
    """
    jobs = _material_claim([fetch_id], owner=claim_owner)
    if not jobs:
        row = MaterialFetch.objects.filter(pk=fetch_id).values_list("status", flat=True).first()
        return row or MaterialStatus.FAILED
    job = jobs[0]
    read = _material_read(job)
    if read.transient and not (final_attempt or _attempts_spent(job)):
        delay = _material_retry_later(job, read)
        raise MaterialRetry(read.error, countdown=delay)
    return _material_store(job, read)


@dataclass(frozen=True)
class MaterialAsked:
    """One lesson a curator asked material for: its job (None when there is nothing to fetch) and why not."""

    lesson: Lesson
    fetch_id: int | None
    note: str = ""


def material_fetch_request(*, lessons: Iterable[Lesson], now: datetime | None = None) -> list[MaterialAsked]:
    """Make a material job pending for each lesson that lacks something a fetch can bring: a YouTube video's captions
    (with its chapters and duration) when it has no transcript, an article's text when it has none, and the
    transcript or chapters file its feed named. A lesson's earlier job is reused, its attempts and error cleared; a
    job a worker is fetching right now is left to it. What is found fills what the lesson lacks and overwrites
    nothing (an incoming item no curator touched gets its feed's material as a poll would)."""
    now = now or timezone.now()
    asked: list[MaterialAsked] = []
    for lesson in lessons:
        with transaction.atomic():
            job = MaterialFetch.objects.select_for_update().filter(lesson=lesson).first()
            wants = _material_wanted(lesson, job)
            if not any(wants.values()):
                asked.append(MaterialAsked(lesson=lesson, fetch_id=None, note=_nothing_to_fetch(lesson)))
                continue
            lease = timedelta(seconds=int(settings.INGEST_MATERIAL_LEASE_SECONDS))
            held = job is not None and job.claimed_at is not None and job.claimed_at > now - lease
            if job is not None and job.status == MaterialStatus.PENDING and held:
                asked.append(MaterialAsked(lesson=lesson, fetch_id=job.pk, note="already being fetched"))
                continue
            job = job or MaterialFetch(lesson=lesson)
            for name, url in wants.items():
                setattr(job, name, url[:1000])
            job.status, job.attempts, job.error, job.captions = MaterialStatus.PENDING, 0, "", ""
            job.retry_at = job.finished_at = job.claimed_at = None
            job.claimed_by, job.enqueued_at, job.requested = "", now, True
            job.save()
        asked.append(MaterialAsked(lesson=lesson, fetch_id=job.pk))
    return asked


def _material_wanted(lesson: Lesson, job: MaterialFetch | None) -> dict[str, str]:
    """The job's URLs for what the lesson lacks ("" for a part it has or no fetch can bring)."""
    lacks_transcript = not lesson.transcript
    video = youtube_video_id(lesson.external_url) if lacks_transcript else ""
    article = ""
    if (
        not lesson.material
        and lesson.kind in _ARTICLE_KINDS
        and lesson.external_url.startswith(("http://", "https://"))
    ):
        article = job.article_url if job is not None and job.article_url else lesson.external_url
    return {
        "video_url": WATCH_URL.format(video) if video else "",
        "article_url": article,
        "transcript_url": job.transcript_url if job is not None and lacks_transcript else "",
        "chapters_url": job.chapters_url if job is not None and lacks_transcript else "",
    }


_ARTICLE_KINDS = frozenset({Kind.ARTICLE, Kind.URL})


def _nothing_to_fetch(lesson: Lesson) -> str:
    if lesson.transcript:
        return "nothing to fetch: it has a transcript"
    return "nothing to fetch: not a YouTube video, and no article or transcript link to read"


def materials_fetch_now(*, fetch_ids: list[int]) -> list[str]:
    """Fetch the material of many items in this process (``sources_poll`` and the benchmark): pages are fetched a few
    at a time in threads, then each item is stored in a transaction of its own, so one item that cannot be stored
    fails alone. A transient failure leaves the item pending with a retry time, for the next poll or sweep."""
    jobs = _material_claim(fetch_ids)
    threads = max(1, int(settings.INGEST_MATERIAL_THREADS))
    with ThreadPoolExecutor(max_workers=threads) as pool:
        reads = list(pool.map(_material_read, jobs))
    statuses: list[str] = []
    for job, read in zip(jobs, reads, strict=True):
        if read.transient and not _attempts_spent(job):
            _material_retry_later(job, read)
            statuses.append(MaterialStatus.PENDING)
        else:
            statuses.append(_material_store(job, read))
    return statuses


def _attempts_spent(job: MaterialFetch) -> bool:
    return job.attempts > int(settings.INGEST_MATERIAL_MAX_RETRIES)


def _material_retry_later(job: MaterialFetch, read: _Read) -> float:
    """Release the job with its error and the time of its next try: INGEST_MATERIAL_BACKOFF_SECONDS × 2^(attempts − 1),
    or longer when the server asked for it (Retry-After), at most INGEST_RETRY_MAX_SECONDS. Returns the delay."""
    backoff = float(settings.INGEST_MATERIAL_BACKOFF_SECONDS) * 2 ** min(max(job.attempts - 1, 0), 20)
    delay = min(max(backoff, read.retry_after or 0.0), float(settings.INGEST_RETRY_MAX_SECONDS))
    MaterialFetch.objects.filter(pk=job.pk).update(
        claimed_at=None, claimed_by="", error=read.error, retry_at=timezone.now() + timedelta(seconds=delay)
    )
    return delay


def _material_store(job: MaterialFetch, read: _Read) -> str:
    """Store one job's material and close it, in a transaction of its own. Material the database refuses (a
    PostgreSQL limit the readers did not foresee) closes the job as failed with the reason, and loses nothing else."""
    try:
        with transaction.atomic():
            return _materials_write([job], [read])[0]
    except (DataError, IntegrityError) as error:
        logger.warning("material %s could not be stored: %s", job.pk, error)
        reason = f"not stored: {_first_line(error)}"
        refused = _Read(material=Material(), errors=(*read.errors, reason), transient=False)
        with transaction.atomic():
            return _materials_write([job], [refused])[0]


def _first_line(error: Exception) -> str:
    return (str(error).strip().splitlines() or [error.__class__.__name__])[0][:300]


def _material_claim(fetch_ids: list[int], *, owner: str = "") -> list[MaterialFetch]:
    """Take the pending jobs no live worker holds (a claim older than the lease is a lost worker's; ``owner``'s own
    claim may be taken back) whose retry time has come and whose hosts have fetches left this minute. A job whose
    attempts are spent without an answer (its worker died or timed out each time) is closed as failed instead."""
    now = timezone.now()
    lease = timedelta(seconds=int(settings.INGEST_MATERIAL_LEASE_SECONDS))
    claimable = Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - lease)
    if owner:
        claimable |= Q(claimed_by=owner)
    due = Q(retry_at__isnull=True) | Q(retry_at__lte=now)
    attempts_max = int(settings.INGEST_MATERIAL_MAX_RETRIES) + 1
    with transaction.atomic():
        rows = list(
            MaterialFetch.objects.select_for_update(skip_locked=True)
            .filter(claimable, due, pk__in=fetch_ids, status=MaterialStatus.PENDING)
            .order_by("pk")
        )
        spent = [job.pk for job in rows if job.attempts >= attempts_max]
        if spent:
            MaterialFetch.objects.filter(pk__in=spent).update(
                status=MaterialStatus.FAILED,
                finished_at=now,
                claimed_at=None,
                claimed_by="",
                error=Concat(Value(f"gave up after {attempts_max} attempts; last: "), F("error")),
            )
        ids = [job.pk for job in rows if job.pk not in spent and fetch_budget_take(_job_urls(job))]
        MaterialFetch.objects.filter(pk__in=ids).update(claimed_at=now, claimed_by=owner, attempts=F("attempts") + 1)
    return list(MaterialFetch.objects.filter(pk__in=ids).order_by("pk"))


def _job_urls(job: MaterialFetch) -> list[str]:
    """Every request the job will send, by URL (a video's captions are FETCHES_PER_VIDEO requests to its host)."""
    return _urls_cost(job.article_url, job.transcript_url, job.chapters_url, job.video_url)


def _urls_cost(article_url: str, transcript_url: str, chapters_url: str, video_url: str) -> list[str]:
    urls = [url for url in (article_url, transcript_url, chapters_url) if url]
    return urls + [video_url] * FETCHES_PER_VIDEO if video_url else urls


def fetch_budget_take(urls: list[str]) -> bool:
    """Count ``urls`` against their hosts' INGEST_FETCHES_PER_HOST_MINUTE for this minute; False (nothing counted)
    when one host has too few left. Counted in the cache, shared by every worker; a cache outage lets them through."""
    limit = int(settings.INGEST_FETCHES_PER_HOST_MINUTE)
    minute = int(timezone.now().timestamp() // 60)
    needed: dict[str, int] = {}
    for url in urls:
        key = f"ingest:fetches:{minute}:{(urlsplit(url).hostname or '')[:200]}"
        needed[key] = needed.get(key, 0) + 1
    try:
        counts = cache.get_many(list(needed))
        if any(int(counts.get(key, 0)) + count > limit for key, count in needed.items()):
            return False
        for key, count in needed.items():
            cache.add(key, 0, timeout=120)
            cache.incr(key, count)
    except Exception:  # the budget is a courtesy to hosts; a cache outage must not stop ingest
        logger.warning("fetch budget not counted: the cache is unavailable")
    return True


@dataclass(frozen=True)
class _Read:
    material: Material
    errors: tuple[str, ...]
    transient: bool
    retry_after: float | None = None
    # A video's captions, chapters and duration: they fill what the lesson lacks, never replace.
    captions: Material = field(default_factory=Material)
    captions_note: str = ""  # "en, automatic", or why there are none

    @property
    def found_nothing(self) -> bool:
        return not any((part.text or part.transcript or part.chapters) for part in (self.material, self.captions))

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
    captions, note = _captions_read(job, attempts)
    return _Read(
        material=found,
        errors=tuple(attempts.errors),
        transient=attempts.transient,
        retry_after=attempts.retry_after,
        captions=captions,
        captions_note=note,
    )


def _captions_read(job: MaterialFetch, attempts: _Attempts) -> tuple[Material, str]:
    """The video's captions (bounded like any transcript) and the note the admin shows: "en, automatic", or why
    there are none ("unavailable: turned off for this video")."""
    if not job.video_url:
        return Material(), ""

    def read() -> Captions:
        video_id = youtube_video_id(job.video_url)
        if not video_id:
            raise MaterialError("unavailable: not a YouTube video link")
        return captions_read(video_id)

    failures = len(attempts.errors)
    captions = attempts.run("captions", job.video_url, read)
    if captions is None:
        reason = attempts.errors[failures].removeprefix("captions: ")
        return Material(), (reason if reason.startswith("unavailable") else f"unavailable: {reason}")[:300]
    transcript, cut = _transcript_bounded(captions.material.transcript)
    if cut:
        attempts.errors.append(f"transcript: {cut}")
    found = captions.material
    material = Material(transcript=transcript, chapters=found.chapters, duration_seconds=found.duration_seconds)
    return material, captions.line()


def _transcript_bounded(transcript: str) -> tuple[str, str]:
    """(the transcript cut to the one transcript cap, `lessons.transcripts.transcript_capped`, which parsing applies
    too, and what was cut in words, or "" when it fits)."""
    kept = transcript_capped(transcript)
    if kept == transcript:
        return transcript, ""
    return kept, f"cut at {transcript_max_chars():,} of {len(transcript):,} characters ({TRANSCRIPT_CUT})"


def _materials_write(jobs: list[MaterialFetch], reads: list[_Read]) -> list[str]:
    """Store what was found on each job's lesson (lessons.services writes it only while the lesson is incoming and no
    curator touched it) and close the jobs: a handful of statements however many jobs, inside the caller's
    transaction."""
    now = timezone.now()
    fetched = [
        _incoming_material(job.lesson_id, read.material)
        for job, read in zip(jobs, reads, strict=True)
        if read.material.text or read.material.transcript or read.material.chapters
    ]
    written = incoming_materials_set(materials=fetched, now=now)
    # A video's captions only fill what its lesson lacks; so does what a curator asked for a lesson in the catalog
    # (published, a draft, or edited by a curator). What a poll brought reaches only untouched incoming lessons.
    requested = {job.lesson_id for job in jobs if job.requested}
    captions = [
        _incoming_material(job.lesson_id, read.captions)
        for job, read in zip(jobs, reads, strict=True)
        if read.captions.transcript or read.captions.chapters or read.captions.duration_seconds
    ]
    lesson_material_fill(
        materials=[found for found in fetched if found.lesson_id in requested and found.lesson_id not in written]
        + [found for found in captions if found.lesson_id in requested],
        now=now,
    )
    lesson_material_fill(
        materials=[found for found in captions if found.lesson_id not in requested],
        now=now,
        untouched_incoming_only=True,
    )
    statuses: list[str] = []
    for job, read in zip(jobs, reads, strict=True):
        job.status = MaterialStatus.FAILED if read.errors and read.found_nothing else MaterialStatus.DONE
        job.finished_at, job.error, job.claimed_at, job.claimed_by = now, read.error, None, ""
        job.captions = read.captions_note or job.captions
        statuses.append(job.status)
    MaterialFetch.objects.bulk_update(jobs, ["status", "finished_at", "error", "claimed_at", "claimed_by", "captions"])
    return statuses


def _incoming_material(lesson_id: int, found: Material) -> IncomingMaterial:
    return IncomingMaterial(
        lesson_id=lesson_id,
        text=found.text,
        transcript=found.transcript,
        chapters=tuple(found.chapters),
        duration_seconds=found.duration_seconds,
    )


class _Attempts:
    """Runs each part of an item's material, keeping what failed and whether trying again later may help."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.transient = False
        self.retry_after: float | None = None

    def run(self, label: str, url: str, read: Callable[[], _T]) -> _T | None:
        if not url:
            return None
        try:
            return read()
        except FetchError as error:
            self.transient = self.transient or error.transient
            if error.retry_after is not None:
                self.retry_after = max(self.retry_after or 0.0, error.retry_after)
            self.errors.append(f"{label}: {error.message}")
        except MaterialError as error:
            self.errors.append(f"{label}: {error}")
        except Exception as error:  # a reader's bug on a stranger's bytes fails this part, not the job
            logger.exception("material part %s of %s failed", label, url)
            self.errors.append(f"{label}: unreadable ({error.__class__.__name__})")
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


def material_fetch_enqueue(*, fetch_ids: list[int]) -> None:
    """Hand the jobs to the worker once the transaction commits; with the broker down, the beat's sweep hands them out
    once it is back (their ``enqueued_at`` was set when they were asked for)."""
    for fetch_id in fetch_ids:
        _material_enqueue(fetch_id)


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
    overdue = (
        MaterialFetch.objects.filter(status=MaterialStatus.PENDING, enqueued_at__lt=stale_enqueue)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=stale_claim))
        .filter(Q(retry_at__isnull=True) | Q(retry_at__lte=now))
        .order_by("pk")
        .values_list("pk", "lesson__source_id", "article_url", "transcript_url", "chapters_url", "video_url")[:2000]
    )
    # At most INGEST_FETCHES_PER_SOURCE_POLL fetches per source per sweep: one feed's backlog cannot flood the queue.
    budget: dict[int | None, int] = {}
    lost: list[int] = []
    for fetch_id, source_id, *urls in overdue:
        left = budget.setdefault(source_id, int(settings.INGEST_FETCHES_PER_SOURCE_POLL))
        cost = len(_urls_cost(*urls))
        if cost <= left and len(lost) < 500:
            budget[source_id] = left - cost
            lost.append(fetch_id)
    if lost:
        MaterialFetch.objects.filter(pk__in=lost).update(enqueued_at=now)
        for fetch_id in lost:
            material_fetch_task.delay(fetch_id)
    return SweepResult(polls=polls, material=len(lost))
