"""Putting the openai backend's parts together: each part's Markdown, the timestamps a model wrote turned into links
(or dropped), and the explanation so far in the agreed order, with what is missing filled from the offline study
guide."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from tutor.backends.base import REQUIRED_SECTIONS, ChapterMaterial, LessonMaterial, timestamp_format
from tutor.backends.chat_plan import ChapterPart
from tutor.backends.study_guide import concept_line, markdown_escape, uncovered_chapters_line

OVERVIEW, CHAPTERS, KEY_TERMS, WHY, QUESTIONS, READ_NEXT = REQUIRED_SECTIONS
SECTION_HEADINGS = {"overview": OVERVIEW, "key_terms": KEY_TERMS, "why": WHY, "questions": QUESTIONS}

# Every way a model writes a moment: "15:33", "[15:33]", "(15:33)", "1:02:03", "at 15:33", "around [1:17]". Not
# "16:9" (seconds have two digits) and not a link the model wrote itself ("[15:33](…)").
_TIMESTAMP = re.compile(
    r"(?P<lead>[ \t]*(?:\b(?:at|around|from|see)[ \t]+)?)"
    r"(?P<open>[\[(])?(?<![\d:.])(?P<time>\d{1,2}:[0-5]\d(?::[0-5]\d)?)(?![\d:])(?P<close>[\])])?(?![\[(])"
)
_SPACE_BEFORE_PUNCTUATION = re.compile(r"[ \t]+([.,;:!?])")


def timestamp_seconds(label: str) -> int:
    seconds = 0
    for part in label.split(":"):
        seconds = seconds * 60 + int(part)
    return seconds


def chapter_ends(chapters: Sequence[ChapterMaterial], duration: int | None) -> dict[int, float]:
    """Where each chapter ends: the next one's start, the last one at the lesson's end (or never, if unknown)."""
    ordered = sorted(chapters, key=lambda chapter: chapter.start_seconds)
    ends: dict[int, float] = {}
    for chapter, following in zip(ordered, [*ordered[1:], None], strict=False):
        ends[chapter.start_seconds] = following.start_seconds if following else float(duration or "inf")
    return ends


def timestamps_link(text: str, allowed: Sequence[ChapterMaterial], ends: dict[int, float]) -> str:
    """Each moment the text names that falls inside one of the allowed chapters becomes a link to that chapter
    ("[15:33](…)"); every other one is removed, with its "at"."""

    def replace(match: re.Match[str]) -> str:
        seconds = timestamp_seconds(match["time"])
        for chapter in allowed:
            if chapter.start_seconds <= seconds < ends.get(chapter.start_seconds, float("inf")):
                return f"{match['lead']}[{timestamp_format(seconds)}]({chapter.url})"
        return ""

    linked = _TIMESTAMP.sub(replace, text)
    linked = _SPACE_BEFORE_PUNCTUATION.sub(r"\1", linked)
    return re.sub(r"[ \t]{2,}", " ", linked).strip()


@dataclass
class Draft:
    """The explanation as far as it is written: finished parts by key, assembled in the agreed order on demand."""

    material: LessonMaterial
    chapters: Sequence[ChapterMaterial]
    parts: Sequence[ChapterPart]
    offline: dict[str, str] = field(default_factory=dict)  # the study guide's sections, once one is needed
    done: dict[str, dict[str, Any]] = field(default_factory=dict)  # key → the part's checked data
    uncovered: set[str] = field(default_factory=set)  # chapter parts that failed or ran out of time

    def __post_init__(self) -> None:
        self.ends = chapter_ends(self.chapters, self.material.duration_seconds)

    def digest(self) -> str:
        """The chapters' points, for the prompts of the sections written from them."""
        lines = []
        for part in self.parts:
            for point in self.done.get(part.key, {}).get("points", []):
                prefix = f"[{part.time_label}] " if part.chapter else f"({part.heading}) "
                lines.append(prefix + str(point))
        return "\n".join(lines)

    def chapters_markdown(self, *, final: bool) -> str:
        blocks = [CHAPTERS]
        uncovered: list[ChapterMaterial] = []
        for part in self.parts:
            data = self.done.get(part.key)
            if data is None:
                if part.chapter is not None and (final or part.key in self.uncovered):
                    uncovered.append(part.chapter)
                continue
            allowed = [part.chapter] if part.chapter else []
            points = [timestamps_link(str(point), allowed, self.ends) for point in data["points"]]
            if part.chapter is not None:
                title = f"[{part.time_label} {markdown_escape(part.chapter.title)}]({part.chapter.url})"
            else:
                title = markdown_escape(part.heading)
            blocks += ["", f"### {title}", ""]
            blocks += [f"- {point}" for point in points if point]
        if not self.chapters and not any(part.key in self.done for part in self.parts):
            blocks += ["", "The lesson lists no chapters."]
        if uncovered:
            blocks += ["", uncovered_chapters_line(uncovered)]
        return "\n".join(blocks)

    def section_markdown(self, name: str) -> str | None:
        data = self.done.get(f"section:{name}")
        if data is None:
            return None
        heading = SECTION_HEADINGS[name]
        lines = [heading, ""]
        if name in ("overview", "why"):
            lines.append(timestamps_link(str(data["text"]), self.chapters, self.ends))
        elif name == "key_terms":
            lines += [concept_line(concept) for concept in self.material.concepts]
            for item in data["terms"]:
                meaning = timestamps_link(str(item["meaning"]), self.chapters, self.ends)
                lines.append(f"- **{markdown_escape(str(item['term']))}** — {meaning}")
        elif name == "questions":
            questions = [timestamps_link(str(question), self.chapters, self.ends) for question in data["questions"]]
            lines += [f"{number}. {question}" for number, question in enumerate(questions, 1)]
        return "\n".join(lines)

    def markdown(self, *, final: bool) -> str:
        """Final: every section, a failed one from the offline study guide. Not final: what is written so far."""
        blocks: list[str] = []
        for name in ("overview", "chapters", "key_terms", "why", "questions"):
            if name == "chapters":
                if final or any(part.key in self.done for part in self.parts):
                    blocks.append(self.chapters_markdown(final=final))
                continue
            written = self.section_markdown(name)
            if written is None and final:
                written = self.offline.get(SECTION_HEADINGS[name], SECTION_HEADINGS[name])
            if written is not None:
                blocks.append(written)
        if final:
            blocks.append(read_next_markdown(self.material))
        return "\n\n".join(blocks) + "\n" if blocks else ""


def read_next_markdown(material: LessonMaterial) -> str:
    """What to read next needs no model: the related lessons, as the study guide lists them."""
    lines = [READ_NEXT, ""]
    if not material.related:
        lines.append("No related lessons are listed for this one yet.")
    for related in material.related:
        summary = f" — {markdown_escape(related.summary.strip())}" if related.summary.strip() else ""
        lines.append(f"- [{markdown_escape(related.title)}]({related.url}){summary}")
    return "\n".join(lines)


def markdown_sections(markdown: str) -> dict[str, str]:
    parts = re.split(r"^(## .+)$", markdown, flags=re.MULTILINE)
    return {heading: f"{heading}\n\n{body.strip()}" for heading, body in zip(parts[1::2], parts[2::2], strict=True)}
