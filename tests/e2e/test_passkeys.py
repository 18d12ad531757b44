"""Passkeys in Chromium with a virtual authenticator (Chrome DevTools Protocol): add one in settings, sign out, sign in
with it alone, and use it as the second factor after a password."""

import pytest
from allauth.mfa.models import Authenticator
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.e2e


@pytest.fixture
def authenticator(page):
    """A platform authenticator that holds passkeys and verifies the user (like a fingerprint), with no prompt."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    options = {
        "protocol": "ctap2",
        "transport": "internal",
        "hasResidentKey": True,
        "hasUserVerification": True,
        "isUserVerified": True,
        "automaticPresenceSimulation": True,
    }
    found = cdp.send("WebAuthn.addVirtualAuthenticator", {"options": options})
    yield cdp, found["authenticatorId"]
    cdp.send("WebAuthn.disable")


def sign_out(page) -> None:
    page.locator("details.menu summary").click()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()


def test_a_learner_adds_a_passkey_and_signs_in_with_it_alone_or_as_a_second_factor(page, authenticator):
    cdp, authenticator_id = authenticator
    user = UserFactory(display_name="Grace")
    sign_in(page, user.email)
    expect(page.locator("details.menu summary")).to_have_text("Grace")

    page.goto("/accounts/settings/")
    page.get_by_role("link", name="Passkeys and two-factor authentication").click()
    expect(page.get_by_role("heading", name="Two-Factor Authentication")).to_be_visible()
    page.goto("/accounts/2fa/webauthn/add/")
    # allauth asks for the password again before a new way to sign in is added.
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    page.get_by_label("Name").fill("Laptop")
    page.get_by_label("Passwordless").check()
    page.get_by_role("button", name="Add").click()
    expect(page.get_by_text("Recovery Codes").first).to_be_visible()
    passkey = Authenticator.objects.get(user=user, type=Authenticator.Type.WEBAUTHN)
    assert passkey.wrap().name == "Laptop"
    assert len(cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})["credentials"]) == 1

    sign_out(page)
    page.goto("/accounts/login/")
    page.get_by_role("button", name="Sign in with a passkey").click()
    expect(page.locator("details.menu summary")).to_have_text("Grace")

    sign_out(page)
    sign_in(page, user.email)
    page.get_by_role("button", name="Use a security key").click()
    expect(page.locator("details.menu summary")).to_have_text("Grace")
