"""Fixtures for the catalog tests: the seed lesson (tests/fixtures/seed_lesson.json), built in the database."""

import pytest

from lessons.models import Lesson
from tests.lessons.seed import seed_lesson_create


@pytest.fixture
def seed_lesson(db) -> Lesson:
    """The seed page's lesson: its 11 chapters, its 4 curated related lessons and its curated "Up next"."""
    return seed_lesson_create()
