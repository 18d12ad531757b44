"""What one action earned (XP, ⚡, badges, a level, a streak day), gathered as it happens and said in toasts."""

from __future__ import annotations

from dataclasses import dataclass, field

from gamification.badges import Badge


@dataclass
class Gains:
    xp: int = 0
    credits: int = 0
    credit_reasons: list[str] = field(default_factory=list)
    badges: list[Badge] = field(default_factory=list)
    level_reached: int | None = None
    goal_met: bool = False
    streak: int = 0  # the streak after the action
    streak_extended: bool = False
    milestones: list[int] = field(default_factory=list)
    freezes_used: int = 0
    notes: list[str] = field(default_factory=list)  # plain remarks, said as they are

    def add_credits(self, amount: int, reason: str) -> None:
        self.credits += amount
        self.credit_reasons.append(reason)

    def absorb(self, other: Gains) -> None:
        """Add what another part of the same action earned (its XP, ⚡, badges and news) to this one."""
        self.xp += other.xp
        self.credits += other.credits
        self.credit_reasons += other.credit_reasons
        self.badges += [badge for badge in other.badges if badge not in self.badges]
        self.level_reached = max(filter(None, (self.level_reached, other.level_reached)), default=None)
        self.goal_met = self.goal_met or other.goal_met
        self.streak = other.streak or self.streak
        self.streak_extended = self.streak_extended or other.streak_extended
        self.milestones += other.milestones
        self.freezes_used += other.freezes_used
        self.notes += other.notes

    @property
    def messages(self) -> list[str]:
        """Toasts, most exciting last so it stays on screen longest."""
        said = []
        if self.xp:
            said.append(f"+{self.xp} XP")
        if self.freezes_used:
            days = "a missed day" if self.freezes_used == 1 else f"{self.freezes_used} missed days"
            said.append(f"A streak freeze covered {days}.")
        if self.goal_met:
            said.append("Daily goal met!")
        if self.streak_extended:
            said.append(f"🔥 {self.streak}-day streak")
        for milestone in self.milestones:
            said.append(f"{milestone} days in a row: a streak freeze is yours.")
        if self.level_reached:
            said.append(f"Level {self.level_reached} reached!")
        said.extend(self.notes)
        if self.credits:
            said.append(f"⚡{self.credits} earned")
        said.extend(f"Badge earned: {badge.icon} {badge.name}" for badge in self.badges)
        return said
