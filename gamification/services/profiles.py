"""The learner's profile row: created on first need, locked by every gamification write."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from gamification.models import LearnerProfile
from gamification.services import statements


def profile_locked(*, user: User) -> LearnerProfile:
    """The learner's profile, locked for this transaction (created first if missing). Call inside atomic().

    Locking it first is what serialises one learner's awards: the daily reward cap, the streak and the cached totals
    are read and written under this lock, so two completions at once cannot both take the last ⚡ of the day.
    On PostgreSQL the lock is one plain statement (gamification/services/statements.py), not one the ORM builds.
    """
    if statements.available() and (locked := statements.profile_lock_row(user=user)) is not None:
        return locked
    profile = LearnerProfile.objects.select_for_update().filter(user=user).first()
    if profile is None:
        try:
            with transaction.atomic():
                LearnerProfile.objects.create(user=user)
        except IntegrityError:  # created by a concurrent first award: lock theirs
            pass
        profile = LearnerProfile.objects.select_for_update().get(user=user)
    profile.user = user  # spare a query: callers already hold the user
    return profile


def welcome_dismiss(*, user: User) -> LearnerProfile:
    """The learner closed the first-visit welcome: it is not shown again, on any device. Idempotent."""
    with transaction.atomic():
        profile = profile_locked(user=user)
        if profile.welcome_dismissed_at is None:
            profile.welcome_dismissed_at = timezone.now()
            profile.save(update_fields=["welcome_dismissed_at", "updated_at"])
    return profile
