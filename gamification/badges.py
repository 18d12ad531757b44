"""The badges, defined in code: each has a slug (stored when awarded), words for the profile, and a rule.

A rule reads LearnerFacts (counts gathered by selectors.learner_facts in a few queries) and says whether the badge is
earned. Awarding is idempotent (one row per learner and slug), so rules may be checked as often as is convenient.
Slugs are stored: never rename one; retire a badge by keeping its slug with a rule that no longer fires.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class LearnerFacts:
    lessons_completed: int = 0
    courses_completed: int = 0
    checks_right_first_time: int = 0
    unlocks: int = 0  # AI tutor explanations paid for
    longest_streak: int = 0
    goal_days: int = 0  # days the daily goal was met
    level: int = 1
    promotions: int = 0  # weekly leagues finished in the promotion zone
    podiums: int = 0  # weekly leagues finished in the top three


@dataclass(frozen=True)
class Badge:
    slug: str
    name: str
    description: str
    icon: str
    rule: Callable[[LearnerFacts], bool]


BADGES: tuple[Badge, ...] = (
    Badge("first-lesson", "First steps", "Completed a first lesson.", "🎯", lambda f: f.lessons_completed >= 1),
    Badge("lessons-10", "Ten down", "Completed ten lessons.", "📚", lambda f: f.lessons_completed >= 10),
    Badge("lessons-50", "Bookworm", "Completed fifty lessons.", "🐛", lambda f: f.lessons_completed >= 50),
    Badge(
        "sharp-eye",
        "Sharp eye",
        "Answered a check question right at the first try.",
        "👁",
        lambda f: f.checks_right_first_time >= 1,
    ),
    Badge("first-unlock", "Curious mind", "Unlocked a first AI tutor explanation.", "🔓", lambda f: f.unlocks >= 1),
    Badge(
        "course-finished",
        "Course finisher",
        "Completed every lesson of a course you enrolled in.",
        "🏁",
        lambda f: f.courses_completed >= 1,
    ),
    Badge("goal-getter", "Goal getter", "Met your daily goal for the first time.", "✅", lambda f: f.goal_days >= 1),
    Badge(
        "streak-7", "One-week streak", "Met your daily goal seven days in a row.", "🔥", lambda f: f.longest_streak >= 7
    ),
    Badge(
        "streak-30",
        "One-month streak",
        "Met your daily goal thirty days in a row.",
        "🌋",
        lambda f: f.longest_streak >= 30,
    ),
    Badge(
        "streak-100",
        "Hundred-day streak",
        "Met your daily goal 100 days in a row.",
        "💯",
        lambda f: f.longest_streak >= 100,
    ),
    Badge("level-5", "Level 5", "Reached level 5.", "⭐", lambda f: f.level >= 5),
    Badge("level-10", "Level 10", "Reached level 10.", "🌟", lambda f: f.level >= 10),
    Badge(
        "moving-up", "Moving up", "Finished a weekly league in the promotion zone.", "⬆", lambda f: f.promotions >= 1
    ),
    Badge("podium", "Podium", "Finished a weekly league in the top three.", "🏆", lambda f: f.podiums >= 1),
)
BADGES_BY_SLUG = {badge.slug: badge for badge in BADGES}


def badges_earned(facts: LearnerFacts) -> list[Badge]:
    """Every badge whose rule the facts satisfy, in the registry's order."""
    return [badge for badge in BADGES if badge.rule(facts)]
