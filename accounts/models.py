"""The custom user: email is the login; a display name is what other learners see (leaderboards)."""

import functools
import zoneinfo
from datetime import datetime, time, timedelta
from typing import ClassVar

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models.functions import Lower


@functools.cache
def time_zone_choices() -> list[tuple[str, str]]:
    """The host's tzdata zones, read once per process when a form or check first needs them (the scan walks the zone
    files): a migration refers to this function instead of baking in the list, so a tzdata update changes no
    migration."""
    return [(name, name) for name in sorted(zoneinfo.available_timezones())]


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields: object) -> "User":
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields: object) -> "User":
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields: object) -> "User":
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        if extra_fields.get("is_staff") is not True or extra_fields.get("is_superuser") is not True:
            raise ValueError("A superuser must have is_staff and is_superuser set.")
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    username = None  # type: ignore[assignment]
    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    email = models.EmailField("email address", unique=True)
    display_name = models.CharField(
        max_length=40, blank=True, help_text="Shown to other learners on leaderboards. Leave empty to stay anonymous."
    )
    time_zone = models.CharField(
        max_length=64,
        default="UTC",
        choices=time_zone_choices,
        help_text="Your day starts and ends here: streaks and daily goals follow it.",
    )
    # A changed time zone takes effect from the next local day (in the zone it replaces), and changes at most once a
    # week: hopping zones would otherwise fit two "days" of capped rewards and streak into one real day.
    time_zone_previous = models.CharField(max_length=64, blank=True)
    time_zone_changed_at = models.DateTimeField(null=True, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects = UserManager()  # type: ignore[assignment,misc]

    class Meta:
        constraints = [models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique")]

    def __str__(self) -> str:
        return self.email

    @property
    def public_name(self) -> str:
        """The name others see: never the email address."""
        from accounts.display_names import default_display_name

        return self.display_name or default_display_name(self.pk)

    def time_zone_at(self, now: datetime) -> str:
        """The time zone in force at ``now``: a new zone counts from the first midnight after the change, as the
        previous zone's clock reads it."""
        changed = self.time_zone_changed_at
        if changed is None or not self.time_zone_previous:
            return self.time_zone
        try:
            previous = zoneinfo.ZoneInfo(self.time_zone_previous)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return self.time_zone
        next_midnight = datetime.combine(changed.astimezone(previous).date() + timedelta(days=1), time.min, previous)
        return self.time_zone_previous if now < next_midnight else self.time_zone

    def get_full_name(self) -> str:
        return self.display_name or self.email

    def get_short_name(self) -> str:
        return self.display_name or self.email.split("@", 1)[0]
