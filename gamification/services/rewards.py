"""Paying ⚡ earned in the game: one ledger grant of kind "reward", noted among the action's gains."""

from accounts.models import User
from credits.models import LedgerEntry
from credits.services import credits_grant
from gamification.services.gains import Gains


def reward_pay(
    *, user: User, amount: int, reason: str, reference: str, idempotency_key: str, gains: Gains | None, said: str
) -> None:
    """Grant `amount` ⚡ through the ledger (safe to replay: the key pays once) and add it to `gains` as `said`."""
    credits_grant(
        user=user,
        amount=amount,
        kind=LedgerEntry.Kind.REWARD,
        reason=reason,
        reference=reference,
        idempotency_key=idempotency_key,
    )
    if gains is not None:
        gains.add_credits(amount, said)
