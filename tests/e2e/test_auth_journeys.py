"""Sign-up with email verification, sign-in, a wrong password, password reset, and the admin refusing non-staff."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import last_email_link, sign_in
from tests.factories import UserFactory

pytestmark = pytest.mark.e2e


def test_a_visitor_signs_up_verifies_the_email_and_is_signed_in(page):
    page.goto("/")
    page.get_by_role("link", name="Sign up").click()
    page.get_by_label("Email").fill("newcomer@example.com")
    page.get_by_label("Password").fill("a-long-password-123")
    page.get_by_label("Display name").fill("Newcomer")
    page.get_by_role("button", name="Sign Up").click()
    expect(page.get_by_role("heading", name="Verify Your Email Address")).to_be_visible()

    page.goto(last_email_link("/accounts/confirm-email/"))
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_text("You have confirmed newcomer@example.com.")).to_be_visible()
    menu = page.get_by_label("Account menu for Newcomer")
    expect(menu).to_be_visible()

    menu.click()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()


def test_a_learner_signs_in_and_out(page):
    user = UserFactory(display_name="Grace")
    sign_in(page, user.email)
    summary = page.locator("details.menu summary")
    expect(summary).to_have_text("Grace")
    summary.click()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()


def test_a_wrong_password_says_so_and_signs_nobody_in(page):
    user = UserFactory()
    sign_in(page, user.email, password="not-my-password")
    expect(page.get_by_text("The email address and/or password you specified are not correct.")).to_be_visible()
    expect(page.locator("details.menu")).to_have_count(0)


def test_a_learner_resets_a_forgotten_password_and_signs_in_with_the_new_one(page):
    user = UserFactory()
    page.goto("/accounts/login/")
    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_label("Email").fill(user.email)
    page.get_by_role("button", name="Reset My Password").click()
    expect(page.get_by_role("heading", name="Password Reset")).to_be_visible()

    page.goto(last_email_link("/accounts/password/reset/key/"))
    page.get_by_label("New Password:", exact=True).fill("brand-new-secret-987")
    page.get_by_label("New Password (again):").fill("brand-new-secret-987")
    page.get_by_role("button", name="Change Password").click()
    expect(page.get_by_text("Your password is now changed.")).to_be_visible()

    sign_in(page, user.email, password="brand-new-secret-987")
    expect(page.locator("details.menu")).to_have_count(1)


def test_the_admin_refuses_a_signed_in_learner_who_is_not_staff(page):
    user = UserFactory()
    sign_in(page, user.email)
    expect(page.locator("details.menu")).to_have_count(1)
    response = page.goto("/admin/")
    assert response.status == 403
    expect(page.get_by_text("Django administration")).to_have_count(0)


def test_the_admin_sends_visitors_to_the_allauth_sign_in(page):
    page.goto("/admin/")
    assert "/accounts/login/" in page.url
    expect(page.get_by_role("button", name="Sign In", exact=True)).to_be_visible()
