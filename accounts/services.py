"""Writes to accounts: a learner's own settings, the two steps of erasing an account, and the demo's users with
their verified addresses."""

import secrets

from allauth.account.models import EmailAddress
from django.db import transaction

from accounts.exceptions import AccountNotErasable
from accounts.models import User

# An address under the reserved `.invalid` top-level domain (RFC 2606) can never reach anyone.
ERASED_DOMAIN = "erased.invalid"


def user_profile_update(*, user: User, display_name: str, time_zone: str) -> User:
    user.display_name = display_name.strip()[:40]
    user.time_zone = time_zone
    user.full_clean(exclude=["password"])
    user.save(update_fields=["display_name", "time_zone"])
    return user


def erased_owner_create() -> User:
    """A new, anonymous owner for the financial records an erased learner leaves behind: no address that reaches
    anyone, no password, never active. One per erased learner, so a wallet keeps its own owner."""
    return User.objects.create_user(
        email=f"{secrets.token_hex(12)}@{ERASED_DOMAIN}", password=None, is_active=False, display_name=""
    )


def is_erased_owner(user: User) -> bool:
    return user.email.endswith(f"@{ERASED_DOMAIN}") and not user.is_active


def user_erase_check(*, user: User) -> None:
    """Refuse what may not be erased here: staff accounts (their actions are signed with them) and owners made by an
    earlier erasure."""
    if user.is_staff or user.is_superuser:
        raise AccountNotErasable("Staff accounts are closed by an administrator, not erased.")
    if is_erased_owner(user):
        raise AccountNotErasable("This account is already erased.")


@transaction.atomic
def user_delete(*, user: User) -> None:
    """Delete the person: the user row and what hangs on it alone (addresses, sign-in providers, passkeys, sessions'
    owner). Call last, after every app has erased or handed on its own rows."""
    user_erase_check(user=user)
    user.delete()


def user_with_verified_email_save(
    *, email: str, password: str, display_name: str, is_staff: bool = False, is_superuser: bool = False
) -> User:
    """Create or update an active user whose address counts as verified (the demo's accounts); safe to run twice."""
    user, created = User.objects.update_or_create(
        email=email,
        defaults={"display_name": display_name, "is_staff": is_staff, "is_superuser": is_superuser, "is_active": True},
    )
    # Only when it changed: hashing is slow on purpose, and a second run should not churn the row.
    if created or not user.check_password(password):
        user.set_password(password)
        user.save(update_fields=["password"])
    EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return user
