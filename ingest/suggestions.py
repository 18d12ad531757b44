"""Suggestions for the curator: category and level predicted from the published catalog, and a one-line summary.

Both read the published lessons' titles, summaries and descriptions as TF-IDF vectors (scikit-learn), rebuilt only
when the published catalog changed, so a poll of fifty items builds them once. The category is the one of the
published lesson the item reads most like (nearest by cosine similarity); the level is predicted by logistic
regression. The
summary line comes from the tutor through the hook in lessons.summaries: extractive with the offline backend (the
sentence of the item's own text closest to the whole), written by the model when the `openai` backend is configured.

Confidence: that cosine similarity, 0 (no word in common) to 1 (the same words). Below
`INGEST_SUGGESTION_MIN_CONFIDENCE` the item reads like no lesson of the catalog (a productivity post in a feed of
papers), so neither a category nor a level is suggested and nothing is pre-selected for the curator; the confidence
is kept either way so the queue can show it. A classifier's probability is no such measure: on the demo catalog
logistic regression was *surer* of off-topic items (they fall back to the largest category) than of papers.
`bench/suggestions.py` measures both on a labelled set (docs/sources.md). A catalog with no categorised lesson gives
no category and no confidence (`None`).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count, Max

from lessons.models import Lesson
from lessons.summaries import summary_lines

_lock = threading.Lock()
_cache: dict[str, Any] = {}


@dataclass(frozen=True)
class Suggestion:
    category_id: int | None
    level: str
    summary: str
    confidence: float | None = None  # of the category, 0 to 1; None when there was nothing to weigh


def _document(title: str, summary: str, description: str) -> str:
    return "\n".join((title, title, summary, description[:2000]))


class _Classifier:
    def __init__(self) -> None:
        rows = list(Lesson.objects.published().values_list("title", "summary", "description", "category_id", "level"))
        self._nearest_fit([(r[0], r[1], r[2], r[3]) for r in rows if r[3] is not None])
        self.level_model = self._train([(r[0], r[1], r[2], r[4]) for r in rows])

    def _nearest_fit(self, rows: list[tuple[str, str, str, Any]]) -> None:
        """The published lessons with a category as TF-IDF vectors, to find the one an item reads most like."""
        self.categories = [row[3] for row in rows]
        self.vectorizer: Any = None
        if not rows:
            return
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.vectorizer = TfidfVectorizer(stop_words="english", sublinear_tf=True)
        try:
            self.lessons = self.vectorizer.fit_transform([_document(*row[:3]) for row in rows])
        except ValueError:  # no word of the catalog is left once stop words are dropped
            self.vectorizer = None

    @staticmethod
    def _train(rows: list[tuple[str, str, str, Any]]) -> Any:
        labels = {row[3] for row in rows}
        if len(labels) < 2:
            return next(iter(labels)) if labels else None  # one label: always it; none: no suggestion
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline

        model = make_pipeline(
            TfidfVectorizer(stop_words="english", sublinear_tf=True), LogisticRegression(max_iter=500)
        )
        model.fit([_document(*row[:3]) for row in rows], [row[3] for row in rows])
        return model

    @staticmethod
    def _predict(model: Any, documents: list[str]) -> list[Any]:
        if model is None or not hasattr(model, "predict"):
            return [model] * len(documents)
        return list(model.predict(documents))

    def _nearest(self, documents: list[str]) -> list[tuple[int | None, float | None]]:
        """(category of the published lesson most like the document, their cosine similarity) per document."""
        if self.vectorizer is None:
            return [(None, None)] * len(documents)
        similarities = (self.vectorizer.transform(documents) @ self.lessons.T).toarray()  # rows are L2-normalised
        return [(int(self.categories[row.argmax()]), float(row.max())) for row in similarities]

    def suggest_many(self, documents: list[str]) -> list[tuple[int | None, str, float | None]]:
        """(category id, level, confidence) per document, before any threshold; one call per model for the whole
        batch (a call costs milliseconds)."""
        if not documents:
            return []
        nearest = self._nearest(documents)
        levels = self._predict(self.level_model, documents)
        return [
            (category, str(level or ""), confidence)
            for (category, confidence), level in zip(nearest, levels, strict=True)
        ]


def _classifier() -> _Classifier:
    """The classifier for the catalog as it is now, rebuilt when the published lessons changed."""
    state = Lesson.objects.published().aggregate(count=Count("pk"), latest=Max("updated"))
    key = f"{state['count']}:{state['latest']}"
    with _lock:
        if _cache.get("key") != key:
            _cache["model"] = _Classifier()
            _cache["key"] = key
        return _cache["model"]


class Suggester:
    """One per poll: the classifier is looked up once, then asked once for all new items."""

    def __init__(self) -> None:
        self._classifier = _classifier()

    def suggest_many(self, items: list[tuple[str, str, str]]) -> list[Suggestion]:
        """Suggestions for (title, summary, text) triples, in order."""
        predicted = self._classifier.suggest_many([_document(title, summary, text) for title, summary, text in items])
        lines = summary_lines(items=[(title, summary or text) for title, summary, text in items])
        threshold = settings.INGEST_SUGGESTION_MIN_CONFIDENCE
        suggestions = []
        for (category_id, level, confidence), line in zip(predicted, lines, strict=True):
            if confidence is not None and confidence < threshold:
                category_id, level = None, ""  # reads like no part of the catalog: pre-select nothing
            suggestions.append(Suggestion(category_id=category_id, level=level, summary=line, confidence=confidence))
        return suggestions


def suggestions_raw(documents: list[tuple[str, str, str]]) -> list[tuple[int | None, str, float | None]]:
    """(category id, level, confidence) for (title, summary, text) triples before the threshold: what
    `bench/suggestions.py` measures the threshold on."""
    return _classifier().suggest_many([_document(title, summary, text) for title, summary, text in documents])
