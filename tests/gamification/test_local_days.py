"""Local calendar days (gamification/local_days.py): the learner's date, and day bounds across DST changes."""

from datetime import UTC, date, datetime

import pytest

from gamification.local_days import day_bounds, local_date, seconds_left_today, zone_for


def hours(span):
    start, end = span
    return (end - start).total_seconds() / 3600


def test_new_york_loses_an_hour_on_8_march_2026_and_gains_one_on_1_november():
    assert hours(day_bounds(date(2026, 3, 7), "America/New_York")) == 24
    assert hours(day_bounds(date(2026, 3, 8), "America/New_York")) == 23
    assert hours(day_bounds(date(2026, 11, 1), "America/New_York")) == 25


def test_london_changes_its_clocks_on_other_sundays_than_new_york():
    assert hours(day_bounds(date(2026, 3, 8), "Europe/London")) == 24
    assert hours(day_bounds(date(2026, 3, 29), "Europe/London")) == 23
    assert hours(day_bounds(date(2026, 10, 25), "Europe/London")) == 25


def test_a_day_starts_at_local_midnight_expressed_in_utc():
    start, end = day_bounds(date(2026, 3, 8), "America/New_York")
    assert start == datetime(2026, 3, 8, 5, tzinfo=UTC)  # EST, UTC−5
    assert end == datetime(2026, 3, 9, 4, tzinfo=UTC)  # EDT, UTC−4


def test_a_zone_that_skips_midnight_starts_its_day_at_the_first_clock_time_that_exists():
    # Havana springs forward from 00:00 to 01:00 on 8 March 2026: that day has no midnight.
    start, end = day_bounds(date(2026, 3, 8), "America/Havana")
    assert local_date(start, "America/Havana") == date(2026, 3, 8)
    assert start.astimezone(zone_for("America/Havana")).hour == 1
    assert hours((start, end)) == 23


def test_the_same_instant_is_a_different_date_for_learners_in_different_zones():
    instant = datetime(2026, 3, 8, 3, 30, tzinfo=UTC)
    assert local_date(instant, "UTC") == date(2026, 3, 8)
    assert local_date(instant, "America/New_York") == date(2026, 3, 7)
    assert local_date(instant, "Asia/Tokyo") == date(2026, 3, 8)


def test_an_unknown_zone_name_counts_days_in_utc():
    assert local_date(datetime(2026, 1, 1, 23, tzinfo=UTC), "Mars/Olympus_Mons") == date(2026, 1, 1)


def test_a_naive_datetime_is_refused():
    with pytest.raises(ValueError, match="aware"):
        local_date(datetime(2026, 1, 1, 12), "UTC")


def test_seconds_left_today_follow_the_short_dst_day():
    # 23:30 local on the 23-hour day: half an hour left whatever the UTC arithmetic would say.
    now = datetime(2026, 3, 9, 3, 30, tzinfo=UTC)  # 23:30 EDT on 8 March
    assert seconds_left_today(now, "America/New_York") == 30 * 60
