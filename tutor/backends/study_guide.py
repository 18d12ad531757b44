"""The offline explanation backend: a study guide quoting only the lesson's own material, ranked with TF-IDF."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

import numpy as np
import pysbd

from lessons.chapters import chapter_url
from lessons.transcripts import TranscriptFormatError, transcript_parse, transcript_text_by_chapter
from tutor.backends.base import (
    REQUIRED_SECTIONS,
    ChapterMaterial,
    ConceptMaterial,
    GenerationResult,
    LessonMaterial,
    PermanentBackendError,
    ProgressCallback,
    text_normalise,
    timestamp_format,
)
from tutor.concepts import concept_key
from tutor.stop_words import ENGLISH_STOP_WORDS

if TYPE_CHECKING:
    from sklearn.feature_extraction.text import TfidfVectorizer

OVERVIEW, CHAPTERS, KEY_TERMS, WHY, QUESTIONS, READ_NEXT = REQUIRED_SECTIONS

OVERVIEW_SENTENCES = 3
KEY_POINTS_FROM_TRANSCRIPT = 3
KEY_POINTS_FROM_DESCRIPTION = 2
KEY_POINTS_WITHOUT_CHAPTERS = 5
KEY_TERMS_MAX = 6
WHY_SENTENCES = 2
QUESTIONS_MAX = 5
# Shorter "sentences" are captions' fragments or labels; longer ones are unpunctuated captions run together.
SENTENCE_WORDS_MIN = 5
SENTENCE_WORDS_MAX = 60
# pysbd's time grows faster than linearly with the text's length, so long text is fed to it in windows of words.
SEGMENTER_WINDOW_WORDS = 200
# How much closeness to the chapter's (or lesson's) title counts next to closeness to the text around it.
TITLE_WEIGHT = 0.5
# A transcript without chapters that runs at least this long is split into stretches of time of its own, so a long
# lecture gets key points throughout rather than five for the whole of it; between these many stretches.
LONG_WITHOUT_CHAPTERS_SECONDS = 20 * 60
TIME_SECTION_SECONDS_MIN = 10 * 60
TIME_SECTIONS_MAX = 12
ALL_QUOTED_ABOVE = "The lesson lists no chapters, and the overview above already quotes all of its material."
DEFINED_ABOVE = "defined in the sentence quoted above"
TIME_SECTIONS_INTRO = "The lesson lists no chapters; here are its key points, stretch by stretch of its recording:"

# Words that carry no subject in speech or in a title: fillers, hedges, time and size words.
# fmt: off
SPOKEN_FILLER = frozenset((
    "actually", "basically", "big", "biggest", "close", "early", "going", "gonna", "good", "got", "just", "kind",
    "know", "let", "like", "lot", "lots", "maybe", "mean", "means", "new", "next", "oh", "okay", "ok", "pretty",
    "probably", "really", "right", "said", "say", "stuff", "sort", "thing", "things", "think", "today", "top", "truly",
    "um", "uh", "wanna", "way", "yeah",
))
# fmt: on
STOP_WORDS = ENGLISH_STOP_WORDS | SPOKEN_FILLER

_URL_OR_HANDLE = re.compile(r"https?://|www\.|(?<![\w.])@\w|\w\.(?:com|org|net|io|ai|dev)\b", re.IGNORECASE)
_CLOCK_TIME = re.compile(r"\b\d{1,2}:\d{2}\b")  # a chapter list pasted into a description
# What a channel says about itself rather than about the subject: support, sponsors, subscribing, links.
_BOILERPLATE = re.compile(
    r"\b(?:patreon|patrons?|sponsor(?:s|ed|ship)?|subscrib\w*|like\s+and\s+(?:share|subscribe)|supporters?|"
    r"support\s+(?:the|this|our|my)\s+(?:channel|show|podcast|course|work|videos?)|form\s+of\s+support|"
    r"share\s+(?:some\s+of\s+)?(?:the|this|these|our|my)\s+videos?|links?\s+(?:are\s+|is\s+)?(?:in|below)|"
    r"in\s+the\s+description|description\s+below|promo\s+code|discount\s+code|use\s+code|affiliate|merch|"
    r"newsletter|follow\s+(?:us|me)\s+on|join\s+(?:the|our|my)\s+(?:discord|community|membership)|"
    r"notification\s+bell|hit\s+the\s+bell|thanks?\s+(?:you\s+)?(?:all\s+)?for\s+watching)\b",
    re.IGNORECASE,
)
# A line of a reference list: authors and a year at the end, or a DOI, an arXiv id, "In Proceedings of".
_REFERENCE_LINE = re.compile(
    r"(?:(?:et\s+al\.?|\b[A-Z][\w'’-]+(?:,\s*[A-Z][\w'’-]+)*,?\s+(?:and|&)\s+(?:[A-Z][\w'’-]+|others))"
    r",?\s*\(?(?:19|20)\d{2}[a-z]?\)?\.?\s*$)|\bdoi:|\barxiv:\s*\d|\bIn\s+Proceedings\s+of\b|\bpp\.\s*\d"
)
# Headings of the parts of a text that are not its content.
_BACK_MATTER_HEADING = re.compile(
    r"^\W*(?:references|bibliography|works\s+cited|citations|further\s+reading|acknowledge?ments|footnotes|"
    r"notes\s+and\s+references|sources)\W*$",
    re.IGNORECASE,
)
_LETTER = re.compile(r"[^\W\d_]")
# Words with which a speaker or writer marks why something is worth knowing.
_WHY_CUES = re.compile(
    r"\b(?:(?:matter|importan|bottleneck|frontier|critical|crucial|essential|significan|impact|risk|challeng"
    r"|breakthrough|fundamental)\w*|key|why)\b",
    re.IGNORECASE,
)
# A sentence that defines a term rather than only mentioning it.
_DEFINING = r"(?:\s+(?:is|are|means|refers\s+to|describes)\b|\s*\()"
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>])")
_URL_UNSAFE = re.compile(r"[\s()<>]")
_MARKDOWN_LINE_START = re.compile(r"^(\s*)([#>+\-=]|\d+[.)])")
# The one-line "Learn: …" summary: a plain split (the line is one sentence of the item's text, as written), the
# sentences of a readable length, and how long the line may be.
_SUMMARY_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9“\"'])")
SUMMARY_LINE_MAX = 160


@dataclass(frozen=True)
class _Sentence:
    text: str  # verbatim from the material
    in_description: bool  # else in the transcript or the lesson's text
    chapter: int | None = None  # the chapter in which it is said (transcript) or whose section it is in (text)
    in_text: bool = False  # in the lesson's own text (article body, abstract)
    section: str = ""  # the heading of the text's section it is in


# Words too common across the catalog to tie a chapter to another lesson's sentence.
_CATALOG_COMMON = frozenset(("ai", "model", "learning", "machine", "data", "neural", "network", "deep", "paper"))
# A heading in the lesson's text: a Markdown heading, or a short line without final punctuation.
_MARKDOWN_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(?P<title>.+?)\s*#*\s*$")
HEADING_WORDS_MAX = 8


@dataclass(frozen=True)
class _Ranking:
    """TF-IDF vectors of every candidate sentence, and how central each is to the whole lesson."""

    vectorizer: TfidfVectorizer | None
    matrix: Any  # a scipy sparse matrix, one L2-normalised row per sentence
    centrality: np.ndarray

    def title_similarity(self, title: str, rows: Sequence[int]) -> np.ndarray:
        if self.vectorizer is None or not rows:
            return np.zeros(len(rows))
        title_vector = self.vectorizer.transform([title])
        return np.asarray((self.matrix[list(rows)] @ title_vector.T).todense()).ravel()

    def group_centrality(self, rows: Sequence[int]) -> np.ndarray:
        if self.vectorizer is None or not rows:
            return np.zeros(len(rows))
        group = self.matrix[list(rows)]
        centroid = np.asarray(group.mean(axis=0)).ravel()
        norm = np.linalg.norm(centroid)
        return np.asarray(group @ (centroid / norm)).ravel() if norm else np.zeros(len(rows))


class StudyGuideBackend:
    """Writes nothing the material does not say: every point, definition and reason is a quoted sentence."""

    name = "study_guide"
    model = "study-guide-v1"

    def generate(self, material: LessonMaterial, *, on_progress: ProgressCallback | None = None) -> GenerationResult:
        writer = _writer_for(material)
        parts: list[str] = []
        for section in (
            writer.overview,
            writer.chapter_by_chapter,
            writer.key_terms,
            writer.why_it_matters,
            writer.check_your_understanding,
            writer.what_to_read_next,
        ):
            parts.append(section())
            if on_progress is not None:
                on_progress("\n\n".join(parts) + "\n")
        return GenerationResult(markdown="\n\n".join(parts) + "\n", backend=self.name, model=self.model)

    def summary_line(self, *, title: str, text: str) -> str:
        """The extractive one-line summary (summary_line_extract): never words the material did not say."""
        return summary_line_extract(title=title, text=text)


def _writer_for(material: LessonMaterial) -> _GuideWriter:
    """The guide's writer over every sentence of the material (description, text, transcript by chapter), before any
    section is written; a lesson without chapters but with a long recording gets stretches of time instead."""
    try:
        segments = transcript_parse(material.transcript)
    except TranscriptFormatError as error:
        raise PermanentBackendError(f"the lesson's transcript cannot be read: {error}") from error
    chapters = sorted(material.chapters, key=lambda chapter: chapter.start_seconds)
    stretches = not chapters and _recording_seconds(segments) >= LONG_WITHOUT_CHAPTERS_SECONDS
    if stretches:
        chapters = time_sections(segments, material.url)

    sentences = _description_sentences(material.description)
    sentences += _text_sentences(material.material, chapters)
    before, by_chapter = transcript_text_by_chapter(segments, [chapter.start_seconds for chapter in chapters])
    # Words said before the first chapter (or in a lesson without chapters) count for the overview and the terms.
    sentences += _transcript_sentences(before)
    for index, text in enumerate(by_chapter):
        sentences += _transcript_sentences(text, chapter=index)
    # A sentence said twice (an abstract that is also the description, a caption repeated) is one sentence.
    sentences = _unique(sentences)
    ranking = _ranking_build([sentence.text for sentence in sentences])
    return _GuideWriter(material, chapters, sentences, ranking, stretches=stretches)


def chapters_with_points(material: LessonMaterial) -> set[int]:
    """The indexes of the lesson's chapters (sorted by start) under which the guide quotes key points, from their
    transcript or from the description and text: what its "not covered" line leaves out. Coverage asks this, so the
    figure shown before paying and the guide always agree."""
    if not material.chapters:
        return set()
    writer = _writer_for(material)
    writer.overview()
    writer.chapter_by_chapter()
    return set(writer.transcript_points) | set(writer.description_points)


def summary_line_extract(*, title: str, text: str) -> str:
    """“Learn: <the text's most central sentence>”, at most a line; "" when the text has no usable sentence."""
    sentences = [s.strip() for s in _SUMMARY_SENTENCE.split(" ".join(text.split())) if 6 <= len(s.split()) <= 45][:40]
    if not sentences:
        return ""
    best = sentences[0]
    if len(sentences) > 2:
        from sklearn.feature_extraction.text import TfidfVectorizer  # about a second to import: only when needed

        try:
            matrix = TfidfVectorizer(stop_words="english").fit_transform([title, *sentences])
        except ValueError:
            matrix = None
        if matrix is not None:
            centre = matrix.sum(axis=0)
            scores = (matrix[1:] @ centre.T).A1
            best = sentences[int(scores.argmax())]
    line = f"Learn: {best}"
    if len(line) > SUMMARY_LINE_MAX:
        line = line[: SUMMARY_LINE_MAX - 1].rsplit(" ", 1)[0] + "…"
    return line


