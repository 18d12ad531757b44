"""Finding the passages of a lesson's material (and of the lessons its terms link to) that answer a question: BM25.

A passage is a sentence of the description or of the lesson's text (an article's body, a paper's abstract), or about
fifty words of its transcript, with the moment and chapter it belongs to and where it comes from (its *origin*).

Words are compared as a search engine compares them (`words_normalised`): Unicode folded (NFKC, case), every dash
and hyphen a word break ("Kullback–Leibler" is "Kullback-Leibler" is "Kullback Leibler"), possessives dropped, stop
words and question words left out, and each word reduced to its English Snowball stem ("normalization",
"normalized" and "normalizing" are one word). Ranking is BM25 (bm25s) over those words; a transcript window and a
section of text tied to a chapter also carry the chapter title's words.

What is relevant (`passages_rank`):

- a question at most a third of whose words are missing from the whole material, and passages that share at least
  half of its words (a question about things the material never names is not answered by passages sharing its other
  words);
- a question naming a moment ("at 1:17", "1:17:05") looks in the chapter holding that moment (and the transcript
  around it) first; one naming a chapter by its title's words looks in that chapter first;
- "what is X?" puts the sentences that define X ("X is …", "X, …, refers to …", "called X") before passages that
  merely mention it;
- the lesson's own passages before its linked lessons' at equal standing. An answer only from linked lessons is not
  an answer from this lesson (`answer_found`).
"""

from __future__ import annotations

import logging
import math
import os
import re
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from urllib.parse import quote

import numpy as np
import snowballstemmer

from lessons.chapters import chapter_url
from lessons.models import Kind, Lesson
from lessons.transcripts import TranscriptFormatError, transcript_parse
from tutor.backends.study_guide import STOP_WORDS, material_sentences, text_sections

# bm25s logs every index it builds at DEBUG on its own logger; one per question is noise in a worker's log.
logging.getLogger("bm25s").setLevel(logging.WARNING)

PASSAGE_WORDS = 50
# How far from a transcript window a moment named in a question may be and still point at it.
MOMENT_SLACK_SECONDS = 30
ANSWER_PASSAGES_MAX = 3
# Words that make a question a question, not what it is about.
QUESTION_WORDS = frozenset(
    ("what", "which", "who", "whom", "why", "how", "when", "where", "does", "did", "do", "mean", "meant", "stand")
) | frozenset(
    (
        *("explain", "describe", "say", "said", "says", "talk", "talks", "discuss", "lesson", "episode", "video"),
        *("speaker", "tell", "chapter", "part", "minute", "happen", "define", "lecture", "lecturer", "host"),
        *("guest", "author", "podcast", "article", "paper", "abstract", "transcript", "mention", "cover"),
    )
)
# scikit-learn's English stop words include nouns a question may be about ("system", "fire", "computer").
_CONTENT_WORDS = frozenset(
    ("system", "fire", "bill", "computer", "interest", "mill", "detail", "amount", "bottom", "front", "side", "thick")
) | frozenset(("thin", "cry", "fill", "empty", "found", "call", "show", "part", "full", "top", "back", "find"))
_STOP = (STOP_WORDS - _CONTENT_WORDS) | QUESTION_WORDS
_QUESTION_STEMS = frozenset(snowballstemmer.stemmer("english").stemWords(sorted(QUESTION_WORDS)))
# Every dash and hyphen Unicode has, and the minus sign: word breaks, like a plain hyphen.
_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d\u00ad"), "-")
_WORD = re.compile(r"[^\W_]+(?:['\u2063][^\W_]+)*")
# A moment named in a question: "1:17", "at 01:17", "1:17:05" (minutes below 60 when hours are given).
_MOMENT = re.compile(
    r"(?<![\d:])(?:(?P<hours>\d{1,2}):(?=[0-5]\d:))?(?P<minutes>\d{1,2}):(?P<seconds>[0-5]\d)(?![\d:])"
)
# "What is X?", "What are X?", "What is meant by X?", "Define X"; "What does X mean?", "What does X stand for?".
_LEAD = r"^\s*(?:(?:so|and|but|ok|okay)[,\s]+)?"
_WHAT_IS = re.compile(
    _LEAD + r"(?:(?:what|who)(?:'s|\s+(?:is|are|was|were)(?:\s+meant\s+by)?)|define)\s+(?:an?\s+|the\s+)?"
    r"(?P<term>.+?)\s*[?.!]*\s*$",
    re.IGNORECASE,
)
_WHAT_MEANS = re.compile(
    _LEAD + r"what\s+(?:does|do)\s+(?:an?\s+|the\s+)?(?P<term>.+?)\s+(?:mean|stand\s+for)\s*[?.!]*\s*$",
    re.IGNORECASE,
)
# What follows a term in a sentence that says what it is.
_DEFINING_AFTER = (
    r"(?:\s*\([^)]{1,40}\))?(?:\s*,[^,.;]{1,80},)?(?:\s*(?:is|are|was|were|means|refers\s+to|denotes|describes|"
    r"stands\s+for|measures|names)\b|:\s)"
)
_DEFINING_BEFORE = r"(?:called|known\s+as|termed|we\s+call|defined\s+as|define)\s+(?:an?\s+|the\s+)?"

