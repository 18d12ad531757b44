"""Levels from total XP: a threshold curve where each level asks for 50 XP more than the one before.

Level 1 starts at 0 XP, level 2 at 50, level 3 at 150, level 4 at 300, level 5 at 500 … level n at 25·n·(n−1).
Early levels come within a day or two; level 10 (2,250 XP) takes a few weeks of steady lessons.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import isqrt

LEVEL_STEP_XP = 50


def xp_for_level(level: int) -> int:
    """Total XP at which `level` starts."""
    if level < 1:
        raise ValueError("Levels start at 1.")
    return LEVEL_STEP_XP * level * (level - 1) // 2


def level_for_xp(xp: int) -> int:
    """The level reached with `xp` total XP (the largest n with xp_for_level(n) ≤ xp)."""
    if xp <= 0:
        return 1
    # Solve 25·n·(n−1) ≤ xp for n, then correct the integer square root's rounding.
    level = (1 + isqrt(1 + 8 * xp // LEVEL_STEP_XP)) // 2
    while xp_for_level(level + 1) <= xp:
        level += 1
    while xp_for_level(level) > xp:
        level -= 1
    return max(level, 1)


@dataclass(frozen=True)
class LevelProgress:
    """Where a learner stands between two levels: what the profile's progress bar shows."""

    xp: int
    level: int
    floor: int  # XP at which this level started
    ceiling: int  # XP at which the next level starts

    @property
    def into_level(self) -> int:
        return self.xp - self.floor

    @property
    def span(self) -> int:
        return self.ceiling - self.floor

    @property
    def remaining(self) -> int:
        return self.ceiling - self.xp

    @property
    def percent(self) -> int:
        return min(100, self.into_level * 100 // self.span)


def level_progress(xp: int) -> LevelProgress:
    xp = max(0, xp)
    level = level_for_xp(xp)
    return LevelProgress(xp=xp, level=level, floor=xp_for_level(level), ceiling=xp_for_level(level + 1))
