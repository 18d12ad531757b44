"""Display names: defaults reveal no id, and nobody may pass for another learner's default name or hide text."""

import re

import pytest
from django.core.exceptions import ValidationError

from accounts.models import User
from accounts.services import user_profile_update
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

REFUSED = [
    "Learner #2",
    "learner #17",
    "LEARNER 2",
    "Ｌｅａｒｎｅｒ　＃２",  # full-width
    "Learner 7KQ3PX",
    "Eve\u202egnp.exe",  # right-to-left override
    "Zero\u200bwidth",
    "Bell\x07",
    # Look-alike letters from other scripts and combining marks (compared through a confusables skeleton)
    "L\u0435arner 7KQ3PX",  # Cyrillic е
    "Learner 7\u039aQ3P\u03a7",  # Greek Κ and Χ
    "L\u0332e\u0301arner 7KQ3PX",  # combining low line and acute
    "\u13deearner #2",  # Cherokee Ꮮ
    "Leamer 7KQ3PX",  # rn and m
    "Learner lO",  # letters for digits
    # Names that pass for an address or for the site's own staff
    "learner@example.com",
    "l\u0435arner\uff20example.com",  # Cyrillic е, full-width @
    "Curator",
    "CURATOR",
    "\u0421urator",  # Cyrillic С
    "Cu\u0301rator",
    "Admin",
    "Support",
]


def test_a_default_name_reveals_no_id_and_is_stable():
    first, second = UserFactory(display_name=""), UserFactory(display_name="")
    for user in (first, second):
        assert re.fullmatch(r"Learner [2-9A-Z]{6}", user.public_name)
        assert f"#{user.pk}" not in user.public_name
        assert User.objects.get(pk=user.pk).public_name == user.public_name
    assert first.public_name != second.public_name


@pytest.mark.parametrize("name", REFUSED)
def test_names_that_pass_for_a_default_name_or_hide_text_are_refused_on_the_settings_page(client, name):
    user = UserFactory(display_name="Grace")
    client.force_login(user)
    response = client.post("/accounts/settings/", {"display_name": name, "time_zone": "UTC"})
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.display_name == "Grace"


@pytest.mark.parametrize("name", REFUSED)
def test_the_service_refuses_them_too(name):
    with pytest.raises(ValidationError):
        user_profile_update(user=UserFactory(), display_name=name, time_zone="UTC")


@pytest.mark.parametrize(
    "name",
    [
        "Grace",
        "Learner of things",
        "Ada Lovelace",
        "Learnerbot 9000",
        "سارة",
        "Дмитрий",
        "Κώστας",
        "José",
        "Curator of rocks",
        "Leamer",
        "Mia @ home",
    ],
)
def test_ordinary_names_are_kept(name):
    user = user_profile_update(user=UserFactory(), display_name=name, time_zone="UTC")
    assert user.display_name == name


def test_sign_up_refuses_a_default_looking_name(client):
    response = client.post(
        "/accounts/signup/",
        {"email": "new@example.com", "password1": "a-long-unusual-pass-42", "display_name": "Learner #1"},
    )
    assert response.status_code == 200
    assert not User.objects.filter(email="new@example.com").exists()
