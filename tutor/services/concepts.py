"""The concept index over the published catalog: which terms each lesson uses and which lesson is about each term.

`concepts_refresh` re-indexes the lessons that changed since they were last indexed (the tutor's sweep enqueues it
when `concepts_stale` says so, and a worker runs it before writing an explanation); `lesson_concepts` says which terms
of one lesson are the subject of another published lesson, with that lesson's own sentence about it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime

from django.db import transaction

from lessons.models import Lesson
from lessons.transcripts import TranscriptFormatError, transcript_parse
from tutor.backends import ConceptMaterial, LessonMaterial
from tutor.backends.study_guide import STOP_WORDS, material_sentences
from tutor.concepts import acronym_pairs, acronym_pairs_defined, concept_key, key_terms, mentions_find, title_subjects
from tutor.models import ConceptIndexState, ConceptTerm

# Sentences of a linked lesson carried into an explanation, for chapters the lesson's own material leaves bare.
LINKED_PASSAGES_MAX = 40
_DEFINING = re.compile(r"\b(?:is|are|means|refers to|describes|called)\b", re.IGNORECASE)


def _index_versions() -> tuple[dict[int, datetime], dict[int, datetime]]:
    """(published lesson → its `updated`, indexed lesson → the `updated` the index saw)."""
    published = dict(Lesson.objects.published().values_list("pk", "updated"))
    indexed = dict(ConceptIndexState.objects.values_list("lesson_id", "lesson_updated"))
    return published, indexed


def concepts_stale() -> bool:
    """Whether a published lesson changed (or was published or withdrawn) since the index last saw it."""
    published, indexed = _index_versions()
    return published != indexed


def concepts_refresh() -> int:
    """Index every published lesson that changed since it was indexed, drop withdrawn ones; returns how many it did.
    A fresh index costs the two reads that tell so, and writes nothing."""
    published, indexed = _index_versions()
    gone = set(indexed) - set(published)
    changed = [pk for pk, updated in published.items() if indexed.get(pk) != updated]
    if not gone and not changed:
        return 0
    with transaction.atomic():
        ConceptTerm.objects.filter(lesson_id__in=gone).delete()
        ConceptIndexState.objects.filter(lesson_id__in=gone).delete()
    written = 0
    for lesson in Lesson.objects.filter(pk__in=changed).prefetch_related("chapters"):
        rows = _lesson_terms(lesson)
        with transaction.atomic():
            # Two workers refreshing at once take turns on each lesson (its row's lock), and the second leaves what
            # the first indexed from the same version, instead of inserting the same terms again.
            Lesson.objects.select_for_update().filter(pk=lesson.pk).exists()
            if ConceptIndexState.objects.filter(lesson=lesson, lesson_updated=lesson.updated).exists():
                continue
            ConceptTerm.objects.filter(lesson=lesson).delete()
            ConceptTerm.objects.bulk_create(rows)
            ConceptIndexState.objects.update_or_create(lesson=lesson, defaults={"lesson_updated": lesson.updated})
            written += 1
    return written + len(gone)


def _lesson_terms(lesson: Lesson) -> list[ConceptTerm]:
    sentences = material_sentences(lesson.description) + material_sentences(lesson.material)
    terms: dict[str, ConceptTerm] = {}

    def add(term: str, *, subject: bool) -> None:
        key = concept_key(term)
        if not key or len(key) > 200:
            return
        row = terms.get(key)
        if row is None:
            terms[key] = ConceptTerm(
                lesson=lesson, key=key, term=term[:200], subject=subject, sentence=_sentence_about(key, sentences)
            )
        elif subject:
            row.subject = True

    for term in title_subjects(lesson.title):
        add(term, subject=True)
    # A name the lesson's own text opens by defining or introducing, "The Vision Transformer (ViT) …", is what it is
    # about; a field it merely opens with ("Deep Learning (DL) has revolutionized …") is not.
    opening = " ".join(material_sentences(lesson.material)[:1] or [lesson.summary])
    for long_form, acronym in acronym_pairs_defined(opening):
        add(long_form, subject=True)
        add(acronym, subject=True)
    text = "\n".join([lesson.title, lesson.summary, lesson.description, lesson.material])
    for long_form, acronym in acronym_pairs(text):
        add(long_form, subject=False)
        add(acronym, subject=False)
    for term in key_terms(text, stop_words=STOP_WORDS):
        add(term, subject=False)
    return list(terms.values())


def _sentence_about(key: str, sentences: Iterable[str]) -> str:
    """The sentence that best says what the term is: one defining it, else the first using it; "" when none does."""
    using = [sentence for sentence in sentences if mentions_find(sentence, [key])]
    defining = [sentence for sentence in using if _DEFINING.search(sentence)]
    return (defining or using or [""])[0]


def lesson_text(lesson: Lesson) -> str:
    """Everything a lesson says in words: description, chapter titles, its text, and what its transcript says."""
    chapters = "\n".join(chapter.title for chapter in lesson.chapters.all())
    return "\n".join([lesson.description, chapters, lesson.material, _spoken(lesson.transcript)])


def material_text(material: LessonMaterial) -> str:
    """The same words, from an explanation's copy of the material."""
    chapters = "\n".join(chapter.title for chapter in material.chapters)
    return "\n".join([material.description, chapters, material.material, _spoken(material.transcript)])


