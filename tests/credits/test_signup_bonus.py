"""The welcome bonus: paid once per person, when allauth knows the address is theirs, and never by a page view."""

import importlib
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
from tests.oidc_provider.server import authorize_at_provider

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
        ('"farm"@example.com', "farm@example.com"),
        ('"f\\arm"@example.com', "farm@example.com"),
        ('"Farm+tag"@Example.com', "farm@example.com"),
        ('"f.arm"@gmail.com', "farm@gmail.com"),
        ('"\\"farm\\""@example.com', "farm@example.com"),
        ('"\\"farm\\"+x"@example.com', "farm@example.com"),
        ("farm@bücher.example", "farm@xn--bcher-kva.example"),
        ("farm@BÜCHER.example", "farm@xn--bcher-kva.example"),
        ("farm@XN--BCHER-KVA.example", "farm@xn--bcher-kva.example"),
        ("farm@ｂücher.example", "farm@xn--bcher-kva.example"),
        ("farm@example.com.", "farm@example.com"),
    ],
)
def test_an_address_is_normalised_to_one_spelling_per_mailbox(address, normalised):
    assert email_normalise(address) == normalised
    assert email_normalise(normalised) == normalised  # the erased rows' digests rely on a second pass changing nothing


@pytest.mark.parametrize(
    ("paid", "again"),
    [
        ("farm@example.com", '"farm"@example.com'),
        ("farm@example.com", '"f\\arm"@example.com'),
        ('"farm"@example.com', "farm@example.com"),
        ("farm@bücher.example", "farm@xn--bcher-kva.example"),
        ("farm@xn--bcher-kva.example", "farm@bücher.example"),
    ],
)
def test_another_spelling_of_a_paid_mailbox_gets_no_second_bonus(client, settings, paid, again):
    settings.ACCOUNT_EMAIL_VERIFICATION = "none"
    first = sign_up(client, paid)
    client.logout()

    second = sign_up(client, again)

    assert first != second
    assert bonus_entries(first) == [settings.SIGNUP_BONUS]
    assert bonus_entries(second) == []
    assert list(SignupBonus.objects.values_list("address", flat=True)) == [email_normalise(again)]


def test_a_mailbox_whose_ascii_spelling_outgrows_the_column_is_paid_once(client, settings):
    # 97 characters as typed, 277 once IDNA spells the domain: the key must still fit (PostgreSQL enforces it).
    settings.ACCOUNT_EMAIL_VERIFICATION = "none"
    label = "".join(chr(0x4E00 + 397 * n) for n in range(16))  # 16 CJK ideographs, 52 characters in IDNA
    domain = ".".join([label] * 5) + ".example"
    first = sign_up(client, f"farm@{domain}")
    client.logout()
    second = sign_up(client, f'"farm"@{domain}')

    assert len(email_normalise(first.email)) > 254
    assert bonus_entries(first) == [settings.SIGNUP_BONUS]
    assert bonus_entries(second) == []


@pytest.mark.parametrize(
    ("paid", "again"),
    [("farm@example.com", '"farm"@example.com'), ("farm@bücher.example", "farm@xn--bcher-kva.example")],
)
def test_a_social_sign_up_with_another_spelling_of_a_paid_mailbox_gets_no_second_bonus(
    client, oidc_provider, paid, again
):
    first = UserFactory(email=paid, signup_bonus=True)  # verified, so paid
    assert bonus_entries(first) == [60]
    oidc_provider.user_set("farmer", {"email": again, "email_verified": True})

    client.get(authorize_at_provider(client, "farmer"))

    second = User.objects.get(socialaccount__uid="farmer")
    assert second != first
    assert EmailAddress.objects.get(user=second).verified is True  # vouched for: the bonus was due but for the rule
    assert bonus_entries(second) == []


def test_the_migration_moves_paid_rows_to_their_canonical_spelling_without_colliding():
    from django.apps import apps

    migration = importlib.import_module("credits.migrations.0008_signup_bonus_addresses_canonical")
    rows = {
        "quoted, alone": '"solo"@example.com',
        "quoted, its mailbox also paid plainly": '"farm"@example.com',
        "plain": "farm@example.com",
        "unicode domain": "farm@bücher.example",
        "erased": "erased:" + "0" * 64,
    }
    users = {name: UserFactory(verified=False) for name in rows}
    for name, address in rows.items():
        SignupBonus.objects.create(user=users[name], address=address)

    for _ in range(2):  # a second run changes nothing
        migration.addresses_canonicalise(apps, None)
        stored = {name: SignupBonus.objects.get(user=users[name]).address for name in rows}
        assert stored == {
            "quoted, alone": "solo@example.com",
            "quoted, its mailbox also paid plainly": '"farm"@example.com',  # still refuses that spelling
            "plain": "farm@example.com",
            "unicode domain": "farm@xn--bcher-kva.example",
            "erased": "erased:" + "0" * 64,
        }
    assert LedgerEntry.objects.count() == 0  # bonus rows only: no money moved


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
