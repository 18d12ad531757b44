"""Signing in the way the mobile app does: allauth's headless app login, which answers a session token."""

from tests.factories import DEFAULT_PASSWORD


def session_token(client, user) -> str:
    """Sign `user` in through the app login with the factories' password; the token the API takes as X-Session-Token."""
    response = client.post(
        "/_allauth/app/v1/auth/login",
        {"email": user.email, "password": DEFAULT_PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    return response.json()["meta"]["session_token"]