class _GuideWriter:
    """Writes the guide's sections in order; later sections avoid repeating what earlier ones quoted."""

    def __init__(
        self,
        material: LessonMaterial,
        chapters: list[ChapterMaterial],
        sentences: list[_Sentence],
        ranking: _Ranking,
        *,
        stretches: bool = False,
    ) -> None:
        self.material = material
        self.stretches = stretches  # the "chapters" are stretches of time this guide cut, not the lesson's own
        self.chapters = chapters
        self.sentences = sentences
        self.ranking = ranking
        self.quoted: set[int] = set()
        self.overview_rows: set[int] = set()
        self.transcript_points: dict[int, list[int]] = {}  # chapter index -> rows quoted from its transcript
        self.description_points: dict[int, list[int]] = {}  # chapter index -> description rows matched to its title
        self.terms: list[tuple[str, int]] = []  # (term as the sentence writes it, sentence row)

    # Sections

    def overview(self) -> str:
        material = self.material
        facts = [f"**{_escape(material.title)}**"] + [
            _escape(value) for value in (material.source_name, material.level, material.category) if value
        ]
        if material.duration_seconds:
            facts.append(timestamp_format(material.duration_seconds))
        lines = [OVERVIEW, "", " · ".join(facts)]
        description_rows = [row for row, sentence in enumerate(self.sentences) if sentence.in_description]
        pool = description_rows if len(description_rows) >= 2 else list(range(len(self.sentences)))
        scores = self.ranking.centrality[pool] + TITLE_WEIGHT * self.ranking.title_similarity(material.title, pool)
        chosen = _top(pool, scores, OVERVIEW_SENTENCES)
        if chosen:
            self.overview_rows = set(chosen)
            lines += ["", "In the lesson's own words:", ""]
            lines += [f"> {self._quote(row)}" for row in chosen]
        else:
            lines += ["", "This lesson's description and transcript have no sentence to quote yet."]
        return "\n".join(lines)

    def chapter_by_chapter(self) -> str:
        lines = [CHAPTERS]
        headings = list(dict.fromkeys(sentence.section for sentence in self.sentences if sentence.section))
        if not self.chapters and headings:
            # No chapters, but the lesson's text has headings of its own: its sections stand in for chapters.
            lines += ["", "The lesson lists no chapters; here are the key points of its text, section by section."]
            for section in headings:
                rows = [
                    row
                    for row, sentence in enumerate(self.sentences)
                    if sentence.section == section and row not in self.quoted
                ]
                chosen = _top(rows, self.ranking.group_centrality(rows), KEY_POINTS_FROM_TRANSCRIPT)
                lines += ["", f"### {_escape(section)}", ""] + [f"- {self._quote(row)}" for row in chosen]
            return "\n".join(lines)
        if not self.chapters:
            pool = [row for row in range(len(self.sentences)) if row not in self.quoted]
            chosen = _top(pool, self.ranking.centrality[pool], KEY_POINTS_WITHOUT_CHAPTERS)
            if chosen:
                lines += ["", "The lesson lists no chapters. Its key points, in the order it makes them:", ""]
                lines += [f"- {self._quote(row)}" for row in chosen]
            elif self.sentences:
                lines += ["", ALL_QUOTED_ABOVE]
            else:
                lines += ["", "The lesson lists no chapters, and its material has no sentence to quote."]
            return "\n".join(lines)
        uncovered: list[ChapterMaterial] = []
        if self.stretches:
            lines += ["", TIME_SECTIONS_INTRO]
        for index, chapter in enumerate(self.chapters):
            time = timestamp_format(chapter.start_seconds)
            heading = ["", f"### {_link(f'{time} {chapter.title}', chapter.url)}", ""]
            rows = self._chapter_transcript_points(index)
            if rows:
                lines += heading + [f"- {self._quote(row)}" for row in rows]
                continue
            if self.stretches:  # a stretch with nothing worth quoting (the sponsor's minute) is left out
                continue
            rows = self._chapter_description_points(index)
            if rows:
                label = "text" if all(self.sentences[row].in_text for row in rows) else "description"
                lines += [*heading, f"*From the lesson's {label}:*", ""]
                lines += [f"- {self._quote(row)}" for row in rows]
                continue
            linked = self._chapter_linked_passage(chapter)
            if linked is not None:
                concept, passage = linked
                lines += [*heading, f"*From {_concept_link(concept)}:*", "", f"- {_escape(passage)}"]
                continue
            uncovered.append(chapter)
        if uncovered:
            lines += ["", uncovered_chapters_line(uncovered)]
        return "\n".join(lines)

    def key_terms(self) -> str:
        lines = [KEY_TERMS, ""]
        concepts = self.material.concepts
        lines += [concept_line(concept) for concept in concepts]
        linked_keys = {concept_key(concept.term) for concept in concepts}
        self.terms = [term for term in self._terms_pick() if concept_key(term[0]) not in linked_keys]
        if not self.terms and not concepts:
            lines.append("The material is too short to pick out key terms.")
            return "\n".join(lines)
        mentioned = []
        for term, row in self.terms:
            where = ""
            chapter_index = self.sentences[row].chapter
            if chapter_index is not None:
                chapter = self.chapters[chapter_index]
                where = f" ({_link(timestamp_format(chapter.start_seconds), chapter.url)})"
            if row not in self.quoted:
                lines.append(f"- **{_escape(term)}** — “{self._quote(row)}”{where}")
            elif re.search(_term_pattern(term).pattern + _DEFINING, self.sentences[row].text, re.IGNORECASE):
                # Its defining sentence was quoted above: pointed to, never quoted a second time.
                lines.append(f"- **{_escape(term)}** — {DEFINED_ABOVE}{where}")
            else:
                mentioned.append(term)
        if mentioned:
            names = ", ".join(f"**{_escape(term)}**" for term in mentioned)
            lines += ["", f"Also named in the material, without a definition: {names}."]
        return "\n".join(line for index, line in enumerate(lines) if line or lines[index - 1])

    def why_it_matters(self) -> str:
        lines = [WHY, ""]
        rows = range(len(self.sentences))
        fresh = [row for row in rows if row not in self.quoted]
        fresh_with_cue = [row for row in fresh if _WHY_CUES.search(self.sentences[row].text)]
        # A sentence that says why is best; never one an earlier section quoted already.
        pool = fresh_with_cue or fresh
        chosen = _top(pool, self.ranking.centrality[pool], WHY_SENTENCES)
        if not chosen:
            lines.append("The lesson's material does not say yet why its subject matters.")
            return "\n".join(lines)
        lines += ["Here is how the lesson itself puts why this is worth your time:", ""]
        lines += [f"- {self._quote(row)}" for row in chosen]
        return "\n".join(lines)

    def check_your_understanding(self) -> str:
        questions: list[str] = []
        asked: set[int] = set()
        # Chapters with the most material of their own come first: their questions can be answered from the lesson.
        by_material = sorted(
            set(self.transcript_points) | set(self.description_points),
            key=lambda index: (
                -len(self.transcript_points.get(index, [])),
                -len(self.description_points.get(index, [])),
                index,
            ),
        )
        for index in [index for index in by_material if self.chapters[index].title.rstrip().endswith("?")][:2]:
            chapter = self.chapters[index]
            asked.add(index)
            questions.append(
                f"The chapter {_quoted(chapter.title)} ({timestamp_format(chapter.start_seconds)}) asks a question. "
                "How does the lesson answer it?"
            )
        unasked_terms = []
        for term, _row in self.terms:
            using = self._chapter_using(term, exclude=asked)
            if using is None or len(asked) >= 3:
                unasked_terms.append(term)
                continue
            asked.add(using)
            questions.append(
                f"In {_quoted(self.chapters[using].title)}, what does the lesson say about {_escape(term)}?"
            )
        questions += [
            f"In your own words, what does the lesson mean by {_quoted(term)}, and why does it come up?"
            for term in unasked_terms[:2]
        ]
        if len(self.terms) >= 2:
            first, second = self.terms[0][0], self.terms[1][0]
            questions.append(f"How does the lesson connect {_escape(first)} and {_escape(second)}?")
        questions += [
            f"What question does {_quoted(self.material.title)} set out to answer, and what is its answer?",
            "Which idea from this lesson would you explain to a friend first, and how would you put it?",
            "What would you look up next to go further than this lesson does?",
        ]
        chosen = list(dict.fromkeys(questions))[:QUESTIONS_MAX]
        return "\n".join([QUESTIONS, ""] + [f"{number}. {question}" for number, question in enumerate(chosen, 1)])

    def what_to_read_next(self) -> str:
        lines = [READ_NEXT, ""]
        if not self.material.related:
            lines.append("No related lessons are listed for this one yet.")
        for related in self.material.related:
            summary = f" — {_escape(related.summary.strip())}" if related.summary.strip() else ""
            lines.append(f"- {_link(related.title, related.url)}{summary}")
        return "\n".join(lines)

    # Choices

    def _chapter_transcript_points(self, index: int) -> list[int]:
        rows = [row for row, sentence in enumerate(self.sentences) if sentence.chapter == index]
        rows = [row for row in rows if row not in self.quoted]
        title_similarity = self.ranking.title_similarity(self.chapters[index].title, rows)
        chosen = _top(
            rows, self.ranking.group_centrality(rows) + TITLE_WEIGHT * title_similarity, KEY_POINTS_FROM_TRANSCRIPT
        )
        if chosen:
            self.transcript_points[index] = chosen
        return chosen

    def _chapter_description_points(self, index: int) -> list[int]:
        """Description sentences sharing the most words with the chapter's title; words most of them use don't count."""
        if self.stretches:
            return []
        rows = [
            row
            for row, sentence in enumerate(self.sentences)
            if (sentence.in_description or (sentence.in_text and sentence.chapter is None)) and row not in self.quoted
        ]
        if self.ranking.vectorizer is None or not rows:
            return []
        analyse = self.ranking.vectorizer.build_analyzer()
        words = [set(analyse(self.sentences[row].text)) for row in rows]
        frequency = Counter(word for sentence_words in words for word in sentence_words)
        common = {word for word, count in frequency.items() if count > len(rows) / 2} if len(rows) >= 4 else set()
        title = self.chapters[index].title
        title_words = set(analyse(title)) - common
        shared = np.array([len(title_words & sentence_words) for sentence_words in words], dtype=float)
        scores = shared + self.ranking.title_similarity(title, rows)
        candidates = [position for position, count in enumerate(shared) if count > 0]
        chosen = _top([rows[p] for p in candidates], scores[candidates], KEY_POINTS_FROM_DESCRIPTION)
        if chosen:
            self.description_points[index] = chosen
        return chosen

    def _chapter_linked_passage(self, chapter: ChapterMaterial) -> tuple[ConceptMaterial, str] | None:
        """A sentence of a linked lesson sharing the chapter title's distinctive words, for a chapter left bare."""
        if self.stretches:
            return None
        title_words = {concept_key(word) for word in _words(chapter.title)} - STOP_WORDS - _CATALOG_COMMON
        best: tuple[int, ConceptMaterial, str] | None = None
        for concept in self.material.concepts:
            for passage in concept.passages:
                shared = len(title_words & {concept_key(word) for word in _words(passage)})
                if shared and (best is None or shared > best[0]):
                    best = (shared, concept, passage)
        return (best[1], best[2]) if best else None

    def _terms_pick(self) -> list[tuple[str, int]]:
        """YAKE's best phrases that are neither the speakers' or show's names nor glued together by stop words."""
        if not self.sentences:
            return []
        # Chapter titles name what the lesson is organised around, so they weigh in; each term is still shown
        # with a sentence of the material.
        text = "\n".join([sentence.text for sentence in self.sentences] + [chapter.title for chapter in self.chapters])
        import yake  # a tenth of a second to import (networkx comes with it): only when terms are extracted

        extractor = yake.KeywordExtractor(lan="en", n=3, top=KEY_TERMS_MAX * 5)
        names = _words(f"{self.material.source_name} {self.material.title}") - STOP_WORDS
        picked: list[tuple[str, int]] = []
        picked_words: list[set[str]] = []
        for keyword, _score in extractor.extract_keywords(text):
            words = _words(keyword)
            if not words or words & (STOP_WORDS | names) or not _LETTER.search(keyword) or len(keyword) < 3:
                continue
            if len(words) == 1 and not (keyword.isupper() or "-" in keyword):  # "models" alone is no term; "RSI" is
                continue
            if any(words <= other or other <= words for other in picked_words):  # "Nano Banana", "Gemini Nano Banana"
                continue
            found = self._term_sentence(keyword)
            if found is not None:
                picked.append(found)
                picked_words.append(words)
            if len(picked) == KEY_TERMS_MAX:
                break
        return picked

    def _term_sentence(self, keyword: str) -> tuple[str, int] | None:
        """The sentence that best shows the term: one defining it, else one not quoted yet, else the most central."""
        pattern = _term_pattern(keyword)
        using = [row for row, sentence in enumerate(self.sentences) if pattern.search(sentence.text)]
        if not using:
            return None
        defining = re.compile(pattern.pattern + _DEFINING, re.IGNORECASE)

        def preference(row: int) -> tuple[bool, bool, float, int]:
            text = self.sentences[row].text
            return (not defining.search(text), row in self.quoted, -round(float(self.ranking.centrality[row]), 9), row)

        row = min(using, key=preference)
        match = pattern.search(self.sentences[row].text)
        assert match is not None
        return match.group(0), row

    def _chapter_using(self, term: str, *, exclude: Iterable[int]) -> int | None:
        """The first chapter whose title or own transcript uses the term (a shared description sentence is no tie)."""
        pattern = _term_pattern(term)
        skip = set(exclude)
        if self.stretches:  # a stretch's "title" is its times, nothing to ask about
            return None
        for index, chapter in enumerate(self.chapters):
            if index in skip:
                continue
            rows = self.transcript_points.get(index, [])
            if pattern.search(chapter.title) or any(pattern.search(self.sentences[row].text) for row in rows):
                return index
        return None

    def _quote(self, row: int) -> str:
        self.quoted.add(row)
        return _escape(self.sentences[row].text)


