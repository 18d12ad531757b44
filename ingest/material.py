"""The material behind an item: an article's main text, a podcast's transcript (WebVTT, SRT, JSON or plain text) and
its Podcasting 2.0 chapters JSON. Each reader takes fetched bytes and returns text, or raises MaterialError.

The bytes are a stranger's: NUL characters, NaN and Infinity, numbers out of any range and JSON nested thousands deep
are each a MaterialError naming the problem, never a crash.
"""

from __future__ import annotations

import codecs
import json
import math
import re
from dataclasses import dataclass
from typing import Any

import charset_normalizer
import trafilatura

from ingest.fetching import Fetched
from lessons.chapters import ParsedChapter
from lessons.transcripts import TranscriptFormatError, transcript_parse

MAX_CHAPTERS = 500
MAX_SECONDS = 10_000_000  # a start time past 115 days is not a time in an episode
_MAX_JSON_DEPTH = 64
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# <meta charset="…"> or <meta http-equiv="Content-Type" content="text/html; charset=…">, in the first 1024 bytes.
_META_CHARSET = re.compile(rb"<meta[^<>]{0,500}?charset\s*=\s*[\"']?\s*([A-Za-z0-9._:-]{1,40})", re.IGNORECASE)
_SENTENCE_END = (".", "?", "!", "…", "。", "？", "！")
_WORDS_PER_CUE = 60


class MaterialError(ValueError):
    """Fetched, but not readable as what it claims to be."""


@dataclass(frozen=True)
class Material:
    text: str = ""  # the work's own text (an article's body)
    transcript: str = ""  # WebVTT, SRT or plain text, as the tutor reads it
    chapters: tuple[ParsedChapter, ...] = ()
    duration_seconds: int | None = None  # a video's own length (its captions' player data)


def decoded(fetched: Fetched) -> str:
    """The body as text: the charset the server declared, else UTF-8 (with a BOM or not); refuses what is neither."""
    charset = ""
    for part in fetched.content_type.split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.lower() == "charset":
            charset = value.strip("\"' ").lower()
    try:
        text = fetched.body.decode(charset or "utf-8-sig")
    except (LookupError, UnicodeDecodeError) as error:
        raise MaterialError(f"bad encoding: {error.__class__.__name__}") from None
    return _refuse_nul(text)


def _refuse_nul(text: str) -> str:
    if "\x00" in text:
        raise MaterialError("not text: it contains NUL characters")
    return text


def page_decoded(fetched: Fetched) -> str:
    """An HTML page as a browser reads it: a byte order mark, else the HTTP charset, else a ``<meta>`` charset in the
    first 1024 bytes, else the encoding the bytes look like (charset_normalizer); undecodable bytes become U+FFFD."""
    body = fetched.body
    for mark, name in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if body.startswith(mark):
            return _refuse_nul(body[len(mark) :].decode(name, "replace"))
    labels = [_content_type_charset(fetched.content_type)]
    meta = _META_CHARSET.search(body[:1024])
    labels.append(meta.group(1).decode("ascii") if meta else "")
    for label in labels:
        encoding = _codec(label)
        if encoding:
            return _refuse_nul(body.decode(encoding, "replace"))
    best = charset_normalizer.from_bytes(body[:200_000]).best()
    encoding = _codec(best.encoding) if best is not None else ""
    return _refuse_nul(body.decode(encoding or "utf-8", "replace"))


def _content_type_charset(content_type: str) -> str:
    for part in content_type.split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.lower() == "charset":
            return value.strip("\"' ")
    return ""


def _codec(label: str) -> str:
    """Python's codec for a charset label; "" when unknown. As browsers do, Latin-1 and ASCII labels mean
    windows-1252, and a UTF-16 label in a ``<meta>`` of bytes that decoded as ASCII means UTF-8."""
    label = label.strip().lower()
    if not label:
        return ""
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return ""
    if name in ("latin-1", "iso8859-1", "ascii"):
        return "cp1252"
    if name.startswith("utf-16"):
        return "utf-8"
    return name


def article_text(fetched: Fetched) -> str:
    """The main text of an article page (navigation, ads and comments left out), or MaterialError when it has none."""
    html = page_decoded(fetched)
    text = trafilatura.extract(
        html, url=fetched.url, include_comments=False, include_tables=True, favor_precision=True, deduplicate=False
    )
    if not text or not text.strip():
        raise MaterialError("no article text found on the page")
    return text.strip()


def transcript_text(fetched: Fetched, *, declared_type: str = "") -> str:
    """A transcript in a form the tutor reads: WebVTT and SRT as they are (checked), JSON turned into WebVTT."""
    kind = (declared_type or fetched.content_type).split(";")[0].strip().lower()
    text = decoded(fetched).lstrip("\ufeff").strip()
    if not text:
        raise MaterialError("empty transcript")
    # Servers label JSON transcripts text/plain (or anything): the content says what it is.
    if kind == "application/json":
        return _json_transcript_to_webvtt(text)
    if text.startswith("{"):
        try:
            return _json_transcript_to_webvtt(text)
        except MaterialError:
            pass  # braces, but not a JSON transcript: read as text below
    if kind in ("text/html",):
        raise MaterialError("an HTML page where a transcript was expected")
    try:
        segments = transcript_parse(text)
    except TranscriptFormatError as error:
        raise MaterialError(f"unreadable transcript: {error}") from None
    if not segments:
        raise MaterialError("a transcript with no text")
    return text


