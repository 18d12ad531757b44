"""Read a fetched feed into plain items: RSS and Atom blogs, arXiv listings, YouTube channel feeds and podcasts.

Encodings are read as RFC 7303 says: a byte-order mark first, then the charset of the HTTP Content-Type, then the
XML declaration, then UTF-8 (UTF-16 recognised by its first bytes). Labels are read as browsers read them, as the
superset real feeds use (gb2312 as GB18030, big5 as Big5-HKSCS, shift_jis as cp932, euc-kr as cp949, ISO-8859-1 and
ASCII as windows-1252). The text is re-encoded as UTF-8 and only then checked by defusedxml, which refuses DTD
entities (billion laughs) and external entities (XXE) outright and fails on malformed XML, so the check no longer
depends on which encodings expat knows. Only then does feedparser read it. A body that parses but is not a feed (an
HTML page) is refused too, so nothing half-read ever reaches the catalog.

What an item loses on the way is said, never dropped quietly: items past INGEST_MAX_FEED_ITEMS and items left out
(no web link, say) come back as notes, which the poll prints and stores on the source.
"""

from __future__ import annotations

import codecs
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree
import feedparser
from defusedxml import DefusedXmlException
from django.conf import settings

from ingest.text import html_to_line, html_to_text
from lessons.chapters import ParsedChapter, chapters_parse
from lessons.models import FeedFormat
from lessons.sources import arxiv_id

_YOUTUBE_WATCH = "https://www.youtube.com/watch?v={}"
_DURATION = re.compile(r"^(?:(?:(?P<h>\d+):)?(?P<m>\d+):)?(?P<s>\d+)(?:\.\d+)?$")
_WEB_SCHEMES = ("http", "https")
# Parameters that only tell an analytics tool where a click came from; the same page without them.
_TRACKING = {
    "fbclid", "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "ttclid", "li_fat_id",
    "mc_cid", "mc_eid", "_hsenc", "_hsmi", "hsctatracking", "mkt_tok", "igshid", "oly_anon_id", "oly_enc_id",
    "vero_id", "vero_conv", "_openstat", "wt.mc_id", "ncid", "cmpid", "s_cid", "rb_clickid", "__s",
}  # fmt: skip
_TRACKING_PREFIXES = ("utm_", "pk_", "mtm_")
# The encoding a label names, as browsers decode it (the WHATWG Encoding Standard): real feeds declared this way use
# the superset's characters, and the superset decodes every document the narrow encoding does.
_SUPERSETS = {
    "gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "csgb2312": "gb18030", "gb_2312-80": "gb18030",
    "chinese": "gb18030", "iso-ir-58": "gb18030", "big5": "big5hkscs", "big5-hkscs": "big5hkscs",
    "cn-big5": "big5hkscs", "csbig5": "big5hkscs", "x-x-big5": "big5hkscs", "shift_jis": "cp932",
    "shift-jis": "cp932", "sjis": "cp932", "ms_kanji": "cp932", "x-sjis": "cp932", "csshiftjis": "cp932",
    "windows-31j": "cp932", "euc-kr": "cp949", "ks_c_5601-1987": "cp949", "korean": "cp949", "cseuckr": "cp949",
    "iso-8859-1": "cp1252", "iso8859-1": "cp1252", "iso_8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252",
    "l1": "cp1252", "us-ascii": "cp1252", "ascii": "cp1252", "windows-1252": "cp1252",
}  # fmt: skip
_XML_DECLARATION = re.compile(r"^\s*<\?xml\b[^>]*\?>")
_DECLARED_ENCODING = re.compile(rb"""^\s*<\?xml\b[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._:-]{1,40})["']""")
_PODCAST_NAMESPACES = (
    "https://podcastindex.org/namespace/1.0",
    "https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/1.0.md",
)
_XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# Richer formats first: timings and speakers (WebVTT, JSON) over timings alone (SRT) over words alone.
_TRANSCRIPT_FORMATS = {
    "text/vtt": 5,
    "application/json": 4,
    "application/x-subrip": 3,
    "application/srt": 3,
    "text/srt": 3,
    "text/html": 2,
    "text/plain": 1,
}
_FEED_TEXT_MIN = 500  # characters: a feed's own text shorter than this is a teaser, not the work's text
_TITLE_FROM_TEXT = 90


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
    feed_text: str = ""  # the full text the feed carries, the material while the article page cannot be fetched
    article_url: str = ""  # a page whose main text is the material (blogs)
    transcript_url: str = ""
    transcript_type: str = ""
    chapters_url: str = ""
    video_url: str = ""  # a YouTube video whose captions are the transcript
    category_hint: str = ""  # arXiv's primary category, a feed's first tag

    @property
    def needs_material(self) -> bool:
        return bool(self.article_url or self.transcript_url or self.chapters_url or self.video_url)


