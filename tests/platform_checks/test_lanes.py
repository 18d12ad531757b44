"""The test lanes: markers skip what the database in use cannot run, slow tests stay out of the fast lane, and
parallel workers never share a Redis database or a folder."""

import os

import pytest
from django.conf import settings
from django.db import connection

from config.settings.test import redis_database_for_worker
from tests.conftest import SLOW_LANE_MARKERS


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_test_marked_postgres_runs_only_on_postgresql():
    assert connection.vendor == "postgresql"


@pytest.mark.sqlite
@pytest.mark.django_db
def test_a_test_marked_sqlite_runs_only_on_sqlite():
    assert connection.vendor == "sqlite"


def test_every_test_with_a_slow_lane_marker_is_in_the_slow_lane(request):
    misplaced = [
        item.nodeid
        for item in request.session.items
        if any(item.get_closest_marker(name) for name in SLOW_LANE_MARKERS) and not item.get_closest_marker("slow")
    ]
    assert misplaced == []


def test_each_parallel_worker_gets_the_next_redis_database():
    assert redis_database_for_worker("redis://127.0.0.1:6379/8", 0) == "redis://127.0.0.1:6379/8"
    assert redis_database_for_worker("redis://127.0.0.1:6379/8", 1) == "redis://127.0.0.1:6379/9"
    assert redis_database_for_worker("redis://:secret@cache:6379", 2) == "redis://:secret@cache:6379/2"
    with pytest.raises(ValueError, match="would need Redis database 16"):
        redis_database_for_worker("redis://127.0.0.1:6379/15", 1)


@pytest.mark.skipif("PYTEST_XDIST_WORKER" not in os.environ, reason="only under pytest-xdist (-n)")
def test_under_xdist_this_worker_keeps_its_cache_and_broker_in_a_folder_of_its_own():
    worker = os.environ["PYTEST_XDIST_WORKER"]
    assert settings.VAR_DIR.parts[-2:] == ("xdist", worker)
    if settings.REDIS_URL:
        assert settings.CACHES["default"]["LOCATION"] == settings.REDIS_URL == settings.CELERY_BROKER_URL
        assert settings.REDIS_URL.endswith(f"/{int(os.environ['REDIS_URL'].rsplit('/', 1)[1]) + int(worker[2:])}")
    else:
        assert settings.CACHES["default"]["LOCATION"] == str(settings.VAR_DIR / "cache")
        assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"] == str(settings.VAR_DIR / "celery" / "queue")