def _spoken(transcript: str) -> str:
    try:
        return " ".join(segment.text for segment in transcript_parse(transcript))
    except TranscriptFormatError:
        return ""


def lesson_concepts(*, lesson: Lesson) -> tuple[ConceptMaterial, ...]:
    """Terms the lesson mentions that are the subject of another published lesson, one per linked lesson."""
    return concepts_for_text(text=lesson_text(lesson), title=lesson.title, exclude_lesson_id=lesson.pk)


def concepts_for_text(*, text: str, title: str, exclude_lesson_id: int | None) -> tuple[ConceptMaterial, ...]:
    """Terms the text mentions that are the subject of a published lesson (other than the excluded one)."""
    subjects = (
        ConceptTerm.objects.filter(subject=True, lesson__status=Lesson.Status.PUBLISHED)
        .select_related("lesson")
        .order_by("key", "lesson__published_at", "lesson_id")
    )
    if exclude_lesson_id is not None:
        subjects = subjects.exclude(lesson_id=exclude_lesson_id)
    by_key: dict[str, ConceptTerm] = {}
    for row in subjects:
        by_key.setdefault(row.key, row)  # the earliest lesson about a term is the one it links to
    if not by_key:
        return ()
    own = {concept_key(term) for term in title_subjects(title)}
    concepts: list[ConceptMaterial] = []
    linked: set[int] = set()
    for mention in mentions_find(text, by_key):
        row = by_key[mention.key]
        if row.lesson_id in linked or mention.key in own:
            continue
        linked.add(row.lesson_id)
        target = row.lesson
        passages = material_sentences(target.description) + material_sentences(target.material)
        concepts.append(
            ConceptMaterial(
                term=mention.term,
                lesson_title=target.title,
                lesson_year=target.published_at.year if target.published_at else None,
                url=target.get_absolute_url(),
                sentence=row.sentence,
                passages=tuple(passages[:LINKED_PASSAGES_MAX]),
            )
        )
    return tuple(concepts)


def concepts_linked_lessons(*, lesson: Lesson) -> list[Lesson]:
    """The published lessons the lesson's terms link to (for answering questions from their material too)."""
    urls = [concept.url for concept in lesson_concepts(lesson=lesson)]
    lessons = {
        item.get_absolute_url(): item
        for item in Lesson.objects.published().filter(slug__in=[url.strip("/").rsplit("/", 1)[-1] for url in urls])
    }
    return [lessons[url] for url in urls if url in lessons]
