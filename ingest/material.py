"""The material behind an item: an article's main text, a podcast's transcript (WebVTT, SRT, JSON or plain text) and
its Podcasting 2.0 chapters JSON. Each reader takes fetched bytes and returns text, or raises MaterialError."""

from __future__ import annotations

import json
from dataclasses import dataclass

import trafilatura

from ingest.fetching import Fetched
from lessons.chapters import ParsedChapter
from lessons.transcripts import TranscriptFormatError, transcript_parse

MAX_CHAPTERS = 500


class MaterialError(ValueError):
    """Fetched, but not readable as what it claims to be."""


@dataclass(frozen=True)
class Material:
    text: str = ""  # the work's own text (an article's body)
    transcript: str = ""  # WebVTT, SRT or plain text, as the tutor reads it
    chapters: tuple[ParsedChapter, ...] = ()


def decoded(fetched: Fetched) -> str:
    """The body as text: the charset the server declared, else UTF-8 (with a BOM or not); refuses what is neither."""
    charset = ""
    for part in fetched.content_type.split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.lower() == "charset":
            charset = value.strip("\"' ").lower()
    try:
        return fetched.body.decode(charset or "utf-8-sig")
    except (LookupError, UnicodeDecodeError) as error:
        raise MaterialError(f"bad encoding: {error.__class__.__name__}") from None


def article_text(fetched: Fetched) -> str:
    """The main text of an article page (navigation, ads and comments left out), or MaterialError when it has none."""
    html = decoded(fetched) if "charset" in fetched.content_type.lower() else fetched.body.decode("utf-8", "replace")
    text = trafilatura.extract(
        html, url=fetched.url, include_comments=False, include_tables=False, favor_precision=True, deduplicate=False
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
    if kind == "application/json" or (not kind.startswith("text/") and text.startswith("{")):
        return _json_transcript_to_webvtt(text)
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
    try:
        data = json.loads(decoded(fetched))
    except json.JSONDecodeError as error:
        raise MaterialError(f"chapters are not JSON: {error.msg}") from None
    rows = data.get("chapters") if isinstance(data, dict) else None
    if not isinstance(rows, list):
        raise MaterialError("chapters JSON without a chapters list")
    chapters: dict[int, ParsedChapter] = {}
    for row in rows[:MAX_CHAPTERS]:
        if not isinstance(row, dict) or row.get("toc") is False:
            continue
        try:
            start = int(float(row.get("startTime", -1)))
        except (TypeError, ValueError):
            continue
        title = " ".join(str(row.get("title") or "").split())[:300]
        if start >= 0 and start not in chapters:
            chapters[start] = ParsedChapter(start_seconds=start, title=title or f"Chapter {len(chapters) + 1}")
    return tuple(sorted(chapters.values(), key=lambda chapter: chapter.start_seconds))


def _json_transcript_to_webvtt(text: str) -> str:
    """Podcasting 2.0 JSON transcripts ({"segments": [{"startTime", "endTime", "body", "speaker"}]}) as WebVTT."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise MaterialError(f"transcript is not JSON: {error.msg}") from None
    segments = data.get("segments") if isinstance(data, dict) else None
    if not isinstance(segments, list):
        raise MaterialError("JSON transcript without segments")
    cues = ["WEBVTT", ""]
    for segment in segments:
        if not isinstance(segment, dict):
            continue
        try:
            start = float(segment.get("startTime", 0))
            end = float(segment.get("endTime", start + 1))
        except (TypeError, ValueError):
            continue
        body = " ".join(str(segment.get("body") or "").split())
        if not body:
            continue
        speaker = " ".join(str(segment.get("speaker") or "").split())
        cues += [f"{_vtt_time(start)} --> {_vtt_time(max(end, start))}", f"{speaker}: {body}" if speaker else body, ""]
    if len(cues) == 2:
        raise MaterialError("JSON transcript with no text")
    return "\n".join(cues).strip() + "\n"


def _vtt_time(seconds: float) -> str:
    millis = round(seconds * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{millis:03d}"
