"""The level curve (gamification/levels.py): thresholds, the level for a total, and the progress bar's figures."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gamification.levels import level_for_xp, level_progress, xp_for_level


def test_the_first_levels_start_at_0_50_150_300_and_500_xp():
    assert [xp_for_level(level) for level in range(1, 6)] == [0, 50, 150, 300, 500]


@pytest.mark.parametrize(
    ("xp", "level"), [(0, 1), (49, 1), (50, 2), (149, 2), (150, 3), (499, 4), (500, 5), (2250, 10), (-5, 1)]
)
def test_a_total_gives_the_level_whose_threshold_it_has_passed(xp, level):
    assert level_for_xp(xp) == level


@given(st.integers(min_value=0, max_value=10_000_000))
def test_every_total_lies_between_its_level_and_the_next(xp):
    level = level_for_xp(xp)
    assert xp_for_level(level) <= xp < xp_for_level(level + 1)


def test_the_progress_bar_shows_how_far_into_the_level_and_what_is_left():
    progress = level_progress(200)
    assert (progress.level, progress.floor, progress.ceiling) == (3, 150, 300)
    assert progress.into_level == 50
    assert progress.remaining == 100
    assert progress.percent == 33


def test_there_is_no_level_zero():
    with pytest.raises(ValueError, match="start at 1"):
        xp_for_level(0)
