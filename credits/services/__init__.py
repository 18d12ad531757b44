"""The only code that moves credits: grants, spends, holds, reversals, adjustments and clawbacks.

Every write runs in one transaction that first locks the wallet row (`SELECT ... FOR UPDATE` on PostgreSQL; on
SQLite the IMMEDIATE transaction already serialises writers), then looks up its idempotency key, then checks the
available balance, then appends and updates the cached figures. Because every writer of a wallet takes that lock
before it reads anything, the key look-up and the balance check see everything committed before them: a duplicate
key never reaches the database's unique constraint and no check races with another write.

On PostgreSQL the common writes (a grant, spend, adjustment or clawback, a hold, a capture) first try one statement
that does all of that at once (`one_statement.py`); whatever it cannot settle simply takes the path above.

Import from here (`from credits.services import credits_spend`); the modules inside are split by subject.
"""

from credits.exceptions import (
    CreditsError,
    EntryNotReversible,
    HoldNotOpen,
    IdempotencyConflict,
    InsufficientCredits,
    InvalidCreditsRequest,
    LedgerIsAppendOnly,
    WalletInDebt,
)
from credits.services.entries import credits_adjust, credits_clawback, credits_grant, credits_spend, entry_reverse
from credits.services.erasure import credits_owner_transfer
from credits.services.holds import HOLD_EXPIRED_REASON, hold_capture, hold_place, hold_release, holds_expire
from credits.services.signup_bonus import SIGNUP_BONUS_KEY, SIGNUP_BONUS_REASON, email_normalise, signup_bonus_grant
from credits.services.wallets import wallet_get_or_create

__all__ = [
    "HOLD_EXPIRED_REASON",
    "SIGNUP_BONUS_KEY",
    "SIGNUP_BONUS_REASON",
    "CreditsError",
    "EntryNotReversible",
    "HoldNotOpen",
    "IdempotencyConflict",
    "InsufficientCredits",
    "InvalidCreditsRequest",
    "LedgerIsAppendOnly",
    "WalletInDebt",
    "credits_adjust",
    "credits_clawback",
    "credits_grant",
    "credits_owner_transfer",
    "credits_spend",
    "email_normalise",
    "entry_reverse",
    "hold_capture",
    "hold_place",
    "hold_release",
    "holds_expire",
    "signup_bonus_grant",
    "wallet_get_or_create",
]
