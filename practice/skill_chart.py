"""Geometry of /me/'s skill profile: one horizontal bar per skill, 0–100, drawn by the template as SVG.

Pure (no database), like gamification/charts.py: rectangles with coordinates and an accessible label each.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from practice.selectors.mastery import SkillMastery

LABEL_WIDTH = 170
BAR_SPAN = 200  # 100 % mastery
ROW_HEIGHT = 22
BAR_HEIGHT = 14
VALUE_GAP = 6


@dataclass(frozen=True)
class SkillBar:
    skill: SkillMastery
    y: int
    width: int
    text_y: int
    label: str


@dataclass(frozen=True)
class SkillChart:
    bars: list[SkillBar]
    width: int
    height: int
    label_width: int
    span: int

    @property
    def summary(self) -> str:
        if not self.bars:
            return "No skill practised yet."
        said = ", ".join(f"{bar.skill.name} {bar.skill.mastery}" for bar in self.bars)
        return f"Mastery per skill, out of 100: {said}."


def skill_chart(skills: Sequence[SkillMastery]) -> SkillChart:
    bars = [
        SkillBar(
            skill=skill,
            y=index * ROW_HEIGHT + (ROW_HEIGHT - BAR_HEIGHT) // 2,
            width=round(BAR_SPAN * skill.mastery / 100),
            text_y=index * ROW_HEIGHT + ROW_HEIGHT // 2 + 4,
            label=(
                f"{skill.name}: mastery {skill.mastery} of 100, {skill.cards} card{'s' if skill.cards != 1 else ''}, "
                f"{skill.lessons_done} of {skill.lessons} lesson{'s' if skill.lessons != 1 else ''} done"
            ),
        )
        for index, skill in enumerate(skills)
    ]
    return SkillChart(
        bars=bars,
        width=LABEL_WIDTH + BAR_SPAN + VALUE_GAP + 30,
        height=max(1, len(bars)) * ROW_HEIGHT,
        label_width=LABEL_WIDTH,
        span=BAR_SPAN,
    )
