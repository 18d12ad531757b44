"""What the tutor has read of a lesson, said before the learner pays: the kinds of material, their words, and how
many of the lesson's chapters the material covers.

A chapter is covered when the lesson's own material has text for it, decided as the backends decide it:

- words of the transcript said within the chapter's time span, or a section of the lesson's text whose heading
  matches the chapter (`chat_plan.chapter_parts`, what the `openai` backend sends per chapter);
- else sentences of the description (or of the text outside such sections) sharing the chapter title's distinctive
  words (the offline study guide's own choice of description points, asked of the study guide itself).

A chapter with neither is one the explanation lists as "not covered". Linked lessons' passages do not count: they are
not this lesson's material. `tests/tutor/test_coverage.py` checks that the figure and the study guide's "not
covered" line agree.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from core.page_cache import cached_or_computed
from lessons.models import Lesson
from lessons.transcripts import TranscriptFormatError, transcript_parse
from tutor.backends import ChapterMaterial, LessonMaterial, material_fingerprint
from tutor.material import (
    KIND_ABSTRACT,
    KIND_ARTICLE,
    KIND_DESCRIPTION,
    KIND_TRANSCRIPT,
    lesson_material,
    text_kind,
)

# How the page names each kind of material, richest first (the order of the line).
KIND_LABELS = {
    KIND_TRANSCRIPT: "the full transcript",
    KIND_ARTICLE: "the article's text",
    KIND_ABSTRACT: "the paper's abstract",
    KIND_DESCRIPTION: "the description",
}
# The API lists the kinds in this order.
KIND_ORDER = (KIND_DESCRIPTION, KIND_TRANSCRIPT, KIND_ARTICLE, KIND_ABSTRACT)
# How long a lesson's coverage is kept (per version of the lesson, and per fingerprint of its material).
COVERAGE_KEEP_SECONDS = 24 * 3600


@dataclass(frozen=True)
class MaterialCoverage:
    """What the tutor reads of one lesson: (kind, words) per kind of material, and the chapters it covers."""

    parts: tuple[tuple[str, int], ...]  # in KIND_ORDER
    chapters_covered: int
    chapters_total: int

    @property
    def kinds(self) -> list[str]:
        return [kind for kind, _words in self.parts]

    @property
    def words(self) -> int:
        return sum(words for _kind, words in self.parts)

    @property
    def has_transcript(self) -> bool:
        return KIND_TRANSCRIPT in self.kinds

    @property
    def read(self) -> str:
        """ "the full transcript (9,800 words) and the description (180 words)" """
        named = [
            f"{KIND_LABELS[kind]} ({words:,} word{'' if words == 1 else 's'})"
            for kind in KIND_LABELS
            for part_kind, words in self.parts
            if part_kind == kind
        ]
        if not named:
            return "only the lesson's title"
        return ", ".join(named[:-1]) + (" and " if len(named) > 1 else "") + named[-1]

    @property
    def chapters_line(self) -> str:
        """ "covers 5 of 11 chapters" ("" when the lesson lists none)."""
        if not self.chapters_total:
            return ""
        return (
            f"covers {self.chapters_covered} of {self.chapters_total} chapter{'s' if self.chapters_total > 1 else ''}"
        )

    @property
    def line(self) -> str:
        """The line shown before paying: "The tutor has read: the description (180 words) · covers 5 of 11 chapters"."""
        return " · ".join(part for part in (f"The tutor has read: {self.read}", self.chapters_line) if part)

    def as_payload(self, *, requested: bool) -> dict[str, Any]:
        return {
            "kinds": self.kinds,
            "words": self.words,
            "chapters_covered": self.chapters_covered,
            "chapters_total": self.chapters_total,
            "requested": requested,
        }

    def grew_from(self, earlier: MaterialCoverage) -> bool:
        """More to read than before: a kind of material that was missing, more words, or more chapters covered."""
        return (
            bool(set(self.kinds) - set(earlier.kinds))
            or self.words > earlier.words
            or self.chapters_covered > earlier.chapters_covered
        )

    def update_note(self, earlier: MaterialCoverage) -> str:
        """What changed, for the page's note: "now from the full transcript"."""
        new = [kind for kind in KIND_LABELS if kind in self.kinds and kind not in earlier.kinds]
        if new:
            return "now from " + " and ".join(KIND_LABELS[kind] for kind in new)
        return f"now from more of the lesson's material ({self.words:,} words)"


