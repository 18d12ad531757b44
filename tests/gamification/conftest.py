"""Fixtures for gamification tests: learners in chosen time zones, lessons with and without check questions."""

import pytest

from tests.factories import CheckQuestionFactory, PublishedLessonFactory, UserFactory


@pytest.fixture
def learner(db):
    return UserFactory(signup_bonus=True, time_zone="UTC")


@pytest.fixture
def lesson(db):
    """A 20-minute beginner lesson: completing it by time needs 5 minutes open."""
    return PublishedLessonFactory(level="beginner", duration_seconds=20 * 60)


@pytest.fixture
def quiz_lesson(db):
    """An intermediate lesson with one check question (answers "wrong" and "right")."""
    return CheckQuestionFactory(lesson=PublishedLessonFactory(level="intermediate")).lesson
