from __future__ import annotations

import pytest

from tests.factories import LessonFactory
from tests.practice.generation.material import ABSTRACT, CATALOG


@pytest.fixture
def catalog(db):
    """Published lessons whose key terms (in the concept index) the generator offers as wrong choices."""
    by_title: dict[str, list[str]] = {}
    for item in CATALOG:
        by_title.setdefault(item.lesson_title, []).append(item.sentence)
    return [
        LessonFactory(title=title, description=" ".join(dict.fromkeys(sentences)), slug=f"catalog-{number}")
        for number, (title, sentences) in enumerate(by_title.items())
    ]


@pytest.fixture
def abstract_lesson(catalog):
    return LessonFactory(title="Speculative decoding", description="A paper on decoding faster.", material=ABSTRACT)
