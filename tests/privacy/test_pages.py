"""The learner's data pages: /me/data/ downloads the export, /me/delete/ erases the account after re-authentication."""

import json

import pytest
from django.contrib import auth

from accounts.models import User
from tests.factories import DEFAULT_PASSWORD, UserFactory

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

    assert (wrong.status_code, unconfirmed.status_code) == (400, 400)
    assert "That password is not right." in wrong.content.decode()
    assert User.objects.filter(pk=learner.pk).exists()


def test_a_learner_without_a_password_is_asked_to_sign_in_again(client):
    user = UserFactory()
    user.set_unusable_password()
    user.save()
    client.force_login(user)

    page = client.get("/me/delete/").content.decode()
    refused = client.post("/me/delete/", {"confirm": "on"})

    assert "sign in again first" in page
    assert refused.status_code == 400
    assert User.objects.filter(pk=user.pk).exists()
