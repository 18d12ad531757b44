"""Every provider's verified flag is decided strictly, not only OpenID Connect's: Google's and GitHub's answers read
through allauth's own providers (the answers are what their APIs return; nothing leaves the process)."""

import pytest
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.github.provider import GitHubProvider
from allauth.socialaccount.providers.google.provider import GoogleProvider

from accounts.verified_claims import claim_is_true

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("value", "expected"),
    [(True, True), ("true", True), ("TRUE", True), ("True", True)]
    + [(v, False) for v in (False, "false", "False", "", " true", "1", 1, "yes", None, [], {"v": True})],
    ids=repr,
)
def test_only_true_or_the_string_true_counts_as_a_yes(value, expected):
    assert claim_is_true(value) is expected


def _addresses(provider_class, data, rf):
    request = rf.get("/")
    provider = provider_class(request, app=SocialApp(provider=provider_class.id, client_id="client"))
    return {a.email: a.verified for a in provider.sociallogin_from_response(request, data).email_addresses}


@pytest.mark.parametrize(("claim", "verified"), [(True, True), ("true", True), ("false", False), (False, False)])
def test_google_addresses_are_verified_only_when_the_claim_says_true(rf, claim, verified):
    # allauth's Google provider bool()s the claim: the string "false" would otherwise count as verified.
    for name in ("email_verified", "verified_email"):
        data = {"sub": "g-1", "email": "someone@example.com", name: claim}
        assert _addresses(GoogleProvider, data, rf) == {"someone@example.com": verified}


def test_github_addresses_are_verified_only_when_their_flag_says_true(rf):
    data = {
        "id": 7,
        "login": "someone",
        "emails": [
            {"email": "a@example.com", "primary": True, "verified": True},
            {"email": "b@example.com", "primary": False, "verified": "false"},
            {"email": "c@example.com", "primary": False, "verified": "true"},
        ],
    }
    assert _addresses(GitHubProvider, data, rf) == {
        "a@example.com": True,
        "b@example.com": False,
        "c@example.com": True,
    }
