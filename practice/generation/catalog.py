"""The catalog's key terms, read from the tutor's concept index: where wrong choices and near misses come from."""

from __future__ import annotations

from lessons.models import Lesson
from practice.generation.offline import CatalogTerm
from tutor.models import ConceptTerm
from tutor.services.concepts import concepts_refresh, concepts_stale


def catalog_terms(*, exclude_lesson_id: int | None) -> list[CatalogTerm]:
    """Every published lesson's indexed terms but the given lesson's, in a stable order. A stale index (a lesson
    changed, was published or withdrawn since it was indexed) is refreshed first, as the tutor's worker does."""
    if concepts_stale():
        concepts_refresh()
    terms = ConceptTerm.objects.filter(lesson__status=Lesson.Status.PUBLISHED)
    if exclude_lesson_id is not None:
        terms = terms.exclude(lesson_id=exclude_lesson_id)
    rows = terms.order_by("lesson_id", "id").values_list("term", "key", "lesson__title", "sentence", "subject")
    return [CatalogTerm(str(row[0]), str(row[1]), str(row[2]), str(row[3]), bool(row[4])) for row in rows]
