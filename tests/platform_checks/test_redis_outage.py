"""With Redis unreachable, pages that do not need it answer 200, and sign-in answers a clear 503, never a 500."""

import socket

import pytest
from django.test import Client

from tests.factories import DEFAULT_PASSWORD, PublishedLessonFactory, UserFactory

pytestmark = pytest.mark.django_db


def caches_point_at_a_dead_redis(settings) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # nothing listens here once the probe is closed
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5},
        }
    }


@pytest.fixture
def redis_down(settings):
    caches_point_at_a_dead_redis(settings)
    return Client(raise_request_exception=False)


@pytest.fixture(autouse=True)
def _clean_cache():
    """The suite's cache clearing would reach for the dead Redis: nothing is cached in these tests anyway."""
    return


def test_the_catalog_and_a_lesson_page_answer_while_redis_is_down(redis_down):
    lesson = PublishedLessonFactory()
    assert redis_down.get("/lessons/").status_code == 200
    assert redis_down.get(lesson.get_absolute_url()).status_code == 200
    assert redis_down.get("/api/v1/lessons").status_code == 200


def test_signing_in_while_redis_is_down_is_a_clear_503(redis_down):
    user = UserFactory()
    page = redis_down.post("/accounts/login/", {"login": user.email, "password": DEFAULT_PASSWORD})
    assert page.status_code == 503
    assert page["Retry-After"] == "30"
    assert "Try again in a minute" in page.content.decode()

    app = redis_down.post(
        "/_allauth/app/v1/auth/login",
        {"email": user.email, "password": DEFAULT_PASSWORD},
        content_type="application/json",
    )
    assert app.status_code == 503
    assert app.json()["detail"].startswith("A service this request needs is briefly unavailable")


def test_a_signed_in_learner_reads_a_lesson_page_while_redis_is_down(client, settings):
    """Sessions live in the cache and the database: the database answers, and the page renders without its cache."""
    lesson = PublishedLessonFactory(title="Read while the cache is away")
    client.force_login(UserFactory())  # signed in before Redis went away (signing in during the outage is a 503)
    caches_point_at_a_dead_redis(settings)
    page = client.get(lesson.get_absolute_url())
    assert page.status_code == 200
    assert "Read while the cache is away" in page.content.decode()
    assert 'action="/accounts/logout/"' in page.content.decode()  # signed in: the account menu is there
