"""allauth's rate limits count per client address: behind a trusted proxy, the address the proxy reports."""

import pytest

from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/_allauth/app/v1/auth/login"


def login(client, email, password, forwarded_for):
    return client.post(
        LOGIN,
        {"email": email, "password": password},
        content_type="application/json",
        headers={"X-Forwarded-For": forwarded_for},
    )


def hammer(client, forwarded_for):
    """Bad passwords from one client until allauth's per-address limit answers 429."""
    for attempt in range(40):
        if login(client, f"nobody{attempt}@example.com", "wrong", forwarded_for).status_code == 429:
            return attempt
    pytest.fail("no rate limit was reached")


def test_behind_a_trusted_proxy_one_client_s_bad_sign_ins_do_not_lock_out_the_others(client, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    learner = UserFactory()
    hammer(client, "203.0.113.7")
    assert login(client, learner.email, DEFAULT_PASSWORD, "198.51.100.2").status_code == 200


def test_a_trusted_client_ip_header_is_used_when_set(client, settings):
    settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER = "X-Real-IP"
    learner = UserFactory()
    for attempt in range(40):
        response = client.post(
            LOGIN,
            {"email": f"nobody{attempt}@example.com", "password": "wrong"},
            content_type="application/json",
            headers={"X-Real-IP": "203.0.113.7"},
        )
        if response.status_code == 429:
            break
    else:
        pytest.fail("no rate limit was reached")
    response = client.post(
        LOGIN,
        {"email": learner.email, "password": DEFAULT_PASSWORD},
        content_type="application/json",
        headers={"X-Real-IP": "198.51.100.2"},
    )
    assert response.status_code == 200


def test_by_default_forwarded_addresses_are_not_trusted(client, settings):
    assert settings.ALLAUTH_TRUSTED_PROXY_COUNT == 0
    assert settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER is None
    learner = UserFactory()
    hammer(client, "203.0.113.7")
    # A made-up X-Forwarded-For does not get a fresh bucket: the limit holds for the real address.
    assert login(client, learner.email, DEFAULT_PASSWORD, "198.51.100.2").status_code == 429


@pytest.mark.django_db(databases=[])
def test_the_proxy_settings_come_from_the_environment():
    import os
    import subprocess
    import sys

    script = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.ALLAUTH_TRUSTED_PROXY_COUNT, settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER)"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "TRUSTED_PROXY_COUNT": "1"}
    env["TRUSTED_CLIENT_IP_HEADER"] = "X-Real-IP"
    shown = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
    assert shown.stdout.split() == ["1", "X-Real-IP"]
