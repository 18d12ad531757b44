"""Writes to a learner's own account settings."""

from accounts.models import User


def user_profile_update(*, user: User, display_name: str, time_zone: str) -> User:
    user.display_name = display_name.strip()[:40]
    user.time_zone = time_zone
    user.full_clean(exclude=["password"])
    user.save(update_fields=["display_name", "time_zone"])
    return user
