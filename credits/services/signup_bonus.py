"""The welcome bonus: paid once per person, when the address they signed up with is known to be theirs.

allauth tells us when that is (credits/signals.py): an address confirmed by its link, a sign-up where verification is
off, or a social sign-up whose provider vouches for the address. Pages never pay it: every GET is read-only.
"""

import hashlib

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q

from accounts.models import User
from credits.models import LedgerEntry, SignupBonus
from credits.services.wallets import entry_append, wallet_locked

SIGNUP_BONUS_KEY = "signup-bonus"
SIGNUP_BONUS_REASON = "Welcome bonus for joining"

# Providers that ignore dots in the local part: j.doe@gmail.com and jdoe@gmail.com are one mailbox.
DOTLESS_DOMAINS = {"gmail.com": "gmail.com", "googlemail.com": "gmail.com"}


def email_normalise(address: str) -> str:
    """One spelling per mailbox: lower-case, no `+tag`, and no dots where the provider ignores them.

    `Alice+farm1@Example.com` and `alice@example.com` are one person here; `a.lice@gmail.com` and `alice@gmail.com`
    too. Other providers' dots are kept: for them the dotted address may be somebody else's.
    """
    local, _, domain = address.strip().lower().rpartition("@")
    local = local.split("+", 1)[0]
    if domain in DOTLESS_DOMAINS:
        local, domain = local.replace(".", ""), DOTLESS_DOMAINS[domain]
    return f"{local}@{domain}"


def erased_address(address: str) -> str:
    """What an erased learner's bonus row keeps of their address: a digest, enough to refuse a second bonus to the
    same mailbox after the account is gone, without keeping the address itself."""
    return "erased:" + hashlib.sha256(email_normalise(address).encode()).hexdigest()


def signup_bonus_grant(*, user: User, email: str = "") -> LedgerEntry | None:
    """Pay the welcome bonus for `email` (default: the user's own), unless this user or this mailbox already had one.

    Returns the new entry, or None when nothing was paid (already paid to this user or address, or no bonus set).
    Safe to call twice and from two sign-ups at once: the wallet lock serialises one user's calls, and the unique
    address refuses the second of two users racing for the same mailbox.
    """
    amount = int(settings.SIGNUP_BONUS)
    if amount <= 0:
        return None
    address = email_normalise(email or user.email)
    with transaction.atomic():
        wallet = wallet_locked(user=user)
        if SignupBonus.objects.filter(Q(user=user) | Q(address=erased_address(address))).exists():
            return None
        try:
            with transaction.atomic():
                SignupBonus.objects.create(user=user, address=address)
        except IntegrityError:
            return None
        return entry_append(
            wallet=wallet,
            amount=amount,
            kind=LedgerEntry.Kind.SIGNUP_BONUS,
            reason=SIGNUP_BONUS_REASON,
            reference="",
            idempotency_key=SIGNUP_BONUS_KEY,
        )
