"""The API's auth layer: anonymous callers get 401 as JSON; the OpenAPI document is public."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_openapi_document_is_served(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.json()["info"]["title"] == "Learn ⚡ API"
