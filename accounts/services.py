"""Writes to accounts: a learner's own settings, and the demo's users with their verified addresses."""

from allauth.account.models import EmailAddress

from accounts.models import User


def user_profile_update(*, user: User, display_name: str, time_zone: str) -> User:
    user.display_name = display_name.strip()[:40]
    user.time_zone = time_zone
    user.full_clean(exclude=["password"])
    user.save(update_fields=["display_name", "time_zone"])
    return user


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
