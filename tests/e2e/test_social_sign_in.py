"""Social sign-in in a real browser: authorization code flow with PKCE against a local OpenID Connect provider."""

import pytest
from allauth.account.models import EmailAddress
from playwright.sync_api import expect

from credits.selectors import wallet_summary
from tests.oidc_provider.server import PROVIDER_NAME, s256

pytestmark = pytest.mark.e2e


def test_a_visitor_signs_up_with_an_openid_connect_provider_and_lands_signed_in_with_the_bonus(
    page, oidc_provider, settings
):
    page.goto("/accounts/login/")
    page.get_by_role("link", name=PROVIDER_NAME).click()
    page.get_by_role("button", name="Continue").click()

    # The provider's own page: approve as Ada, whom it knows with a verified address.
    expect(page.get_by_role("heading", name="Authorize Client")).to_be_visible()
    page.get_by_role("button", name="ada", exact=True).click()

    expect(page.get_by_label("Account menu for", exact=False)).to_be_visible()
    # The welcome bonus: today the wallet (and its bonus) is created on first need for any signed-in learner.
    expect(page.locator("header [data-balance]").first).to_have_text(str(settings.SIGNUP_BONUS))
    ada = EmailAddress.objects.get(email="ada@example.com")
    assert ada.verified is True
    assert wallet_summary(user=ada.user).balance == settings.SIGNUP_BONUS
    challenge = oidc_provider.authorize_requests[0]
    assert challenge["code_challenge_method"] == "S256"
    assert s256(oidc_provider.token_requests[0]["code_verifier"]) == challenge["code_challenge"]
