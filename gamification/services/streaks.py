"""Writes about streaks: counting a day, settling missed days with freezes, buying freezes, the daily goal."""

from __future__ import annotations

from datetime import UTC, date, datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from credits.services import credits_spend
from gamification.exceptions import FreezeLimitReached, InvalidDailyGoal
from gamification.local_days import local_date
from gamification.models import DailyActivity, FreezePurchase, LearnerProfile
from gamification.references import freeze_purchase_key, streak_reference, streak_reward_key
from gamification.rewards import DAILY_GOAL_CHOICES, FREEZE_PRICE_CREDITS, FREEZES_MAX, STREAK_MILESTONE_CREDITS
from gamification.services.badges import badges_award
from gamification.services.gains import Gains
from gamification.services.profiles import profile_locked
from gamification.services.rewards import reward_pay
from gamification.streaks import StreakChange, streak_catch_up, streak_goal_met


def _state_store(profile: LearnerProfile, change: StreakChange) -> None:
    """Copy a streak change onto the (locked) profile and mark the days a freeze covered on the calendar."""
    state = change.state
    profile.streak_length = state.length
    profile.streak_longest = state.longest
    profile.streak_started = state.started
    profile.streak_last_day = state.last_day
    profile.freezes = state.freezes
    for day in change.frozen_days:
        activity, created = DailyActivity.objects.get_or_create(
            user=profile.user, day=day, defaults={"frozen": True, "goal": profile.daily_goal}
        )
        if not created and not activity.frozen:
            DailyActivity.objects.filter(pk=activity.pk).update(frozen=True)


def streak_count(*, profile: LearnerProfile, day: date, now: datetime, gains: Gains) -> None:
    """The learner met their goal on `day` (profile locked by the caller): extend the streak, pay its milestones."""
    change = streak_goal_met(profile.streak_state, day=day)
    _state_store(profile, change)
    gains.freezes_used += len(change.frozen_days)
    gains.streak_extended = change.counted
    user = profile.user
    for milestone in change.milestones:
        gains.milestones.append(milestone)
        amount = STREAK_MILESTONE_CREDITS[milestone]
        # Keyed by the run's first day: a streak rebuilt after a loss pays its milestones again, a replay never.
        reward_pay(
            user=user,
            amount=amount,
            reason=f"{milestone}-day streak",
            reference=streak_reference(milestone),
            idempotency_key=streak_reward_key(
                user_id=user.pk, milestone=milestone, streak_started=profile.streak_started
            ),
            gains=gains,
            said=f"{milestone}-day streak",
        )


def streak_settle(*, user: User, now: datetime | None = None) -> StreakChange:
    """Spend freezes on the learner's missed days up to today, or end the streak (safe to run at any time)."""
    now = now or timezone.now()
    with transaction.atomic():
        profile = profile_locked(user=user)
        change = streak_catch_up(profile.streak_state, today=local_date(now, user.time_zone_at(now)))
        if change.frozen_days or change.broken_on:
            _state_store(profile, change)
            profile.save()
    return change


def streaks_settle_due(*, now: datetime | None = None) -> int:
    """Settle every streak with a missed day by now (the hourly task); returns how many changed.

    A learner's today is at most a day ahead of UTC's, so only streaks last kept before UTC's today can have a missed
    day; each is checked against the learner's own today before anything is locked.
    """
    now = now or timezone.now()
    utc_today = now.astimezone(UTC).date()
    changed = 0
    candidates = LearnerProfile.objects.filter(streak_length__gt=0, streak_last_day__lt=utc_today).select_related(
        "user"
    )
    for profile in candidates.iterator():
        due = streak_catch_up(profile.streak_state, today=local_date(now, profile.user.time_zone_at(now)))
        if due.frozen_days or due.broken_on:
            change = streak_settle(user=profile.user, now=now)
            changed += bool(change.frozen_days or change.broken_on)
    return changed


def freeze_buy(*, user: User, idempotency_key: str, now: datetime | None = None) -> LearnerProfile:
    """Buy one streak freeze with ⚡ (InsufficientCredits when short, FreezeLimitReached when holding the most)."""
    with transaction.atomic():
        profile = profile_locked(user=user)
        if FreezePurchase.objects.filter(user=user, idempotency_key=idempotency_key).exists():
            return profile  # a double-clicked or retried purchase: bought already
        if profile.freezes >= FREEZES_MAX:
            raise FreezeLimitReached(f"You already hold {FREEZES_MAX} streak freezes, the most you can keep.")
        credits_spend(
            user=user,
            amount=FREEZE_PRICE_CREDITS,
            reason="Bought a streak freeze",
            reference="streak-freeze",
            idempotency_key=freeze_purchase_key(user_id=user.pk, client_key=idempotency_key),
        )
        FreezePurchase.objects.create(
            user=user, idempotency_key=idempotency_key, price=FREEZE_PRICE_CREDITS, bought_at=now or timezone.now()
        )
        profile.freezes += 1
        profile.save(update_fields=["freezes", "updated_at"])
    return profile


def daily_goal_set(*, user: User, goal: int, now: datetime | None = None) -> Gains:
    """Change the daily goal; lowering it below what was already earned today meets today's goal at once."""
    if goal not in DAILY_GOAL_CHOICES:
        raise InvalidDailyGoal(f"Pick a daily goal of {', '.join(map(str, DAILY_GOAL_CHOICES))} XP.")
    now = now or timezone.now()
    gains = Gains()
    with transaction.atomic():
        profile = profile_locked(user=user)
        profile.daily_goal = goal
        today = local_date(now, user.time_zone_at(now))
        activity = DailyActivity.objects.filter(user=user, day=today).first()
        if activity is not None and not activity.goal_met:
            met = activity.xp >= goal
            DailyActivity.objects.filter(pk=activity.pk).update(goal=goal, goal_met=met)
            if met:
                gains.goal_met = True
                streak_count(profile=profile, day=today, now=now, gains=gains)
        profile.save()
        if gains.goal_met:
            gains.badges = badges_award(user=user, profile=profile, now=now)
    return gains
