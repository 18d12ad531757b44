"""Calendar days in a learner's own time zone: which day an instant falls on, and where a day starts and ends.

Days are counted with zoneinfo, never by adding 24 hours: a day in New York is 23 hours long on the second Sunday of
March and 25 hours on the first Sunday of November, and a learner's "today" must follow the wall clock they live by.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def zone_for(name: str) -> ZoneInfo:
    """The learner's zone; an unknown or empty name falls back to UTC rather than failing a reward."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def local_date(at: datetime, time_zone: str) -> date:
    """The calendar date on the learner's wall clock at the instant `at` (an aware datetime)."""
    if at.tzinfo is None:
        raise ValueError("local_date() needs an aware datetime.")
    return at.astimezone(zone_for(time_zone)).date()


def day_start(day: date, time_zone: str) -> datetime:
    """The first instant of `day` in the zone, in UTC.

    Where midnight does not exist (a zone that springs forward at 00:00), zoneinfo reads 00:00 with the offset in
    force before the jump, which lands on the first wall-clock time that does exist: the true start of the day.
    """
    return datetime.combine(day, time.min, tzinfo=zone_for(time_zone)).astimezone(UTC)


def day_bounds(day: date, time_zone: str) -> tuple[datetime, datetime]:
    """[start, end) of `day` in the zone, both in UTC; the span is 23, 24 or 25 hours."""
    return day_start(day, time_zone), day_start(day + timedelta(days=1), time_zone)


def seconds_left_today(now: datetime, time_zone: str) -> int:
    """Seconds until the learner's day ends: how long they still have to keep their streak."""
    _, end = day_bounds(local_date(now, time_zone), time_zone)
    return max(0, int((end - now).total_seconds()))
