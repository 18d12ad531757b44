"""Check questions built from a lesson's own material without a model, so nothing in them is invented.

Three kinds, each quoting the material it comes from (its *passage*) and saying so after answering:

- **term**: a key term blanked out of the sentence that uses it (a sentence defining it first); the other choices
  are key terms of other lessons of the catalog (the concept index), never a term this lesson's material mentions;
- **chapter**: which chapter says a sentence of the material (its stretch of transcript, its section of the text, or a
  description sentence that shares clearly more words with one chapter's title than with any other); a chapter with
  nothing behind it is asked by the moment it starts;
- **statement**: which of a few statements about a term the lesson makes: one sentence of its material against
  near misses, sentences of other lessons about their own term with this term put in its place.

Terms come from the tutor's concept functions (`tutor.concepts`: acronym pairs, the title's subject, YAKE's key
phrases). Everything here is a pure function of the material and the catalog's terms, so it is tested without a
database; `practice.generation.catalog` reads the catalog.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import math
import random
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from lessons.transcripts import TranscriptFormatError, transcript_parse
from practice.generation.questions import (
    CHOICE_MAX,
    PROMPT_MAX,
    GeneratedChoice,
    GeneratedQuestion,
    question_problems,
    text_clean,
    text_key,
)
from practice.models import QuestionKind
from tutor.backends import ChapterMaterial, LessonMaterial
from tutor.backends.base import timestamp_format
from tutor.backends.study_guide import STOP_WORDS, chapter_for_heading, material_sentences, text_sections
from tutor.concepts import acronym_pairs, concept_key, key_terms, mentions_find, title_subjects

TERM_QUESTIONS_MAX = 4
CHAPTER_QUESTIONS_MAX = 3
STATEMENT_QUESTIONS_MAX = 2
QUESTIONS_MIN = 3  # what every lesson with material should get; scarce material reuses its sentences to get there
DISTRACTORS = 3
NEAR_MISSES = 2
TERMS_PER_LESSON = 20
TERM_WORDS_MAX = 4
# A sentence a chapter question quotes: long enough to say something, short enough to read in a prompt.
CHAPTER_SENTENCE_WORDS = (8, 40)
NEAR_MISS_WORDS_MAX = 45
# YAKE reads at most this many words of a transcript (spread over its chapters): hours of speech would cost seconds
# and add nothing the first stretches of each chapter do not already name.
TERM_SOURCE_WORDS = 8000
# Distractors are checked against this many words of the lesson's own text (a mention anywhere rules a term out).
OWN_TEXT_WORDS_MAX = 60000
BLANK = "_____"
# Words that open a phrase in no useful way ("Learn to set", a summary's first word) or are too common to ask about.
_WEAK_WORDS = STOP_WORDS | frozenset(("learn", "lesson", "episode", "paper", "video", "talk", "podcast"))
_CATALOG_COMMON = frozenset(("ai", "model", "learning", "machine", "data", "neural", "network", "deep", "paper"))
_DEFINING_AFTER = re.compile(r"^\s*(?:\(|,?\s*(?:is|are|was|were|means|refers\s+to|describes|stands\s+for)\b)", re.I)
_LETTER = re.compile(r"[^\W\d_]")
_ARTICLE = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)
_ACRONYM = re.compile(r"^[A-Z][A-Za-z0-9]*[A-Z][A-Za-z0-9]*s?$")
# Words that end a key phrase cut in the middle of a clause: a verb, not the thing named.
# fmt: off
_VERBISH = frozenset((
    "reads", "makes", "combines", "present", "presents", "builds", "generates", "uses", "shows", "learns", "runs",
    "set", "helps", "gives", "takes", "lets", "adds", "turns", "keeps", "finds", "asks", "says", "works", "trains",
    "applies", "cuts", "drops", "puts", "sets", "feeds", "embeds", "matches", "beats", "built", "made", "run",
    "known", "drawn", "given", "taken", "seen", "called", "based", "done", "won", "driven", "evaluate", "replaces",
    "stored", "read", "present", "discuss", "introduces", "proposes", "shows", "build", "make", "use", "apply",
))
# fmt: on
# Markup that ends a line in a feed's HTML; other tags become a space.
_BREAK_TAG = re.compile(r"<\s*(?:br|/p|/li|/div|/h\d)\s*/?\s*>", re.IGNORECASE)


@dataclass(frozen=True)
class CatalogTerm:
    """A key term of another lesson of the catalog, with that lesson's sentence about it ("" when none)."""

    term: str
    key: str
    lesson_title: str
    sentence: str = ""
    subject: bool = False  # the other lesson is about it (its title's subject, or a name it opens by defining)


