"""Fixtures for the tutor's Django tests: funded learners, a lesson with chapters, a test backend, eager Celery."""

import pytest
from django.conf import settings

from tests.factories import ChapterFactory, LessonFactory, UserFactory
from tests.factories import wallet_fund as fund  # the name these tests use

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
    user = UserFactory()
    fund(user, 100)
    return user


@pytest.fixture
def other_learner(db):
    user = UserFactory()
    fund(user, 100)
    return user


@pytest.fixture
def lesson(db):
    lesson = LessonFactory(title="Loops in machine learning", description="A lesson about loops. It has chapters.")
    for start, title in ((0, "Intro"), (77, "What loops mean"), (304, "Self-improvement")):
        ChapterFactory(lesson=lesson, start_seconds=start, title=title)
    return lesson


@pytest.fixture
def celery_eager():
    """Tasks run in-process, at once, and raise: the task is exercised without a broker or a worker."""
    from config.celery import app, embedded_broker_folders_create

    embedded_broker_folders_create()
    saved = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager, app.conf.task_eager_propagates = True, True
    yield app
    app.conf.task_always_eager, app.conf.task_eager_propagates = saved