def material_coverage(material: LessonMaterial) -> MaterialCoverage:
    """The coverage of a lesson's material (its JSON copy on an explanation included). Pure: no query."""
    parts: list[tuple[str, int]] = []
    description_words = word_count(material.description)
    if description_words:
        parts.append((KIND_DESCRIPTION, description_words))
    transcript_words = sum(word_count(segment.text) for segment in _segments(material))
    if transcript_words:
        parts.append((KIND_TRANSCRIPT, transcript_words))
    text_words = word_count(material.material)
    if text_words:
        parts.append((text_kind(material.kind), text_words))
    parts.sort(key=lambda part: KIND_ORDER.index(part[0]))
    flags = chapters_covered(material)
    return MaterialCoverage(parts=tuple(parts), chapters_covered=sum(flags), chapters_total=len(flags))


def word_count(text: str) -> int:
    """Words as a reader counts them: runs of text with a letter or a digit (a Markdown "##" or a dash is none)."""
    return sum(1 for word in text.split() if any(character.isalnum() for character in word))


def chapters_covered(material: LessonMaterial) -> tuple[bool, ...]:
    """For each chapter, in time order, whether the lesson's own material has text for it (see the module)."""
    from tutor.backends.chat_plan import chapter_parts  # the backends' modules load scikit-learn and pysbd

    chapters = sorted(material.chapters, key=lambda chapter: chapter.start_seconds)
    if not chapters:
        return ()
    parts = chapter_parts(material, _segments(material), chapters)
    described = _described_chapters(material, chapters)
    return tuple(bool(part.said.strip()) or index in described for index, part in enumerate(parts))


def _described_chapters(material: LessonMaterial, chapters: list[ChapterMaterial]) -> set[int]:
    """The chapters under which the study guide quotes key points: its own choice, asked of it (the guide's order of
    sections matters: a sentence its overview quoted is not quoted again under a chapter)."""
    from tutor.backends.base import PermanentBackendError
    from tutor.backends.study_guide import chapters_with_points

    try:
        return chapters_with_points(material)
    except PermanentBackendError:  # a transcript the tutor cannot read is not read: the guide goes by the rest
        return chapters_with_points(dataclasses.replace(material, transcript=""))


def _segments(material: LessonMaterial) -> list[Any]:
    try:
        return transcript_parse(material.transcript)
    except TranscriptFormatError:  # a transcript the tutor cannot read is not read
        return []


def lesson_coverage(lesson: Lesson, *, chapters: Iterable[Any] | None = None) -> MaterialCoverage:
    """The lesson's coverage as it is now, kept per version of the lesson: its `updated` time (every save of its
    description, transcript or text moves it) and its chapters (``chapters``: what the caller already shows, each
    with `start_seconds` and `title`; read when not given). A hit costs no query, so the lesson page and the API stay
    within their budgets; another lesson's edit, which changes the content version, does not recount this one. Beneath
    that, per fingerprint of the material, so a save that changed none of it is not counted again."""
    if chapters is None:
        chapters = lesson.chapters.order_by("start_seconds").only("start_seconds", "title")
    outline = "\n".join(f"{chapter.start_seconds}:{chapter.title}" for chapter in chapters)
    digest = hashlib.blake2b(outline.encode(), digest_size=12).hexdigest()
    stamp = lesson.updated.isoformat() if lesson.updated else "new"
    return cached_or_computed(
        f"tutor:coverage:{lesson.pk}:{stamp}:{digest}", lambda: _coverage_of(lesson), timeout=COVERAGE_KEEP_SECONDS
    )


def _coverage_of(lesson: Lesson) -> MaterialCoverage:
    material = lesson_material(lesson, with_related=False)
    key = f"tutor:coverage-of:{material_fingerprint(material)}:{text_kind(material.kind)}"
    return cached_or_computed(key, lambda: material_coverage(material), timeout=COVERAGE_KEEP_SECONDS)