ORIGIN_TRANSCRIPT = "transcript"
ORIGIN_DESCRIPTION = "description"
ORIGIN_ARTICLE = "article"
ORIGIN_ABSTRACT = "abstract"
ORIGIN_TEXT = "text"  # a video's or episode's own text beyond its description (show notes)

_local = threading.local()


def _stemmer() -> snowballstemmer.stemmer:
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None or getattr(_local, "pid", None) != os.getpid():
        _local.stemmer, _local.pid = snowballstemmer.stemmer("english"), os.getpid()
        stemmer = _local.stemmer
    return stemmer


def text_fold(text: str) -> str:
    """Text as the search compares it: NFKC, case folded, every dash a hyphen, curly apostrophes straight."""
    return unicodedata.normalize("NFKC", text).translate(_DASHES).casefold().replace("’", "'").replace("‘", "'")


def _word_forms(text: str) -> list[str]:
    """The folded words of a text, hyphens breaking them, possessive endings dropped."""
    return [word.removesuffix("'s").strip("'") for word in _WORD.findall(text_fold(text).replace("-", " "))]


# British "-ise" spellings fold to "-ize" before stemming ("normalisation" is "normalization").
_ISE = re.compile(r"(?<=\w\w)is(?=(?:e|es|ed|ing|ation|ations|er|ers)$)")


@lru_cache(maxsize=200_000)
def _stem(word: str) -> str:
    """A word's Snowball stem, remembered: a lecture says the same words again and again."""
    return str(_stemmer().stemWord(_ISE.sub("iz", word)))


def words_normalised(text: str) -> list[str]:
    """The words BM25 compares: folded, stemmed, without stop words and question words. A hyphenated word is its
    parts and, after them, the parts joined ("self-attention": self, attent, selfattent), so that "self-attention"
    is not found by "self-improvement"."""
    words: list[str] = []
    for compound in _WORD.findall(text_fold(text).replace("-", "\u2063")):
        compound = compound.removesuffix("'s").strip("'")
        parts = [part for part in compound.split("\u2063") if part]
        stems = [_stem(part) for part in parts if part not in _STOP and len(part) > 1]
        stems = [stem for stem in stems if stem not in _QUESTION_STEMS]
        words += stems
        if len(parts) > 1 and len(stems) > 1:
            words.append("".join(stems))
    return words


def origin_of_text(kind: str) -> str:
    """What a lesson's own text is, by the lesson's kind: a paper's is its abstract, a page's its article."""
    if kind == Kind.PAPER:
        return ORIGIN_ABSTRACT
    if kind in (Kind.ARTICLE, Kind.URL):
        return ORIGIN_ARTICLE
    return ORIGIN_TEXT


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
    origin: str = ORIGIN_DESCRIPTION  # transcript, article, abstract, text or description
    chapter_start: int | None = None  # the start of the chapter the passage is in (or whose title it matches)
    chapter_url: str = ""
    end_seconds: int | None = None  # a transcript window's last cue's start
    # Extra words the passage is found by: its chapter's title (for transcript windows and the text's sections).
    context: str = field(default="", compare=False)

    def as_citation(self) -> dict[str, object]:
        start = self.start_seconds if self.start_seconds is not None else self.chapter_start
        return {
            "lesson": self.lesson_slug,
            "start_seconds": start,
            "url": self.url,
            "text": self.text,
            "origin": self.origin,
            "chapter": self.chapter_title,
            "lesson_title": self.lesson_title,
            "linked": not self.own,
        }


