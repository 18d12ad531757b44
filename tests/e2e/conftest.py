"""Browser journeys: a live server and Debian's Chromium through Playwright."""

import re

import pytest
from django.core import mail

from tests.factories import DEFAULT_PASSWORD


@pytest.fixture(autouse=True)
def _e2e_database(transactional_db):
    """The live server answers from another thread: tests here need committed data."""


def last_email_link(path_fragment: str) -> str:
    """The path of the last link to `path_fragment` in the emails the app sent."""
    for message in reversed(mail.outbox):
        match = re.search(rf"https?://[^\s/]+([^\s]*{re.escape(path_fragment)}[^\s]*)", message.body)
        if match:
            return match.group(1)
    raise AssertionError(f"No email with a link to {path_fragment}; sent: {[m.subject for m in mail.outbox]}")


def sign_in(page, email: str, password: str = DEFAULT_PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign In", exact=True).click()