# Building blocks


def material_sentences(text: str) -> list[str]:
    """The quotable sentences of a text (a description, an article, an abstract), line by line, without repeats."""
    sentences: list[str] = []
    seen: set[str] = set()
    for line in text.splitlines():
        if _MARKDOWN_HEADING.match(line):
            continue
        for sentence in _sentences_split(line):
            key = text_normalise(sentence)
            if _usable(sentence) and key not in seen:
                seen.add(key)
                sentences.append(sentence)
    return sentences


def text_sections(text: str) -> list[tuple[str, str]]:
    """(heading, body) of a text split at its own headings; text before the first heading has the heading "".
    Back matter (references, bibliography, acknowledgements) is not the text's content and is left out."""
    sections: list[tuple[str, list[str]]] = [("", [])]
    for line in text.splitlines():
        heading = _MARKDOWN_HEADING.match(line)
        if heading:
            sections.append((heading["title"], []))
        else:
            sections[-1][1].append(line)
    return [
        (heading, "\n".join(lines))
        for heading, lines in sections
        if (heading or "".join(lines).strip()) and not _BACK_MATTER_HEADING.match(heading)
    ]


def chapter_for_heading(heading: str, chapters: Sequence[ChapterMaterial]) -> int | None:
    """The chapter whose title shares the most distinctive words with a heading of the text (None when none does)."""
    heading_words = {concept_key(word) for word in _words(heading)} - STOP_WORDS
    best, best_shared = None, 0
    for index, chapter in enumerate(chapters):
        shared = len(heading_words & ({concept_key(word) for word in _words(chapter.title)} - STOP_WORDS))
        if shared > best_shared:
            best, best_shared = index, shared
    return best


