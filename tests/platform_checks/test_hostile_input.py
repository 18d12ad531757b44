"""Hostile input at the edge: a NUL byte anywhere in a request is a 400 before any view or database sees it."""

import json

import pytest

from practice.models import CheckAnswer
from tests.factories import CheckQuestionFactory, PublishedLessonFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def lesson():
    return PublishedLessonFactory(slug="a-lesson")


@pytest.fixture
def learner_client(client):
    client.force_login(UserFactory())
    return client


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/lessons?q=a%00b",
        "/api/v1/lessons?category=a%00b",
        "/api/v1/lessons?course=%00",
        "/api/v1/lessons?a%00=b",
        "/api/v1/lessons/a%00b",
        "/api/v1/lessons/a-lesson?course=%00",
        "/api/v1/lessons/a%00b/explanation",
    ],
)
def test_a_nul_byte_in_an_api_query_or_path_is_a_json_400(client, lesson, url):
    response = client.get(url)
    assert response.status_code == 400
    assert "NUL" in response.json()["detail"]


@pytest.mark.parametrize(
    "url", ["/api/v1/lessons/a%00b/unlock", "/api/v1/lessons/a%00b/complete", "/api/v1/credit-packs/a%00b/checkout"]
)
def test_a_nul_byte_in_an_api_write_path_is_a_json_400_even_signed_in(learner_client, url):
    response = learner_client.post(url, HTTP_IDEMPOTENCY_KEY="k1")
    assert response.status_code == 400
    assert "NUL" in response.json()["detail"]


def test_a_nul_escape_in_a_json_body_is_refused(client):
    response = client.post(
        "/_allauth/app/v1/auth/login",
        json.dumps({"email": "a\u0000@example.com", "password": "x"}),
        content_type="application/json",
    )
    assert response.status_code == 400


def test_a_nul_byte_in_a_page_query_is_a_plain_400(client, lesson):
    response = client.get("/lessons/a-lesson/?course=%00")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")


def test_a_nul_byte_in_a_form_field_is_refused_before_the_view(learner_client):
    response = learner_client.post("/me/freezes", {"key": "a\x00b"})
    assert response.status_code == 400


def test_clean_requests_pass_the_edge(client, lesson):
    assert client.get("/api/v1/lessons?q=ab").status_code == 200
    assert client.get("/lessons/a-lesson/").status_code == 200


@pytest.mark.parametrize("choice", ["abc", "1.5", "-1", "٣", "99999999999999999999999"])
def test_a_check_answer_that_is_not_a_choice_id_asks_to_pick_an_answer(learner_client, choice):
    question = CheckQuestionFactory(lesson=PublishedLessonFactory(level="intermediate"))
    response = learner_client.post(
        f"/lessons/{question.lesson.slug}/check/{question.pk}", {"choice": choice}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert "Pick an answer first." in response.content.decode()
    assert not CheckAnswer.objects.exists()
