"""Read a fetched feed into plain items: RSS and Atom blogs, arXiv listings, YouTube channel feeds and podcasts.

The body is first checked by defusedxml, which refuses DTD entities (billion laughs) and external entities (XXE)
outright and fails on malformed XML or a bad encoding; only then does feedparser read it. A body that parses but is
not a feed (an HTML page) is refused too, so nothing half-read ever reaches the catalog.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit
from xml.etree.ElementTree import ParseError

import defusedxml.ElementTree
import feedparser
from defusedxml import DefusedXmlException

from ingest.text import html_to_text
from lessons.chapters import ParsedChapter, chapters_parse
from lessons.models import FeedFormat
from lessons.sources import arxiv_id

_YOUTUBE_WATCH = "https://www.youtube.com/watch?v={}"
_DURATION = re.compile(r"^(?:(?:(?P<h>\d+):)?(?P<m>\d+):)?(?P<s>\d+)(?:\.\d+)?$")
MAX_ITEMS_PER_FEED = 200


class FeedError(ValueError):
    """The body is not a feed we can read safely; the message says why, for the source's last_error."""


@dataclass(frozen=True)
class FeedItem:
    identity_key: str
    title: str
    link: str
    authors: str = ""
    published_on: date | None = None
    summary: str = ""  # plain text for the description, as the page shows it
    chapters: list[ParsedChapter] = field(default_factory=list)
    duration_seconds: int | None = None
    material: str = ""  # the work's own text when the feed carries it (an arXiv abstract)
    article_url: str = ""  # a page whose main text is the material (blogs)
    transcript_url: str = ""
    transcript_type: str = ""
    chapters_url: str = ""
    category_hint: str = ""  # arXiv's primary category, a feed's first tag

    @property
    def needs_material(self) -> bool:
        return bool(self.article_url or self.transcript_url or self.chapters_url)


def feed_parse(body: bytes, *, feed_format: str, content_type: str = "") -> list[FeedItem]:
    """The items of a feed body, newest first as the feed lists them; raises FeedError for anything unsafe or odd."""
    _xml_check(body)
    parsed = feedparser.parse(body, response_headers={"content-type": content_type or "application/xml"})
    if not parsed.get("version"):
        raise FeedError("not a feed: the body is XML but neither RSS nor Atom")
    items = []
    for entry in parsed.entries[:MAX_ITEMS_PER_FEED]:
        item = _item(entry, feed_format)
        if item is not None:
            items.append(item)
    return items