@dataclass(frozen=True)
class ParsedFeed:
    items: list[FeedItem]
    notes: list[str] = field(default_factory=list)  # what was left out, in words a curator reads


@dataclass(frozen=True)
class _Transcript:
    url: str
    type: str
    language: str


@dataclass
class _Context:
    """What the feed says once for all its items."""

    feed_format: str
    atom: bool
    language: str
    authors: str
    transcripts: list[list[_Transcript]] | None  # per item, in document order, when they line up with the entries
    skipped: Counter[str] = field(default_factory=Counter)


def feed_parse(
    body: bytes, *, feed_format: str, content_type: str = "", url: str = "", max_items: int | None = None
) -> ParsedFeed:
    """The items of a feed body, newest first as the feed lists them, and notes on what was left out; raises
    FeedError for anything unsafe or odd. ``url`` (where the feed was fetched) resolves relative links."""
    text = feed_decode(body, content_type=content_type)
    utf8 = ('<?xml version="1.0" encoding="utf-8"?>\n' + _XML_DECLARATION.sub("", text, count=1)).encode()
    root = _xml_check(utf8)
    headers = {"content-type": "application/xml; charset=utf-8"}
    if url:
        headers["content-location"] = url
    parsed = feedparser.parse(utf8, response_headers=headers)
    if not parsed.get("version"):
        raise FeedError("not a feed: the body is XML but neither RSS nor Atom")
    limit = int(settings.INGEST_MAX_FEED_ITEMS if max_items is None else max_items)
    entries = parsed.entries
    transcripts = _transcripts_by_item(root, base=url) if feed_format == FeedFormat.PODCAST else []
    context = _Context(
        feed_format=feed_format,
        atom=str(parsed.get("version", "")).startswith("atom"),
        language=str(parsed.feed.get("language") or settings.LANGUAGE_CODE),
        authors=_names(parsed.feed.get("authors") or []),
        transcripts=transcripts if len(transcripts) == len(entries) else None,
    )
    items = []
    for index, entry in enumerate(entries[:limit]):
        item = _item(entry, index, context)
        if item is not None:
            items.append(item)
    notes = []
    if len(entries) > limit:
        notes.append(
            f"the feed lists {len(entries)} items; the first {limit} were read (INGEST_MAX_FEED_ITEMS), "
            f"{len(entries) - limit} left out"
        )
    for reason, count in sorted(context.skipped.items()):
        notes.append(f"{count} item{'s' if count != 1 else ''} left out: {reason}")
    return ParsedFeed(items=items, notes=notes)


# --- Encoding and safety ----------------------------------------------------------------------------------------


