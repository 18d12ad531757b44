"""Appending XP: one event, the profile's cached totals, the day's activity, the streak and the week's league."""

from __future__ import annotations

from datetime import date, datetime

from django.db.models import F

from gamification.leagues import week_key
from gamification.levels import level_progress
from gamification.local_days import local_date
from gamification.models import DailyActivity, LearnerProfile, XPEvent
from gamification.services import statements
from gamification.services.gains import Gains
from gamification.services.leagues import league_xp_add
from gamification.services.streaks import streak_count
from gamification.streaks import streak_shown


def xp_add(
    *,
    profile: LearnerProfile,
    amount: int,
    reason: str,
    reference: str,
    idempotency_key: str,
    now: datetime,
    gains: Gains,
) -> bool:
    """Append one XP event for the learner of a profile the caller has locked; False when the key was used before.

    Everything the event changes is written in the caller's transaction: the profile's total and level, the local
    day's XP (and, when it crosses the daily goal, the streak), and the week's league score. On PostgreSQL an award
    that moves no level, meets no goal and takes no seat is one statement (gamification/services/statements.py).
    """
    if amount <= 0:
        raise ValueError("XP events are positive.")
    day = local_date(now, profile.user.time_zone_at(now))
    plain = (
        statements.available()
        and level_progress(profile.xp + amount).level == profile.level
        and statements.xp_add_plain(
            profile=profile,
            amount=amount,
            reason=reason,
            reference=reference,
            idempotency_key=idempotency_key,
            now=now,
            day=day,
            week_key=week_key(now),
        )
    )
    if not plain and not _xp_written(
        profile=profile, amount=amount, reason=reason, reference=reference, key=idempotency_key, day=day, now=now,
        gains=gains,
    ):  # fmt: skip
        return False
    gains.xp += amount
    gains.streak = streak_shown(profile.streak_state, today=day)
    return True


def _xp_written(
    *,
    profile: LearnerProfile,
    amount: int,
    reason: str,
    reference: str,
    key: str,
    day: date,
    now: datetime,
    gains: Gains,
) -> bool:
    """The ORM path of `xp_add`: every case, the level, the goal and the week's seat included; False for a used key."""
    user = profile.user
    if XPEvent.objects.filter(user=user, idempotency_key=key).exists():
        return False
    XPEvent.objects.create(
        user=user,
        amount=amount,
        reason=reason[:200],
        reference=reference,
        idempotency_key=key,
        created_at=now,
        local_date=day,
    )
    level_before = profile.level
    profile.xp += amount
    profile.level = profile.level_progress.level
    if profile.level > level_before:
        gains.level_reached = profile.level

    activity, _ = DailyActivity.objects.get_or_create(user=user, day=day, defaults={"goal": profile.daily_goal})
    activity.xp += amount
    reached = not activity.goal_met and activity.xp >= profile.daily_goal
    changes: dict[str, object] = {"xp": F("xp") + amount}
    if reached:
        changes.update(goal_met=True, goal=profile.daily_goal)
    # One statement; naming the learner spares the query that would ask whose pages the update makes stale.
    DailyActivity.objects.filter(pk=activity.pk, user=user).update(**changes)
    if reached:
        gains.goal_met = True
        streak_count(profile=profile, day=day, now=now, gains=gains)

    league_xp_add(profile=profile, amount=amount, now=now)
    profile.save()
    return True
