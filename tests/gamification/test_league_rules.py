"""League rules (gamification/leagues.py): ISO weeks in UTC, seating, zone sizes and placements."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from gamification.leagues import (
    Outcome,
    Standing,
    Tier,
    league_placements,
    seats_plan,
    week_bounds,
    week_key,
    zone_sizes,
)

T0 = datetime(2026, 3, 9, 12, tzinfo=UTC)


def test_a_week_runs_from_monday_midnight_utc_to_the_next_monday():
    assert week_key(datetime(2026, 3, 9, 0, 0, tzinfo=UTC)) == "2026-W11"
    assert week_key(datetime(2026, 3, 8, 23, 59, tzinfo=UTC)) == "2026-W10"
    start, end = week_bounds("2026-W11")
    assert (start, end) == (datetime(2026, 3, 9, tzinfo=UTC), datetime(2026, 3, 16, tzinfo=UTC))
    assert week_bounds("2026-W01")[0] == datetime(2025, 12, 29, tzinfo=UTC)  # ISO week 1 can start in December


def test_sunday_evening_in_new_york_already_belongs_to_the_next_utc_week():
    sunday_evening_in_new_york = datetime(2026, 3, 15, 21, tzinfo=ZoneInfo("America/New_York"))
    assert week_key(sunday_evening_in_new_york) == "2026-W12"


def test_newcomers_fill_open_leagues_before_new_ones_are_opened():
    assert seats_plan([28, 30, 10], 5) == ([2, 0, 3], [])


def test_new_leagues_are_balanced_and_hold_at_most_thirty():
    joins, new = seats_plan([], 95)
    assert joins == []
    assert new == [24, 24, 24, 23]
    assert max(new) <= 30
    assert sum(new) == 95


@pytest.mark.parametrize(
    ("members", "tier", "zones"),
    [
        (30, Tier.SILVER, (5, 5)),
        (30, Tier.BRONZE, (5, 0)),
        (30, Tier.DIAMOND, (0, 5)),
        (5, Tier.SILVER, (1, 0)),
        (12, Tier.GOLD, (2, 2)),
        (1, Tier.GOLD, (1, 0)),
    ],
)
def test_about_a_sixth_of_a_league_moves_up_and_a_sixth_down_at_most_five_each(members, tier, zones):
    assert zone_sizes(members, tier) == zones


def test_placements_rank_by_xp_then_by_who_got_there_first():
    standings = [
        Standing(user_id=1, xp=50, reached_at=T0 + timedelta(hours=2)),
        Standing(user_id=2, xp=80, reached_at=T0),
        Standing(user_id=3, xp=50, reached_at=T0 + timedelta(hours=1)),
    ]
    placements = league_placements(standings, tier=Tier.SILVER)
    assert [(p.user_id, p.rank, p.credits) for p in placements] == [(2, 1, 30), (3, 2, 20), (1, 3, 10)]


def test_a_full_silver_league_sends_five_up_to_gold_and_five_down_to_bronze():
    standings = [Standing(user_id=n, xp=1000 - n, reached_at=T0) for n in range(30)]
    placements = league_placements(standings, tier=Tier.SILVER)
    outcomes = [p.outcome for p in placements]
    assert outcomes[:5] == [Outcome.PROMOTED] * 5
    assert outcomes[5:25] == [Outcome.STAYED] * 20
    assert outcomes[25:] == [Outcome.DEMOTED] * 5
    assert {p.tier_after for p in placements[:5]} == {Tier.GOLD}
    assert {p.tier_after for p in placements[25:]} == {Tier.BRONZE}
    assert [p.credits for p in placements[:4]] == [30, 20, 10, 0]