def _text_sentences(text: str, chapters: Sequence[ChapterMaterial]) -> list[_Sentence]:
    """The lesson's own text, each sentence tied to the chapter its section's heading matches, if any."""
    sentences = []
    for heading, body in text_sections(text):
        chapter = chapter_for_heading(heading, chapters) if heading else None
        sentences += [
            _Sentence(t, in_description=False, chapter=chapter, in_text=True, section=heading)
            for t in material_sentences(body)
        ]
    return sentences


def _recording_seconds(segments: Sequence[Any]) -> float:
    return segments[-1].start_seconds if segments else 0.0


def time_sections(segments: Sequence[Any], url: str) -> list[ChapterMaterial]:
    """Stretches of a long recording without chapters, each at least TIME_SECTION_SECONDS_MIN and at most
    TIME_SECTIONS_MAX of them, starting at a cue and titled by where they end ("– 20:00"), linked to their moment."""
    length = _recording_seconds(segments)
    size = max(TIME_SECTION_SECONDS_MIN, length / TIME_SECTIONS_MAX)
    size = math.ceil(size / 300) * 300  # whole five minutes
    starts: list[int] = []
    for segment in segments:
        start = int(segment.start_seconds)
        if not starts or start >= starts[-1] + size:
            starts.append(start if starts else 0)
    sections = []
    for position, start in enumerate(starts):
        end = starts[position + 1] if position + 1 < len(starts) else int(length) + 1
        # chapter_url links into a YouTube video and leaves any other address as it is.
        link = chapter_url(url, start, "youtube") if url else ""
        sections.append(ChapterMaterial(start_seconds=start, title=f"– {timestamp_format(end)}", url=link))
    return sections


