"""How lessons read: the short age of the seed page ("1mo ago") and durations."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from lessons.templatetags.lesson_display import age, duration

TODAY = date(2026, 11, 25)


@pytest.mark.parametrize(
    ("published", "expected"),
    [
        (date(2026, 11, 25), "today"),
        (date(2026, 12, 1), "today"),
        (date(2026, 11, 24), "1d ago"),
        (date(2026, 11, 19), "6d ago"),
        (date(2026, 11, 18), "1w ago"),
        (date(2026, 10, 27), "4w ago"),
        (date(2026, 10, 26), "1mo ago"),
        (date(2026, 5, 1), "6mo ago"),
        (date(2025, 11, 26), "12mo ago"),
        (date(2025, 11, 25), "1y ago"),
        (date(2017, 6, 12), "9y ago"),
    ],
)
def test_age_reads_in_short_buckets(published, expected):
    assert age(published, TODAY) == expected


def test_age_of_a_datetime_counts_in_the_current_time_zone_and_of_nothing_is_empty(settings):
    settings.TIME_ZONE = "UTC"
    assert age(datetime(2026, 10, 26, 23, 30, tzinfo=ZoneInfo("UTC")), TODAY) == "1mo ago"
    assert age(None) == ""


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [(None, ""), (0, ""), (45, "45 s"), (60, "1 min"), (25 * 60, "25 min"), (3600, "1 h"), (12600, "3 h 30 min")],
)
def test_duration_reads_in_hours_and_minutes(seconds, expected):
    assert duration(seconds) == expected
