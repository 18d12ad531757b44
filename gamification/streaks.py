"""Streak rules over the learner's local calendar days: goal met, missed days, freezes and milestones.

A streak counts consecutive local days on which the learner met their daily XP goal. Today is still open, so a
streak kept up to yesterday is alive until the learner's midnight. Each missed day before today takes one freeze,
automatically, oldest missed day first; a missed day with no freeze left ends the streak. A covered day keeps the
streak but does not lengthen it. Because freezes go day by day, settling a gap at once gives the same result as
settling it every night: it does not matter when the hourly task or the next lesson gets round to it.

Everything here is pure: a state goes in, a new state and what happened come out. services/streaks.py stores it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from gamification.rewards import FREEZES_MAX

MILESTONES = (7, 30, 100)
ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class StreakState:
    length: int = 0  # days with the goal met in the current run (covered days not counted)
    longest: int = 0
    started: date | None = None  # first day of the current run
    last_day: date | None = None  # last day that kept the run alive: goal met, or covered by a freeze
    freezes: int = 0


@dataclass(frozen=True)
class StreakChange:
    state: StreakState
    frozen_days: tuple[date, ...] = ()  # missed days a freeze covered, in order
    broken_on: date | None = None  # the first missed day that ended the run, when it ended
    counted: bool = False  # the day was added to the run
    milestones: tuple[int, ...] = ()  # milestones the run just reached


def streak_catch_up(state: StreakState, *, today: date) -> StreakChange:
    """Settle the days between the last kept day and `today` (exclusive): cover them with freezes, or end the run."""
    if state.length == 0 or state.last_day is None:
        return StreakChange(state=state)
    missed = (today - state.last_day).days - 1
    if missed <= 0:
        return StreakChange(state=state)
    first_missed = state.last_day + ONE_DAY
    covered = tuple(first_missed + ONE_DAY * offset for offset in range(min(missed, state.freezes)))
    if len(covered) == missed:
        kept = replace(state, last_day=covered[-1], freezes=state.freezes - missed)
        return StreakChange(state=kept, frozen_days=covered)
    # The freezes held covered the first missed days, then a day with none left ended the streak.
    ended = replace(state, length=0, started=None, last_day=None, freezes=0)
    return StreakChange(state=ended, frozen_days=covered, broken_on=first_missed + ONE_DAY * len(covered))


def streak_goal_met(state: StreakState, *, day: date) -> StreakChange:
    """The learner met their goal on `day`: settle missed days first, then count the day once."""
    caught_up = streak_catch_up(state, today=day)
    current = caught_up.state
    if current.last_day is not None and current.last_day >= day:
        return caught_up  # already counted (or a day before the run's end, which cannot count again)
    length = current.length + 1
    reached = tuple(milestone for milestone in MILESTONES if current.length < milestone <= length)
    counted = replace(
        current,
        length=length,
        longest=max(current.longest, length),
        started=current.started or day,
        last_day=day,
        freezes=min(FREEZES_MAX, current.freezes + len(reached)),  # a milestone earns a freeze
    )
    return StreakChange(
        state=counted,
        frozen_days=caught_up.frozen_days,
        broken_on=caught_up.broken_on,
        counted=True,
        milestones=reached,
    )


def streak_shown(state: StreakState, *, today: date) -> int:
    """The streak the learner sees today: what is left after the missed days are settled."""
    return streak_catch_up(state, today=today).state.length


def streak_at_risk(state: StreakState, *, today: date) -> bool:
    """A live streak whose goal is not yet met today: the learner loses it (or a freeze) at midnight."""
    settled = streak_catch_up(state, today=today).state
    return settled.length > 0 and settled.last_day is not None and settled.last_day < today
