"""Fixtures for the ledger tests: learners with a wallet of a known balance, reached only through the services."""

import pytest

from tests.factories import UserFactory
from tests.factories import wallet_fund as fund  # the name these tests use


@pytest.fixture
def learner(db):
    return UserFactory(signup_bonus=True)


@pytest.fixture
def funded_learner(learner):
    """A learner with ⚡100."""
    fund(learner, 100)
    return learner


def assert_spent_once(user, *, balance: int) -> None:
    """The learner's wallet holds one spend entry, `balance` is left, and the ledger audit finds nothing wrong."""
    from credits.models import EntryKind, LedgerEntry
    from credits.selectors import ledger_audit, wallet_summary

    assert LedgerEntry.objects.filter(wallet__user=user, kind=EntryKind.SPEND).count() == 1
    assert wallet_summary(user=user).balance == balance
    assert ledger_audit() == []