def _text_fragment_url(url: str, sentence: str) -> str:
    """A link to the sentence in the page (a text fragment, `#:~:text=`), or the page when it has a fragment."""
    if not url or "#" in url:
        return url
    words = sentence.split()
    if len(words) <= 8:
        fragment = quote(" ".join(words), safe="")
    else:
        fragment = f"{quote(' '.join(words[:4]), safe='')},{quote(' '.join(words[-4:]), safe='')}"
    return f"{url}#:~:text={fragment.replace('-', '%2D')}"


def _chapter_by_words(text: str, titles: Sequence[set[str]]) -> int | None:
    """The one chapter whose title's words the text shares most (at least half of them, at least one)."""
    words = set(words_normalised(text))
    best, best_shared, tie = None, 0, False
    for index, title in enumerate(titles):
        shared = len(words & title)
        if not title or shared < max(1, math.ceil(len(title) / 2)):
            continue
        if shared > best_shared:
            best, best_shared, tie = index, shared, False
        elif shared == best_shared:
            tie = True
    return None if tie else best


def lesson_passages(lesson: Lesson, *, own: bool) -> list[Passage]:
    """Every passage of the lesson's material: transcript windows, the text's and the description's sentences."""
    chapters = sorted(lesson.chapters.all(), key=lambda chapter: chapter.start_seconds)
    titles = [set(words_normalised(chapter.title)) for chapter in chapters]
    year = lesson.published_at.year if lesson.published_at else None
    page = lesson.get_absolute_url()
    link = lambda start: chapter_url(lesson.external_url, start, lesson.kind)  # noqa: E731

    def make(
        text: str, *, origin: str, start: int | None = None, chapter: int | None = None, end: int | None = None
    ) -> Passage:
        chapter_row = chapters[chapter] if chapter is not None else None
        chapter_start = chapter_row.start_seconds if chapter_row is not None else None
        if not own:
            url = page
        elif start is not None:
            url = link(start)
        elif chapter_start is not None:
            url = link(chapter_start)
        else:
            url = _text_fragment_url(lesson.external_url, text) if origin != ORIGIN_DESCRIPTION else lesson.external_url
        return Passage(
            lesson.slug,
            lesson.title,
            year,
            own,
            text,
            start,
            chapter_row.title if chapter_row is not None else "",
            url,
            origin=origin,
            chapter_start=chapter_start,
            chapter_url=link(chapter_start) if chapter_start is not None else "",
            end_seconds=end,
            context=chapter_row.title if chapter_row is not None and origin != ORIGIN_DESCRIPTION else "",
        )

    def chapter_at(seconds: float) -> int | None:
        current = None
        for index, chapter in enumerate(chapters):
            if chapter.start_seconds <= seconds:
                current = index
        return current

    passages: list[Passage] = []
    try:
        segments = transcript_parse(lesson.transcript)
    except TranscriptFormatError:
        segments = []
    # About PASSAGE_WORDS words of speech each, never across a chapter's start.
    window: list[str] = []
    window_start = window_end = 0.0

    def flush() -> None:
        start, end = int(window_start), int(window_end)
        passages.append(
            make(" ".join(window), origin=ORIGIN_TRANSCRIPT, start=start, chapter=chapter_at(start), end=end)
        )
        window.clear()

    for segment in segments:
        if window and chapter_at(segment.start_seconds) != chapter_at(window_start):
            flush()
        if not window:
            window_start = segment.start_seconds
        window.append(segment.text)
        window_end = segment.start_seconds
        if sum(len(text.split()) for text in window) >= PASSAGE_WORDS:
            flush()
    if window:
        flush()
    text_origin = origin_of_text(lesson.kind)
    for heading, body in text_sections(lesson.material):
        chapter = _chapter_by_words(heading, titles) if heading else None
        passages += [make(sentence, origin=text_origin, chapter=chapter) for sentence in material_sentences(body)]
    passages += [
        make(sentence, origin=ORIGIN_DESCRIPTION, chapter=_chapter_by_words(sentence, titles))
        for sentence in material_sentences(lesson.description)
    ]
    return passages


@dataclass(frozen=True)
class QuestionParts:
    """What a question asks about: its words, a moment it names, and the term of a "what is X?"."""

    words: frozenset[str]
    moment: int | None
    term: str


def question_parse(question: str) -> QuestionParts:
    moment = None
    match = _MOMENT.search(question)
    if match:
        moment = int(match["hours"] or 0) * 3600 + int(match["minutes"]) * 60 + int(match["seconds"])
        question = question[: match.start()] + " " + question[match.end() :]
        question = re.sub(r"\b(?:at|around|about|near)\s*$", " ", question[: match.start()]) + question[match.start() :]
    plain = " ".join(question.split())
    what = _WHAT_MEANS.match(plain) or _WHAT_IS.match(plain)
    term = what["term"].strip(" ?.!\"'“”‘’") if what else ""
    if len(term.split()) > 5:
        term = ""
    return QuestionParts(words=frozenset(words_normalised(question)), moment=moment, term=term)


