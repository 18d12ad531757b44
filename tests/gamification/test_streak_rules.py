"""Streak rules over local days (gamification/streaks.py): counting, freezes covering missed days, milestones."""

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from gamification.streaks import (
    StreakState,
    streak_at_risk,
    streak_catch_up,
    streak_goal_met,
    streak_shown,
)

MONDAY = date(2026, 3, 2)


def days(start, count):
    return [start + timedelta(days=offset) for offset in range(count)]


def run(days_met, state=None):
    state = state or StreakState()
    changes = []
    for day in days_met:
        change = streak_goal_met(state, day=day)
        changes.append(change)
        state = change.state
    return state, changes


def test_consecutive_days_with_the_goal_met_make_a_streak():
    state, _ = run(days(MONDAY, 3))
    assert (state.length, state.started, state.last_day) == (3, MONDAY, MONDAY + timedelta(days=2))


def test_meeting_the_goal_twice_on_one_day_counts_it_once():
    state, changes = run([MONDAY, MONDAY])
    assert state.length == 1
    assert [change.counted for change in changes] == [True, False]


def test_the_streak_stays_alive_until_the_end_of_today():
    state, _ = run(days(MONDAY, 2))
    tuesday, wednesday = MONDAY + timedelta(days=1), MONDAY + timedelta(days=2)
    assert streak_shown(state, today=wednesday) == 2
    assert streak_at_risk(state, today=wednesday)
    assert not streak_at_risk(state, today=tuesday)


def test_a_missed_day_without_a_freeze_resets_the_streak():
    state, _ = run(days(MONDAY, 4))
    change = streak_goal_met(state, day=MONDAY + timedelta(days=5))  # Saturday; Friday was missed
    assert change.broken_on == MONDAY + timedelta(days=4)
    assert change.state.length == 1
    assert change.state.started == MONDAY + timedelta(days=5)
    assert change.state.longest == 4
    assert streak_shown(state, today=MONDAY + timedelta(days=5)) == 0


def test_a_freeze_covers_one_missed_day_by_itself():
    state, _ = run(days(MONDAY, 3), StreakState(freezes=1))
    change = streak_goal_met(state, day=MONDAY + timedelta(days=4))  # Thursday missed
    assert change.frozen_days == (MONDAY + timedelta(days=3),)
    assert change.broken_on is None
    assert change.state.freezes == 0
    assert change.state.length == 4  # the covered day keeps the run but does not lengthen it
    assert change.state.started == MONDAY


def test_two_freezes_cover_two_missed_days_in_a_row():
    state, _ = run([MONDAY], StreakState(freezes=2))
    change = streak_catch_up(state, today=MONDAY + timedelta(days=3))
    assert change.frozen_days == (MONDAY + timedelta(days=1), MONDAY + timedelta(days=2))
    assert change.state.freezes == 0
    assert change.state.length == 1


def test_a_gap_longer_than_the_freezes_held_uses_them_then_ends_the_streak():
    state, _ = run([MONDAY], StreakState(freezes=1))
    change = streak_catch_up(state, today=MONDAY + timedelta(days=3))  # two missed days, one freeze
    assert change.frozen_days == (MONDAY + timedelta(days=1),)
    assert change.broken_on == MONDAY + timedelta(days=2)
    assert change.state.length == 0
    assert change.state.freezes == 0


@given(
    met=st.lists(st.booleans(), min_size=1, max_size=40),
    freezes=st.integers(min_value=0, max_value=2),
)
def test_settling_every_night_or_once_at_the_end_gives_the_same_streak(met, freezes):
    """Whenever the task or the next lesson settles missed days, the learner ends up with the same streak."""
    nightly = at_once = StreakState(freezes=freezes)
    for offset, goal_met in enumerate(met):
        day = MONDAY + timedelta(days=offset)
        nightly = streak_catch_up(nightly, today=day).state
        if goal_met:
            nightly = streak_goal_met(nightly, day=day).state
            at_once = streak_goal_met(at_once, day=day).state
    end = MONDAY + timedelta(days=len(met) + 3)
    final_nightly = streak_catch_up(nightly, today=end)
    final_at_once = streak_catch_up(at_once, today=end)
    assert final_nightly.state == final_at_once.state


def test_catching_up_twice_on_the_same_day_uses_a_freeze_once():
    state, _ = run([MONDAY], StreakState(freezes=2))
    first = streak_catch_up(state, today=MONDAY + timedelta(days=2))
    second = streak_catch_up(first.state, today=MONDAY + timedelta(days=2))
    assert first.state.freezes == second.state.freezes == 1
    assert second.frozen_days == ()


def test_no_freeze_is_spent_without_a_streak_to_save():
    change = streak_catch_up(StreakState(freezes=2), today=MONDAY)
    assert change.state == StreakState(freezes=2)


def test_milestones_are_reached_at_7_30_and_100_days_and_each_earns_a_freeze():
    _, changes = run(days(MONDAY, 100))
    reached = {change.state.length: change.milestones for change in changes if change.milestones}
    assert reached == {7: (7,), 30: (30,), 100: (100,)}
    assert changes[6].state.freezes == 1
    assert changes[29].state.freezes == 2


def test_freezes_held_never_exceed_two():
    state, _ = run(days(MONDAY, 7), StreakState(freezes=2))
    assert state.freezes == 2


def test_a_day_before_the_last_counted_one_changes_nothing():
    state, _ = run(days(MONDAY, 3))
    change = streak_goal_met(state, day=MONDAY)
    assert change.state == state
    assert not change.counted
