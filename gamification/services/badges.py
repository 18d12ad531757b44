"""Awarding badges: check every rule in gamification/badges.py against the learner's facts, store the new ones once."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from gamification.badges import Badge, badges_earned
from gamification.models import BadgeAward, LearnerProfile
from gamification.selectors import learner_facts
from gamification.services.gains import Gains
from gamification.services.profiles import profile_locked


def badges_award(*, user: User, profile: LearnerProfile | None = None, now: datetime | None = None) -> list[Badge]:
    """Award every badge the learner now qualifies for and has not got; returns the new ones.

    Idempotent: one row per learner and badge (a unique constraint), so a rule checked twice awards once. Pass the
    locked profile when the caller holds one, so its unsaved figures count.
    """
    facts = learner_facts(user=user, profile=profile)
    held = set(BadgeAward.objects.filter(user=user).values_list("badge", flat=True))
    new = [badge for badge in badges_earned(facts) if badge.slug not in held]
    if new:
        at = now or timezone.now()
        BadgeAward.objects.bulk_create(
            [BadgeAward(user=user, badge=badge.slug, earned_at=at) for badge in new], ignore_conflicts=True
        )
    return new


def badges_award_after_xp(*, user: User, profile: LearnerProfile, gains: Gains, now: datetime) -> None:
    """Award what XP alone may have earned, into `gains`. XP moves three of the facts badges read (the level, the days
    the goal was met and, with them, the streak), and `gains` says whether it moved one; when it did not, no rule can
    have changed its answer and the facts are not gathered at all (review answers come by the hundred)."""
    if gains.level_reached or gains.goal_met:
        new = badges_award(user=user, profile=profile, now=now)
        gains.badges += [badge for badge in new if badge not in gains.badges]


def badges_check(*, user_id: int) -> list[Badge]:
    """Award what an event outside gamification may have earned (an unlock charged), at once rather than at the next
    completion. The profile is saved with any new badge, so /me/'s cached standing and page show it."""
    with transaction.atomic():
        user = User.objects.get(pk=user_id)
        profile = profile_locked(user=user)
        new = badges_award(user=user, profile=profile)
        if new:
            profile.save(update_fields=["updated_at"])
    return new
