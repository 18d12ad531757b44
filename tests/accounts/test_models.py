import pytest
from django.db import IntegrityError

from accounts.models import User
from tests.factories import UserFactory


@pytest.mark.django_db
def test_users_sign_in_with_their_email_and_have_no_username():
    user = User.objects.create_user(email="Ada@Example.COM", password="pw-123456789")
    assert user.email == "Ada@example.com"
    assert User.USERNAME_FIELD == "email"
    assert not hasattr(user, "username") or user.username is None
    assert user.check_password("pw-123456789")


@pytest.mark.django_db
def test_two_accounts_cannot_share_an_email_in_any_letter_case():
    User.objects.create_user(email="ada@example.com", password="x")
    with pytest.raises(IntegrityError):
        User.objects.create_user(email="ADA@example.com", password="x")


@pytest.mark.django_db
def test_public_name_never_reveals_the_email():
    anonymous = UserFactory(display_name="")
    named = UserFactory(display_name="Grace")
    assert named.public_name == "Grace"
    assert anonymous.email not in anonymous.public_name
    assert anonymous.public_name != f"Learner #{anonymous.pk}"
    assert anonymous.public_name.startswith("Learner ")


@pytest.mark.django_db
def test_superusers_are_staff():
    admin = User.objects.create_superuser(email="boss@example.com", password="x")
    assert admin.is_staff
    assert admin.is_superuser
