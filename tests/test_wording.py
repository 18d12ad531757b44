"""Words a newcomer trips on: one name per thing across pages, and mail that greets with the site's name."""

import re

import pytest
from django.core import mail

from tests.factories import CheckQuestionFactory, PublishedLessonFactory, UserFactory
from tests.lessons.html import visible_text

pytestmark = pytest.mark.django_db


def test_the_completion_block_is_not_a_second_check_your_understanding(client):
    lesson = CheckQuestionFactory(lesson=PublishedLessonFactory()).lesson
    client.force_login(UserFactory())
    html = client.get(f"/lessons/{lesson.slug}/check").content.decode()
    assert re.search(r"<h2 id=\"lesson-complete-heading\">Quick check</h2>", html)
    assert "Check your understanding</h2>" not in html  # the study guide's own section keeps that name


def test_the_two_factor_page_says_passkeys_as_the_settings_do(client):
    client.force_login(UserFactory())
    text = visible_text(client.get("/accounts/2fa/").content, main_only=False)
    assert "Passkeys" in text
    assert "Security Keys" not in text
    assert "security key" not in text.lower()


def test_emails_greet_with_the_site_s_name_not_the_host(client):
    UserFactory(email="ada@example.com")
    client.post("/accounts/password/reset/", {"email": "ada@example.com"})
    body = mail.outbox[-1].body
    assert body.startswith("Hello from Learn ⚡!")
    assert "Hello from testserver" not in body
    assert "Thank you for using Learn ⚡!" in body


def test_saves_to_browser_says_what_is_saved(client):
    lesson = PublishedLessonFactory()
    html = client.get(lesson.get_absolute_url()).content.decode()
    assert re.search(r'<span class="muted saves-note" title="Opening it marks this lesson as started\.[^"]+">', html)
