"""The learner's data pages: /me/data/ downloads the export, /me/delete/ erases the account after re-authentication."""

import html
import json
import re
from urllib.parse import urlsplit

import pytest
import requests
import time_machine
from django.contrib import auth
from django.utils import timezone

from accounts.models import User
from tests.factories import DEFAULT_PASSWORD, UserFactory
from tests.oidc_provider.server import authorize_at_provider

pytestmark = pytest.mark.django_db


@pytest.fixture
def learner(client):
    user = UserFactory()
    client.force_login(user)
    return user


def test_the_data_page_offers_the_download(client, learner, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        response = client.get("/me/data/")
    assert response.status_code == 200
    assert "Download my data" in response.content.decode()


def test_posting_the_data_page_downloads_the_export(client, learner):
    response = client.post("/me/data/")

    assert response["Content-Disposition"].startswith("attachment;")
    assert json.loads(response.content)["account"]["profile"]["email"] == learner.email


def test_the_pages_send_visitors_to_sign_in(client):
    for page in ("/me/data/", "/me/delete/"):
        assert "/accounts/login/" in client.get(page)["Location"]


def test_erasing_with_the_password_signs_out_and_says_so(client, learner):
    response = client.post("/me/delete/", {"password": DEFAULT_PASSWORD, "confirm": "on"}, follow=True)

    assert not User.objects.filter(pk=learner.pk).exists()
    assert not auth.get_user(client).is_authenticated
    assert "Your account is erased." in response.content.decode()


def test_a_wrong_password_or_no_confirmation_erases_nothing(client, learner):
    wrong = client.post("/me/delete/", {"password": "not-it", "confirm": "on"})
    unconfirmed = client.post("/me/delete/", {"password": DEFAULT_PASSWORD})

    assert (wrong.status_code, unconfirmed.status_code) == (200, 200)  # the form again, with what to fix
    assert "That password is not right." in wrong.content.decode()
    assert User.objects.filter(pk=learner.pk).exists()


def test_a_missing_password_shows_the_form_again_with_the_message(client, learner):
    response = client.post("/me/delete/", {"confirm": "on"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "Enter your password, or sign in again first." in page
    assert '<button type="submit" class="button">Erase my account</button>' in page
    assert User.objects.filter(pk=learner.pk).exists()


def erase_refused(client, user) -> str:
    """Open the erase page and confirm without a password: the erasure is refused (the form again) and the account
    stays.

    Returns the page as the learner saw it before confirming.
    """
    page = client.get("/me/delete/").content.decode()
    refused = client.post("/me/delete/", {"confirm": "on"})
    assert refused.status_code == 200
    assert User.objects.filter(pk=user.pk).exists()
    return page


def test_a_learner_without_a_password_is_asked_to_sign_in_again(client):
    user = UserFactory()
    user.set_unusable_password()
    user.save()
    client.force_login(user)

    page = erase_refused(client, user)

    assert "sign in again first" in page


def test_a_learner_who_just_signed_in_with_a_provider_erases_without_a_password(client, oidc_provider):
    client.get(authorize_at_provider(client, "ada"))
    user = User.objects.get(email="ada@example.com")
    assert "You signed in a few minutes ago" in client.get("/me/delete/").content.decode()

    client.post("/me/delete/", {"confirm": "on"})

    assert not User.objects.filter(pk=user.pk).exists()


def test_a_provider_sign_in_long_ago_is_not_enough(client, oidc_provider):
    client.get(authorize_at_provider(client, "ada"))
    user = User.objects.get(email="ada@example.com")

    with time_machine.travel(timezone.now() + timezone.timedelta(minutes=10)):
        page = erase_refused(client, user)

    assert "Sign in again with Test SSO" in page


def test_signing_in_again_with_the_provider_from_the_erase_page_allows_the_erasure(client, oidc_provider):
    client.get(authorize_at_provider(client, "ada"))
    user = User.objects.get(email="ada@example.com")

    with time_machine.travel(timezone.now() + timezone.timedelta(minutes=10)):
        link = re.search(r'href="([^"]*process=reauthenticate[^"]*)"', client.get("/me/delete/").content.decode())
        started = client.post(html.unescape(link.group(1)))
        approved = requests.post(started["Location"], data={"sub": "ada"}, allow_redirects=False, timeout=10)
        callback = urlsplit(approved.headers["Location"])
        back = client.get(f"{callback.path}?{callback.query}")
        assert back["Location"] == "/me/delete/"
        client.post("/me/delete/", {"confirm": "on"})

    assert not User.objects.filter(pk=user.pk).exists()
