"""/healthz says the process is up, whatever its dependencies do; /readyz says whether it can serve, naming what not."""

import pytest
from django.db import OperationalError

from config.celery import app as celery_app

pytestmark = pytest.mark.django_db

UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"


@pytest.fixture
def broker_down(monkeypatch):
    monkeypatch.setitem(celery_app.conf, "broker_write_url", UNREACHABLE_REDIS)


@pytest.fixture
def database_down(monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise OperationalError("connection refused")

    from django.db import connection

    monkeypatch.setattr(connection, "cursor", broken_cursor)


@pytest.fixture
def cache_down(settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": UNREACHABLE_REDIS}
    }


def test_healthz_answers_200_when_everything_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_healthz_stays_200_while_the_database_and_the_broker_are_down(client, broker_down, database_down):
    """A liveness probe that failed on an outage would get healthy web processes restarted, which fixes nothing."""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_answers_200_when_database_cache_and_broker_answer(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "cache": "ok", "broker": "ok"}


def test_readyz_answers_503_naming_the_broker_when_it_is_unreachable(client, broker_down):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["broker"]


def test_readyz_answers_503_naming_the_database_when_it_is_unreachable(client, database_down):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["database"]


def test_readyz_answers_503_naming_the_cache_when_it_is_unreachable(client, cache_down):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["cache"]


def test_readyz_names_every_dependency_that_is_down(client, broker_down, database_down, cache_down):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["database", "cache", "broker"]
    assert response["Cache-Control"].startswith("max-age=0")