def _term_pattern(term: str) -> str:
    """A regular expression for the term as text may write it: any dash or space between words, any ending."""
    parts = []
    for word in _word_forms(term):
        stem = _stemmer().stemWord(word)
        shared = next((index for index, (a, b) in enumerate(zip(word, stem, strict=False)) if a != b), None)
        prefix = word[: shared if shared is not None else min(len(word), len(stem))] or word
        parts.append(re.escape(prefix) + r"\w*")
    return r"[\s-]+".join(parts)


def defines(term: str, text: str) -> bool:
    """Whether the sentence says what the term is, rather than only using it."""
    if not term or not _word_forms(term):
        return False
    pattern = _term_pattern(term)
    folded = text_fold(text)
    return bool(
        re.search(rf"(?<!\w){pattern}(?!\w){_DEFINING_AFTER}", folded)
        or re.match(rf"\s*in\s+(?:an?\s+|the\s+)?{pattern}(?!\w)\s*,", folded)
        # A sentence whose subject the term is ("Layer normalization computes …") says what it does.
        or re.match(rf"\s*(?:an?\s+|the\s+)?{pattern}(?!\w)(?:\s*\([^)]{{1,40}}\))?\s+[a-z]+s\b", folded)
        or re.search(rf"{_DEFINING_BEFORE}{pattern}(?!\w)", folded)
    )


def _moment_chapter(passages: Sequence[Passage], moment: int, chapters: Sequence[tuple[int, str]] | None) -> int | None:
    """The start of the chapter holding the moment: from the lesson's chapters when given, else from those the
    passages know."""
    if chapters is None:
        chapter_starts = [p.chapter_start for p in passages if p.own and p.chapter_start is not None]
    else:
        chapter_starts = [start for start, _title in chapters]
    starts = sorted(set(chapter_starts))
    holding = [start for start in starts if start <= moment]
    return holding[-1] if holding else None


def _named_chapter(passages: Sequence[Passage], words: frozenset[str]) -> int | None:
    """The start of the one chapter of the lesson whose title the question names by its words."""
    titles: dict[int, set[str]] = {}
    for passage in passages:
        if passage.own and passage.chapter_start is not None and passage.chapter_title:
            titles.setdefault(passage.chapter_start, set(words_normalised(passage.chapter_title)))
    best, best_shared, tie = None, 0, False
    for start, title in titles.items():
        shared = len(words & title)
        if not title or shared < min(2, len(title)):
            continue
        if shared > best_shared:
            best, best_shared, tie = start, shared, False
        elif shared == best_shared:
            tie = True
    return None if tie else best