def uncovered_chapters_line(chapters: Sequence[ChapterMaterial]) -> str:
    """The one line that names the chapters the material says nothing about, each linked to its moment."""
    links = ", ".join(_link(f"{timestamp_format(c.start_seconds)} {c.title}", c.url) for c in chapters)
    return f"The lesson's material does not cover these chapters; watch them in the lesson: {links}."


def concept_line(concept: ConceptMaterial) -> str:
    """A key term that another lesson is about, explained by that lesson's own sentence and linked to it."""
    if concept.sentence:
        return f"- **{_escape(concept.term)}** — from {_concept_link(concept)}: “{_escape(concept.sentence)}”"
    return f"- **{_escape(concept.term)}** — the subject of {_concept_link(concept)}"


def _concept_link(concept: ConceptMaterial) -> str:
    year = f" ({concept.lesson_year})" if concept.lesson_year else ""
    url = _URL_UNSAFE.sub(lambda match: f"%{ord(match.group(0)):02X}", concept.url)
    return f"[the lesson *{_escape(concept.lesson_title)}*{year}]({url})"


def _description_sentences(description: str) -> list[_Sentence]:
    sentences = []
    for line in description.splitlines():
        sentences += [_Sentence(text, in_description=True) for text in _sentences_split(line) if _usable(text)]
    return _unique(sentences)


