"""Template filters for how lessons read: a short age ("1mo ago") and a duration ("1 h 10 min")."""

from __future__ import annotations

from datetime import date, datetime

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def age(value: date | datetime | None, today: date | None = None) -> str:
    """How long ago, in the short buckets of the seed page: "today", "3d ago", "2w ago", "1mo ago", "1y ago"."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localdate(value) if timezone.is_aware(value) else value.date()
    days = ((today or timezone.localdate()) - value).days
    if days < 1:
        return "today"  # a date in the future (a scheduled lesson) reads as today rather than as a negative age
    if days < 7:
        return f"{days}d ago"
    if days < 30:
        return f"{days // 7}w ago"
    if days < 365:
        return f"{days // 30}mo ago"
    return f"{days // 365}y ago"


@register.filter
def duration(seconds: int | None) -> str:
    """A watching or reading time: "45 s", "25 min", "1 h", "3 h 30 min"."""
    if not seconds or seconds < 0:
        return ""
    if seconds < 60:
        return f"{seconds} s"
    minutes = round(seconds / 60)
    hours, minutes = divmod(minutes, 60)
    if not hours:
        return f"{minutes} min"
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"