def passages_rank(
    question: str,
    passages: Sequence[Passage],
    *,
    limit: int = ANSWER_PASSAGES_MAX,
    chapters: Sequence[tuple[int, str]] | None = None,
) -> list[Passage]:
    """The passages that answer the question best, most relevant first; [] when none is relevant. ``chapters`` are
    the asked lesson's (start, title): a moment in a chapter no passage belongs to then points at the passages
    sharing that chapter title's words."""
    parts = question_parse(question)
    query = set(parts.words)
    if (not query and parts.moment is None) or not passages:
        return []
    tokens = [words_normalised(f"{passage.text} {passage.context}") for passage in passages]
    target: set[int] = set()  # passages in the chapter (or the stretch of transcript) the question points at
    if parts.moment is not None:
        moment = parts.moment
        chapter = _moment_chapter(passages, moment, chapters)
        for index, passage in enumerate(passages):
            if not passage.own:
                continue
            start, end = passage.start_seconds, passage.end_seconds
            near = start is not None and start - MOMENT_SLACK_SECONDS <= moment <= (end or start) + MOMENT_SLACK_SECONDS
            if near or (chapter is not None and passage.chapter_start == chapter):
                target.add(index)
        if not target and chapter is not None and chapters:
            title = set(words_normalised(dict(chapters).get(chapter, "")))
            target = {i for i, p in enumerate(passages) if p.own and title.intersection(tokens[i])}

        def distance(index: int) -> float:
            start, end = passages[index].start_seconds, passages[index].end_seconds
            if start is None:
                return math.inf
            return 0 if start <= moment <= (end or start) else min(abs(start - moment), abs((end or start) - moment))

        if target and (not query or not any(query.intersection(tokens[index]) for index in target)):
            # "What happens at 1:17:05?": the moment's own passages, nearest first.
            ordered = sorted(target, key=lambda index: (distance(index), index))
            return [passages[index] for index in ordered[:limit]]
        if not query:
            return []
    else:
        chapter = _named_chapter(passages, parts.words)
        if chapter is not None:
            target = {i for i, p in enumerate(passages) if p.own and p.chapter_start == chapter}
    # A question about things the material never names is not answered by passages that share its other words
    # ("What did Dehghani eat for breakfast at Google?"): at most a third of its words may be missing.
    vocabulary = set().union(*tokens)
    if len(query - vocabulary) > len(query) // 3:
        return []
    import bm25s  # a tenth of a second to import: only when a question is answered, not at every start-up

    retriever = bm25s.BM25()
    retriever.index(tokens, show_progress=False)
    scores = np.asarray(retriever.get_scores(sorted(query)))
    needed = max(1, math.ceil(len(query) / 2))
    relevant = []
    for index, words in enumerate(tokens):
        shared = len(query.intersection(words))
        if scores[index] > 0 and (shared >= needed or (index in target and shared >= 1)):
            relevant.append(index)
    defining = {index for index in relevant if defines(parts.term, passages[index].text)}
    # The chapter asked about, then definitions of what is asked, then the lesson's own passages, by score.
    relevant.sort(
        key=lambda i: (i not in target, i not in defining, not passages[i].own, -round(float(scores[i]), 9), i)
    )
    return [passages[index] for index in relevant[:limit]]


def answer_found(passages: Iterable[Passage]) -> bool:
    """An answer is from this lesson when one of its passages is the lesson's own, not only a linked lesson's."""
    return any(passage.own for passage in passages)


def chapter_citation(lesson: Lesson, best: Sequence[Passage], *, moment: int | None = None) -> Passage | None:
    """The chapter an answer from the lesson cites besides its passages: the one holding the moment the question
    named, when no passage is in it; else, when no passage links to a moment, the chapter whose title shares the most
    words with the passages. None when the lesson has no chapters or there is nothing to add."""
    own = [passage for passage in best if passage.own]
    chapters = sorted(lesson.chapters.all(), key=lambda chapter: chapter.start_seconds)
    if not own or not chapters:
        return None
    holding = [chapter for chapter in chapters if moment is not None and chapter.start_seconds <= moment]
    if holding:
        chapter = holding[-1]
        if any(p.chapter_start == chapter.start_seconds for p in own):
            return None
    elif any(p.chapter_start is not None or p.start_seconds is not None for p in own):
        return None
    else:
        words = set(words_normalised(" ".join(passage.text for passage in own)))
        shared = [(len(words & set(words_normalised(c.title))), -index) for index, c in enumerate(chapters)]
        if max(shared)[0] == 0:
            return None
        chapter = chapters[-max(shared)[1]]
    url = chapter_url(lesson.external_url, chapter.start_seconds, lesson.kind)
    return replace(
        own[0],
        text=chapter.title,
        start_seconds=chapter.start_seconds,
        chapter_title=chapter.title,
        url=url,
        origin="chapter",
        chapter_start=chapter.start_seconds,
        chapter_url=url,
        context="",
    )


@dataclass(frozen=True)
class Retrieved:
    passages: list[Passage]  # the best passages, most relevant first
    found: bool  # some passage is the lesson's own (an answer only from linked lessons is not this lesson's)
    chapter: Passage | None  # the chapter cited besides, for an answer whose passages name no moment


def answer_passages(lesson: Lesson, question: str) -> Retrieved:
    """The passages of the lesson and of the lessons its terms link to that answer the question (one place for the
    worker and bench/answers.py)."""
    from tutor.services.concepts import concepts_linked_lessons  # services build on this module's siblings

    passages = lesson_passages(lesson, own=True)
    for linked in concepts_linked_lessons(lesson=lesson):
        passages += lesson_passages(linked, own=False)
    chapters = [(chapter.start_seconds, chapter.title) for chapter in lesson.chapters.all()]
    best = passages_rank(question, passages, chapters=chapters)
    moment = question_parse(question).moment
    return Retrieved(passages=best, found=answer_found(best), chapter=chapter_citation(lesson, best, moment=moment))
