"""Writes to a learner's own account settings."""

import zoneinfo
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.display_names import validate_display_name
from accounts.models import User

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


def zone_for(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")
