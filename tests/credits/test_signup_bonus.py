"""The welcome bonus: paid once per person, when allauth knows the address is theirs, and never by a page view."""

import re

import pytest
from allauth.account.models import EmailAddress
from allauth.account.signals import user_signed_up
from django.core import mail
from django.test import RequestFactory

from accounts.models import User
from credits.models import LedgerEntry, SignupBonus, Wallet
from credits.selectors import wallet_summary
from credits.services import email_normalise, signup_bonus_grant
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def sign_up(client, email: str) -> User:
    response = client.post("/accounts/signup/", {"email": email, "password1": "a-long-password-123"})
    assert response.status_code == 302
    return User.objects.get(email__iexact=email)


def confirm_last_email(client) -> None:
    link = re.search(r"https?://[^\s]+/accounts/confirm-email/[^\s]+/", mail.outbox[-1].body).group(0)
    assert client.post("/" + link.split("://", 1)[1].split("/", 1)[1]).status_code == 302


def bonus_entries(user: User) -> list[int]:
    return list(LedgerEntry.objects.filter(wallet__user=user, kind="signup_bonus").values_list("amount", flat=True))


@pytest.mark.parametrize(
    ("address", "normalised"),
    [
        ("Alice@Example.com", "alice@example.com"),
        ("alice+farm1@example.com", "alice@example.com"),
        ("a.lice+x@GoogleMail.com", "alice@gmail.com"),
        ("a.lice@example.com", "a.lice@example.com"),  # only providers known to ignore dots lose them
    ],
)
def test_an_address_is_normalised_to_one_spelling_per_mailbox(address, normalised):
    assert email_normalise(address) == normalised


def test_signing_up_pays_nothing_until_the_address_is_confirmed_then_pays_once(client, settings):
    settings.SIGNUP_BONUS = 60
    user = sign_up(client, "new@example.com")
    assert not Wallet.objects.filter(user=user).exists()

    confirm_last_email(client)

    assert bonus_entries(user) == [60]
    assert SignupBonus.objects.get(user=user).address == "new@example.com"
    assert signup_bonus_grant(user=user) is None  # a second confirmation, or a replayed signal, pays nothing
    assert bonus_entries(user) == [60]


def test_a_plus_tagged_copy_of_a_paid_address_gets_no_second_bonus(client):
    UserFactory(signup_bonus=True, email="alice@example.com")
    farmer = sign_up(client, "Alice+farm1@example.com")

    confirm_last_email(client)

    assert bonus_entries(farmer) == []
    assert wallet_summary(user=farmer).balance == 0


def test_with_verification_off_the_sign_up_itself_pays_the_bonus(client, settings):
    settings.ACCOUNT_EMAIL_VERIFICATION = "none"
    user = sign_up(client, "quick@example.com")
    assert bonus_entries(user) == [settings.SIGNUP_BONUS]


def test_a_social_sign_up_whose_provider_verified_the_address_is_paid_at_once():
    # allauth saves the provider's verified addresses before it sends user_signed_up with the sociallogin.
    user = UserFactory(verified=False, email="social@example.com")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    user_signed_up.send(sender=User, request=RequestFactory().get("/"), user=user, sociallogin=object())
    assert bonus_entries(user) == [60]


def test_a_sign_up_whose_address_is_not_verified_yet_is_not_paid():
    user = UserFactory(verified=False)
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)
    user_signed_up.send(sender=User, request=RequestFactory().get("/"), user=user)
    assert not Wallet.objects.filter(user=user).exists()


def test_with_no_bonus_configured_confirming_pays_nothing(client, settings):
    settings.SIGNUP_BONUS = 0
    user = sign_up(client, "zero@example.com")
    confirm_last_email(client)
    assert bonus_entries(user) == []
