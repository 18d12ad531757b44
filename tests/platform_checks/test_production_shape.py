"""Production shape: personal answers are never stored by caches; the health probe works with production settings."""

import pytest

from tests.app_sessions import session_token
from tests.factories import PublishedLessonFactory, UserFactory

pytestmark = pytest.mark.django_db


def no_store(response) -> bool:
    directives = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    return {"private", "no-store"} <= directives


@pytest.mark.parametrize("path", ["/me/", "/credits/", "/credits/statement.csv", "/accounts/settings/"])
def test_personal_pages_are_private_and_never_stored(client, path):
    client.force_login(UserFactory())
    response = client.get(path)
    assert response.status_code == 200, path
    assert no_store(response), response.get("Cache-Control")


@pytest.mark.parametrize("path", ["/api/v1/me", "/api/v1/me/ledger", "/api/v1/lessons"])
def test_token_authenticated_api_answers_are_private_and_vary_on_the_token(client, path):
    PublishedLessonFactory()
    token = session_token(client, UserFactory())
    response = client.get(path, headers={"X-Session-Token": token})
    assert response.status_code == 200
    assert no_store(response)
    assert "X-Session-Token" in response["Vary"]


def test_a_visitor_s_catalog_answer_may_be_cached_but_varies_on_the_token(client):
    response = client.get("/api/v1/lessons")
    assert not no_store(response)
    assert "X-Session-Token" in response["Vary"]


@pytest.fixture
def production(settings):
    settings.ALLOWED_HOSTS = ["learn.example.com"]
    settings.SECURE_SSL_REDIRECT = True
    return settings


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_the_container_probes_get_their_answer_under_production_settings(client, production, path):
    response = client.get(path, HTTP_HOST="127.0.0.1:8000")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_production_settings_still_hold_for_every_other_path(client, production):
    assert client.get("/lessons/", HTTP_HOST="127.0.0.1:8000").status_code == 400  # DisallowedHost
    redirected = client.get("/lessons/", HTTP_HOST="learn.example.com")
    assert redirected.status_code == 301
    assert redirected["Location"].startswith("https://learn.example.com/")