@dataclass(frozen=True)
class Sentence:
    text: str  # as the material has it (markup removed)
    where: str  # "description", "text" or "transcript"
    start_seconds: int | None = None
    chapter: int | None = None  # index into the lesson's chapters (in time order)

    def said(self) -> str:
        """ "The lesson's description says", "At 12:34 the lesson says"."""
        if self.where == "transcript" and self.start_seconds is not None:
            return f"At {timestamp_format(self.start_seconds)} the lesson says"
        return f"The lesson's {self.where} says"


def offline_questions(material: LessonMaterial, catalog: Sequence[CatalogTerm]) -> list[GeneratedQuestion]:
    """The lesson's questions, best first; each passes `question_problems` and no two share a prompt."""
    chapters = sorted(material.chapters, key=lambda chapter: chapter.start_seconds)
    sentences = lesson_sentences(material, chapters)
    own_text = " ".join(sentence.text for sentence in sentences) + " " + " ".join(c.title for c in chapters)
    own_words = own_text.split()[:OWN_TEXT_WORDS_MAX]
    terms = lesson_terms(material, sentences)
    pool = _distractor_pool(catalog, own_terms=terms, own_text=" ".join(own_words))
    builder = _Builder(material, chapters, sentences, terms, pool)
    return builder.build()


# Material


def lesson_sentences(material: LessonMaterial, chapters: Sequence[ChapterMaterial]) -> list[Sentence]:
    """Every quotable sentence of the lesson: its description, its text (tied to the chapter its heading matches),
    and its transcript (with the moment each sentence starts and its chapter)."""
    sentences = [Sentence(text, "description") for text in material_sentences(_markup_removed(material.description))]
    for heading, body in text_sections(_markup_removed(material.material)):
        chapter = chapter_for_heading(heading, chapters) if heading else None
        start = chapters[chapter].start_seconds if chapter is not None else None
        sentences += [Sentence(text, "text", start, chapter) for text in material_sentences(body)]
    sentences += _transcript_sentences(material.transcript, chapters)
    seen: set[str] = set()
    unique = []
    for sentence in sentences:
        key = text_key(sentence.text)
        if key not in seen:
            seen.add(key)
            unique.append(sentence)
    return unique


def _markup_removed(text: str) -> str:
    return "\n".join(text_clean(line) for line in _BREAK_TAG.sub("\n", text).splitlines())


def _transcript_sentences(transcript: str, chapters: Sequence[ChapterMaterial]) -> list[Sentence]:
    try:
        segments = transcript_parse(transcript)
    except TranscriptFormatError:
        return []
    starts = [chapter.start_seconds for chapter in chapters]
    # Speech grouped by chapter (None: before the first one), each piece remembering where in the text it starts.
    groups: dict[int | None, list[tuple[int, float]]] = {}
    texts: dict[int | None, list[str]] = {}
    lengths: dict[int | None, int] = {}
    for segment in segments:
        index = None
        for position, chapter_start in enumerate(starts):
            if chapter_start <= segment.start_seconds:
                index = position
        words = text_clean(segment.text)
        if not words:
            continue
        groups.setdefault(index, []).append((lengths.get(index, 0), segment.start_seconds))
        texts.setdefault(index, []).append(words)
        lengths[index] = lengths.get(index, 0) + len(words) + 1
    sentences = []
    for index, pieces in texts.items():
        joined = " ".join(pieces)
        offsets = [offset for offset, _at in groups[index]]
        cursor = 0
        for text in material_sentences(joined):
            found = joined.find(text, cursor)
            position = found if found >= 0 else cursor
            cursor = max(cursor, position)
            moment = groups[index][max(bisect.bisect_right(offsets, position) - 1, 0)][1]
            sentences.append(Sentence(text, "transcript", int(moment), index))
    return sentences