def _xml_check(body: bytes) -> None:
    if not body.strip():
        raise FeedError("empty body")
    head = body[:512].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")):
        raise FeedError("not a feed: an HTML page")
    try:
        defusedxml.ElementTree.fromstring(body, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as error:
        raise FeedError(f"refused: the feed declares entities ({error.__class__.__name__})") from None
    except ParseError as error:
        raise FeedError(f"malformed XML: {error}") from None
    except (LookupError, ValueError) as error:  # an unknown or broken declared encoding
        raise FeedError(f"bad encoding: {error}") from None


def _item(entry: Any, feed_format: str) -> FeedItem | None:
    if feed_format == FeedFormat.ARXIV:
        return _arxiv_item(entry)
    if feed_format == FeedFormat.YOUTUBE:
        return _youtube_item(entry)
    if feed_format == FeedFormat.PODCAST:
        return _podcast_item(entry)
    return _article_item(entry)


def _article_item(entry: Any) -> FeedItem | None:
    link = canonical_url(entry.get("link", ""))
    identity = (entry.get("id") or "").strip() or link
    title = _clean(entry.get("title", ""))
    if not identity or not title or not link:
        return None
    return FeedItem(
        identity_key=identity[:500],
        title=title,
        link=link,
        authors=_authors(entry),
        published_on=_date(entry),
        summary=_summary(entry),
        article_url=link,
        category_hint=_first_tag(entry),
    )


def _arxiv_item(entry: Any) -> FeedItem | None:
    link = entry.get("link", "") or entry.get("id", "")
    paper = arxiv_id(entry.get("id", "")) or arxiv_id(link)
    title = _clean(entry.get("title", ""))
    if paper is None or not title:
        return None
    abstract = _clean(html_to_text(entry.get("summary", "")))
    # The RSS/Atom listings prefix the abstract with "arXiv:ID Announce Type: new Abstract: ".
    abstract = re.sub(r"^arXiv:\S+\s+Announce Type:\s*\S+\s+Abstract:\s*", "", abstract)
    primary = entry.get("arxiv_primary_category") or {}
    return FeedItem(
        identity_key=f"arxiv:{paper}",
        title=title,
        link=f"https://arxiv.org/abs/{paper}",
        authors=_authors(entry),
        published_on=_date(entry),
        summary=_first_sentences(abstract, 400),
        material=abstract,
        category_hint=str(primary.get("term", "") if isinstance(primary, dict) else "") or _first_tag(entry),
    )


def _youtube_item(entry: Any) -> FeedItem | None:
    video = (entry.get("yt_videoid") or "").strip()
    title = _clean(entry.get("title", ""))
    if not re.fullmatch(r"[A-Za-z0-9_-]{6,20}", video) or not title:
        return None
    description = (entry.get("media_description") or entry.get("summary") or "").strip()
    return FeedItem(
        identity_key=f"yt:video:{video}",
        title=title,
        link=_YOUTUBE_WATCH.format(video),
        authors=_authors(entry),
        published_on=_date(entry),
        summary=description,
        chapters=chapters_parse(description),
    )


def _podcast_item(entry: Any) -> FeedItem | None:
    title = _clean(entry.get("title", ""))
    link = canonical_url(entry.get("link", ""))
    enclosure = next((e.get("href", "") for e in entry.get("enclosures", []) if e.get("href")), "")
    identity = (entry.get("id") or "").strip() or link or enclosure
    if not identity or not title or not (link or enclosure):
        return None
    notes = entry.get("content", [{}])[0].get("value", "") if entry.get("content") else entry.get("summary", "")
    notes_text = html_to_text(notes)
    transcript = entry.get("podcast_transcript") or {}
    chapters = entry.get("podcast_chapters") or {}
    return FeedItem(
        identity_key=identity[:500],
        title=title,
        link=link or enclosure,
        authors=_clean(entry.get("itunes_author", "")) or _authors(entry),
        published_on=_date(entry),
        summary=notes_text,
        chapters=chapters_parse(notes_text),
        duration_seconds=_duration(entry.get("itunes_duration", "")),
        transcript_url=str(transcript.get("url", "")),
        transcript_type=str(transcript.get("type", "")),
        chapters_url=str(chapters.get("url", "")),
    )


def canonical_url(url: str) -> str:
    """The URL an item is known by: no fragment, no tracking parameters, lower-case host."""
    url = url.strip()
    if not url:
        return ""
    parts = urlsplit(url)
    query = "&".join(
        pair for pair in parts.query.split("&") if pair and not pair.lower().startswith(("utm_", "source=rss"))
    )
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", query, ""))


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


def _summary(entry: Any) -> str:
    return html_to_text(entry.get("summary", "") or "").strip()


def _first_sentences(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit]
    end = max(cut.rfind(". "), cut.rfind("? "), cut.rfind("! "))
    return cut[: end + 1] if end > limit // 3 else cut.rsplit(" ", 1)[0] + "…"


def _authors(entry: Any) -> str:
    names = [_clean(author.get("name", "")) for author in entry.get("authors", []) if isinstance(author, dict)]
    names = [name for name in names if name]
    return (", ".join(names) or _clean(entry.get("author", "")))[:300]


def _first_tag(entry: Any) -> str:
    tags = entry.get("tags") or []
    return str(tags[0].get("term", "")) if tags else ""


def _date(entry: Any) -> date | None:
    for key in ("published_parsed", "updated_parsed"):
        value = entry.get(key)
        if value:
            try:
                return datetime(*value[:6]).date()  # noqa: DTZ001 - feedparser gives UTC struct_time
            except (TypeError, ValueError):
                continue
    return None


def _duration(raw: Any) -> int | None:
    match = _DURATION.match(str(raw or "").strip())
    if not match:
        return None
    seconds = int(match["h"] or 0) * 3600 + int(match["m"] or 0) * 60 + int(match["s"])
    return seconds or None
