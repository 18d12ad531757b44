"""Turn a lesson transcript (WebVTT, SRT or pasted text with or without times) into time-stamped segments."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import srt
import webvtt
from webvtt.errors import MalformedCaptionError, MalformedFileError


@dataclass(frozen=True)
class TranscriptSegment:
    start_seconds: float
    text: str


class TranscriptFormatError(ValueError):
    """The transcript says it is WebVTT or SRT but cannot be read as such."""


# A cue timing line, as both caption formats write it: "00:01:17,000 --> 00:01:20,500" (SRT uses a comma).
_CUE_TIMING = re.compile(r"^\s*(?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3}\s+-->\s+", re.MULTILINE)
# A pasted line that starts with a time: "01:17 text", "1:02:03 text", "[00:01:17] text", "(1:17) - text",
# or a time alone on its line, as YouTube's "Show transcript" panel copies it.
_LEADING_TIME = re.compile(
    r"^\s*[\[(]?(?:(?P<h>\d{1,2}):)?(?P<m>\d{1,2}):(?P<s>\d{2})(?:[.,]\d{1,3})?[\])]?(?:\s*[-–—:|]\s*|\s+|$)(?P<text>.*)$"
)
# Caption styling that is not speech: HTML-like tags and SSA overrides such as {\an8}.
_CAPTION_MARKUP = re.compile(r"<[^>]*>|\{\\[^}]*\}")


def transcript_parse(raw: str) -> list[TranscriptSegment]:
    """Read a transcript in whichever format it is in; segments come back sorted by start time."""
    text = raw.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").strip()
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
    return _captions_segments(
        (caption.start_time.in_milliseconds() / 1000, caption.text) for caption in captions.captions
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


def _captions_segments(cues: Iterable[tuple[float, str]]) -> list[TranscriptSegment]:
    segments = []
    previous_lines: set[str] = set()
    for start, body in cues:
        lines = [" ".join(_CAPTION_MARKUP.sub("", line).split()) for line in body.split("\n")]
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
