"""A learner signed in before Redis went away keeps the API while it is down, with the session cookie and with the
app's X-Session-Token alike: the session store falls back to the database for every read the sign-in check makes."""

import pytest
from django.test import Client

from tests.app_sessions import session_token
from tests.factories import UserFactory
from tests.platform_checks.test_redis_outage import caches_point_at_a_dead_redis

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clean_cache():
    """The suite's cache clearing would reach for the dead Redis once a test has pointed the cache at it."""
    return


def test_an_app_keeps_the_api_with_its_session_token_while_redis_is_down(settings):
    learner = UserFactory(email="app-learner@example.com")
    token = session_token(Client(), learner)  # signed in before Redis went away
    caches_point_at_a_dead_redis(settings)
    app = Client(raise_request_exception=False, HTTP_X_SESSION_TOKEN=token)

    me = app.get("/api/v1/me")
    ledger = app.get("/api/v1/me/ledger")
    session = app.get("/_allauth/app/v1/auth/session")

    assert me.status_code == 200, me.content
    assert me.json()["email"] == "app-learner@example.com"
    assert ledger.status_code in (200, 404), ledger.content  # 404: no wallet yet, which is an answer about this learner
    assert session.status_code == 200, session.content
    assert session.json()["data"]["user"]["email"] == "app-learner@example.com"


def test_an_unknown_session_token_is_still_refused_while_redis_is_down(settings):
    caches_point_at_a_dead_redis(settings)
    app = Client(raise_request_exception=False, HTTP_X_SESSION_TOKEN="no-such-session-token")

    assert app.get("/api/v1/me").status_code == 401
    assert app.get("/_allauth/app/v1/auth/session").status_code in (401, 410)


def test_a_browser_keeps_the_api_with_its_session_cookie_while_redis_is_down(settings):
    browser = Client(raise_request_exception=False)
    browser.force_login(UserFactory(email="browser-learner@example.com"))  # signed in before Redis went away
    caches_point_at_a_dead_redis(settings)

    me = browser.get("/api/v1/me")

    assert me.status_code == 200, me.content
    assert me.json()["email"] == "browser-learner@example.com"
