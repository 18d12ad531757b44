"""Every page has the site's icon: the admin's pages name none, so browsers ask for /favicon.ico."""

import pytest

pytestmark = pytest.mark.django_db


def test_favicon_ico_answers_the_site_icon_for_a_week(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response.content.startswith(b"<svg")
    assert "max-age=604800" in response["Cache-Control"]
