"""The API's summary of the learner's progress (GET /api/v1/me)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from accounts.models import User
from gamification.badges import BADGES_BY_SLUG
from gamification.local_days import local_date
from gamification.models import (
    BadgeAward,
)
from gamification.selectors.facts import profile_for
from gamification.selectors.profile_page import BadgeView
from gamification.streaks import streak_shown


@dataclass(frozen=True)
class MeSummary:
    email: str
    xp: int
    level: int
    streak: int
    daily_goal: int
    freezes: int
    badges: list[BadgeView]


def me_summary(*, user: User, now: datetime | None = None) -> MeSummary:
    now = now or timezone.now()
    profile = profile_for(user=user)
    awards = BadgeAward.objects.filter(user=user).order_by("earned_at", "id")
    return MeSummary(
        email=user.email,
        xp=profile.xp,
        level=profile.level,
        streak=streak_shown(profile.streak_state, today=local_date(now, user.time_zone_at(now))),
        daily_goal=profile.daily_goal,
        freezes=profile.freezes,
        badges=[BadgeView(BADGES_BY_SLUG[a.badge], a.earned_at) for a in awards if a.badge in BADGES_BY_SLUG],
    )
