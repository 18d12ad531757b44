"""What an OpenID Connect provider's answer may decide, over real HTTP against the local provider: the verified flag
of an address only when it really says true, identity only from the signed id token, and a clear 400 for a token we
cannot read — through the browser callback and through the app's token endpoint."""

import base64
import json

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount

from accounts.models import User
from tests.factories import UserFactory
from tests.oidc_provider.server import CLIENT_ID, PROVIDER_ID, authorize_at_provider, id_token_from_provider

pytestmark = pytest.mark.django_db

# The forms `email_verified` takes in the wild: JSON booleans, strings (AWS Cognito's userInfo, Keycloak and Azure B2C
# claim mappers), other truthy values, and no claim at all. Only a real "yes" may vouch for an address.
VERIFIED_FORMS = [True, "true", "TRUE", "True"]
UNVERIFIED_FORMS = [False, "false", "False", "FALSE", "0", "no", "", 1, "1", "yes", None, "missing"]


def _claims(email: str, verified: object) -> dict[str, object]:
    return {"email": email} if verified == "missing" else {"email": email, "email_verified": verified}


def _signed_in_email(client) -> str | None:
    session = client.get("/_allauth/browser/v1/auth/session")
    return session.json()["data"]["user"]["email"] if session.status_code == 200 else None


def _app_sign_in(client, id_token: str):
    return client.post(
        "/_allauth/app/v1/auth/provider/token",
        {"provider": PROVIDER_ID, "process": "login", "token": {"client_id": CLIENT_ID, "id_token": id_token}},
        content_type="application/json",
    )


def _unsigned(token: str, **header: object) -> str:
    """A token with its header replaced (and so no longer matching its signature)."""
    _, payload, signature = token.split(".")
    encoded = base64.urlsafe_b64encode(json.dumps(header).encode()).rstrip(b"=").decode()
    return f"{encoded}.{payload}.{signature}"


@pytest.mark.parametrize("verified", UNVERIFIED_FORMS, ids=repr)
def test_a_provider_address_not_verified_in_so_many_words_never_signs_in_to_its_owner_in_the_browser(
    client, oidc_provider, verified
):
    owner = UserFactory(email="owner@example.com")
    oidc_provider.user_set("claimant", _claims("owner@example.com", verified))

    client.get(authorize_at_provider(client, "claimant"))

    assert _signed_in_email(client) != "owner@example.com"
    assert not SocialAccount.objects.filter(user=owner).exists()
    owner.refresh_from_db()
    assert owner.has_usable_password()


@pytest.mark.parametrize("verified", VERIFIED_FORMS, ids=repr)
def test_a_provider_address_verified_as_true_or_the_string_true_signs_in_to_its_owner_in_the_browser(
    client, oidc_provider, verified
):
    owner = UserFactory(email="owner@example.com")
    oidc_provider.user_set("owner-at-provider", _claims("owner@example.com", verified))

    client.get(authorize_at_provider(client, "owner-at-provider"))

    assert _signed_in_email(client) == "owner@example.com"
    assert SocialAccount.objects.get(uid="owner-at-provider").user == owner


@pytest.mark.parametrize("verified", UNVERIFIED_FORMS, ids=repr)
def test_a_provider_address_not_verified_in_so_many_words_never_signs_in_to_its_owner_through_the_app(
    client, oidc_provider, verified
):
    owner = UserFactory(email="owner@example.com")
    oidc_provider.user_set("claimant", _claims("owner@example.com", verified))

    response = _app_sign_in(client, id_token_from_provider(oidc_provider, "claimant"))

    assert response.status_code != 200
    assert response.json()["meta"]["is_authenticated"] is False
    assert not SocialAccount.objects.filter(user=owner).exists()
    owner.refresh_from_db()
    assert owner.has_usable_password()


@pytest.mark.parametrize("verified", VERIFIED_FORMS, ids=repr)
def test_a_provider_address_verified_as_true_or_the_string_true_signs_in_to_its_owner_through_the_app(
    client, oidc_provider, verified
):
    owner = UserFactory(email="owner@example.com")
    oidc_provider.user_set("owner-at-provider", _claims("owner@example.com", verified))

    response = _app_sign_in(client, id_token_from_provider(oidc_provider, "owner-at-provider"))

    assert response.status_code == 200, response.content
    assert response.json()["data"]["user"]["email"] == "owner@example.com"
    assert SocialAccount.objects.get(uid="owner-at-provider").user == owner


@pytest.mark.parametrize("verified", ["false", "missing", "yes"], ids=repr)
def test_a_new_learner_whose_provider_does_not_say_true_gets_an_unverified_address(client, oidc_provider, verified):
    oidc_provider.user_set("newcomer", _claims("newcomer@example.com", verified))

    client.get(authorize_at_provider(client, "newcomer"))

    user = User.objects.get(email="newcomer@example.com")
    assert EmailAddress.objects.get(user=user).verified is False


def test_a_new_learner_whose_provider_says_the_string_true_gets_a_verified_address(client, oidc_provider):
    oidc_provider.user_set("newcomer", _claims("newcomer@example.com", "true"))

    client.get(authorize_at_provider(client, "newcomer"))

    assert EmailAddress.objects.get(user__email="newcomer@example.com").verified is True
