"""factory_boy factories and helpers for credits: learners with a known balance."""

import factory

from tests.accounts.factories import UserFactory


class LearnerWithCreditsFactory(UserFactory):
    """A verified learner whose wallet holds exactly `credits` ⚡ (default 100), with a ledger the audit accepts.

    `LearnerWithCreditsFactory(credits=30)`; with `signup_bonus=True` the wallet starts with the welcome bonus. The
    difference is one reward or one spend entry ("Test credits"), so balances and statements stay consistent.
    """

    @factory.post_generation
    def credits(obj, create, extracted, **kwargs):  # noqa: N805 - factory_boy's post-generation signature
        if not create:
            return
        wallet_fund(obj, 100 if extracted is None else extracted)


def wallet_fund(user, balance: int):
    """Give `user` a wallet holding exactly `balance` ⚡, through the ledger's services only; returns the wallet.

    The difference from what the wallet holds (nothing, or the welcome bonus) is one reward or one spend entry, so
    balances, statements and `audit_ledger` stay consistent.
    """
    from credits.models import EntryKind  # imported late: factories for accounts load before the credits app
    from credits.services import credits_grant, credits_spend, wallet_get_or_create

    wallet = wallet_get_or_create(user=user)
    difference = balance - wallet.balance
    reason, key = "Test credits", "test-credits"
    if difference > 0:
        credits_grant(user=user, amount=difference, kind=EntryKind.REWARD, reason=reason, idempotency_key=key)
    elif difference < 0:
        credits_spend(user=user, amount=-difference, reason=reason, idempotency_key=key)
    wallet.refresh_from_db()
    assert wallet.balance == balance
    return wallet
