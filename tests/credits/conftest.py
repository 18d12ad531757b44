"""Fixtures for the ledger tests: learners with a wallet of a known balance, reached only through the services."""

import pytest
from django.conf import settings

from credits.models import EntryKind
from credits.services import credits_grant, wallet_get_or_create
from tests.factories import UserFactory


def fund(user, balance: int):
    """Give `user` a wallet holding exactly `balance` (>= the signup bonus) through the services; returns it."""
    wallet = wallet_get_or_create(user=user)
    top_up = balance - wallet.balance
    if top_up:
        credits_grant(
            user=user, amount=top_up, kind=EntryKind.REWARD, reason="Test credits", idempotency_key="test-top-up"
        )
    wallet.refresh_from_db()
    assert wallet.balance == balance
    return wallet


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Factories set a password for every user; the production hasher would make these tests slow for nothing."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def learner(db):
    return UserFactory()


@pytest.fixture
def funded_learner(learner):
    """A learner with ⚡100."""
    fund(learner, 100)
    return learner


postgres_only = pytest.mark.skipif(not settings.IS_POSTGRES, reason="needs PostgreSQL (set DATABASE_URL)")
