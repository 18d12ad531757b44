"""The API's contract: a valid OpenAPI 3.1 document that the API keeps, checked by a validator and by schemathesis
(every check, the stateful links, signed in and as a visitor) against a live server."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client
from ninja import Schema
from openapi_spec_validator import validate

from tests.app_sessions import session_token
from tests.factories import (
    ChapterFactory,
    CheckQuestionFactory,
    CreditPackFactory,
    LearnerWithCreditsFactory,
    PublishedLessonFactory,
)

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
# A few hundred generated requests per caller: enough to find a broken promise, quick enough for every CI run.
MAX_EXAMPLES = 15


def openapi_document() -> dict:
    from api.v1 import api

    return json.loads(json.dumps(api.get_openapi_schema()))


def test_the_document_is_valid_openapi_3_1():
    document = openapi_document()
    assert document["openapi"].startswith("3.1")
    validate(document)


def test_the_session_token_scheme_names_its_header():
    schemes = openapi_document()["components"]["securitySchemes"]
    assert {"type": "apiKey", "in": "header", "name": "X-Session-Token"} in schemes.values()


def test_every_schema_of_the_api_has_its_own_name():
    import api.v1  # noqa: F401 - every router loaded, so every schema class exists

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    names: dict[str, str] = {}
    for schema in subclasses(Schema):
        if not schema.__module__.startswith("api."):
            continue
        where = f"{schema.__module__}.{schema.__qualname__}"
        assert schema.__name__ not in names, f"{where} and {names[schema.__name__]} share a name in the document"
        names[schema.__name__] = where


def test_visitor_operations_mark_sign_in_optional_and_the_others_document_401():
    paths = openapi_document()["paths"]
    assert {} in paths["/api/v1/lessons"]["get"]["security"]
    assert "401" not in paths["/api/v1/lessons"]["get"]["responses"]
    me = paths["/api/v1/me"]["get"]
    assert {} not in me["security"]
    assert "401" in me["responses"]


def test_required_headers_limits_and_retry_after_are_documented():
    paths = openapi_document()["paths"]
    unlock = paths["/api/v1/lessons/{slug}/unlock"]["post"]
    key = next(p for p in unlock["parameters"] if p["name"] == "Idempotency-Key")
    assert key["required"] is True
    assert {"400", "401", "403", "409"} <= set(unlock["responses"])
    complete = paths["/api/v1/lessons/{slug}/complete"]["post"]
    assert "Retry-After" in complete["responses"]["409"]["headers"]
    page = next(p for p in paths["/api/v1/me/ledger"]["get"]["parameters"] if p["name"] == "page")
    assert page["schema"]["minimum"] == 1
    level = next(p for p in paths["/api/v1/lessons"]["get"]["parameters"] if p["name"] == "level")
    assert "BEGINNER" not in json.dumps(level["schema"])


@pytest.mark.django_db
def test_a_level_in_another_case_is_refused(client):
    assert client.get("/api/v1/lessons?level=BEGINNER").status_code == 400
    assert client.get("/api/v1/lessons?level=Beginner").status_code == 200


@pytest.mark.django_db
def test_the_docs_page_loads_only_its_own_scripts_from_static_files(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    assert scripts
    for attributes, _body in scripts:
        if "src=" in attributes:
            src = re.search(r'src="([^"]+)"', attributes).group(1)
            assert src.startswith(settings.STATIC_URL), src
            assert finders.find(src.removeprefix(settings.STATIC_URL)), f"{src} is not among the static files"
        else:  # only data, which the CSP does not run
            assert 'type="application/json"' in attributes, attributes
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "cdn" not in html.lower()


# --- schemathesis against a live server --------------------------------------------------------------------------


def _session_token(user) -> str:
    return session_token(Client(), user)


@pytest.fixture
def catalog(transactional_db, settings):
    settings.TUTOR_BACKEND = "tests.tutor.backends_for_tests.Quick"
    lesson = PublishedLessonFactory(slug="loops", duration_seconds=600)
    ChapterFactory(lesson=lesson, start_seconds=0, title="Intro")
    CheckQuestionFactory(lesson=PublishedLessonFactory(slug="quiz", level="intermediate"))
    CreditPackFactory(slug="starter")
    return lesson


def run_schemathesis(
    live_server, workdir: Path, *headers: str, extra: tuple[str, ...] = ()
) -> subprocess.CompletedProcess:
    command = [
        str(SCHEMATHESIS),
        "run",
        f"{live_server.url}/api/v1/openapi.json",
        "--url",
        live_server.url,
        "--checks",
        "all",
        "--phases",
        "examples,coverage,fuzzing,stateful",
        "--max-examples",
        str(MAX_EXAMPLES),
        "--workers",
        "1",
        "--seed",
        "12",
        "--request-timeout",
        "30",
        "--suppress-health-check",
        "all",
        "--no-color",
        "--generation-database",
        "none",
    ]
    for header in headers:
        command += ["--header", header]
    command += list(extra)
    # Its own working folder: schemathesis keeps a cache in the current directory.
    return subprocess.run(command, capture_output=True, text=True, timeout=600, check=False, cwd=workdir)


@pytest.mark.schemathesis
@pytest.mark.django_db(transaction=True)
def test_schemathesis_finds_no_broken_promise_for_a_signed_in_learner(
    live_server, catalog, celery_eager, stripe_settings, tmp_path
):
    token = _session_token(LearnerWithCreditsFactory(credits=1000))
    # Erasing the account would sign the learner out halfway through the run; tests/privacy covers that endpoint,
    # and the visitor's run below fuzzes it too.
    result = run_schemathesis(
        live_server, tmp_path, f"X-Session-Token: {token}", extra=("--exclude-path", "/api/v1/me/delete")
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]


@pytest.mark.schemathesis
@pytest.mark.django_db(transaction=True)
def test_schemathesis_finds_no_broken_promise_for_a_visitor(
    live_server, catalog, celery_eager, stripe_settings, tmp_path
):
    result = run_schemathesis(live_server, tmp_path)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
