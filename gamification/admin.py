"""Admin: read-only views of XP history, badges and leagues (check questions are practice's).

All of it is history or a cache of it, so the admin shows it and never edits it: a learner's XP is corrected with a
new event through a service, not by changing a row.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from core.read_only_admin import ReadOnlyAdmin, ReadOnlyInline
from gamification.badges import BADGES_BY_SLUG
from gamification.models import (
    BadgeAward,
    CourseCompletion,
    League,
    LeagueMembership,
    LeagueWeek,
    LearnerProfile,
    LessonCompletion,
    XPEvent,
)

# --- Learners' history -----------------------------------------------------------------------------------------------


@admin.register(XPEvent)
class XPEventAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "user", "amount", "reason", "reference", "local_date")
    list_select_related = ("user",)
    search_fields = ("user__email", "user__display_name", "reference", "reason")
    date_hierarchy = "created_at"
    raw_id_fields = ("user",)


@admin.register(LearnerProfile)
class LearnerProfileAdmin(ReadOnlyAdmin):
    list_display = (
        "user",
        "xp",
        "level",
        "streak_length",
        "streak_longest",
        "freezes",
        "league_tier",
        "league_opt_out",
    )
    list_select_related = ("user",)
    list_filter = ("league_tier", "league_opt_out", "daily_goal")
    search_fields = ("user__email", "user__display_name")
    readonly_fields = ("xp_history",)

    @admin.display(description="XP history (latest 20)")
    def xp_history(self, obj: LearnerProfile) -> str:
        events = XPEvent.objects.filter(user_id=obj.user_id).order_by("-created_at", "-id")[:20]
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>+{}</td><td>{}</td><td>{}</td></tr>",
            ((f"{e.created_at:%Y-%m-%d %H:%M}", e.amount, e.reason, e.reference) for e in events),
        )
        everything = reverse("admin:gamification_xpevent_changelist") + f"?user__id__exact={obj.user_id}"
        return format_html('<table>{}</table><p><a href="{}">All XP events of this learner</a></p>', rows, everything)


@admin.register(BadgeAward)
class BadgeAwardAdmin(ReadOnlyAdmin):
    list_display = ("earned_at", "user", "badge_name")
    list_select_related = ("user",)
    list_filter = ("badge",)
    search_fields = ("user__email", "user__display_name", "badge")

    @admin.display(description="badge", ordering="badge")
    def badge_name(self, obj: BadgeAward) -> str:
        badge = BADGES_BY_SLUG.get(obj.badge)
        return f"{badge.icon} {badge.name}" if badge else obj.badge


@admin.register(LessonCompletion)
class LessonCompletionAdmin(ReadOnlyAdmin):
    list_display = ("completed", "user", "lesson", "via", "xp_awarded", "credits_awarded")
    list_select_related = ("user", "lesson", "progress")
    list_filter = ("via",)
    search_fields = ("user__email", "lesson__title")

    @admin.display(description="completed at", ordering="progress__completed_at")
    def completed(self, obj: LessonCompletion) -> datetime | None:
        return obj.completed_at


@admin.register(CourseCompletion)
class CourseCompletionAdmin(ReadOnlyAdmin):
    list_display = ("completed_at", "user", "course", "credits_awarded")
    list_select_related = ("user", "course")
    search_fields = ("user__email", "course__title")


# --- Leagues ---------------------------------------------------------------------------------------------------------


class LeagueInline(ReadOnlyInline):
    model = League
    fields = ("tier", "number", "member_count", "processed_at")
    readonly_fields = fields


@admin.register(LeagueWeek)
class LeagueWeekAdmin(ReadOnlyAdmin):
    list_display = ("key", "starts_at", "ends_at", "processed_at")
    inlines = (LeagueInline,)


class MembershipInline(ReadOnlyInline):
    model = LeagueMembership
    fields = ("user", "xp", "last_xp_at", "rank", "outcome", "credits_awarded")
    readonly_fields = fields
    ordering = ("-xp", "last_xp_at")


@admin.register(League)
class LeagueAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "week", "tier", "number", "member_count", "processed_at")
    list_select_related = ("week",)
    list_filter = ("tier", "week")
    inlines = (MembershipInline,)
