"""This week's league table for the learner, with the rows near them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils import timezone

from accounts.selectors import signed_in_user
from gamification.leagues import Standing, Tier, league_ranked, week_bounds, week_key, zone_sizes
from gamification.models import (
    LeagueMembership,
)
from gamification.selectors.facts import profile_for


@dataclass(frozen=True)
class BoardRow:
    rank: int
    display_name: str
    xp: int
    is_you: bool
    zone: str  # "up", "down" or ""


@dataclass(frozen=True)
class Leaderboard:
    state: str  # "anonymous", "opted_out", "not_started" (no XP this week), "waiting" (seat after rollover), "league"
    week: str
    ends_at: datetime
    tier: str = ""
    rows: list[BoardRow] = field(default_factory=list)
    promoted: int = 0
    demoted: int = 0

    @property
    def you(self) -> BoardRow | None:
        return next((row for row in self.rows if row.is_you), None)

    @property
    def nearby(self) -> list[tuple[BoardRow, int]]:
        """The learners just ahead of and just behind you, with the XP between you: who is close."""
        you = self.you
        if you is None:
            return []
        index = self.rows.index(you)
        around = self.rows[max(0, index - 1) : index] + self.rows[index + 1 : index + 2]
        return [(row, abs(row.xp - you.xp)) for row in around]


def leaderboard_for(*, user: Any, now: datetime | None = None) -> Leaderboard:
    """This week's league of the learner, ranked, with only display names; 3 queries."""
    now = now or timezone.now()
    key = week_key(now)
    _, ends_at = week_bounds(key)
    learner = signed_in_user(user)
    if learner is None:
        return Leaderboard(state="anonymous", week=key, ends_at=ends_at)
    profile = profile_for(user=learner)
    if profile.league_opt_out:
        return Leaderboard(state="opted_out", week=key, ends_at=ends_at, tier=profile.tier_label)
    membership = LeagueMembership.objects.filter(user=learner, week__key=key).select_related("league").first()
    if membership is None:
        return Leaderboard(state="not_started", week=key, ends_at=ends_at, tier=profile.tier_label)
    if membership.league is None:
        return Leaderboard(state="waiting", week=key, ends_at=ends_at, tier=profile.tier_label)
    league = membership.league
    members = list(
        LeagueMembership.objects.filter(league=league)
        .select_related("user")
        .only("xp", "last_xp_at", "user__id", "user__display_name")
    )
    ranked = league_ranked([Standing(m.user_id, m.xp, m.last_xp_at) for m in members])
    names = {m.user_id: m.user.public_name for m in members}
    promoted, demoted = zone_sizes(len(ranked), league.tier)
    rows = [
        BoardRow(
            rank=index + 1,
            display_name=names[standing.user_id],
            xp=standing.xp,
            is_you=standing.user_id == learner.pk,
            zone="up" if index < promoted else "down" if index >= len(ranked) - demoted else "",
        )
        for index, standing in enumerate(ranked)
    ]
    return Leaderboard(
        state="league",
        week=key,
        ends_at=ends_at,
        tier=Tier(league.tier).label,
        rows=rows,
        promoted=promoted,
        demoted=demoted,
    )