def _transcript_sentences(text: str, *, chapter: int | None = None) -> list[_Sentence]:
    return [
        _Sentence(sentence, in_description=False, chapter=chapter)
        for sentence in _sentences_split(text)
        if _usable(sentence)
    ]


def _unique(sentences: list[_Sentence]) -> list[_Sentence]:
    seen: set[str] = set()
    unique = []
    for sentence in sentences:
        key = text_normalise(sentence.text)
        if key not in seen:
            seen.add(key)
            unique.append(sentence)
    return unique


@cache
def _segmenter() -> pysbd.Segmenter:
    return pysbd.Segmenter(language="en", clean=False)


def _sentences_split(text: str) -> list[str]:
    """Split into sentences with pysbd, a window of words at a time.

    The last sentence of each window is carried into the next one, so every boundary is still decided by pysbd
    with the words on both sides of it in view.
    """
    words = text.split()
    sentences: list[str] = []
    carry = ""
    for start in range(0, len(words), SEGMENTER_WINDOW_WORDS):
        window = f"{carry} {' '.join(words[start : start + SEGMENTER_WINDOW_WORDS])}".strip()
        found = [sentence.strip() for sentence in _segmenter().segment(window) if sentence.strip()]
        if not found:
            continue
        sentences += found[:-1]
        carry = found[-1]
        if len(carry.split()) > 3 * SEGMENTER_WINDOW_WORDS:  # text without punctuation: nothing to split
            sentences.append(carry)
            carry = ""
    if carry:
        sentences.append(carry)
    return sentences