def chapters_from_json(fetched: Fetched) -> tuple[ParsedChapter, ...]:
    """Podcasting 2.0 chapters: {"version": "1.2.0", "chapters": [{"startTime": 0, "title": "…"}, …]}."""
    data = _json_loads(decoded(fetched), what="chapters")
    rows = data.get("chapters") if isinstance(data, dict) else None
    if not isinstance(rows, list):
        raise MaterialError("chapters JSON without a chapters list")
    chapters: dict[int, ParsedChapter] = {}
    for row in rows[:MAX_CHAPTERS]:
        if not isinstance(row, dict) or row.get("toc") is False:
            continue
        seconds = _seconds(row.get("startTime"))
        if seconds is None:
            continue
        start = int(seconds)
        title = _plain(row.get("title"))[:300]
        if start not in chapters:
            chapters[start] = ParsedChapter(start_seconds=start, title=title or f"Chapter {len(chapters) + 1}")
    return tuple(sorted(chapters.values(), key=lambda chapter: chapter.start_seconds))


def _json_transcript_to_webvtt(text: str) -> str:
    """Podcasting 2.0 JSON transcripts ({"segments": [{"startTime", "endTime", "body", "speaker"}]}) as WebVTT."""
    data = _json_loads(text, what="transcript")
    segments = data.get("segments") if isinstance(data, dict) else None
    if not isinstance(segments, list):
        raise MaterialError("JSON transcript without segments")
    # Word-level transcripts (one word per segment, as the namespace's own example) are joined into sentences per
    # speaker turn: a cue ends at a change of speaker, at the end of a sentence, or after _WORDS_PER_CUE words.
    turns: list[tuple[float, float, str, list[str]]] = []
    for segment in segments:
        if not isinstance(segment, dict):
            continue
        start = _seconds(segment.get("startTime", 0))
        if start is None:
            continue
        end = _seconds(segment.get("endTime", start)) or start
        body = _plain(segment.get("body"))
        if not body:
            continue
        speaker = _plain(segment.get("speaker"))
        last = turns[-1] if turns else None
        joins = last is not None and last[2] == speaker and not last[3][-1].endswith(_SENTENCE_END)
        if last is not None and joins and sum(len(words.split()) for words in last[3]) < _WORDS_PER_CUE:
            turns[-1] = (last[0], max(last[1], end), speaker, [*last[3], body])
            continue
        turns.append((start, max(start, end), speaker, [body]))
    if not turns:
        raise MaterialError("JSON transcript with no text")
    cues = ["WEBVTT", ""]
    for start, end, speaker, bodies in turns:
        words = " ".join(bodies)
        cues += [f"{_vtt_time(start)} --> {_vtt_time(end)}", f"{speaker}: {words}" if speaker else words, ""]
    return "\n".join(cues).strip() + "\n"


def _json_loads(text: str, *, what: str) -> Any:
    """JSON as the standard allows it: NaN and Infinity refused, and nesting deeper than any real file refused before
    the parser recurses into it."""

    def refuse(constant: str) -> None:
        raise MaterialError(f"{what} JSON with {constant}, which JSON does not allow")

    depth = deepest = 0
    for character in text[:1_000_000]:  # cheap and linear; strings with brackets inside only over-count
        if character in "[{":
            depth += 1
            deepest = max(deepest, depth)
            if deepest > _MAX_JSON_DEPTH:
                raise MaterialError(f"{what} JSON nested deeper than {_MAX_JSON_DEPTH} levels")
        elif character in "]}":
            depth -= 1
    try:
        return json.loads(text, parse_constant=refuse)
    except json.JSONDecodeError as error:
        raise MaterialError(
            f"{what} are not JSON: {error.msg}" if what == "chapters" else f"{what} is not JSON: {error.msg}"
        ) from None
    except RecursionError:
        raise MaterialError(f"{what} JSON nested too deep") from None


def _seconds(value: Any) -> float | None:
    """A time in seconds from a JSON value, None unless it is a finite number from 0 to MAX_SECONDS."""
    if isinstance(value, bool):
        return None
    try:
        seconds = float(value)
    except (TypeError, ValueError, OverflowError):
        return None
    if not math.isfinite(seconds) or not 0 <= seconds <= MAX_SECONDS:
        return None
    return seconds


def _plain(value: Any) -> str:
    """A JSON string as one line of text, control characters (NUL among them) removed."""
    if value is None or isinstance(value, (dict, list)):
        return ""
    return " ".join(_CONTROL.sub(" ", str(value)).split())


def _vtt_time(seconds: float) -> str:
    millis = round(seconds * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{millis:03d}"
