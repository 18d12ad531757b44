"""Writes to a learner's own account settings."""

from accounts.display_names import validate_display_name
from accounts.models import User


def user_profile_update(*, user: User, display_name: str, time_zone: str) -> User:
    """Save the learner's display name and time zone; a name nobody may choose raises ValidationError."""
    validate_display_name(display_name.strip())
    user.display_name = display_name.strip()[:40]
    user.time_zone = time_zone
    user.full_clean(exclude=["password"])
    user.save(update_fields=["display_name", "time_zone"])
    return user
