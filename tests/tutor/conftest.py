"""Fixtures for the tutor's Django tests: funded learners, a lesson with chapters, a test backend."""

import pytest

from config.celery import app
from tests.factories import ChapterFactory, LearnerWithCreditsFactory, LessonFactory

QUICK = "tests.tutor.backends_for_tests.Quick"
ALWAYS_FAILS = "tests.tutor.backends_for_tests.AlwaysFails"
REFUSES = "tests.tutor.backends_for_tests.Refuses"
SLOW = "tests.tutor.backends_for_tests.Slow"


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


SEED_VIDEO = "https://www.youtube.com/watch?v=Bo19sXssYXI"


@pytest.fixture
def paper_catalog(db):
    """The seed podcast lesson and the papers its description names, with the demo catalog's material."""
    from datetime import date

    from demo.material import DEMO_MATERIAL
    from tests.seed import SEED_CHAPTERS, SEED_DESCRIPTION

    seed = LessonFactory(
        slug="seed-podcast",
        title="AI is Already Building AI — Google DeepMind’s Mostafa Dehghani",
        kind="youtube",
        external_url=SEED_VIDEO,
        description=SEED_DESCRIPTION,
        duration_seconds=3600,
    )
    for start, title in SEED_CHAPTERS:
        ChapterFactory(lesson=seed, start_seconds=start, title=title)
    papers = {
        slug: LessonFactory(slug=slug, title=title, kind="paper", published_at=published, material=DEMO_MATERIAL[slug])
        for slug, title, published in (
            ("universal-transformers", "Universal Transformers", date(2018, 7, 10)),
            (
                "an-image-is-worth-16x16-words",
                "An Image is Worth 16x16 Words: Transformers for Image Recognition at Scale",
                date(2020, 10, 22),
            ),
            ("attention-is-all-you-need", "Attention Is All You Need", date(2017, 6, 12)),
        )
    }
    return {"seed": seed, **papers}


@pytest.fixture
def empty_tutor_queue():
    """No message left over from an earlier run (a killed worker's, say) may reach the worker a test starts."""
    with app.connection_for_write() as connection:
        connection.default_channel.queue_purge("tutor")