def feed_decode(body: bytes, *, content_type: str = "") -> str:
    """The feed as text (RFC 7303, see the module docstring); FeedError when no candidate encoding reads it."""
    if not body.strip():
        raise FeedError("empty body")
    head = body[:512].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")):
        raise FeedError("not a feed: an HTML page")
    bom, body = _bom(body)
    # The first label present is the document's encoding; the later ones are tried only when it does not decode the
    # bytes (a server's default charset in front of a feed that declares its own, as feedparser forgives too).
    labels = [label for label in (bom, _http_charset(content_type), _declared_encoding(body)) if label] or ["utf-8"]
    tried: list[str] = []
    for label in labels:
        codec = _codec(label)
        for name in ((codec, "latin-1") if codec == "cp1252" else (codec,)) if codec else ():
            if name in tried:
                continue
            tried.append(name)
            try:
                return body.decode(name).lstrip("\ufeff")
            except UnicodeDecodeError:
                continue
    if not tried:
        raise FeedError(f"bad encoding: unknown charset {labels[0][:40]!r}")
    raise FeedError(f"bad encoding: the bytes are not {' or '.join(tried)}")


def _bom(body: bytes) -> tuple[str, bytes]:
    for mark, name in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if body.startswith(mark):
            return name, body[len(mark) :]
    if body.startswith(b"<\x00?\x00"):  # UTF-16 without a mark (XML 1.0, appendix F)
        return "utf-16-le", body
    if body.startswith(b"\x00<\x00?"):
        return "utf-16-be", body
    return "", body


def _http_charset(content_type: str) -> str:
    for part in content_type.split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.strip().lower() == "charset":
            return value.strip().strip("\"'").strip()
    return ""


def _declared_encoding(body: bytes) -> str:
    match = _DECLARED_ENCODING.match(body[:400])
    return match[1].decode("ascii") if match else ""


