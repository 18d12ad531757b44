"""Fixtures for the catalog tests: the seed lesson as the demo has it, and a Celery that runs tasks in-process."""

import pytest

from lessons.models import Lesson
from tests.lessons.seed import seed_lesson_create


@pytest.fixture
def seed_lesson(db) -> Lesson:
    """The seed page's lesson: its 11 chapters, its 4 curated related lessons and its curated "Up next"."""
    return seed_lesson_create()


@pytest.fixture
def celery_eager():
    """Tasks run in-process, at once, and raise: the task is exercised without a broker or a worker."""
    from config.celery import app, embedded_broker_folders_create

    embedded_broker_folders_create()  # even eager tasks hand their result to the (embedded) result backend
    saved = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager, app.conf.task_eager_propagates = True, True
    yield app
    app.conf.task_always_eager, app.conf.task_eager_propagates = saved
