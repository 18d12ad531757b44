"""Writes of polled sources: adding one, and the health of its polls (success, failure, lease, schedule)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import F

from lessons.exceptions import SourceNameTaken
from lessons.models import (
    FEED_FORMAT_KINDS,
    Category,
    FeedFormat,
    Level,
    Source,
)

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


def source_polled_update(
    *, source: Source, name: str, feed_format: str, category: Category | None = None, level: str = ""
) -> Source:
    """Give a polled source another name or feed format (its lessons keep theirs), and the category and level new
    items get when given; SourceNameTaken when another source has the name."""
    if feed_format not in FeedFormat.values:
        raise ValueError(f"unknown feed format {feed_format!r}")
    if level and level not in Level.values:
        raise ValueError(f"unknown level {level!r}")
    with transaction.atomic():
        if Source.objects.filter(name=name).exclude(pk=source.pk).exists():
            raise SourceNameTaken(f"Another source is named “{name}”.")
        source.name, source.feed_format, source.kind = name, feed_format, FEED_FORMAT_KINDS[feed_format]
        fields = ["name", "feed_format", "kind"]
        if category is not None:
            source.default_category = category
            fields.append("default_category")
        if level:
            source.default_level = level
            fields.append("default_level")
        try:
            with transaction.atomic():
                source.save(update_fields=fields)
        except IntegrityError:  # the name was taken a moment ago
            raise SourceNameTaken(f"Another source is named “{name}”.") from None
    return source


def source_poll_succeeded(
    *, source: Source, now: datetime, etag: str, last_modified: str, notes: str | None = None
) -> None:
    """Record a poll that read the feed (or was told it had not changed): errors cleared, the next poll after the
    source's interval, and the feed's HTTP validators kept for the next conditional request. ``notes`` (what the
    poll left out) replace the last poll's; None (a 304) keeps them, since the feed is the one they describe."""
    extra = {} if notes is None else {"last_poll_notes": notes[:2000]}
    Source.objects.filter(pk=source.pk).update(
        **extra,
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
