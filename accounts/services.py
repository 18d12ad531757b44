"""Writes to accounts: a learner's own settings, the two steps of erasing an account, and the demo's users with
their verified addresses."""

import secrets
import zoneinfo
from datetime import datetime, timedelta

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.display_names import validate_display_name
from accounts.exceptions import AccountNotErasable
from accounts.models import User

# An address under the reserved `.invalid` top-level domain (RFC 2606) can never reach anyone.
ERASED_DOMAIN = "erased.invalid"
TIME_ZONE_CHANGE_EVERY = timedelta(days=7)


def user_profile_update(*, user: User, display_name: str, time_zone: str, now: datetime | None = None) -> User:
    """Save the learner's display name and time zone. A name nobody may choose raises ValidationError, and so does a
    second time-zone change within a week; a new zone takes effect from the next local day (User.time_zone_at)."""
    now = now or timezone.now()
    validate_display_name(display_name.strip())
    # A ModelForm may already have set the new values on this instance: compare with what is stored.
    stored = User.objects.only("time_zone", "time_zone_previous", "time_zone_changed_at").get(pk=user.pk)
    fields = ["display_name"]
    if time_zone != stored.time_zone:
        changed = stored.time_zone_changed_at
        if changed is not None and now - changed < TIME_ZONE_CHANGE_EVERY:
            next_change = timezone.localtime(changed + TIME_ZONE_CHANGE_EVERY, zone_for(stored.time_zone))
            raise ValidationError(
                {"time_zone": f"Your time zone can change once a week: next from {next_change:%A %-d %B, %H:%M}."}
            )
        user.time_zone_previous = stored.time_zone_at(now)
        user.time_zone_changed_at = now
        fields += ["time_zone", "time_zone_previous", "time_zone_changed_at"]
    user.display_name = display_name.strip()[:40]
    user.time_zone = time_zone
    user.full_clean(exclude=["password"])
    user.save(update_fields=fields)
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


def zone_for(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")
