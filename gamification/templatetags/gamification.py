"""Template filters for gamification: XP a lesson is worth, and waits said in words."""

from __future__ import annotations

from django import template

from gamification.rewards import lesson_xp as lesson_xp_for
from gamification.rewards import wait_in_words

register = template.Library()


@register.filter
def wait_words(seconds: int) -> str:
    return wait_in_words(seconds)


@register.filter
def lesson_xp(level: str) -> int:
    return lesson_xp_for(level)
