"""Awarding badges: check every rule in gamification/badges.py against the learner's facts, store the new ones once."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from accounts.models import User
from gamification.badges import Badge, badges_earned
from gamification.models import BadgeAward, LearnerProfile
from gamification.selectors import learner_facts


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
