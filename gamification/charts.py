"""Geometry for the profile's server-rendered SVG charts: the year's activity calendar and XP per day.

Pure functions from a day → activity mapping to rectangles with coordinates, CSS classes and an accessible label
each; the templates only draw them. (Inline styles are forbidden by the CSP, so shades are classes, not colours.)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

CELL = 11
PITCH = 13  # cell plus gap
HEATMAP_LEFT = 30  # room for weekday labels
HEATMAP_TOP = 16  # room for month labels
HEATMAP_WEEKS = 53

BAR_WIDTH = 12
BAR_PITCH = 16
CHART_HEIGHT = 120
CHART_TOP = 10
CHART_LEFT = 34
CHART_BOTTOM = 22


@dataclass(frozen=True)
class DayMark:
    xp: int = 0
    goal: int = 0
    goal_met: bool = False
    frozen: bool = False


@dataclass(frozen=True)
class Cell:
    day: date
    x: int
    y: int
    shade: str  # CSS class suffix: "0" … "4", or "frozen"
    label: str


@dataclass(frozen=True)
class AxisLabel:
    x: int
    y: int
    text: str
    anchor: str = "start"  # SVG text-anchor: the last day's label ends at its bar, inside the chart


@dataclass(frozen=True)
class Heatmap:
    cells: list[Cell]
    months: list[AxisLabel]
    weekdays: list[AxisLabel]
    width: int
    height: int
    active_days: int
    goal_days: int
    frozen_days: int

    @property
    def summary(self) -> str:
        return (
            f"Activity over the last year: XP earned on {self.active_days} days, daily goal met on {self.goal_days}, "
            f"{self.frozen_days} covered by a streak freeze."
        )


def _shade(mark: DayMark) -> str:
    if mark.frozen and not mark.xp:
        return "frozen"
    if not mark.xp:
        return "0"
    goal = max(mark.goal, 1)
    if mark.xp >= 2 * goal:
        return "4"
    if mark.goal_met or mark.xp >= goal:
        return "3"
    return "2" if mark.xp * 2 >= goal else "1"


def _day_label(day: date, mark: DayMark) -> str:
    when = f"{day:%a} {day.day} {day:%b %Y}"
    if mark.frozen and not mark.goal_met:
        return f"{when}: streak freeze used" + (f", {mark.xp} XP" if mark.xp else "")
    if not mark.xp:
        return f"{when}: no XP"
    return f"{when}: {mark.xp} XP" + (", daily goal met" if mark.goal_met else "")


def calendar_heatmap(marks: Mapping[date, DayMark], *, today: date) -> Heatmap:
    """A GitHub-style year: one column per week (Monday on top), ending with the week of `today`."""
    first = today - timedelta(days=today.weekday()) - timedelta(weeks=HEATMAP_WEEKS - 1)
    cells = []
    months = []
    day = first
    while day <= today:
        column, row = (day - first).days // 7, day.weekday()
        mark = marks.get(day, DayMark())
        cells.append(
            Cell(day, HEATMAP_LEFT + column * PITCH, HEATMAP_TOP + row * PITCH, _shade(mark), _day_label(day, mark))
        )
        if day.day <= 7 and row == 0:  # the first Monday of a month starts its label
            months.append(AxisLabel(HEATMAP_LEFT + column * PITCH, HEATMAP_TOP - 5, f"{day:%b}"))
        day += timedelta(days=1)
    weekdays = [
        AxisLabel(0, HEATMAP_TOP + row * PITCH + CELL - 2, name) for row, name in ((0, "Mon"), (2, "Wed"), (4, "Fri"))
    ]
    shown = [marks.get(cell.day, DayMark()) for cell in cells]
    return Heatmap(
        cells=cells,
        months=months,
        weekdays=weekdays,
        width=HEATMAP_LEFT + HEATMAP_WEEKS * PITCH,
        height=HEATMAP_TOP + 7 * PITCH,
        active_days=sum(1 for mark in shown if mark.xp),
        goal_days=sum(1 for mark in shown if mark.goal_met),
        frozen_days=sum(1 for mark in shown if mark.frozen),
    )


@dataclass(frozen=True)
class Bar:
    day: date
    xp: int
    x: int
    y: int
    height: int
    goal_met: bool
    label: str


@dataclass(frozen=True)
class BarChart:
    bars: list[Bar]
    width: int
    height: int
    baseline: int
    top_value: int
    goal_y: int | None
    goal: int
    x_labels: list[AxisLabel]
    total: int

    @property
    def summary(self) -> str:
        days = len(self.bars)
        best = max(self.bars, key=lambda bar: bar.xp, default=None)
        best_text = f"; best day {best.day.day} {best.day:%b} with {best.xp} XP" if best and best.xp else ""
        return f"XP per day over the last {days} days: {self.total} XP in all{best_text}."


def xp_per_day_chart(marks: Mapping[date, DayMark], *, today: date, goal: int, days: int = 30) -> BarChart:
    """Bars for the last `days` days, scaled so the tallest day (or the daily goal) fills the chart."""
    first = today - timedelta(days=days - 1)
    span = [first + timedelta(days=offset) for offset in range(days)]
    series = [(day, marks.get(day, DayMark())) for day in span]
    top_value = max([goal, *(mark.xp for _, mark in series)]) or 1
    plot = CHART_HEIGHT - CHART_TOP - CHART_BOTTOM
    baseline = CHART_TOP + plot
    bars = []
    for index, (day, mark) in enumerate(series):
        height = round(mark.xp * plot / top_value)
        bars.append(
            Bar(
                day=day,
                xp=mark.xp,
                x=CHART_LEFT + index * BAR_PITCH,
                y=baseline - height,
                height=height,
                goal_met=mark.goal_met,
                label=f"{day.day} {day:%b}: {mark.xp} XP" + (", goal met" if mark.goal_met else ""),
            )
        )
    x_labels = [
        AxisLabel(bars[index].x, CHART_HEIGHT - 6, f"{bars[index].day.day} {bars[index].day:%b}")
        for index in (0, days // 2)
    ]
    last = bars[days - 1]
    x_labels.append(AxisLabel(last.x + BAR_WIDTH, CHART_HEIGHT - 6, f"{last.day.day} {last.day:%b}", anchor="end"))
    return BarChart(
        bars=bars,
        width=CHART_LEFT + days * BAR_PITCH,
        height=CHART_HEIGHT,
        baseline=baseline,
        top_value=top_value,
        goal_y=baseline - round(goal * plot / top_value) if goal else None,
        goal=goal,
        x_labels=x_labels,
        total=sum(mark.xp for _, mark in series),
    )
