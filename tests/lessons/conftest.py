"""Fixtures for the catalog tests: the seed lesson as the demo has it, and a Celery that runs tasks in-process."""

import pytest

from lessons.models import Lesson
from tests.lessons.seed import seed_lesson_create


@pytest.fixture
def seed_lesson(db) -> Lesson:
    """The seed page's lesson: its 11 chapters, its 4 curated related lessons and its curated "Up next"."""
    return seed_lesson_create()
