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


def _header(token: str) -> dict[str, object]:
    encoded = token.split(".")[0]
    return json.loads(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))


def _reheaded(token: str, **changes: object) -> str:
    """The token with these header fields changed (None removes one), and so no longer matching its signature."""
    header = {**_header(token), **changes}
    header = {name: value for name, value in header.items() if value is not None}
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


# --- Who signs in is decided by the signed id token (OpenID Connect Core 3.1.3.7 and 5.3.2) ---------------------------


def test_a_provider_answer_without_an_id_token_signs_nobody_in(client, oidc_provider):
    oidc_provider.rewrite_id_token = lambda token: None

    response = client.get(authorize_at_provider(client, "ada"))

    assert response.status_code == 401
    assert "Third-Party Login Failure" in response.content.decode()
    assert _signed_in_email(client) is None
    assert not User.objects.exists()


def test_userinfo_about_another_subject_signs_nobody_in(client, oidc_provider):
    oidc_provider.rewrite_userinfo = lambda info: {**info, "sub": "victim"}

    response = client.get(authorize_at_provider(client, "ada"))

    assert response.status_code == 401
    assert _signed_in_email(client) is None
    assert not User.objects.exists()
    assert not SocialAccount.objects.exists()


def test_identity_claims_come_from_the_signed_id_token_not_from_userinfo(client, oidc_provider):
    owner = UserFactory(email="victim@example.com")
    # Userinfo answered over a channel the id token's signature does not cover, claiming someone else's address.
    oidc_provider.rewrite_userinfo = lambda info: {**info, "email": "victim@example.com", "email_verified": True}

    client.get(authorize_at_provider(client, "ada"))

    assert _signed_in_email(client) == "ada@example.com"
    assert not SocialAccount.objects.filter(user=owner).exists()
    assert SocialAccount.objects.get(uid="ada").user.email == "ada@example.com"


# --- Id tokens without a key id, and tokens that cannot be read ------------------------------------------------------


def test_an_id_token_without_a_key_id_signs_in_with_the_only_key_of_the_provider(client, oidc_provider):
    oidc_provider.sign_without_kid = True
    id_token = id_token_from_provider(oidc_provider, "ada")
    assert "kid" not in _header(id_token)

    response = _app_sign_in(client, id_token)

    assert response.status_code == 200, response.content
    assert response.json()["data"]["user"]["email"] == "ada@example.com"


def test_the_browser_callback_takes_an_id_token_without_a_key_id_too(client, oidc_provider):
    oidc_provider.sign_without_kid = True

    client.get(authorize_at_provider(client, "ada"))

    assert _signed_in_email(client) == "ada@example.com"


def _valid_token(oidc_provider) -> str:
    return id_token_from_provider(oidc_provider, "ada")


@pytest.mark.parametrize(
    "make_token",
    [
        lambda token: "not-a-jwt",
        lambda token: "a.b.c",
        lambda token: token.split(".")[0] + "..",
        lambda token: _reheaded(token, kid="no-such-key"),
        lambda token: _reheaded(token, alg=None),
        lambda token: _reheaded(token, alg="none"),
        lambda token: _reheaded(token, alg=["RS256"]),
        lambda token: _reheaded(token, alg="HS256"),
        lambda token: _reheaded(token, kid=None, alg="none"),
        lambda token: ".".join(token.split(".")[:2]) + ".c2lnbmF0dXJl",
    ],
    ids=[
        "not a jwt",
        "three garbage parts",
        "no payload or signature",
        "unknown key id",
        "no algorithm",
        "algorithm none",
        "algorithm not a string",
        "symmetric algorithm",
        "no key id and algorithm none",
        "wrong signature",
    ],
)
def test_an_id_token_that_cannot_be_verified_answers_400_invalid_token(client, oidc_provider, make_token):
    response = _app_sign_in(client, make_token(_valid_token(oidc_provider)))

    assert response.status_code == 400, response.content
    assert [(e["code"], e.get("param")) for e in response.json()["errors"]] == [("invalid_token", "token")]
    assert not User.objects.exists()
