"""The one interface every explanation backend implements, and the material and sections they share."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol


@dataclass(frozen=True)
class ChapterMaterial:
    start_seconds: int
    title: str
    url: str  # a link into the video at start_seconds


@dataclass(frozen=True)
class RelatedMaterial:
    title: str
    summary: str
    url: str  # our own lesson page path, e.g. /lessons/<slug>/


@dataclass(frozen=True)
class ConceptMaterial:
    """A term this lesson mentions that is the subject of another published lesson, explained by that lesson."""

    term: str  # as this lesson writes it
    lesson_title: str
    lesson_year: int | None
    url: str  # our own lesson page path
    sentence: str  # a sentence of that lesson's material (description or text) about the term; "" when none
    passages: tuple[str, ...] = ()  # that lesson's sentences, for chapters this lesson's own material leaves bare

    @property
    def source_line(self) -> str:
        """ "the lesson *Universal Transformers* (2018)" (Markdown, without the link)."""
        year = f" ({self.lesson_year})" if self.lesson_year else ""
        return f"the lesson *{self.lesson_title}*{year}"


@dataclass(frozen=True)
class LessonMaterial:
    title: str
    source_name: str
    level: str
    category: str
    url: str  # the lesson's external URL
    description: str
    chapters: tuple[ChapterMaterial, ...]
    transcript: str  # raw pasted text, WebVTT or SRT; "" when there is none
    related: tuple[RelatedMaterial, ...]
    duration_seconds: int | None = None
    # The work's own text beyond the description (an article's body, a paper's abstract); "" when there is none.
    material: str = ""
    # Filled in by the worker from the concept index just before writing (not part of the fingerprint).
    concepts: tuple[ConceptMaterial, ...] = ()
    # The lesson's kind (youtube, podcast, article, paper, url): what its text is, an article's body or a paper's
    # abstract (tutor.material.text_kind). "" in copies stored before it was kept.
    kind: str = ""


@dataclass(frozen=True)
class GenerationResult:
    markdown: str
    backend: str
    model: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost: Decimal = Decimal(0)


@dataclass(frozen=True)
class AnswerResult:
    """A backend's answer to a learner's question, written from the passages it was given."""

    markdown: str
    found: bool  # False: the passages do not hold the answer
    model: str
    prompt_tokens: int = 0
    completion_tokens: int = 0


class TransientBackendError(Exception):
    """Worth retrying: a timeout, 429, 5xx, a refused connection, a malformed answer."""


class PermanentBackendError(Exception):
    """Will not get better by retrying: bad configuration, a 4xx other than 429, unreadable material."""


# Called with the Markdown written so far (cumulative, not a delta); the caller decides how often to store it.
ProgressCallback = Callable[[str], None]
# Called as each part of an explanation is finished: its key, its checked data (JSON-safe, handed back as `kept` to
# a later attempt so it is not asked again) and the Markdown written so far. Backends with `keeps_parts` take it.
PartCallback = Callable[[str, dict[str, Any], str], None]


class ExplanationBackend(Protocol):
    name: str

    def generate(
        self, material: LessonMaterial, *, on_progress: ProgressCallback | None = None
    ) -> GenerationResult: ...

    def summary_line(self, *, title: str, text: str) -> str:
        """One line starting "Learn" that says what the material teaches ("" when it has nothing to say); never
        raises: a backend that cannot write one returns the offline, extractive line."""
        ...


# Every explanation has these level-two headings, in this order; the HTTP backend's answer is checked against them.
REQUIRED_SECTIONS: tuple[str, ...] = (
    "## Overview",
    "## Chapter by chapter",
    "## Key terms",
    "## Why it matters",
    "## Check your understanding",
    "## What to read next",
)


def timestamp_format(seconds: float) -> str:
    """Show a position in a video the way players do: m:ss, or h:mm:ss from one hour on."""
    whole = max(int(seconds), 0)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"


_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "`": "'"})


def text_normalise(text: str) -> str:
    """Fold the differences a writer may introduce when copying a phrase: case, quote style, spacing, escapes."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    text = re.sub(r"\\([\\`*_{}\[\]()#+\-.!<>|~])", r"\1", text)  # Markdown backslash escapes
    return " ".join(text.casefold().split())


def _heading_present(markdown: str, heading: str) -> bool:
    level, _, words = heading.partition(" ")
    pattern = rf"^{re.escape(level)}[ \t]+{re.escape(words)}[ \t]*#*[ \t]*$"
    return re.search(pattern, markdown, flags=re.IGNORECASE | re.MULTILINE) is not None


def explanation_shape_problems(markdown: str, material: LessonMaterial) -> list[str]:
    """What keeps an explanation from having the agreed shape (every section, every chapter named); [] when none."""
    problems = [
        f"missing section {heading!r}" for heading in REQUIRED_SECTIONS if not _heading_present(markdown, heading)
    ]
    answer = text_normalise(markdown)
    problems += [
        f"chapter {chapter.title!r} is not named"
        for chapter in material.chapters
        if text_normalise(chapter.title) not in answer
    ]
    return problems
