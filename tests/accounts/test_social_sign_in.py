"""Social sign-in over real HTTP against a local OpenID Connect provider: PKCE, state, id token checks, email rules."""

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount

from accounts.models import User
from tests.factories import UserFactory
from tests.oidc_provider.server import PROVIDER_ID, PROVIDER_NAME, authorize_at_provider, forge_email, s256

pytestmark = pytest.mark.django_db


def _signed_in_email(client) -> str | None:
    session = client.get("/_allauth/browser/v1/auth/session")
    return session.json()["data"]["user"]["email"] if session.status_code == 200 else None


def test_the_sign_in_and_sign_up_pages_show_a_button_per_enabled_provider(client, oidc_provider):
    for page in ("/accounts/login/", "/accounts/signup/"):
        html = client.get(page).content.decode()
        assert f'href="/accounts/oidc/{PROVIDER_ID}/login/?process=login"' in html
        assert PROVIDER_NAME in html


def test_no_provider_button_shows_when_no_provider_is_configured(client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {}
    html = client.get("/accounts/login/").content.decode()
    assert "/accounts/oidc/" not in html
    assert "/accounts/google/" not in html


def test_the_headless_config_lists_the_enabled_providers_for_app_clients(client, oidc_provider):
    config = client.get("/_allauth/app/v1/config").json()["data"]
    providers = config["socialaccount"]["providers"]
    assert [(p["id"], p["name"]) for p in providers] == [(PROVIDER_ID, PROVIDER_NAME)]


def test_a_new_learner_signs_up_with_pkce_and_gets_a_verified_address(client, oidc_provider):
    response = client.get(authorize_at_provider(client, "ada"))

    assert response.status_code == 302
    assert _signed_in_email(client) == "ada@example.com"
    user = User.objects.get(email="ada@example.com")
    assert EmailAddress.objects.get(user=user).verified is True
    assert SocialAccount.objects.get(user=user).uid == "ada"
    assert not user.has_usable_password()
    challenge = oidc_provider.authorize_requests[-1]
    assert challenge["code_challenge_method"] == "S256"
    assert s256(oidc_provider.token_requests[-1]["code_verifier"]) == challenge["code_challenge"]


def test_a_callback_whose_state_is_not_the_one_sent_signs_nobody_in(client, oidc_provider):
    callback = authorize_at_provider(client, "ada")
    path, query = callback.split("?")
    tampered = "&".join(part if not part.startswith("state=") else "state=forged-state" for part in query.split("&"))

    response = client.get(f"{path}?{tampered}")

    assert response.status_code == 401
    assert "Third-Party Login Failure" in response.content.decode()
    assert _signed_in_email(client) is None
    assert not User.objects.filter(email="ada@example.com").exists()
    assert oidc_provider.token_requests == []  # the code was never even exchanged


def test_an_id_token_altered_after_signing_is_refused(client, oidc_provider):
    oidc_provider.rewrite_id_token = lambda token: forge_email(token, "someone-else@example.com")

    response = client.get(authorize_at_provider(client, "ada"))

    assert response.status_code == 401
    assert "Third-Party Login Failure" in response.content.decode()
    assert _signed_in_email(client) is None
    assert not User.objects.exists()


def test_a_verified_provider_address_signs_in_to_the_account_that_owns_it_and_connects(client, oidc_provider):
    owner = UserFactory(email="victim@example.com")

    client.get(authorize_at_provider(client, "victim"))

    assert _signed_in_email(client) == "victim@example.com"
    assert SocialAccount.objects.get(uid="victim").user == owner
    assert User.objects.count() == 1


def test_an_unverified_provider_address_never_reaches_the_account_that_owns_it(client, oidc_provider):
    owner = UserFactory(email="victim@example.com")

    client.get(authorize_at_provider(client, "mallory"))

    assert _signed_in_email(client) is None
    assert not SocialAccount.objects.filter(user=owner).exists()
    owner.refresh_from_db()
    assert owner.has_usable_password()


def test_a_learner_cannot_disconnect_the_only_way_to_sign_in(client, oidc_provider):
    client.get(authorize_at_provider(client, "ada"))
    account = SocialAccount.objects.get(uid="ada")

    response = client.post("/accounts/3rdparty/", {"account": account.pk})

    assert SocialAccount.objects.filter(pk=account.pk).exists()
    assert "Your account has no password set up." in response.content.decode()


def test_a_learner_with_a_password_may_disconnect_a_provider(client, oidc_provider):
    owner = UserFactory(email="victim@example.com")
    client.get(authorize_at_provider(client, "victim"))
    account = SocialAccount.objects.get(user=owner)

    response = client.post("/accounts/3rdparty/", {"account": account.pk})

    assert response.status_code == 302
    assert not SocialAccount.objects.filter(pk=account.pk).exists()


def test_a_signed_in_learner_connects_a_provider_from_settings(client, oidc_provider):
    learner = UserFactory()
    client.force_login(learner)

    client.get(authorize_at_provider(client, "ada", process="connect"))

    assert SocialAccount.objects.get(uid="ada").user == learner
    assert not User.objects.filter(email="ada@example.com").exists()
