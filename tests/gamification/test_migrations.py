"""The migration that records "opened" once: each LessonVisit's time moves to LessonProgress.opened_at."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from lessons.models import LessonProgress
from tests.factories import PublishedLessonFactory, UserFactory

BEFORE = [("gamification", "0001_initial")]
AFTER = None  # every app's latest migration: the database is left as the other tests expect it
NOON = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_lesson_visits_become_the_open_clock_of_lesson_progress():
    learner = UserFactory()
    only_visited, started_earlier, completed = PublishedLessonFactory.create_batch(3)
    LessonProgress.objects.create(
        user=learner, lesson=started_earlier, started_at=NOON - timedelta(minutes=9), source="server"
    )
    LessonProgress.objects.create(
        user=learner, lesson=completed, started_at=NOON - timedelta(hours=1), completed_at=NOON, source="server"
    )
    try:
        old_apps = migrate(BEFORE)
        visit = old_apps.get_model("gamification", "LessonVisit")
        for lesson in (only_visited, started_earlier, completed):
            visit.objects.create(user_id=learner.pk, lesson_id=lesson.pk, opened_at=NOON - timedelta(minutes=5))
    finally:
        migrate(AFTER)

    rows = {row.lesson_id: row for row in LessonProgress.objects.filter(user=learner)}
    assert (rows[only_visited.pk].opened_at, rows[only_visited.pk].started_at) == (NOON - timedelta(minutes=5), None)
    assert rows[started_earlier.pk].opened_at == NOON - timedelta(minutes=9)  # the earliest the server saw
    assert rows[completed.pk].opened_at is None  # a completed lesson keeps no clock


@pytest.mark.django_db(transaction=True)
def test_lesson_completions_keep_their_time_in_lesson_progress_only():
    from gamification.models import LessonCompletion

    learner = UserFactory()
    without_progress, with_open_progress = PublishedLessonFactory.create_batch(2)
    LessonProgress.objects.create(
        user=learner, lesson=with_open_progress, started_at=NOON - timedelta(hours=1), opened_at=NOON, source="server"
    )
    try:
        old_apps = migrate([("gamification", "0002_lesson_opened_lives_in_lesson_progress")])
        completion = old_apps.get_model("gamification", "LessonCompletion")
        for lesson in (without_progress, with_open_progress):
            completion.objects.create(
                user_id=learner.pk, lesson_id=lesson.pk, completed_at=NOON, local_date=NOON.date(), via="time"
            )
    finally:
        migrate(AFTER)

    assert "completed_at" not in {field.name for field in LessonCompletion._meta.get_fields()}
    for lesson in (without_progress, with_open_progress):
        row = LessonCompletion.objects.select_related("progress").get(user=learner, lesson=lesson)
        assert (row.progress.lesson_id, row.completed_at, row.progress.opened_at) == (lesson.pk, NOON, None)
