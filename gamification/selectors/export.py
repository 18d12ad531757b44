"""The gamification part of a learner's data export."""

from __future__ import annotations

from accounts.models import User
from gamification.models import (
    BadgeAward,
    CourseCompletion,
    DailyActivity,
    FreezePurchase,
    LeagueMembership,
    LearnerProfile,
    LessonCompletion,
    XPEvent,
)


def export_for(*, user: User) -> dict[str, object]:
    """The gamification part of the learner's data export: totals, every XP event, the streak's days, badges,
    completions, league weeks and freezes bought. Reads only: a learner without a profile has none."""
    profile = LearnerProfile.objects.filter(user=user).first()
    return {
        "profile": None
        if profile is None
        else {
            "xp": profile.xp,
            "level": profile.level,
            "daily_goal": profile.daily_goal,
            "streak_length": profile.streak_length,
            "streak_longest": profile.streak_longest,
            "freezes": profile.freezes,
            "league_tier": profile.tier_label,
            "league_opt_out": profile.league_opt_out,
        },
        "xp_events": [
            {
                "amount": event.amount,
                "reason": event.reason,
                "reference": event.reference,
                "created_at": event.created_at.isoformat(),
                "local_date": event.local_date.isoformat(),
            }
            for event in XPEvent.objects.filter(user=user).order_by("created_at", "id")
        ],
        "streak_days": [
            {"day": day.day.isoformat(), "xp": day.xp, "goal": day.goal, "goal_met": day.goal_met, "frozen": day.frozen}
            for day in DailyActivity.objects.filter(user=user).order_by("day")
        ],
        "badges": [
            {"badge": award.badge, "earned_at": award.earned_at.isoformat()}
            for award in BadgeAward.objects.filter(user=user).order_by("earned_at", "id")
        ],
        "lesson_completions": [
            {
                "lesson": row.lesson.slug,
                "completed_at": row.progress.completed_at.isoformat() if row.progress.completed_at else None,
                "via": row.via,
                "xp_awarded": row.xp_awarded,
                "credits_awarded": row.credits_awarded,
            }
            for row in LessonCompletion.objects.filter(user=user)
            .select_related("lesson", "progress")
            .order_by("progress__completed_at", "id")
        ],
        "course_completions": [
            {"course": row.course.slug, "completed_at": row.completed_at.isoformat(), "credits": row.credits_awarded}
            for row in CourseCompletion.objects.filter(user=user).select_related("course").order_by("completed_at")
        ],
        "league_weeks": [
            {"week": row.week.key, "xp": row.xp, "rank": row.rank, "outcome": row.outcome}
            for row in LeagueMembership.objects.filter(user=user).select_related("week").order_by("joined_at")
        ],
        "freezes_bought": [
            {"price": row.price, "bought_at": row.bought_at.isoformat()}
            for row in FreezePurchase.objects.filter(user=user).order_by("bought_at")
        ],
    }
