"""Turn a lesson transcript (WebVTT, SRT or pasted text with or without times) into time-stamped segments.

Transcripts come from strangers' feeds, so every pattern here is linear in its input, the text is cut to
TRANSCRIPT_MAX_CHARS and each line to TRANSCRIPT_MAX_LINE_CHARS before any parsing, and a transcript is parsed once
per process: the parsed form is kept, keyed by a hash of the text, for the next question or unlock of the lesson.

TRANSCRIPT_MAX_CHARS is the one cap on a transcript's length: the sources pipeline stores a transcript cut by
`transcript_capped` (and says so), and parsing cuts by the same function, so what is stored is what is read.
"""

from __future__ import annotations

import bisect
import hashlib
import html
import re
import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import srt
import webvtt
from django.conf import settings
from webvtt.errors import MalformedCaptionError, MalformedFileError


@dataclass(frozen=True)
class TranscriptSegment:
    start_seconds: float
    text: str


class TranscriptFormatError(ValueError):
    """The transcript says it is WebVTT or SRT but cannot be read as such."""


# A cue timing line, as both caption formats write it: "00:01:17,000 --> 00:01:20,500" (SRT uses a comma).
# Blanks, not \s: a \s that may cross line ends makes a search over many blank lines quadratic.
_CUE_TIMING = re.compile(r"^[ \t]*(?:\d{1,9}:)?\d{1,2}:\d{2}[.,]\d{1,3}[ \t]+-->[ \t]+", re.MULTILINE)
# A pasted line that starts with a time: "01:17 text", "1:02:03 text", "[00:01:17] text", "(1:17) - text",
# or a time alone on its line, as YouTube's "Show transcript" panel copies it.
_LEADING_TIME = re.compile(
    r"^\s*[\[(]?(?:(?P<h>\d{1,2}):)?(?P<m>\d{1,2}):(?P<s>\d{2})(?:[.,]\d{1,3})?[\])]?(?:\s*[-–—:|]\s*|\s+|$)(?P<text>.*)$"
)
# Caption styling that is not speech: HTML-like tags and SSA overrides such as {\an8}. A tag cannot contain the
# character that opens one, so a line of 200,000 "<" is scanned once, not once per "<".
_CAPTION_MARKUP = re.compile(r"<[^<>]*>|\{\\[^{}]*\}")

_PARSED_KEEP = 32  # transcripts kept parsed per process (the lessons being asked about right now)
_parsed: OrderedDict[bytes, tuple[TranscriptSegment, ...]] = OrderedDict()
_parsed_lock = threading.Lock()


def transcript_parse(raw: str) -> list[TranscriptSegment]:
    """Read a transcript in whichever format it is in; segments come back sorted by start time.

    The text is cut to TRANSCRIPT_MAX_CHARS (`transcript_capped`) and each line to TRANSCRIPT_MAX_LINE_CHARS first. The
    same text parsed again (the next question on the lesson) is answered from the parsed form kept in this process.
    """
    max_chars, max_line = transcript_max_chars(), int(settings.TRANSCRIPT_MAX_LINE_CHARS)
    key = hashlib.blake2b(f"{max_chars}:{max_line}:{raw}".encode(errors="surrogatepass"), digest_size=20).digest()
    with _parsed_lock:
        kept = _parsed.get(key)
        if kept is not None:
            _parsed.move_to_end(key)
            return list(kept)
    segments = tuple(_parse(_bounded(raw, max_chars=max_chars, max_line=max_line)))
    with _parsed_lock:
        _parsed[key] = segments
        while len(_parsed) > _PARSED_KEEP:
            _parsed.popitem(last=False)
    return list(segments)


def transcript_max_chars() -> int:
    """The one cap on a transcript's length, in characters (TRANSCRIPT_MAX_CHARS)."""
    return int(settings.TRANSCRIPT_MAX_CHARS)


def transcript_capped(text: str, *, max_chars: int | None = None) -> str:
    """The transcript cut to TRANSCRIPT_MAX_CHARS after its last whole cue (a blank line), else after its last whole
    line; unchanged when it fits. The sources pipeline stores this; parsing applies it again (a no-op then)."""
    limit = transcript_max_chars() if max_chars is None else max_chars
    if len(text) <= limit:
        return text
    head = text[:limit]
    end = head.rfind("\n\n")
    kept = head[:end] if end > 0 else head.rsplit("\n", 1)[0] if "\n" in head else head
    return kept.rstrip()


