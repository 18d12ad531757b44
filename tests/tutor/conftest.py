"""Fixtures for the tutor's Django tests: funded learners, a lesson with chapters, a test backend."""

import pytest
from django.conf import settings

from tests.factories import ChapterFactory, LearnerWithCreditsFactory, LessonFactory

QUICK = "tests.tutor.backends_for_tests.Quick"
ALWAYS_FAILS = "tests.tutor.backends_for_tests.AlwaysFails"
REFUSES = "tests.tutor.backends_for_tests.Refuses"
SLOW = "tests.tutor.backends_for_tests.Slow"

postgres_only = pytest.mark.skipif(not settings.IS_POSTGRES, reason="needs PostgreSQL (set DATABASE_URL)")


@pytest.fixture
def quick_backend(settings):
    settings.TUTOR_BACKEND = QUICK
    return QUICK


@pytest.fixture
def learner(db):
    return LearnerWithCreditsFactory(credits=100)


@pytest.fixture
def other_learner(db):
    return LearnerWithCreditsFactory(credits=100)


@pytest.fixture
def lesson(db):
    lesson = LessonFactory(title="Loops in machine learning", description="A lesson about loops. It has chapters.")
    for start, title in ((0, "Intro"), (77, "What loops mean"), (304, "Self-improvement")):
        ChapterFactory(lesson=lesson, start_seconds=start, title=title)
    return lesson