def _words(text: str) -> set[str]:
    """Lower-cased words as written (a hyphenated word stays one word), without possessive endings."""
    return {re.sub(r"['’]s$", "", word.strip('.,;:!?()[]"“”‘’')) for word in text.casefold().split()} - {""}


def _term_pattern(term: str) -> re.Pattern[str]:
    """Find a YAKE phrase in a sentence; YAKE drops possessive endings, so "Gemini Nano" must find "Gemini's Nano"."""
    words = [re.escape(word) for word in term.split()]
    return re.compile(r"(?<!\w)" + r"(?:['’]s)?\s+".join(words) + r"(?!\w)", re.IGNORECASE)


def _usable(sentence: str) -> bool:
    """A sentence worth quoting: prose of a readable length, not a link list, a handle, a pasted chapter list, the
    channel's own boilerplate (support, sponsors, subscribing) or a line of a reference list."""
    words = len(sentence.split())
    return (
        SENTENCE_WORDS_MIN <= words <= SENTENCE_WORDS_MAX
        and _LETTER.search(sentence) is not None
        and not _URL_OR_HANDLE.search(sentence)
        and not _CLOCK_TIME.search(sentence)
        and not boilerplate(sentence)
        and not _title_like(sentence)
    )


def _title_like(sentence: str) -> bool:
    """A title rather than a sentence ("Batch Normalization: Accelerating Deep Network Training …"): most of its
    longer words capitalised."""
    words = [word for word in re.findall(r"[^\W\d_][\w'’-]*", sentence) if len(word) >= 4]
    capitalised = sum(1 for word in words if word[0].isupper())
    return len(words) >= 4 and capitalised / len(words) >= 0.7


