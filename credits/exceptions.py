"""What can go wrong when credits move; callers turn these into a message or an HTTP status."""

# The names say what happened (InsufficientCredits, HoldNotOpen) and are the contract other apps import.
# ruff: noqa: N818


class CreditsError(Exception):
    """Base class of every credits error."""

    # The HTTP status the API answers it with (api/errors.py); None: no caller's doing, a server error.
    http_status: int | None = None


class InvalidCreditsRequest(CreditsError, ValueError):
    """The arguments themselves are wrong (a zero amount, an empty reason or key): a bug in the caller."""


def not_enough_credits(*, available: int, required: int) -> str:
    """The one wording of "not enough credits", for every page, message and API answer that says it."""
    return f"Not enough credits: ⚡{max(available, 0)} available, ⚡{required} needed."


class InsufficientCredits(CreditsError):
    """The wallet's available balance (balance − open holds) is below what the caller asked for."""

    http_status = 402

    def __init__(self, *, available: int, required: int, message: str | None = None) -> None:
        self.available = available
        self.required = required
        super().__init__(message or not_enough_credits(available=available, required=required))


class WalletInDebt(InsufficientCredits):
    """The available balance is below zero after a clawback: nothing can be spent until it is repaid."""

    def __init__(self, *, available: int, required: int) -> None:
        super().__init__(
            available=available,
            required=required,
            message=f"Spending is paused: your available balance is ⚡{available} after credits were taken back "
            f"for a refunded or disputed payment. ⚡{required} needed.",
        )


class IdempotencyConflict(CreditsError):
    """An idempotency key was used again with different arguments: the caller is confusing two operations."""

    http_status = 409


class HoldNotOpen(CreditsError):
    """The hold was already settled the other way (capturing a released hold, or releasing a captured one)."""


class EntryNotReversible(CreditsError):
    """The entry is already reversed, or is itself a reversal: a further fix is an adjustment."""


class LedgerIsAppendOnly(CreditsError):
    """Someone tried to change or delete a ledger entry; mistakes are fixed with a new, reversing entry."""
