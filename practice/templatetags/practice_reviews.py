"""Template tags of spaced review: a passage's moment ("1:35") and /me/'s part (skills, what is due)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django import template
from django.utils import timezone

from practice.selectors import SkillMastery, skill_mastery_for
from practice.selectors.reviews import ReviewItem, review_queue_for
from practice.skill_chart import SkillChart, skill_chart

register = template.Library()

ME_UPCOMING = 3


@register.filter
def moment(seconds: int | None) -> str:
    """A moment in a recording: "1:35", "1:02:03"; "" without one."""
    if seconds is None or seconds < 0:
        return ""
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


@dataclass(frozen=True)
class MeReviews:
    skills: list[SkillMastery]
    chart: SkillChart
    due_count: int
    upcoming: list[ReviewItem]


@register.simple_tag
def me_reviews(user: Any) -> MeReviews:
    """/me/'s practice part: the skills the learner practised with their mastery, and what is due or comes next."""
    skills = skill_mastery_for(user=user, practised_only=True)
    queue = review_queue_for(user=user, limit=ME_UPCOMING)
    return MeReviews(skills=skills, chart=skill_chart(skills), due_count=queue.due_count, upcoming=queue.items)


@register.filter
def due_in(value: datetime | None) -> str:
    """When a card comes back, in words rounded the way people say it: "now", "in 10 minutes", "in 3 hours",
    "in 1 day", "in 8 days"."""
    if value is None:
        return ""
    seconds = (value - timezone.now()).total_seconds()
    if seconds <= 30:
        return "now"
    if seconds < 3600:
        minutes = max(1, round(seconds / 60))
        return f"in {minutes} minute{'s' if minutes != 1 else ''}"
    if seconds < 20 * 3600:
        hours = round(seconds / 3600)
        return f"in {hours} hour{'s' if hours != 1 else ''}"
    days = max(1, round(seconds / 86400))
    return f"in {days} day{'s' if days != 1 else ''}"
