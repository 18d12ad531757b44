"""The welcome bonus: paid once per person, when the address they signed up with is known to be theirs.

allauth tells us when that is (credits/signals.py): an address confirmed by its link, a sign-up where verification is
off, or a social sign-up whose provider vouches for the address. Pages never pay it: every GET is read-only.
"""

import hashlib
import re

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
# A quoted pair inside a quoted local part (RFC 5321 4.1.2): the backslash only escapes the character after it.
_QUOTED_PAIR = re.compile(r"\\(.)", re.DOTALL)


def email_normalise(address: str) -> str:
    """One spelling per mailbox: lower-case, unquoted, no `+tag`, no dots where the provider ignores them, and the
    domain in its IDNA (ASCII) form.

    `Alice+farm1@Example.com` and `alice@example.com` are one person here; `a.lice@gmail.com` and `alice@gmail.com`
    too; so are `"farm"@example.com` and `"f\\arm"@example.com` (a quoted local part names the mailbox of its
    unquoted text), and `farm@bücher.example` and `farm@xn--bcher-kva.example` (two spellings of one domain). Other
    providers' dots are kept: for them the dotted address may be somebody else's. Normalising twice changes nothing.
    """
    for _ in range(32):  # each round only unwraps a layer; an address of 254 characters has fewer than 10
        normalised = _normalise_once(address)
        if normalised == address:
            break
        address = normalised
    return address


def _normalise_once(address: str) -> str:
    local, _, domain = address.strip().lower().rpartition("@")
    if len(local) >= 2 and local.startswith('"') and local.endswith('"'):
        local = _QUOTED_PAIR.sub(r"\1", local[1:-1])
    local = local.split("+", 1)[0]
    domain = _domain_ascii(domain)
    if domain in DOTLESS_DOMAINS:
        local, domain = local.replace(".", ""), DOTLESS_DOMAINS[domain]
    return f"{local}@{domain}"


def _domain_ascii(domain: str) -> str:
    """The domain as IDNA writes it (`bücher.example` → `xn--bcher-kva.example`), its `xn--` labels in their one
    canonical form; a domain IDNA refuses stays as given (no mail reaches it, so no bonus is confirmed through it)."""
    domain = domain.rstrip(".")
    try:
        return domain.encode("idna").decode("idna").encode("idna").decode("ascii").lower()
    except UnicodeError:
        return domain


def erased_address(address: str) -> str:
    """What an erased learner's bonus row keeps of their address: a digest, enough to refuse a second bonus to the
    same mailbox after the account is gone, without keeping the address itself."""
    return "erased:" + hashlib.sha256(email_normalise(address).encode()).hexdigest()


def signup_bonus_address(email: str) -> str:
    """The key a bonus row is stored under: the mailbox's one spelling, or a digest of it when that spelling is longer
    than the column (IDNA spells some domains longer than the address as typed)."""
    address = email_normalise(email)
    if len(address) > SignupBonus._meta.get_field("address").max_length:  # type: ignore[operator]
        return "digest:" + hashlib.sha256(address.encode()).hexdigest()
    return address


def signup_bonus_grant(*, user: User, email: str = "") -> LedgerEntry | None:
    """Pay the welcome bonus for `email` (default: the user's own), unless this user or this mailbox already had one.

    Returns the new entry, or None when nothing was paid (already paid to this user or address, or no bonus set).
    Safe to call twice and from two sign-ups at once: the wallet lock serialises one user's calls, and the unique
    address refuses the second of two users racing for the same mailbox.
    """
    amount = int(settings.SIGNUP_BONUS)
    if amount <= 0:
        return None
    address = signup_bonus_address(email or user.email)
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
