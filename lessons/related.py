"""Related lessons computed by similarity: TF-IDF over title, summary, category and chapter titles, cosine ranked.

Computed rows are precomputed and stored (RelatedLesson with curated=False), never worked out per request. They
are recomputed by the worker after a curator saves or imports a lesson, and by the demo loader. This module scores;
`lessons.services.related_computed_replace` stores. Curated rows are never touched here; a lesson's computed rows leave
out what a curator already picked for it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction

from lessons.models import Chapter, Lesson, RelatedLesson

COMPUTED_PER_LESSON = 4
# Below this cosine similarity two lessons share little more than common words: better no suggestion than noise.
MIN_SCORE = 0.05


@dataclass(frozen=True)
class RelatedRecomputed:
    lessons: int  # lessons whose computed rows were rewritten
    rows: int  # computed rows stored


def related_recompute(*, lesson: Lesson | None = None, lessons: Iterable[Lesson] = ()) -> RelatedRecomputed:
    """Rewrite the computed related lessons of every published lesson (and of ``lesson``, even as a draft); or, given
    only ``lessons`` (items waiting in the curator's queue), of those alone, compared with the published catalog
    whose own rows are left as they are.

    Candidates are published lessons only. The whole catalog is recomputed even when one lesson changed, because a
    changed lesson can enter or leave any other lesson's top list; for a catalog of thousands that is well under a
    second of vector work.
    """
    # scikit-learn is imported here, not at module import, so web processes that never recompute do not pay for it.
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import linear_kernel

    documents = list(Lesson.objects.published().select_related("category").order_by("pk"))
    wanted = {other.pk for other in (*([lesson] if lesson is not None else []), *lessons)}
    wanted -= {document.pk for document in documents}
    if wanted:
        documents += Lesson.objects.select_related("category").filter(pk__in=wanted).order_by("pk")
    extra_ids = {other.pk for other in lessons}
    only = extra_ids if extra_ids and lesson is None else None
    candidate_ids = {document.pk for document in documents if document.is_published}
    if len(documents) < 2 or not candidate_ids:
        return RelatedRecomputed(lessons=0, rows=0)

    chapter_titles: dict[int, list[str]] = defaultdict(list)
    for lesson_id, title in Chapter.objects.filter(lesson__in=documents).values_list("lesson_id", "title"):
        chapter_titles[lesson_id].append(title)
    curated: dict[int, set[int]] = defaultdict(set)
    for lesson_id, related_id in RelatedLesson.objects.filter(curated=True).values_list("lesson_id", "related_id"):
        curated[lesson_id].add(related_id)

    texts = [_document_text(document, chapter_titles[document.pk]) for document in documents]
    try:
        matrix = TfidfVectorizer(stop_words="english", sublinear_tf=True, ngram_range=(1, 2)).fit_transform(texts)
    except ValueError:  # every document was empty or stop words only: nothing to compare
        return RelatedRecomputed(lessons=0, rows=0)
    # Rows are L2-normalised by TfidfVectorizer, so the linear kernel is the cosine similarity.
    similarity = linear_kernel(matrix, matrix)

    rows: list[RelatedLesson] = []
    for index, document in enumerate(documents):
        if only is not None and document.pk not in only:
            continue
        scored = sorted(
            (
                (float(similarity[index, other_index]), other.pk)
                for other_index, other in enumerate(documents)
                if other.pk != document.pk and other.pk in candidate_ids and other.pk not in curated[document.pk]
            ),
            key=lambda item: (-item[0], item[1]),
        )
        best = [(score, other_id) for score, other_id in scored if score >= MIN_SCORE][:COMPUTED_PER_LESSON]
        rows.extend(
            RelatedLesson(
                lesson_id=document.pk, related_id=other_id, curated=False, position=position, score=round(score, 4)
            )
            for position, (score, other_id) in enumerate(best, start=1)
        )
    from lessons.services import related_computed_replace  # services enqueue the task that calls this module

    written = [document.pk for document in documents if only is None or document.pk in only]
    with transaction.atomic():
        # Runs that overlap (a curator publishing several items, each queueing a recompute) take turns here: each
        # locks the lessons whose rows it rewrites, in one order, so the next one's delete sees and removes the rows
        # the first one stored instead of meeting them at the unique index. The last to commit wins; both read the
        # same catalog. NO KEY: learners' rows that refer to these lessons are still written meanwhile.
        list(Lesson.objects.select_for_update(no_key=True).filter(pk__in=written).order_by("pk").values_list("pk"))
        stored = related_computed_replace(lesson_ids=written, rows=rows)
    return RelatedRecomputed(lessons=len(written), rows=stored)


def _document_text(lesson: Lesson, chapter_titles: list[str]) -> str:
    # The title counts twice: it says most about what a lesson is. The category adds its name and a token of its own,
    # so lessons in one category lean towards each other without drowning out what they say.
    parts = [lesson.title, lesson.title, lesson.summary, *chapter_titles]
    if lesson.category is not None:
        parts += [lesson.category.name, f"category{lesson.category.slug.replace('-', '')}"]
    return "\n".join(parts)
