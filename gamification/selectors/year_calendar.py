"""The /me/ page's year: the activity calendar and the XP chart, built once per learner and local day.

A year of days is a query of up to 371 rows and ~400 SVG shapes to compute and render: the most expensive part of the
profile by far, for a picture that changes only when the learner's activity does. It is kept in the shared cache,
rendered, under a key naming the learner, their local date and their profile's `updated_at`. Every write to a day
of activity (XP, a goal met, a goal changed, a freeze covering a missed day) happens in a transaction that saves the
profile, so a lesson completed today is a new key and shows at once; a new local day is a new key too. Nothing is
invalidated by hand, and old keys simply expire.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from accounts.models import User
from core.page_cache import cached_or_computed
from gamification.charts import DayMark, calendar_heatmap, xp_per_day_chart
from gamification.models import DailyActivity, LearnerProfile

# Longer than a day: a key names its day, so it is never read after that; the timeout only clears the cache.
CALENDAR_CACHE_SECONDS = 26 * 3600
CALENDAR_DAYS = 7 * 53


@dataclass(frozen=True)
class YearCalendar:
    today_xp: int
    today_goal_met: bool
    heatmap_html: SafeString  # gamification/_heatmap.html, rendered
    chart_html: SafeString  # gamification/_xp_chart.html, rendered


def _calendar_key(*, user: User, profile: LearnerProfile, today: date) -> str:
    # An unsaved profile (no XP ever) has no time: its calendar is empty, and its first XP saves the profile.
    version = f"{profile.updated_at.timestamp():.6f}" if profile.updated_at else "new"
    return f"gamification:year:v1:{user.pk}:{today.isoformat()}:{version}"


def _year_calendar_built(*, user: User, profile: LearnerProfile, today: date) -> YearCalendar:
    marks = {
        day: DayMark(xp=xp, goal=goal, goal_met=goal_met, frozen=frozen)
        for day, xp, goal, goal_met, frozen in DailyActivity.objects.filter(
            user=user, day__gte=today - timedelta(days=CALENDAR_DAYS), day__lte=today
        ).values_list("day", "xp", "goal", "goal_met", "frozen")
    }
    today_mark = marks.get(today, DayMark())
    heatmap = calendar_heatmap(marks, today=today)
    chart = xp_per_day_chart(marks, today=today, goal=profile.daily_goal)
    return YearCalendar(
        today_xp=today_mark.xp,
        today_goal_met=today_mark.goal_met,
        heatmap_html=render_to_string("gamification/_heatmap.html", {"heatmap": heatmap}),
        chart_html=render_to_string("gamification/_xp_chart.html", {"chart": chart}),
    )


def year_calendar_for(*, user: User, profile: LearnerProfile, today: date) -> YearCalendar:
    """The learner's year up to `today` (their local date), from the cache when this day and activity were seen."""
    return cached_or_computed(
        _calendar_key(user=user, profile=profile, today=today),
        lambda: _year_calendar_built(user=user, profile=profile, today=today),
        timeout=CALENDAR_CACHE_SECONDS,
    )
