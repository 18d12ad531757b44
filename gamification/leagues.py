"""Weekly league rules: tiers, week keys, seating learners in leagues of at most 30, and the week's outcomes.

Weeks are ISO weeks in UTC (Monday 00:00 to Monday 00:00), the same for every learner, so a league's members race
over the same hours wherever they live. Each league ranks its members by XP earned in the week; ties go to whoever
got there first. The top of a league moves up a tier and the bottom moves down (none above Diamond or below Bronze),
and the first three earn ⚡. Pure functions: services/leagues.py stores what they decide.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from math import ceil

from django.db import models

from gamification.rewards import LEAGUE_PODIUM_CREDITS

LEAGUE_SIZE = 30
PROMOTED_MAX = 5
DEMOTED_MAX = 5


class Tier(models.IntegerChoices):
    BRONZE = 1, "Bronze"
    SILVER = 2, "Silver"
    GOLD = 3, "Gold"
    PLATINUM = 4, "Platinum"
    DIAMOND = 5, "Diamond"


class Outcome(models.TextChoices):
    PROMOTED = "promoted", "Promoted"
    STAYED = "stayed", "Stayed"
    DEMOTED = "demoted", "Demoted"


# --- Weeks ---------------------------------------------------------------------------------------------------------


def week_key(at: datetime) -> str:
    """ "2026-W11": the ISO week (in UTC) that the instant falls in."""
    year, week, _ = at.astimezone(UTC).isocalendar()
    return f"{year}-W{week:02d}"


def week_bounds(key: str) -> tuple[datetime, datetime]:
    """[Monday 00:00 UTC, next Monday 00:00 UTC) of the week `key`."""
    year, week = key.split("-W")
    monday = date.fromisocalendar(int(year), int(week), 1)
    start = datetime.combine(monday, time.min, tzinfo=UTC)
    return start, start + timedelta(days=7)


# --- Seating ---------------------------------------------------------------------------------------------------------


def seats_plan(open_sizes: Sequence[int], newcomers: int, *, size: int = LEAGUE_SIZE) -> tuple[list[int], list[int]]:
    """Seat `newcomers` in a tier: fill the week's open leagues first (in order), then open as few new leagues as
    needed, balanced so none is left with a handful of members.

    Returns (how many join each open league, the sizes of the new leagues).
    """
    joins = []
    left = newcomers
    for current in open_sizes:
        take = max(0, min(size - current, left))
        joins.append(take)
        left -= take
    if left == 0:
        return joins, []
    count = ceil(left / size)
    base, extra = divmod(left, count)
    return joins, [base + 1 if index < extra else base for index in range(count)]


# --- The week's outcome ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Standing:
    user_id: int
    xp: int
    reached_at: datetime  # when the member last earned XP: the earlier of two equal scores ranks first


@dataclass(frozen=True)
class Placement:
    user_id: int
    rank: int
    xp: int
    outcome: Outcome
    tier_after: Tier
    credits: int


def zone_sizes(members: int, tier: int) -> tuple[int, int]:
    """(promoted, demoted) for a league of `members`: 5 and 5 in a full league of 30, about a sixth each in a
    smaller one (a lone member still moves up), none up from Diamond, none down from Bronze."""
    promoted = 0 if tier >= Tier.DIAMOND else min(PROMOTED_MAX, ceil(members / 6))
    demoted = 0 if tier <= Tier.BRONZE else min(DEMOTED_MAX, members // 6, members - promoted)
    return promoted, demoted


def league_ranked(standings: Sequence[Standing]) -> list[Standing]:
    return sorted(standings, key=lambda s: (-s.xp, s.reached_at, s.user_id))


def league_placements(standings: Sequence[Standing], *, tier: int) -> list[Placement]:
    """Rank a league's members and decide who moves up, who moves down and who earns ⚡."""
    ranked = league_ranked(standings)
    promoted, demoted = zone_sizes(len(ranked), tier)
    placements = []
    for index, standing in enumerate(ranked):
        rank = index + 1
        if rank <= promoted:
            outcome, tier_after = Outcome.PROMOTED, Tier(tier + 1)
        elif rank > len(ranked) - demoted:
            outcome, tier_after = Outcome.DEMOTED, Tier(tier - 1)
        else:
            outcome, tier_after = Outcome.STAYED, Tier(tier)
        credits = LEAGUE_PODIUM_CREDITS[index] if index < len(LEAGUE_PODIUM_CREDITS) else 0
        placements.append(Placement(standing.user_id, rank, standing.xp, outcome, tier_after, credits))
    return placements
