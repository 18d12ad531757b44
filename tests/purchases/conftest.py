"""Fixtures for the purchases tests: a learner with the welcome bonus (the local Stripe comes from
tests/stripe_fake/plugin.py)."""

import pytest

from tests.factories import UserFactory


@pytest.fixture
def learner(db):
    return UserFactory(signup_bonus=True)
