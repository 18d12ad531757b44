"""GET /api/v1/me/export and POST /api/v1/me/delete, as an app (session token) and a browser (cookie) call them."""

import json

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.utils import timezone

from accounts.models import User
from credits.models import Wallet
from privacy.models import AccountRequest
from tests.app_sessions import session_token
from tests.factories import DEFAULT_PASSWORD, StaffUserFactory, UserFactory, wallet_fund

pytestmark = pytest.mark.django_db


@pytest.fixture
def learner():
    user = UserFactory()
    wallet_fund(user, 40)
    return user


def erase(client, token: str, body: dict) -> object:
    return client.post("/api/v1/me/delete", body, content_type="application/json", headers={"X-Session-Token": token})


def test_the_export_is_a_json_download_of_the_callers_data(client, learner):
    token = session_token(client, learner)

    response = client.get("/api/v1/me/export", headers={"X-Session-Token": token})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith('attachment; filename="learn-data-')
    document = json.loads(response.content)
    assert document["account"]["profile"]["email"] == learner.email
    assert document["credits"]["wallet"]["balance"] == 40


@pytest.mark.parametrize(("method", "path"), [("get", "/api/v1/me/export"), ("post", "/api/v1/me/delete")])
def test_anonymous_callers_get_401(client, method, path):
    response = getattr(client, method)(path, content_type="application/json")
    assert response.status_code == 401
    assert "detail" in response.json()


def test_a_wrong_password_erases_nothing(client, learner):
    token = session_token(client, learner)

    response = erase(client, token, {"password": "not-my-password"})

    assert (response.status_code, response.json()) == (403, {"detail": "That password is not right."})
    assert User.objects.filter(pk=learner.pk).exists()
    assert not AccountRequest.objects.filter(kind="erase").exists()


def test_the_right_password_erases_the_account_and_ends_the_session(client, learner):
    token = session_token(client, learner)

    response = erase(client, token, {"password": DEFAULT_PASSWORD})

    assert (response.status_code, response.json()) == (200, {"erased": True})
    assert not User.objects.filter(pk=learner.pk).exists()
    assert Wallet.objects.get().balance == 40  # kept, under the anonymous owner
    assert client.get("/api/v1/me/export", headers={"X-Session-Token": token}).status_code == 401


def test_a_recent_sign_in_is_enough_without_the_password(client, learner):
    token = session_token(client, learner)

    assert erase(client, token, {}).status_code == 200
    assert not User.objects.filter(pk=learner.pk).exists()


def test_a_sign_in_older_than_the_reauthentication_window_needs_the_password(client, learner):
    token = session_token(client, learner)

    with time_machine.travel(timezone.now() + timezone.timedelta(minutes=10)):
        response = erase(client, token, {})

    assert (response.status_code, response.json()["detail"]) == (403, "Send your password, or sign in again first.")
    assert User.objects.filter(pk=learner.pk).exists()


def test_an_account_without_a_password_needs_a_recent_sign_in(client):
    user = UserFactory()
    user.set_unusable_password()
    user.save()
    client.force_login(user)  # a session that records no sign-in: as one that signed in long ago

    response = client.post("/api/v1/me/delete", {"password": "anything"}, content_type="application/json")

    assert response.status_code == 403
    assert User.objects.filter(pk=user.pk).exists()


def test_guessing_the_password_is_rate_limited(client, learner):
    token = session_token(client, learner)
    codes = [erase(client, token, {"password": f"guess-{n}"}).status_code for n in range(10)]
    assert codes == [403] * 10

    response = erase(client, token, {"password": DEFAULT_PASSWORD})

    assert response.status_code == 403  # the 11th try within the minute is refused, even with the right password
    assert User.objects.filter(pk=learner.pk).exists()


def test_a_staff_account_is_refused_with_a_reason(client):
    staff = StaffUserFactory()
    token = session_token(client, staff)

    response = erase(client, token, {"password": DEFAULT_PASSWORD})

    assert response.status_code == 403
    assert "administrator" in response.json()["detail"]
    assert EmailAddress.objects.filter(user=staff).exists()


def test_the_openapi_document_lists_export_and_delete(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "get" in paths["/api/v1/me/export"]
    assert "post" in paths["/api/v1/me/delete"]