def lesson_terms(material: LessonMaterial, sentences: Sequence[Sentence]) -> dict[str, int]:
    """The lesson's key terms with their tier (`term_tier`), best first: named acronyms and the title's subject,
    then names, then YAKE's other key phrases."""
    spoken = _spread([s.text for s in sentences if s.where == "transcript"], TERM_SOURCE_WORDS)
    written = [s.text for s in sentences if s.where != "transcript"]
    text = "\n".join([*written, spoken])
    found: list[str] = []
    for long_form, acronym in acronym_pairs(text):
        found += [long_form, acronym]
    found += title_subjects(material.title)
    found += key_terms(text, count=TERMS_PER_LESSON, stop_words=STOP_WORDS)
    pairs = {
        _ARTICLE.sub("", term)
        for term in [*(t for pair in acronym_pairs(text) for t in pair), *title_subjects(material.title)]
    }
    terms: list[str] = []
    keys: set[str] = set()
    for term in found:
        term = _ARTICLE.sub("", term.strip())  # "The AI Scientist" is about "AI Scientist"
        key = concept_key(term)
        if term_usable(term) and key not in keys:
            keys.add(key)
            terms.append(term.strip())
    tiers = {term: term_tier(term, subject=term in pairs) for term in terms}
    return {term: tiers[term] for term in sorted(terms, key=lambda term: tiers[term]) if tiers[term] < 3}


def _spread(texts: Sequence[str], words_max: int) -> str:
    """At most words_max words of texts, taken evenly from the whole (every stretch of a long talk has a say)."""
    total = sum(len(text.split()) for text in texts)
    if total <= words_max:
        return " ".join(texts)
    step = math.ceil(total / words_max)
    return " ".join(texts[::step])


def term_usable(term: str) -> bool:
    """A term worth asking about or offering as a choice: 1–4 words, not opening or closing on a weak word."""
    words = term.split()
    return (
        1 <= len(words) <= TERM_WORDS_MAX
        and 3 <= len(term) <= 60
        and _LETTER.search(term) is not None
        and not term.startswith("#")
        and words[0].casefold().strip(".,;:!?\"'()") not in _WEAK_WORDS
        and words[-1].casefold().strip(".,;:!?\"'()") not in _WEAK_WORDS
        and concept_key(term) not in _CATALOG_COMMON
        and "\n" not in term
    )


def term_tier(term: str, *, sentence: str = "", subject: bool = False) -> int:
    """How good a term is to ask about or offer as a choice, 0 best: a lesson's subject or a named acronym pair,
    then a name (every word capitalised, or a hyphenated compound), then other key phrases; 3 for phrases YAKE cut
    in the middle of a clause ("positional encodings standing", "LSTM reads"), never used."""
    words = term.split()
    if subject or _ACRONYM.match(term) or (sentence and (f"{term} (" in sentence or f"({term})" in sentence)):
        return 0
    last = words[-1].casefold()
    if last in _VERBISH or (last.endswith(("ing", "ed")) and not words[-1][:1].isupper()):
        return 3
    if len(words) > 1 and words[0] in _VERBISH:  # "present and discuss", "won ImageNet" (lower case: a verb)
        return 3
    if all(word[:1].isupper() or word[:1].isdigit() for word in words) or any("-" in word for word in words):
        return 1
    if len(words) == 1 and len(term) < 6:
        return 3
    return 2


def term_pattern(term: str) -> re.Pattern[str]:
    """The term as a whole phrase in a sentence: any case, any spacing, a possessive between words allowed."""
    words = [re.escape(word) for word in term.split()]
    return re.compile(r"(?<![\w-])" + r"(?:['’]s)?\s+".join(words) + r"(?![\w-])", re.IGNORECASE)


