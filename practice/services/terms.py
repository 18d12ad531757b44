"""Key-term cards: when a learner completes or unlocks a lesson, its key terms become review cards.

A lesson's key terms come from the tutor's concept index (`tutor.models.ConceptTerm`: each term with the sentence of
the material that defines or uses it); a lesson the index has not reached yet is read through the tutor's material
reader and its term finder (`tutor/material.py`, `tutor/concepts.py`). A term becomes a card only with a sentence that
says it in so many words, so the card can blank it out. Cards are made once per learner, lesson and term: doing it
again (a replayed signal, the unlock after the completion) adds nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from lessons.models import Lesson
from lessons.transcripts import TranscriptFormatError, transcript_parse
from practice.models import CardKind, CardState, ReviewCard

# A lesson brings at most this many key-term cards: its subjects first, then the terms its material defines.
TERM_CARDS_PER_LESSON = 4
TERM_LENGTH_MIN = 3
_DEFINING = re.compile(r"\b(?:is|are|means|refers to|describes|called)\b", re.IGNORECASE)


@dataclass(frozen=True)
class KeyTerm:
    term: str
    sentence: str
    subject: bool = False


def term_pattern(term: str) -> re.Pattern[str]:
    """The term as a whole phrase, any case: what a card blanks out of its sentence."""
    return re.compile(rf"(?<![\w-]){re.escape(term)}(?![\w-])", re.IGNORECASE)


def _usable(term: str, sentence: str) -> bool:
    return len(term) >= TERM_LENGTH_MIN and bool(sentence) and term_pattern(term).search(sentence) is not None


def _indexed_terms(lesson: Lesson) -> list[KeyTerm]:
    from tutor.models import ConceptTerm

    rows = ConceptTerm.objects.filter(lesson=lesson).exclude(sentence="").values_list("term", "sentence", "subject")
    return [KeyTerm(term=term, sentence=sentence, subject=subject) for term, sentence, subject in rows]


def _material_terms(lesson: Lesson) -> list[KeyTerm]:
    """The same terms read from the material itself, for a lesson the concept index has not reached."""
    from tutor.backends.study_guide import STOP_WORDS, material_sentences
    from tutor.concepts import acronym_pairs, key_terms, title_subjects
    from tutor.material import lesson_material

    material = lesson_material(lesson)
    sentences = material_sentences(material.description) + material_sentences(material.material)
    text = "\n".join([material.title, material.description, material.material])
    found: list[KeyTerm] = []
    candidates = [(term, True) for term in title_subjects(material.title)]
    for long_form, acronym in acronym_pairs(text):
        candidates += [(long_form, False), (acronym, False)]
    candidates += [(term, False) for term in key_terms(text, stop_words=STOP_WORDS)]
    for term, subject in candidates:
        pattern = term_pattern(term)
        using = [sentence for sentence in sentences if pattern.search(sentence)]
        defining = [sentence for sentence in using if _DEFINING.search(sentence)]
        sentence = (defining or using or [""])[0]
        found.append(KeyTerm(term=term, sentence=sentence, subject=subject))
    return found


def lesson_key_terms(lesson: Lesson, *, limit: int = TERM_CARDS_PER_LESSON) -> list[KeyTerm]:
    """The lesson's key terms worth a card, best first: subjects, then terms their sentence defines."""
    terms = _indexed_terms(lesson) or _material_terms(lesson)
    usable = [term for term in terms if _usable(term.term, term.sentence)]
    usable.sort(key=lambda term: (not term.subject, _DEFINING.search(term.sentence) is None))
    chosen: list[KeyTerm] = []
    seen: set[str] = set()
    for term in usable:
        key = term.term.casefold()
        # One card per term, and never a term whose sentence blanks another chosen term too (two right answers).
        if key in seen or any(key in other or other in key for other in seen):
            continue
        seen.add(key)
        chosen.append(term)
        if len(chosen) == limit:
            break
    return chosen


def _moment(lesson: Lesson, term: str) -> int | None:
    """Where the lesson's transcript first says the term, in whole seconds; None without a transcript."""
    if not lesson.transcript:
        return None
    try:
        segments = transcript_parse(lesson.transcript)
    except TranscriptFormatError:
        return None
    pattern = term_pattern(term)
    return next((int(segment.start_seconds) for segment in segments if pattern.search(segment.text)), None)


def term_cards_create(*, user: User, lesson: Lesson, now: datetime | None = None) -> int:
    """Make the learner's cards for the lesson's key terms (due at once, as new cards are); returns how many are
    new. Idempotent: a term that has its card already is skipped."""
    now = now or timezone.now()
    terms = lesson_key_terms(lesson)
    if not terms:
        return 0
    with transaction.atomic():
        have = set(
            ReviewCard.objects.filter(user=user, lesson=lesson, kind=CardKind.TERM).values_list("term", flat=True)
        )
        cards = [
            ReviewCard(
                user=user,
                kind=CardKind.TERM,
                lesson=lesson,
                term=term.term[:200],
                definition=term.sentence,
                start_seconds=_moment(lesson, term.term),
                state=CardState.LEARNING,
                step=0,
                due=now,
                created_at=now,
            )
            for term in terms
            if term.term[:200] not in have
        ]
        # ignore_conflicts: a concurrent run for the same lesson (completion and unlock at once) makes each card once.
        ReviewCard.objects.bulk_create(cards, ignore_conflicts=True)
    return len(cards)


def term_cards_create_on_commit(*, user_id: int, lesson_id: int) -> None:
    """After the transaction that completed or unlocked the lesson commits, make its term cards (never before: a
    rolled-back completion leaves no cards)."""

    def create() -> None:
        user = User.objects.filter(pk=user_id).first()
        lesson = Lesson.objects.filter(pk=lesson_id).select_related("source", "category").first()
        if user is not None and lesson is not None:
            term_cards_create(user=user, lesson=lesson)

    # robust: a card that cannot be made never fails the completion or the unlock that asked for it (it is logged).
    transaction.on_commit(create, robust=True)
