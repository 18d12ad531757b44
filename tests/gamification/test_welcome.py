"""The first-visit welcome says what ⚡ is and why the learner has what they have; closed once, it stays closed, and a
cached page never shows it to the wrong learner nor after it was closed. The statement says it too."""

import re

import pytest
from django.test import Client

from credits.models import SignupBonus
from credits.services import credits_spend, signup_bonus_grant
from gamification.services import welcome_dismiss
from privacy.services import account_erase
from tests.factories import UserFactory
from tests.lessons.html import visible_text

pytestmark = pytest.mark.django_db


def page_text(client: Client, url: str = "/credits/") -> str:
    response = client.get(url)
    assert response.status_code == 200
    # The figure sits in an element of its own (the header's live update swaps it), which the reader of visible
    # text spaces apart from its ⚡; a browser shows "⚡60".
    return re.sub(r"⚡ (\d)", r"⚡\1", visible_text(response.content, main_only=False))


@pytest.fixture
def newcomer():
    learner = UserFactory(email="ada@example.com")
    signup_bonus_grant(user=learner)
    return learner


def test_a_new_learner_is_welcomed_with_what_their_60_credits_are_for(client, newcomer):
    client.force_login(newcomer)
    text = page_text(client, "/")
    assert "You have ⚡60 to spend. Your welcome bonus of ⚡60 has been paid in." in text
    assert "⚡ unlocks a lesson's AI tutor explanation (⚡30 on most lessons)" in text


def test_a_closed_welcome_stays_closed_on_cached_pages_and_at_the_next_sign_in(client, newcomer):
    client.force_login(newcomer)
    assert "Welcome" in page_text(client, "/credits/")
    assert "Welcome" in page_text(client, "/credits/")  # now the learner's cached copy

    closed = client.post("/me/welcome", {"next": "/credits/"})
    assert closed.status_code == 302
    assert closed["Location"] == "/credits/"

    assert "Got it" not in page_text(client, "/credits/")
    elsewhere = Client()
    elsewhere.force_login(newcomer)
    assert "Got it" not in page_text(elsewhere, "/")


def test_closing_it_with_htmx_answers_nothing_to_swap_in_but_the_header_balance(client, newcomer):
    client.force_login(newcomer)
    response = client.post("/me/welcome", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert visible_text(response.content, main_only=False) == "60"  # only the header's out-of-band ⚡


def test_one_learner_s_welcome_is_never_shown_to_another(newcomer):
    other = UserFactory()
    welcome_dismiss(user=other)
    first, second = Client(), Client()
    first.force_login(newcomer)
    second.force_login(other)
    for _ in range(2):  # the second round comes from each learner's cached copy
        assert "Got it" in page_text(first)
        assert "Got it" not in page_text(second)


def test_an_address_that_had_its_bonus_on_an_erased_account_is_told_why_it_has_none(client):
    account_erase(user=UserFactory(email="grace@example.com", signup_bonus=True))  # had its ⚡60, then left
    again = UserFactory(email="Grace+again@example.com")  # the same mailbox signs up again
    assert not SignupBonus.objects.filter(user=again).exists()
    client.force_login(again)

    text = page_text(client)
    assert "You have ⚡0 to spend. There is no welcome bonus on this account" in text
    assert (
        "No welcome bonus on this account: it is paid once per email address, and this address already had it on an "
        "earlier account." in text
    )


def test_the_statement_says_what_credits_are_for_and_where_the_first_came_from(client, newcomer):
    client.force_login(newcomer)
    text = page_text(client)
    assert "What ⚡ is for" in text
    assert "3 free per lesson, then ⚡5 each" in text
    assert "Your first ⚡60 were a welcome bonus for joining." in text


def test_the_welcome_figure_follows_the_balance_and_htmx_updates_it_with_the_header(client, newcomer):
    credits_spend(user=newcomer, amount=30, reason="An unlock", reference="test", idempotency_key="welcome-spend")
    client.force_login(newcomer)
    text = page_text(client, "/")
    assert "You have ⚡30 to spend. Your welcome bonus of ⚡60 has been paid in." in text
    # The header's out-of-band swap targets every [data-balance]: the welcome's figure is one of them.
    html = client.get("/").content.decode()
    welcome = html[html.index('id="welcome"') : html.index("</section>", html.index('id="welcome"'))]
    assert "<span data-balance>30</span>" in welcome