def _distractor_pool(catalog: Iterable[CatalogTerm], *, own_terms: Iterable[str], own_text: str) -> list[CatalogTerm]:
    """Other lessons' terms that this lesson's material never mentions, one per key, usable as wrong choices."""
    own_keys = {concept_key(term) for term in own_terms}
    catalog = list(catalog)
    # A long form and its acronym are one concept ("Low-Rank Adaptation (LoRA)"): mentioning either rules out both.
    aliases: dict[str, set[str]] = {}
    for item in catalog:
        for long_form, acronym in _sentence_pairs(item.sentence):
            keys = {concept_key(long_form), concept_key(acronym)}
            for key in keys:
                aliases.setdefault(key, set()).update(keys)
    candidates: dict[str, CatalogTerm] = {}
    for item in catalog:
        term = text_clean(item.term)
        key = item.key or concept_key(term)
        if key in own_keys or key in candidates or not term_usable(term):
            continue
        if term_tier(term, sentence=item.sentence, subject=item.subject) >= 3:
            continue
        candidates[key] = CatalogTerm(term, key, item.lesson_title, text_clean(item.sentence), item.subject)
    wanted = set(candidates).union(*(aliases.get(key, set()) for key in candidates))
    mentioned = {mention.key for mention in mentions_find(own_text, wanted)} | own_keys
    own_words = f" {text_key(own_text)} "
    return [
        item
        for key, item in candidates.items()
        if not ({key} | aliases.get(key, set())) & mentioned and f" {text_key(item.term)} " not in own_words
    ]


@functools.lru_cache(maxsize=8192)
def _sentence_pairs(sentence: str) -> tuple[tuple[str, str], ...]:
    """The acronym pairs of a catalog sentence (the same sentences come back for every lesson generated)."""
    return tuple(acronym_pairs(text_clean(sentence)))


def _stable(*parts: str) -> int:
    # Not for secrecy: a stable order, so the same material always gives the same questions.
    return int.from_bytes(hashlib.sha256("\x1f".join(parts).encode()).digest()[:8], "big")


def _shuffled(choices: list[GeneratedChoice], seed: str) -> tuple[GeneratedChoice, ...]:
    random.Random(_stable(seed)).shuffle(choices)  # noqa: S311 - an order, not a secret
    return tuple(choices)


def _quoted(text: str) -> str:
    return "“" + text.replace("“", "‘").replace("”", "’") + "”"


