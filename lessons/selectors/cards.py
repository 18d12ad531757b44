"""A lesson as a card (list rows, related lessons, up next): what every catalog read shares, with the learner's
started/completed marks as EXISTS annotations."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Exists,
    OuterRef,
    QuerySet,
    Value,
)

from accounts.models import User
from accounts.selectors import signed_in_user
from lessons.models import (
    Lesson,
    LessonProgress,
)

# A card never shows these, and a transcript can run to a hundred kilobytes: lists and the lesson page's related,
# up-next and course lessons leave them in the database. The lesson page shows its own description, not its transcript.
# A search filters and ranks on the stored search vector inside the database; no card reads it.
CARD_DEFERRED = ("description", "transcript", "material", "search_vector")


@dataclass(frozen=True)
class LessonCard:
    """A lesson as lists show it, with the learner's marks."""

    lesson: Lesson
    started: bool = False
    completed: bool = False


def _marks(user: User | None, lesson_ref: str) -> dict[str, Any]:
    """EXISTS annotations saying whether ``user`` started / completed the lesson ``lesson_ref`` points at."""
    if user is None:
        return {"is_started": Value(False), "is_completed": Value(False)}
    progress = LessonProgress.objects.filter(user=user, lesson=OuterRef(lesson_ref))
    return {
        "is_started": Exists(progress.filter(started_at__isnull=False)),
        "is_completed": Exists(progress.filter(completed_at__isnull=False)),
    }


def _card(lesson: Lesson, prefix: str = "") -> LessonCard:
    return LessonCard(
        lesson=lesson,
        started=bool(getattr(lesson, f"{prefix}is_started", False)),
        completed=bool(getattr(lesson, f"{prefix}is_completed", False)),
    )


def lesson_cards_queryset(*, user: Any) -> QuerySet[Lesson]:
    """Visible lessons with what a card shows (source, category) and the learner's marks, in one query."""
    return (
        Lesson.objects.visible_to(user)
        .select_related("source", "category")
        .defer(*CARD_DEFERRED)
        .annotate(**_marks(signed_in_user(user), "pk"))
    )


def _row_card(row: Any, field: str) -> LessonCard:
    """The card of the lesson a row points at (``row.<field>``), with the marks annotated on the row as
    ``<field>_is_started`` / ``<field>_is_completed`` by ``_marks(user, field)``."""
    return LessonCard(
        lesson=getattr(row, field),
        started=bool(getattr(row, f"{field}_is_started", False)),
        completed=bool(getattr(row, f"{field}_is_completed", False)),
    )