def _codec(label: str) -> str | None:
    label = label.strip().lower()
    if label in ("utf-16", "utf-32"):
        return None  # without a byte-order mark the byte order is unknown; the BOM branch decides these
    name = _SUPERSETS.get(label, label)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _xml_check(body: bytes) -> Element:
    try:
        return defusedxml.ElementTree.fromstring(body, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as error:
        raise FeedError(f"refused: the feed declares entities ({error.__class__.__name__})") from None
    except ParseError as error:
        raise FeedError(f"malformed XML: {error}") from None
    except (LookupError, ValueError) as error:
        raise FeedError(f"bad encoding: {error}") from None


# --- Items ------------------------------------------------------------------------------------------------------


def _item(entry: Any, index: int, context: _Context) -> FeedItem | None:
    if context.feed_format == FeedFormat.ARXIV:
        return _arxiv_item(entry, context)
    if context.feed_format == FeedFormat.YOUTUBE:
        return _youtube_item(entry, context)
    if context.feed_format == FeedFormat.PODCAST:
        return _podcast_item(entry, index, context)
    return _article_item(entry, context)


def _article_item(entry: Any, context: _Context) -> FeedItem | None:
    link = _entry_link(entry)
    identity = (entry.get("id") or "").strip() or link
    if not link:
        context.skipped["no web link (http or https)"] += 1
        return None
    summary, richest = _texts(entry)
    description = summary or _first_sentences(richest, 600)
    title = _title(entry, description, link)
    return FeedItem(
        identity_key=identity[:500],
        title=title,
        link=link,
        authors=_authors(entry) or context.authors,
        published_on=_date(entry),
        summary=description,
        feed_text=richest if len(richest) >= _FEED_TEXT_MIN else "",
        article_url=link,
        category_hint=_first_tag(entry),
    )


def _arxiv_item(entry: Any, context: _Context) -> FeedItem | None:
    link = entry.get("link", "") or entry.get("id", "")
    paper = arxiv_id(entry.get("id", "")) or arxiv_id(link)
    title = _title(entry, "", "")
    if paper is None or not title:
        context.skipped["not an arXiv paper"] += 1
        return None
    abstract = " ".join(_detail_text(entry.get("summary_detail")).split())
    # The RSS/Atom listings prefix the abstract with "arXiv:ID Announce Type: new Abstract: ".
    abstract = re.sub(r"^arXiv:\S+\s+Announce Type:\s*\S+\s+Abstract:\s*", "", abstract)
    primary = entry.get("arxiv_primary_category") or {}
    return FeedItem(
        identity_key=f"arxiv:{paper}",
        title=title,
        link=f"https://arxiv.org/abs/{paper}",
        authors=_authors(entry) or context.authors,
        published_on=_date(entry),
        summary=_first_sentences(abstract, 400),
        material=abstract,
        category_hint=str(primary.get("term", "") if isinstance(primary, dict) else "") or _first_tag(entry),
    )


def _youtube_item(entry: Any, context: _Context) -> FeedItem | None:
    video = (entry.get("yt_videoid") or "").strip()
    description = (entry.get("media_description") or "").strip() or _texts(entry)[1]
    title = _title(entry, description, "")
    if not re.fullmatch(r"[A-Za-z0-9_-]{6,20}", video) or not title:
        context.skipped["no YouTube video id"] += 1
        return None
    return FeedItem(
        identity_key=f"yt:video:{video}",
        title=title,
        link=_YOUTUBE_WATCH.format(video),
        authors=_authors(entry) or context.authors,
        published_on=_date(entry),
        summary=description,
        chapters=chapters_parse(description),
        video_url=_YOUTUBE_WATCH.format(video),
    )


def _podcast_item(entry: Any, index: int, context: _Context) -> FeedItem | None:
    link = _entry_link(entry)
    enclosure = next(
        (url for e in entry.get("enclosures", []) if (url := _web_url(str(e.get("href") or "")))),
        "",
    )
    identity = (entry.get("id") or "").strip() or link or enclosure
    if not (link or enclosure):
        context.skipped["no web link (http or https)"] += 1
        return None
    _, notes = _texts(entry)
    transcript = _transcript_choice(entry, index, context)
    chapters = entry.get("podcast_chapters") or {}
    return FeedItem(
        identity_key=identity[:500],
        title=_title(entry, notes, link or enclosure),
        link=link or enclosure,
        authors=html_to_line(entry.get("itunes_author", "")) or _authors(entry) or context.authors,
        published_on=_date(entry),
        summary=notes,
        chapters=chapters_parse(notes),
        duration_seconds=_duration(entry.get("itunes_duration", "")),
        transcript_url=transcript.url if transcript else "",
        transcript_type=transcript.type if transcript else "",
        chapters_url=_web_url(str(chapters.get("url", ""))),
    )


# --- Fields -----------------------------------------------------------------------------------------------------


def canonical_url(url: str) -> str:
    """The URL an item is known by: http(s) only, no fragment, no tracking parameters, lower-case host ("" for a
    link we would not follow: javascript:, data:, a relative path nothing resolved)."""
    url = _web_url(url)
    if not url:
        return ""
    parts = urlsplit(url)
    query = "&".join(pair for pair in parts.query.split("&") if pair and not _tracking(pair))
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", query, ""))


def _tracking(pair: str) -> bool:
    key = unquote(pair.split("=", 1)[0]).lower()
    return key in _TRACKING or key.startswith(_TRACKING_PREFIXES) or pair.lower() == "source=rss"


def _web_url(url: str) -> str:
    """``url`` when it is an absolute http(s) address with a host, else "" (feeds are written by strangers)."""
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    if parts.scheme.lower() not in _WEB_SCHEMES or not parts.hostname:
        return ""
    return url


def _entry_link(entry: Any) -> str:
    """The item's page: FeedBurner's original link over its redirect, else the feed's link (resolved against the
    entry's and the feed's base by feedparser; a permalink GUID is the link of an item without one)."""
    origin = canonical_url(str(entry.get("feedburner_origlink") or ""))
    if origin:
        return origin
    return canonical_url(str(entry.get("link") or ""))


def _detail_text(detail: Any) -> str:
    """A text construct as plain text: decoded once, as HTML unless the feed says it is plain text."""
    if not detail:
        return ""
    value = str(detail.get("value") or "")
    if detail.get("type") == "text/plain":
        return html_to_text(value.replace("&", "&amp;").replace("<", "&lt;"))  # the same line handling, no markup
    return html_to_text(value)


def _texts(entry: Any) -> tuple[str, str]:
    """(the summary as text, the richest non-empty text the entry carries: its content, its summary)."""
    summary = _detail_text(entry.get("summary_detail"))
    candidates = [_detail_text(content) for content in entry.get("content") or []]
    candidates.append(summary)
    return summary, max(candidates, key=len)


def _title(entry: Any, text: str, link: str) -> str:
    """The entry's title as one line of plain text; an item without one gets its text's first words, else its
    link's last path segment."""
    title = " ".join(_detail_text(entry.get("title_detail")).split())
    if title:
        return title[:300]
    if text:
        first = re.split(r"(?<=[.!?])\s", " ".join(text.split()), maxsplit=1)[0]
        if len(first) > _TITLE_FROM_TEXT:
            first = first[:_TITLE_FROM_TEXT].rsplit(" ", 1)[0].rstrip(",;:") + "…"
        return first
    segment = unquote(urlsplit(link).path.rstrip("/").rsplit("/", 1)[-1]) if link else ""
    return " ".join(re.sub(r"\.[a-z0-9]{2,5}$", "", segment).replace("-", " ").replace("_", " ").split()).capitalize()


def _first_sentences(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit]
    end = max(cut.rfind(". "), cut.rfind("? "), cut.rfind("! "))
    return cut[: end + 1] if end > limit // 3 else cut.rsplit(" ", 1)[0] + "…"


def _names(authors: list[Any]) -> str:
    names = [html_to_line(str(author.get("name", ""))) for author in authors if isinstance(author, dict)]
    return ", ".join(name for name in names if name)[:300]


def _authors(entry: Any) -> str:
    return (_names(entry.get("authors", [])) or html_to_line(str(entry.get("author", ""))))[:300]


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


# --- Podcasting 2.0 transcripts ---------------------------------------------------------------------------------


def _transcript_choice(entry: Any, index: int, context: _Context) -> _Transcript | None:
    """Of an episode's transcripts, one in the feed's language (a transcript without a language is in the feed's,
    as the namespace says), then the richest format. feedparser keeps only the last tag, so the tags are read from
    the XML itself; feedparser's one is the fallback when the items do not line up."""
    if context.transcripts is not None:
        offered = context.transcripts[index]
    else:
        tag = entry.get("podcast_transcript") or {}
        url = _web_url(str(tag.get("url", "")))
        offered = [_Transcript(url=url, type=str(tag.get("type", "")), language="")] if url else []
    if not offered:
        return None
    wanted = _primary_language(context.language)

    def rank(transcript: _Transcript) -> tuple[bool, int]:
        language = _primary_language(transcript.language or context.language)
        return language == wanted, _TRANSCRIPT_FORMATS.get(transcript.type.split(";")[0].strip().lower(), 0)

    return max(offered, key=rank)


def _primary_language(tag: str) -> str:
    return re.split(r"[-_]", tag.strip().lower(), maxsplit=1)[0]


def _transcripts_by_item(root: Element, *, base: str) -> list[list[_Transcript]]:
    """Every item's podcast:transcript tags, items in document order, URLs resolved against xml:base."""
    return [
        [
            _Transcript(
                url=url,
                type=(tag.get("type") or "").strip()[:100],
                language=(tag.get("language") or tag.get(_XML_LANG) or "").strip(),
            )
            for tag in item
            if _local(tag.tag) == "transcript" and _namespace(tag.tag) in _PODCAST_NAMESPACES
            if (url := _web_url(urljoin(item_base, (tag.get("url") or "").strip())))
        ]
        for item, item_base in _items_with_base(root, base)
    ]


def _items_with_base(element: Element, base: str) -> Iterator[tuple[Element, str]]:
    base = urljoin(base, element.get(_XML_BASE, "")) if element.get(_XML_BASE) else base
    if _local(element.tag) in ("item", "entry"):
        yield element, base
        return
    for child in element:
        yield from _items_with_base(child, base)


def _local(tag: Any) -> str:
    return str(tag).rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _namespace(tag: Any) -> str:
    return str(tag)[1:].split("}", 1)[0] if isinstance(tag, str) and tag.startswith("{") else ""
