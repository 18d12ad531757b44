"""Every /api/v1/ answer is JSON {"detail"}: unknown paths, wrong methods and server errors included."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_an_unknown_api_path_is_a_json_404(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"].startswith("Not found")


def test_a_wrong_method_is_a_json_405_that_names_the_allowed_ones(client):
    response = client.delete("/api/v1/lessons")
    assert response.status_code == 405
    assert response.json() == {"detail": "Method DELETE is not allowed here."}
    assert "GET" in response["Allow"]


def test_a_server_error_is_a_json_500_without_a_traceback(monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr("api.lessons.catalog_slice_get", broken)
    response = Client(raise_request_exception=False).get("/api/v1/lessons")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert "secret" not in response.content.decode()
    assert response.json()["detail"].startswith("Server error")


def test_pages_outside_the_api_keep_their_html_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