def boilerplate(sentence: str) -> bool:
    """Whether a sentence is about the channel or the references rather than the subject."""
    return bool(_BOILERPLATE.search(sentence) or _REFERENCE_LINE.search(sentence))


def _ranking_build(texts: list[str]) -> _Ranking:
    from sklearn.feature_extraction.text import TfidfVectorizer  # about a second to import: only when needed

    vectorizer = TfidfVectorizer(stop_words=sorted(STOP_WORDS), sublinear_tf=True)
    try:
        matrix = vectorizer.fit_transform(texts)
    except ValueError:  # no sentences, or nothing but stop words
        return _Ranking(vectorizer=None, matrix=None, centrality=np.zeros(len(texts)))
    centroid = np.asarray(matrix.mean(axis=0)).ravel()
    norm = np.linalg.norm(centroid)
    centrality = np.asarray(matrix @ (centroid / norm)).ravel() if norm else np.zeros(len(texts))
    return _Ranking(vectorizer=vectorizer, matrix=matrix, centrality=centrality)


def _top(rows: Sequence[int], scores: Sequence[float] | np.ndarray, count: int) -> list[int]:
    """The count best-scored rows (ties go to the earlier sentence), returned in the order the lesson has them."""
    ranked = sorted(zip(rows, scores, strict=True), key=lambda pair: (-round(float(pair[1]), 9), pair[0]))
    return sorted(row for row, _score in ranked[:count])


def _escape(text: str) -> str:
    """Quote material inside Markdown so that it shows as written and cannot add links or markup of its own."""
    text = " ".join(_MARKDOWN_SPECIAL.sub(r"\\\1", text).split())
    return _MARKDOWN_LINE_START.sub(r"\1\\\2", text)


# Public: other modules quote material in Markdown the same way.
markdown_escape = _escape


def _quoted(text: str) -> str:
    """Put a title in double quotes; its own double quotes become single ones so the two don't clash."""
    return "“" + _escape(text.replace("“", "‘").replace("”", "’")) + "”"


def _link(text: str, url: str) -> str:
    if not url:
        return _escape(text)
    return f"[{_escape(text)}]({_URL_UNSAFE.sub(lambda match: f'%{ord(match.group(0)):02X}', url)})"
