"""Finding the passages of a lesson's material (and of the lessons its terms link to) that answer a question: BM25.

A passage is a sentence of the description or of the lesson's text, or about fifty words of its transcript, with the
moment and chapter it belongs to. Ranking is BM25 (bm25s) over words normalised like concept keys (case, plurals),
without stop words; a passage counts as relevant only when it shares at least half of the question's words.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import bm25s
import numpy as np

from lessons.chapters import chapter_url
from lessons.models import Lesson
from lessons.transcripts import TranscriptFormatError, transcript_parse
from tutor.backends.study_guide import STOP_WORDS, material_sentences, text_sections
from tutor.concepts import word_singular

# bm25s logs every index it builds at DEBUG on its own logger; one per question is noise in a worker's log.
logging.getLogger("bm25s").setLevel(logging.WARNING)

PASSAGE_WORDS = 50
ANSWER_PASSAGES_MAX = 3
# Words that make a question a question, not what it is about.
QUESTION_WORDS = frozenset(
    ("what", "which", "who", "whom", "why", "how", "when", "where", "does", "did", "do", "mean", "meant", "stand")
) | frozenset(
    ("explain", "describe", "say", "said", "talk", "discuss", "lesson", "episode", "video", "speaker", "tell")
)
_WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")


@dataclass(frozen=True)
class Passage:
    lesson_slug: str
    lesson_title: str
    lesson_year: int | None
    own: bool  # from the lesson asked about (else from a lesson its terms link to)
    text: str
    start_seconds: int | None  # the moment in the video or episode, when the passage has one
    chapter_title: str
    url: str

    def as_citation(self) -> dict[str, object]:
        return {"lesson": self.lesson_slug, "start_seconds": self.start_seconds, "url": self.url, "text": self.text}


def words_normalised(text: str) -> list[str]:
    """The words BM25 compares: lower case, singular, without stop words and question words."""
    words = (word.casefold().replace("’", "'") for word in _WORD.findall(text))
    return [
        word_singular(word.removesuffix("'s"))
        for word in words
        if word not in STOP_WORDS and word not in QUESTION_WORDS and len(word) > 1
    ]


def lesson_passages(lesson: Lesson, *, own: bool) -> list[Passage]:
    """Every passage of the lesson's material: transcript windows, the text's and the description's sentences."""
    chapters = sorted(lesson.chapters.all(), key=lambda chapter: chapter.start_seconds)
    year = lesson.published_at.year if lesson.published_at else None
    page = lesson.get_absolute_url()

    def make(text: str, start: int | None, chapter_title: str) -> Passage:
        if own:
            url = chapter_url(lesson.external_url, start, lesson.kind) if start is not None else lesson.external_url
        else:
            url = page
        return Passage(lesson.slug, lesson.title, year, own, text, start, chapter_title, url)

    def chapter_at(seconds: float) -> tuple[int | None, str]:
        current: tuple[int | None, str] = (None, "")
        for chapter in chapters:
            if chapter.start_seconds <= seconds:
                current = (chapter.start_seconds, chapter.title)
        return current

    passages: list[Passage] = []
    try:
        segments = transcript_parse(lesson.transcript)
    except TranscriptFormatError:
        segments = []
    # About PASSAGE_WORDS words of speech each, never across a chapter's start.
    window: list[str] = []
    window_start = 0.0
    for segment in segments:
        if window and chapter_at(segment.start_seconds) != chapter_at(window_start):
            passages.append(make(" ".join(window), int(window_start), chapter_at(window_start)[1]))
            window = []
        if not window:
            window_start = segment.start_seconds
        window.append(segment.text)
        if sum(len(text.split()) for text in window) >= PASSAGE_WORDS:
            passages.append(make(" ".join(window), int(window_start), chapter_at(window_start)[1]))
            window = []
    if window:
        passages.append(make(" ".join(window), int(window_start), chapter_at(window_start)[1]))
    for heading, body in text_sections(lesson.material):
        passages += [make(sentence, None, heading) for sentence in material_sentences(body)]
    passages += [make(sentence, None, "") for sentence in material_sentences(lesson.description)]
    return passages


def passages_rank(question: str, passages: Sequence[Passage], *, limit: int = ANSWER_PASSAGES_MAX) -> list[Passage]:
    """The passages that answer the question best, most relevant first; [] when none is relevant."""
    query = set(words_normalised(question))
    if not query or not passages:
        return []
    tokens = [words_normalised(passage.text) for passage in passages]
    # A question about things the material never names is not answered by passages that share its other words
    # ("What did Dehghani eat for breakfast at Google?"): at most a third of its words may be missing.
    vocabulary = set().union(*tokens)
    if len(query - vocabulary) > len(query) // 3:
        return []
    retriever = bm25s.BM25()
    retriever.index(tokens, show_progress=False)
    scores = np.asarray(retriever.get_scores(sorted(query)))
    needed = max(1, math.ceil(len(query) / 2))
    relevant = [
        index for index, words in enumerate(tokens) if scores[index] > 0 and len(query.intersection(words)) >= needed
    ]
    # The lesson's own passages first at equal relevance; then the order of the material.
    relevant.sort(key=lambda index: (-round(float(scores[index]), 9), not passages[index].own, index))
    return [passages[index] for index in relevant[:limit]]