def _bounded(raw: str, *, max_chars: int, max_line: int) -> str:
    """The text within the caps: cut by `transcript_capped` at ``max_chars``, every line at ``max_line``."""
    text = transcript_capped(raw.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n"), max_chars=max_chars)
    if any(len(line) > max_line for line in text.split("\n")):
        text = "\n".join(line[:max_line] for line in text.split("\n"))
    return text.strip()


def _parse(text: str) -> list[TranscriptSegment]:
    if not text:
        return []
    if text.startswith("WEBVTT"):
        segments = _webvtt_parse(text)
    elif _CUE_TIMING.search(text):
        segments = _srt_parse(text)
    else:
        segments = _plain_parse(text)
    # Both caption readers skip cues they cannot read; a caption file of which they read nothing is a wrong file.
    if not segments and "-->" in text:
        raise TranscriptFormatError("no caption in it could be read (timings look like 00:01:17.000 --> 00:01:20.000)")
    return sorted(segments, key=lambda segment: segment.start_seconds)


def transcript_text_between(segments: Sequence[TranscriptSegment], start: float, end: float | None) -> str:
    """The words spoken from start (inclusive) to end (exclusive; None for the end of the lesson)."""
    starts = [segment.start_seconds for segment in segments]
    first = bisect.bisect_left(starts, start)
    last = len(segments) if end is None else bisect.bisect_left(starts, end)
    return " ".join(segment.text for segment in segments[first:last])


def transcript_text_by_chapter(segments: Sequence[TranscriptSegment], starts: Sequence[float]) -> tuple[str, list[str]]:
    """The words said before the first chapter, and for each chapter (starts in order) the words until the next."""
    if not starts:
        return transcript_text_between(segments, 0, None), []
    ends: list[float | None] = [*starts[1:], None]
    return (
        transcript_text_between(segments, 0, starts[0]),
        [transcript_text_between(segments, start, end) for start, end in zip(starts, ends, strict=True)],
    )


def _webvtt_parse(text: str) -> list[TranscriptSegment]:
    try:
        captions = webvtt.from_string(text)
    except (MalformedFileError, MalformedCaptionError) as error:
        raise TranscriptFormatError(f"not a readable WebVTT file: {error}") from error
    # WebVTT escapes "&", "<" and ">" in cue text (Q&amp;A): decoded once, after the tags are gone.
    return _captions_segments(
        ((caption.start_time.in_milliseconds() / 1000, caption.text) for caption in captions.captions),
        references=True,
    )


def _srt_parse(text: str) -> list[TranscriptSegment]:
    try:
        subtitles = list(srt.parse(text))
    except (srt.SRTParseError, srt.TimestampParseError, ValueError) as error:
        # WebVTT cues without the "WEBVTT" header line are common in pasted captions.
        try:
            return _webvtt_parse("WEBVTT\n\n" + text)
        except TranscriptFormatError:
            raise TranscriptFormatError(f"not a readable SRT file: {error}") from error
    return _captions_segments((subtitle.start.total_seconds(), subtitle.content) for subtitle in subtitles)


def _captions_segments(cues: Iterable[tuple[float, str]], *, references: bool = False) -> list[TranscriptSegment]:
    segments = []
    previous_lines: set[str] = set()
    for start, body in cues:
        lines = [_CAPTION_MARKUP.sub("", line) for line in body.split("\n")]
        lines = [" ".join((html.unescape(line) if references else line).split()) for line in lines]
        # Auto-generated captions roll: each cue repeats the line shown before it. Keep each line once.
        fresh = [line for line in lines if line and line not in previous_lines]
        previous_lines = set(lines)
        if fresh:
            segments.append(TranscriptSegment(start_seconds=float(start), text=" ".join(fresh)))
    return segments


def _plain_parse(text: str) -> list[TranscriptSegment]:
    segments: list[TranscriptSegment] = []
    start, words = 0.0, list[str]()
    for line in text.split("\n"):
        match = _LEADING_TIME.match(line)
        if match:
            if words:
                segments.append(TranscriptSegment(start_seconds=start, text=" ".join(words)))
            start = float(int(match["h"] or 0) * 3600 + int(match["m"]) * 60 + int(match["s"]))
            words = match["text"].split()
        else:
            words += line.split()
    if words:
        segments.append(TranscriptSegment(start_seconds=start, text=" ".join(words)))
    return segments
