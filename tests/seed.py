"""The seed lesson the catalog tests use: the lesson page the product was modelled on, with its five neighbours.

The tests keep their own copy (tests/fixtures/seed_lesson.json) rather than read the demo's data: the demo may change
for its audience without moving what the tests pin. The seed page's chapters are listed here as a reader sees them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "seed_lesson.json"


@dataclass(frozen=True)
class SeedLesson:
    slug: str
    title: str
    authors: str
    source: str  # a source's name
    kind: str
    external_url: str
    level: str  # "Beginner", "Intermediate" or "Advanced"
    category: str  # a category's slug
    summary: str
    description: str
    duration_minutes: int
    published_on: str | None = None
    published_days_ago: int | None = None
    related: list[str] = field(default_factory=list)
    up_next: str = ""
    up_next_why: str = ""


_data: dict[str, Any] = json.loads(FIXTURE.read_text(encoding="utf-8"))
SEED_CATEGORIES: list[dict[str, str]] = _data["categories"]
SEED_SOURCES: list[dict[str, str]] = _data["sources"]
SEED_LESSON, *_neighbours = (SeedLesson(**item) for item in _data["lessons"])
SEED_NEIGHBOURS: list[SeedLesson] = _neighbours
SEED_DESCRIPTION = SEED_LESSON.description

# The chapters a reader sees on the seed page: (start in seconds, title). The last title is cut off on the page too.
SEED_CHAPTERS = (
    (0, "Intro"),
    (77, "What “loops” in AI actually mean"),
    (304, "Self-improvement as the next chapter of machine learning"),
    (452, "Are Karpathy’s autoresearch agents an early form of AI self-improvement?"),
    (536, "AI building AI: how close are we?"),
    (602, "The biggest bottlenecks: evals, automation, and long horizons"),
    (756, "Can formal verification unlock recursive self-improvement?"),
    (846, "What is model collapse?"),
    (933, "Generalization vs specialization in AI"),
    (1084, "What is a specialized model today?"),
    (1257, "Could top AI rese"),
)
