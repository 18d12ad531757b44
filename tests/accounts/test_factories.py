"""The test factories: a learner gets the welcome bonus only when the test asks for it."""

import pytest
from django.conf import settings

from credits.models import EntryKind, LedgerEntry
from tests import factories
from tests.accounts.factories import UserFactory
from tests.credits.factories import LearnerWithCreditsFactory

pytestmark = pytest.mark.django_db


def test_a_learner_from_the_factory_has_no_credits_unless_the_test_gives_them():
    learner = UserFactory()
    assert not LedgerEntry.objects.filter(wallet__user=learner).exists()


def test_the_signup_bonus_trait_pays_the_welcome_bonus_once():
    learner = UserFactory(signup_bonus=True)
    entries = LedgerEntry.objects.filter(wallet__user=learner)
    assert [(entry.kind, entry.amount) for entry in entries] == [(EntryKind.SIGNUP_BONUS, settings.SIGNUP_BONUS)]


def test_a_funded_learner_s_ledger_holds_only_the_funding_unless_asked_for_the_bonus():
    funded = LearnerWithCreditsFactory(credits=100)
    assert [e.kind for e in LedgerEntry.objects.filter(wallet__user=funded)] == [EntryKind.REWARD]
    with_bonus = LearnerWithCreditsFactory(credits=100, signup_bonus=True)
    kinds = LedgerEntry.objects.filter(wallet__user=with_bonus).order_by("pk").values_list("kind", flat=True)
    assert list(kinds) == [EntryKind.SIGNUP_BONUS, EntryKind.REWARD]


def test_the_shared_module_re_exports_every_app_s_factories():
    assert factories.UserFactory is UserFactory
    assert factories.LearnerWithCreditsFactory is LearnerWithCreditsFactory
    assert set(factories.__all__) <= set(dir(factories))