class _Builder:
    def __init__(
        self,
        material: LessonMaterial,
        chapters: list[ChapterMaterial],
        sentences: list[Sentence],
        terms: dict[str, int],
        pool: list[CatalogTerm],
    ) -> None:
        self.material = material
        self.chapters = chapters
        self.sentences = sentences
        self.terms = terms
        self.pool = pool
        self.patterns = {term: term_pattern(term) for term in terms}
        # What ranking wrong choices asks of every catalog term, worked out once per lesson.
        self.pool_shape = {
            item.key: (term_tier(item.term, sentence=item.sentence, subject=item.subject), _acronym_like(item.term))
            for item in pool
        }
        self.questions: list[GeneratedQuestion] = []
        self.prompts: set[str] = set()

    def build(self) -> list[GeneratedQuestion]:
        pairs = self._term_sentences()
        used_sentences: set[str] = set()
        for term, sentence in pairs:
            if sum(q.kind == QuestionKind.TERM for q in self.questions) >= TERM_QUESTIONS_MAX:
                break
            if sentence.text in used_sentences:
                continue
            if self._add(self._term_question(term, sentence)):
                used_sentences.add(sentence.text)
        for question in self._chapter_questions():
            self._add(question)
        # Statements about terms of sentences no question quoted yet; when the material is scarce, any sentence.
        for fresh_only in (True, False):
            for term, sentence in pairs:
                statements = sum(q.kind == QuestionKind.STATEMENT for q in self.questions)
                if statements >= STATEMENT_QUESTIONS_MAX and (fresh_only or len(self.questions) >= QUESTIONS_MIN):
                    break
                if fresh_only and sentence.text in used_sentences:
                    continue
                if self._add(self._statement_question(term, sentence)):
                    used_sentences.add(sentence.text)
        if len(self.questions) < QUESTIONS_MIN:  # scarce: blank a second term of a sentence already asked about
            for term, sentence in pairs:
                if len(self.questions) >= QUESTIONS_MIN:
                    break
                self._add(self._term_question(term, sentence))
        if len(self.questions) < QUESTIONS_MIN and self._chapters_distinct():  # scarcer: the chapters' moments
            for index in range(len(self.chapters)):
                if len(self.questions) >= QUESTIONS_MIN:
                    break
                self._add(self._chapter_moment_question(index))
        return self.questions

    def _add(self, question: GeneratedQuestion | None) -> bool:
        if question is None or text_key(question.prompt) in self.prompts or question_problems(question):
            return False
        self.prompts.add(text_key(question.prompt))
        self.questions.append(question)
        return True

    # term

    def _enclosed(self, term: str, text: str) -> bool:
        """Whether a longer term of the lesson holds this one where the sentence names it ("Scientist" in "The AI
        Scientist", "Andrej" in "Andrej Karpathy"): the longer one is the thing to ask about."""
        match = self.patterns[term].search(text)
        if match is None:
            return False
        for other, pattern in self.patterns.items():
            if self.terms[other] > self.terms[term]:
                continue  # a worse phrase around it ("style Andrej Karpathy") does not stand in for it
            if len(other) <= len(term) or f" {term.casefold()} " not in f" {other.casefold()} ":
                continue
            if any(m.start() <= match.start() and match.end() <= m.end() for m in pattern.finditer(text)):
                return True
        return False

    def _term_sentences(self) -> list[tuple[str, Sentence]]:
        """(term, a sentence using it) for every term, a sentence defining it first; then its other sentences."""
        first: list[tuple[str, Sentence]] = []
        later: list[tuple[str, Sentence]] = []
        for term in self.terms:
            pattern = self.patterns[term]
            using = [
                s
                for s in self.sentences
                if len(s.text) <= CHOICE_MAX and pattern.search(s.text) and not self._enclosed(term, s.text)
            ]
            defining = [s for s in using if _defines(pattern, s.text)]
            ordered = defining + [s for s in using if s not in defining]
            if ordered:
                first.append((term, ordered[0]))
                later += [(term, sentence) for sentence in ordered[1:3]]
        return first + later

    def _term_question(self, term: str, sentence: Sentence) -> GeneratedQuestion | None:
        pattern = self.patterns[term]
        match = pattern.search(sentence.text)
        if match is None:
            return None
        answer = match.group(0)
        blanked = pattern.sub(BLANK, sentence.text)
        prompt = f"Fill in the blank: {blanked}"
        if len(prompt) > PROMPT_MAX:
            return None
        distractors = self._distractors(answer, prompt, tier=self.terms[term])
        if len(distractors) < 2:
            return None
        said = sentence.said()
        choices = [GeneratedChoice(answer, True, f"Right: {said[0].lower()}{said[1:]}: {_quoted(sentence.text)}")]
        choices += [
            GeneratedChoice(
                item.term, False, f"{_quoted(item.term)} is a term of another lesson, {_quoted(item.lesson_title)}."
            )
            for item in distractors
        ]
        return GeneratedQuestion(
            kind=QuestionKind.TERM,
            prompt=prompt,
            choices=_shuffled(choices, prompt),
            passage=sentence.text,
            explanation=f"{said}: {_quoted(sentence.text)}",
            start_seconds=sentence.start_seconds,
        )

    def _distractors(self, answer: str, prompt: str, *, tier: int) -> list[CatalogTerm]:
        answer_key, answer_words = concept_key(answer), len(answer.split())
        acronym = _acronym_like(answer)
        prompt_key = text_key(prompt)

        def rank(item: CatalogTerm) -> tuple[int, int, int, int]:
            item_tier, item_acronym = self.pool_shape[item.key]
            shape = abs(min(item_tier, 1) - min(tier, 1))  # a name against names, a phrase against phrases
            length = abs(len(item.term.split()) - answer_words)
            return (int(item_acronym != acronym), shape, length, _stable(answer, item.key))

        chosen: list[CatalogTerm] = []
        keys = {answer_key, text_key(answer)}
        for item in sorted(self.pool, key=rank):
            item_key = text_key(item.term)
            if item.key in keys or item_key in keys or item_key in prompt_key:
                continue
            keys |= {item.key, item_key}
            chosen.append(item)
            if len(chosen) == DISTRACTORS:
                break
        return chosen

    # statement

    def _statement_question(self, term: str, sentence: Sentence) -> GeneratedQuestion | None:
        match = self.patterns[term].search(sentence.text)
        if match is None or self.terms[term] > 1:
            return None
        name = match.group(0)
        prompt = f"Which of these does the lesson say about {_quoted(name)}?"
        near_misses = self._near_misses(name, sentence)
        if len(near_misses) < NEAR_MISSES:
            return None
        said = sentence.said()
        choices = [GeneratedChoice(sentence.text, True, f"Right: {said[0].lower()}{said[1:]} so.")]
        choices += [
            GeneratedChoice(
                text,
                False,
                f"Not this lesson: it is what {_quoted(item.lesson_title)} says about {_quoted(item.term)}, "
                f"with {_quoted(name)} put in its place.",
            )
            for text, item in near_misses
        ]
        return GeneratedQuestion(
            kind=QuestionKind.STATEMENT,
            prompt=prompt,
            choices=_shuffled(choices, prompt),
            passage=sentence.text,
            explanation=f"{said}: {_quoted(sentence.text)}",
            start_seconds=sentence.start_seconds,
        )

    def _near_misses(self, name: str, sentence: Sentence) -> list[tuple[str, CatalogTerm]]:
        """Other lessons' sentences about their own term, with this lesson's term put in its place."""
        own = text_key(" ".join(s.text for s in self.sentences))
        found: list[tuple[str, CatalogTerm]] = []
        texts = {text_key(sentence.text)}
        lessons: set[str] = set()
        candidates = sorted(
            (item for item in self.pool if item.sentence and self.pool_shape[item.key][0] == 0),
            key=lambda item: _stable(sentence.text, item.key),
        )
        for item in candidates:
            other = text_clean(item.sentence)
            match = term_pattern(item.term).search(other)
            if match is None or item.lesson_title in lessons or len(other.split()) > NEAR_MISS_WORDS_MAX:
                continue
            if other[match.end() :].lstrip().startswith("(") or other[: match.start()].rstrip().endswith("("):
                continue  # "Vision Transformer (ViT)": the acronym beside it would give the near miss away
            if term_pattern(name).search(other):
                continue  # the other lesson names this term itself: swapping would say it twice, or say something true
            text = other[: match.start()] + name + other[match.end() :]
            if text[:1].islower():
                text = text[:1].upper() + text[1:]
            key = text_key(text)
            if key in texts or key in own or len(text) > CHOICE_MAX:
                continue
            texts.add(key)
            lessons.add(item.lesson_title)
            found.append((text, item))
            if len(found) == NEAR_MISSES:
                break
        return found

    # chapter

    def _chapters_distinct(self) -> bool:
        """Two chapters at least, all titled differently: else no question can tell them apart."""
        titles = [text_key(chapter.title) for chapter in self.chapters]
        return len(titles) >= 2 and len(set(titles)) == len(titles)

    def _chapter_questions(self) -> list[GeneratedQuestion]:
        if not self._chapters_distinct():
            return []
        with_sentence: list[GeneratedQuestion] = []
        by_moment: list[GeneratedQuestion] = []
        for index in range(len(self.chapters)):
            sentence = self._chapter_sentence(index)
            if sentence is not None:
                with_sentence.append(self._chapter_question(index, sentence))
            else:
                by_moment.append(self._chapter_moment_question(index))
        spread = _evenly(with_sentence, CHAPTER_QUESTIONS_MAX)
        # A chapter asked by its moment only when no chapter has a sentence to ask about.
        return spread or _evenly(by_moment, 1)

    def _chapter_sentence(self, index: int) -> Sentence | None:
        low, high = CHAPTER_SENTENCE_WORDS
        own = [s for s in self.sentences if s.chapter == index and low <= len(s.text.split()) <= high]
        if not own:
            own = [s for s in self.sentences if s.where == "description" and self._description_chapter(s) == index]
            own = [s for s in own if low <= len(s.text.split()) <= high]
        if not own:
            return None
        # The sentence naming most of the lesson's terms (ties: the earliest), so it says something worth knowing.
        return max(own, key=lambda s: (sum(bool(p.search(s.text)) for p in self.patterns.values()), -own.index(s)))

    def _description_chapter(self, sentence: Sentence) -> int | None:
        """The one chapter whose title shares at least two distinctive words with the sentence, and more than any
        other chapter does; None when no chapter does or two do equally."""
        words = _distinctive(sentence.text)
        shared = [len(words & _distinctive(chapter.title)) for chapter in self.chapters]
        best = max(shared)
        if best < 2 or shared.count(best) > 1:
            return None
        return shared.index(best)

    def _chapter_choices(self, index: int) -> list[int]:
        others = sorted((i for i in range(len(self.chapters)) if i != index), key=lambda i: (abs(i - index), i))
        return sorted([index, *others[:DISTRACTORS]])

    def _chapter_question(self, index: int, sentence: Sentence) -> GeneratedQuestion:
        chapter = self.chapters[index]
        moment = timestamp_format(chapter.start_seconds)
        prompt = f"Which chapter says this: {_quoted(sentence.text)}?"
        choices = tuple(
            GeneratedChoice(
                self.chapters[i].title,
                i == index,
                f"Right: the lesson says it in {_quoted(chapter.title)}, from {moment}."
                if i == index
                else f"Not this one: it is said in {_quoted(chapter.title)}.",
            )
            for i in self._chapter_choices(index)
        )
        return GeneratedQuestion(
            kind=QuestionKind.CHAPTER,
            prompt=prompt,
            choices=choices,
            passage=f"{moment} {chapter.title}: {sentence.text}",
            explanation=f"The chapter {_quoted(chapter.title)} ({moment}) says: {_quoted(sentence.text)}",
            start_seconds=sentence.start_seconds if sentence.where == "transcript" else chapter.start_seconds,
        )

    def _chapter_moment_question(self, index: int) -> GeneratedQuestion:
        chapter = self.chapters[index]
        moment = timestamp_format(chapter.start_seconds)
        choices = tuple(
            GeneratedChoice(
                self.chapters[i].title,
                i == index,
                f"Right: {_quoted(chapter.title)} starts at {moment}."
                if i == index
                else f"Not this one: it starts at {timestamp_format(self.chapters[i].start_seconds)}.",
            )
            for i in self._chapter_choices(index)
        )
        return GeneratedQuestion(
            kind=QuestionKind.CHAPTER,
            prompt=f"Which chapter starts at {moment}?",
            choices=choices,
            passage=f"{moment} {chapter.title}",
            explanation=f"The lesson's chapters list {_quoted(chapter.title)} at {moment}.",
            start_seconds=chapter.start_seconds,
        )


def _defines(pattern: re.Pattern[str], text: str) -> bool:
    """Whether the sentence defines the term: "X is …", "X, which means …", "Long Form (LF) …"."""
    return any(_DEFINING_AFTER.match(text[match.end() :]) for match in pattern.finditer(text))


def _acronym_like(term: str) -> bool:
    return term.isupper() or (sum(letter.isupper() for letter in term) >= 2 and " " not in term)


def _distinctive(text: str) -> set[str]:
    words = {concept_key(word) for word in re.findall(r"[\w'’-]+", text)}
    return {word for word in words if word and word not in STOP_WORDS and word not in _CATALOG_COMMON and len(word) > 2}


def _evenly(items: list[GeneratedQuestion], count: int) -> list[GeneratedQuestion]:
    """count items spread over the list (first, last and between), in order."""
    if len(items) <= count:
        return items
    if count == 1:
        return items[:1]
    step = (len(items) - 1) / (count - 1)
    return [items[round(i * step)] for i in range(count)]
