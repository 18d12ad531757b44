"""allauth's headless API, as an app client (session token) and a browser client (cookie + CSRF) use it."""

import re

import pytest
from django.core import mail

from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_app_signup_with_mandatory_verification_is_pending_until_the_email_is_confirmed(client):
    response = client.post(
        "/_allauth/app/v1/auth/signup",
        {"email": "new@example.com", "password": "a-long-password-123"},
        content_type="application/json",
    )
    assert response.status_code == 401
    body = response.json()
    assert body["meta"]["is_authenticated"] is False
    assert any(flow["id"] == "verify_email" and flow.get("is_pending") for flow in body["data"]["flows"])
    assert len(mail.outbox) == 1
    assert "new@example.com" in mail.outbox[0].to


def test_app_login_returns_a_session_token_that_authenticates_later_requests(client):
    user = UserFactory()
    response = client.post(
        "/_allauth/app/v1/auth/login",
        {"email": user.email, "password": DEFAULT_PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 200
    token = response.json()["meta"]["session_token"]
    assert token

    session = client.get("/_allauth/app/v1/auth/session", headers={"X-Session-Token": token})
    assert session.status_code == 200
    assert session.json()["data"]["user"]["email"] == user.email


def test_app_login_with_a_wrong_password_is_refused(client):
    user = UserFactory()
    response = client.post(
        "/_allauth/app/v1/auth/login",
        {"email": user.email, "password": "not-the-password"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "token" not in str(response.json().get("meta", {}))


def test_failed_logins_are_rate_limited(client):
    user = UserFactory()
    codes = []
    for _ in range(7):
        response = client.post(
            "/_allauth/app/v1/auth/login",
            {"email": user.email, "password": "wrong-password"},
            content_type="application/json",
        )
        assert response.status_code == 400
        codes.append(response.json()["errors"][0]["code"])
    assert codes[:5] == ["email_password_mismatch"] * 5
    assert codes[5:] == ["too_many_login_attempts"] * 2
    # Even the right password is refused while the limit holds.
    response = client.post(
        "/_allauth/app/v1/auth/login",
        {"email": user.email, "password": DEFAULT_PASSWORD},
        content_type="application/json",
    )
    assert response.json()["errors"][0]["code"] == "too_many_login_attempts"


def test_browser_signup_sends_a_verification_link_that_signs_the_user_in(client):
    response = client.post(
        "/accounts/signup/",
        {"email": "browser@example.com", "password1": "a-long-password-123", "display_name": "Bea"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    link = re.search(r"https?://[^\s]+/accounts/confirm-email/[^\s]+/", mail.outbox[0].body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    confirm = client.post("/" + path)
    assert confirm.status_code == 302
    assert client.get("/_allauth/browser/v1/auth/session").json()["data"]["user"]["display"]
