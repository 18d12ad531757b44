"""What the openai backend asks for, part by part: each chapter's stretch of material (or, for a lesson without
chapters, its material split into sections), grouped into fewer, larger calls when the server is too slow for one
call each within the time the task has left."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from lessons.transcripts import TranscriptSegment, transcript_text_by_chapter
from tutor.backends.base import ChapterMaterial, LessonMaterial, timestamp_format
from tutor.backends.study_guide import chapter_for_heading, text_sections

# A lesson without chapters: its material is sent in sections of about this many characters, at most this many.
PIECE_CHARS = 3_000
PIECES_MAX = 12
# Chapters in one call at most, however slow the server.
GROUP_MAX = 6


@dataclass(frozen=True)
class ChapterPart:
    """One chapter's stretch of material, or one section of material that has no chapters."""

    key: str  # where the finished part is kept: "chapter:<start seconds>" or "piece:<index>"
    heading: str  # "0:00 Intro", or the section's heading
    said: str  # its material ("" when it has none)
    chapter: ChapterMaterial | None = None

    @property
    def time_label(self) -> str:
        return timestamp_format(self.chapter.start_seconds) if self.chapter else ""


def chapter_parts(
    material: LessonMaterial, segments: Sequence[TranscriptSegment], chapters: Sequence[ChapterMaterial]
) -> list[ChapterPart]:
    """Each chapter with its stretch of transcript and the sections of the text whose headings match it; without
    chapters, the text's sections and the transcript, in pieces."""
    if not chapters:
        return _pieces(material, segments)
    _before, by_chapter = transcript_text_by_chapter(segments, [chapter.start_seconds for chapter in chapters])
    chunks = list(by_chapter) if segments else ["" for _ in chapters]
    for heading, body in text_sections(material.material):
        index = chapter_for_heading(heading, chapters) if heading else None
        if index is not None:
            chunks[index] = f"{chunks[index]}\n{body}".strip()
    return [
        ChapterPart(
            f"chapter:{chapter.start_seconds}",
            f"{timestamp_format(chapter.start_seconds)} {chapter.title}",
            said,
            chapter,
        )
        for chapter, said in zip(chapters, chunks, strict=True)
    ]


def _pieces(material: LessonMaterial, segments: Sequence[TranscriptSegment]) -> list[ChapterPart]:
    sources: list[tuple[str, str]] = []
    for heading, body in text_sections(material.material):
        if body.strip():
            sources.append((heading or "The text", body.strip()))
    if segments:
        spoken = " ".join(segment.text for segment in segments)
        sources.append(("The transcript", spoken))
    total = sum(len(body) for _heading, body in sources)
    if not total:
        return []
    size = max(PIECE_CHARS, math.ceil(total / PIECES_MAX))
    parts: list[ChapterPart] = []
    for heading, body in sources:
        pieces = _split(body, size)
        for number, piece in enumerate(pieces, 1):
            label = heading if len(pieces) == 1 else f"{heading} ({number} of {len(pieces)})"
            parts.append(ChapterPart(f"piece:{len(parts)}", label, piece))
    return parts[:PIECES_MAX]


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def _split(text: str, size: int) -> list[str]:
    """Pieces of about size characters, cut after a sentence where there is one."""
    pieces: list[str] = []
    current = ""
    for sentence in _SENTENCE_END.split(text):
        while len(sentence) > size:  # one "sentence" longer than a piece (a transcript without full stops)
            cut = sentence[:size].rsplit(" ", 1)[0] or sentence[:size]
            if current:
                pieces.append(current)
                current = ""
            pieces.append(cut)
            sentence = sentence[len(cut) :].lstrip()
        if current and len(current) + len(sentence) + 1 > size:
            pieces.append(current)
            current = ""
        current = f"{current} {sentence}".strip()
    if current:
        pieces.append(current)
    return pieces


def calls_affordable(*, deadline: float | None, now: float, seconds_per_call: float) -> int | None:
    """How many more calls fit before the deadline at the pace measured so far; None when there is no limit or no
    call was measured yet."""
    if deadline is None or seconds_per_call <= 0:
        return None
    return max(0, math.floor((deadline - now) / seconds_per_call))


def group_size(*, chapters_left: int, sections_left: int, affordable: int | None) -> int:
    """How many chapters to ask for in one call: one each while time allows, more when the server is slow."""
    if affordable is None or chapters_left == 0:
        return 1
    calls_for_chapters = max(1, affordable - sections_left)
    return min(GROUP_MAX, max(1, math.ceil(chapters_left / calls_for_chapters)))
