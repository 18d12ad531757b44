"""Suggestions for the curator: category and level predicted from the published catalog, and a one-line summary.

The classifier is TF-IDF and logistic regression (scikit-learn), trained on the published lessons' titles, summaries and
descriptions; it is rebuilt only when the published catalog changed, so a poll of fifty items trains it once. The
summary line comes from the tutor through the hook in lessons.summaries: extractive with the offline backend (the
sentence of the item's own text closest to the whole), written by the model when the `openai` backend is configured.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

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


def _document(title: str, summary: str, description: str) -> str:
    return "\n".join((title, title, summary, description[:2000]))


class _Classifier:
    def __init__(self) -> None:
        rows = list(Lesson.objects.published().values_list("title", "summary", "description", "category_id", "level"))
        self.category_model = self._train([(r[0], r[1], r[2], r[3]) for r in rows if r[3] is not None])
        self.level_model = self._train([(r[0], r[1], r[2], r[4]) for r in rows])

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

    def suggest_many(self, documents: list[str]) -> list[tuple[int | None, str]]:
        """(category id, level) per document; one call per model for the whole batch (a call costs milliseconds)."""
        if not documents:
            return []
        categories = self._predict(self.category_model, documents)
        levels = self._predict(self.level_model, documents)
        return [
            (int(category) if category is not None else None, str(level or ""))
            for category, level in zip(categories, levels, strict=True)
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
        return [
            Suggestion(category_id=category_id, level=level, summary=line)
            for (category_id, level), line in zip(predicted, lines, strict=True)
        ]
