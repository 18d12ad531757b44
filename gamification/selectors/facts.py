"""A learner's profile row and the facts badge rules read (counts gathered in a few queries)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from accounts.models import User
from gamification.badges import LearnerFacts
from gamification.leagues import Outcome
from gamification.lesson_checks import checks_right_first_time
from gamification.models import (
    CourseCompletion,
    DailyActivity,
    LeagueMembership,
    LearnerProfile,
    LessonCompletion,
)
from gamification.outside_facts import unlocks_count


def profile_for(*, user: User) -> LearnerProfile:
    """The learner's profile, or an unsaved one with the defaults (reads never create rows)."""
    return LearnerProfile.objects.filter(user=user).first() or LearnerProfile(user=user)


def _count_by(queryset: QuerySet[Any], outer: str) -> Coalesce:
    """COUNT(*) of a correlated subquery, grouped on the column that refers to the outer row; 0 when none."""
    counted = queryset.order_by().values(outer).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _count(queryset: QuerySet[Any]) -> Coalesce:
    return _count_by(queryset, "user")


def learner_facts(*, user: User, profile: LearnerProfile | None = None) -> LearnerFacts:
    """What the badge rules look at, in two queries (counts as subqueries of one row, and the unlock count)."""
    me = OuterRef("pk")
    right_first_time = checks_right_first_time()  # practice's answers, through the hook practice fills
    checks = _count(right_first_time.filter(user=me)) if right_first_time is not None else Value(0)
    counts = (
        User.objects.filter(pk=user.pk)
        .annotate(
            lessons=_count(LessonCompletion.objects.filter(user=me)),
            courses=_count(CourseCompletion.objects.filter(user=me)),
            checks=checks,
            goal_days=_count(DailyActivity.objects.filter(user=me, goal_met=True)),
            promotions=_count(LeagueMembership.objects.filter(user=me, outcome=Outcome.PROMOTED)),
            podiums=_count(LeagueMembership.objects.filter(user=me, rank__lte=3, rank__isnull=False)),
        )
        .values("lessons", "courses", "checks", "goal_days", "promotions", "podiums")
        .get()
    )
    profile = profile or profile_for(user=user)
    unlocks = unlocks_count(user=user)  # the tutor's own count, connected by config/apps.py
    return LearnerFacts(
        lessons_completed=counts["lessons"],
        courses_completed=counts["courses"],
        checks_right_first_time=counts["checks"],
        unlocks=unlocks,
        longest_streak=profile.streak_longest,
        goal_days=counts["goal_days"],
        level=profile.level,
        promotions=counts["promotions"],
        podiums=counts["podiums"],
    )
