"""With PostgreSQL unreachable, a request that needs the database answers a clear 503 with Retry-After (JSON on the
API), never a server error, and a visitor's page the cache holds still answers. Errors that are the query's own (a
cancelled statement, SQLite's missing table) stay server errors."""

import socket

import pytest
from django.db import OperationalError, connection, transaction
from django.db.utils import ConnectionHandler
from django.test import Client

from config.middleware import _is_outage
from tests.factories import PublishedLessonFactory


@pytest.fixture
def take_database_down():
    """Calling it points the connection at a loopback port nothing listens on: every connect is refused."""
    original = connection.settings_dict["PORT"]

    def down() -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        connection.close()
        connection.settings_dict["PORT"] = str(port)

    yield down
    connection.close()
    connection.settings_dict["PORT"] = original


class TestWhilePostgresqlIsDown:
    pytestmark = [
        pytest.mark.postgres,  # the outage under test is PostgreSQL's
        pytest.mark.django_db(transaction=True),
    ]

    def test_a_page_that_needs_the_database_answers_503_with_retry_after(self, take_database_down, settings):
        settings.PAGE_CACHE_SECONDS = 0
        PublishedLessonFactory()
        take_database_down()
        response = Client(raise_request_exception=False).get("/lessons/")
        assert response.status_code == 503
        assert response["Retry-After"] == "30"
        assert "Try again in a minute" in response.content.decode()

    def test_the_api_answers_503_as_json(self, take_database_down, settings):
        settings.PAGE_CACHE_SECONDS = 0
        take_database_down()
        response = Client(raise_request_exception=False).get("/api/v1/lessons")
        assert response.status_code == 503
        assert response["Retry-After"] == "30"
        assert response.json()["detail"].startswith("A service this request needs is briefly unavailable")

    def test_a_visitor_page_the_cache_holds_answers_while_the_database_is_down(self, take_database_down):
        lesson = PublishedLessonFactory(title="Attention, step by step")
        visitor = Client(raise_request_exception=False)
        assert visitor.get(lesson.get_absolute_url()).status_code == 200
        take_database_down()
        response = visitor.get(lesson.get_absolute_url())
        assert response.status_code == 200
        assert "Attention, step by step" in response.content.decode()

    def test_a_cancelled_statement_is_not_an_outage(self):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL statement_timeout = 10")  # ends with the transaction
            with pytest.raises(OperationalError) as raised:
                cursor.execute("SELECT pg_sleep(1)")
        assert getattr(raised.value.__cause__, "sqlstate", None) == "57014"
        assert not _is_outage(raised.value)


def test_sqlites_own_errors_are_not_an_outage(django_db_blocker):
    """A missing table, raised through Django's own SQLite backend (on either database the suite runs on, in a
    connection of its own)."""
    with django_db_blocker.unblock():
        sqlite = ConnectionHandler({"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}})["default"]
        try:
            with sqlite.cursor() as cursor, pytest.raises(OperationalError) as raised:
                cursor.execute("SELECT * FROM no_such_table")
        finally:
            sqlite.close()
    assert not _is_outage(raised.value)
