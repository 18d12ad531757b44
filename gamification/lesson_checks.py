"""What gamification needs to know about a lesson's check questions, which live in practice, the app above it.

Gamification never imports practice. Practice fills these hooks at start-up (practice/apps.py):

- `lesson_checks(user=, lesson=)`: how many live questions the lesson has and how the learner answered them; a
  lesson with live questions completes by answering them all right, one without by time (services/lessons.py);
- `checks_right_first_time()`: every answer that was right at the first try, which the badge facts count;
- `completion_part_templates()`: the check questions shown at the top of the lesson's completion block.

Without practice installed a lesson has no questions, the count is 0 and the block shows no questions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.apps import apps

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from accounts.models import User
    from lessons.models import Lesson


@dataclass(frozen=True)
class LessonChecks:
    """A learner's standing on a lesson's live check questions."""

    questions: int = 0
    answered: int = 0
    right: int = 0  # answered right by now, at the first try or later
    right_first_time: int = 0

    @property
    def passed(self) -> bool:
        """Every live question answered right: the lesson can complete."""
        return self.questions > 0 and self.right >= self.questions

    @property
    def left(self) -> int:
        return max(0, self.questions - self.right)


ChecksReader = Callable[["User", "Lesson"], LessonChecks]
AnswersRightFirstTime = Callable[[], "QuerySet[Any]"]


@dataclass
class _Hooks:
    app: str = ""
    reader: ChecksReader | None = None
    right_first_time: AnswersRightFirstTime | None = None
    part_template: str = ""


_hooks = _Hooks()


def lesson_checks_connect(
    *, app: str, reader: ChecksReader, right_first_time: AnswersRightFirstTime, part_template: str
) -> None:
    """Called once at start-up by the app that owns check questions (practice)."""
    _hooks.app, _hooks.reader, _hooks.right_first_time, _hooks.part_template = (
        app,
        reader,
        right_first_time,
        part_template,
    )


def _connected() -> bool:
    return bool(_hooks.app) and apps.is_installed(_hooks.app)


def lesson_checks(*, user: User, lesson: Lesson) -> LessonChecks:
    if not _connected() or _hooks.reader is None:
        return LessonChecks()
    return _hooks.reader(user, lesson)


def checks_right_first_time() -> QuerySet[Any] | None:
    """Every check answer right at the first try, of every learner (a queryset with a `user` column), or None."""
    if not _connected() or _hooks.right_first_time is None:
        return None
    return _hooks.right_first_time()


def completion_part_templates() -> list[str]:
    """Templates shown at the top of the completion block, rendered with its context (`panel`, `lesson`, `user`)."""
    return [_hooks.part_template] if _connected() and _hooks.part_template else []
