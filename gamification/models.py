"""Tables of the gamification app: XP events and the profile that caches their totals, daily activity, lesson
completions, badges awarded, and weekly leagues. (Check questions live in practice.)"""

from __future__ import annotations

from datetime import datetime
from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from core.learner_pages import LearnerRowsQuerySet
from gamification.badges import BADGES_BY_SLUG, Badge
from gamification.leagues import LEAGUE_SIZE, Outcome, Tier
from gamification.levels import LevelProgress, level_progress
from gamification.rewards import DAILY_GOAL_CHOICES, DAILY_GOAL_DEFAULT, FREEZES_MAX
from gamification.streaks import StreakState


class XPEventIsAppendOnly(Exception):  # noqa: N818 - the name says what happened
    """XP history is never edited; a correction is a new event."""


class LearnerProfile(models.Model):
    """One row per learner: totals cached from XPEvent (in the transaction that appends the event), the streak's
    state, and the learner's gamification settings. Every writer locks this row first."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="learner_profile")
    xp = models.PositiveIntegerField(default=0)
    level = models.PositiveIntegerField(default=1)
    daily_goal = models.PositiveSmallIntegerField(
        default=DAILY_GOAL_DEFAULT,
        choices=[(goal, f"{goal} XP a day") for goal in DAILY_GOAL_CHOICES],
    )
    streak_length = models.PositiveIntegerField(default=0)
    streak_longest = models.PositiveIntegerField(default=0)
    streak_started = models.DateField(null=True, blank=True)
    streak_last_day = models.DateField(
        null=True, blank=True, help_text="The last local day that kept the streak: goal met, or covered by a freeze."
    )
    freezes = models.PositiveSmallIntegerField(default=0)
    league_tier = models.PositiveSmallIntegerField(choices=Tier.choices, default=Tier.BRONZE)
    league_opt_out = models.BooleanField(default=False, help_text="Stay out of weekly leagues and leaderboards.")
    welcome_dismissed_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the learner closed the first-visit welcome (templates/includes/_welcome.html).",
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = LearnerRowsQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(freezes__lte=FREEZES_MAX), name="gamification_profile_freezes_max"),
            models.CheckConstraint(condition=Q(level__gte=1), name="gamification_profile_level_from_1"),
            models.CheckConstraint(
                condition=Q(daily_goal__in=DAILY_GOAL_CHOICES), name="gamification_profile_daily_goal_valid"
            ),
            models.CheckConstraint(condition=Q(league_tier__in=Tier.values), name="gamification_profile_tier_valid"),
            models.CheckConstraint(
                condition=Q(streak_longest__gte=F("streak_length")), name="gamification_profile_longest_streak"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.xp} XP"

    @property
    def streak_state(self) -> StreakState:
        return StreakState(
            length=self.streak_length,
            longest=self.streak_longest,
            started=self.streak_started,
            last_day=self.streak_last_day,
            freezes=self.freezes,
        )

    @property
    def level_progress(self) -> LevelProgress:
        return level_progress(self.xp)

    @property
    def tier_label(self) -> str:
        return Tier(self.league_tier).label


class XPEvent(models.Model):
    """Append-only: every XP a learner earned, why, and on which of their local days."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="xp_events")
    amount = models.PositiveIntegerField()
    reason = models.CharField(max_length=200)
    reference = models.CharField(max_length=120, blank=True, help_text="What it was for, e.g. lesson:42.")
    idempotency_key = models.CharField(max_length=160)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    local_date = models.DateField(help_text="The learner's calendar day (their time zone at the time).")

    objects = LearnerRowsQuerySet.as_manager()

    class Meta:
        verbose_name = "XP event"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "idempotency_key"], name="gamification_xp_key_once_per_user"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="gamification_xp_amount_positive"),
        ]
        indexes = [models.Index(fields=["user", "local_date"], name="gamification_xp_user_day")]

    def __str__(self) -> str:
        return f"+{self.amount} XP · {self.reason}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise XPEventIsAppendOnly("XP events are never changed; append a new one.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise XPEventIsAppendOnly("XP events are never deleted.")


class DailyActivity(models.Model):
    """One row per learner and local day with any XP or a freeze: the calendar, the chart and the goal."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="daily_activity")
    day = models.DateField()
    xp = models.PositiveIntegerField(default=0)
    goal = models.PositiveSmallIntegerField(default=DAILY_GOAL_DEFAULT, help_text="The daily goal that day.")
    goal_met = models.BooleanField(default=False)
    frozen = models.BooleanField(default=False, help_text="A streak freeze covered this day.")

    objects = LearnerRowsQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "daily activity"
        ordering = ["-day"]
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="gamification_activity_once_per_day")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.day}: {self.xp} XP"


class LessonCompletion(models.Model):
    """What completing a lesson paid and how it earned it, once per learner. That the lesson is completed, and when,
    is recorded once, in its LessonProgress (``completed_at``); this row points at it."""

    class Via(models.TextChoices):
        TIME = "time", "Time with the lesson open"
        CHECK = "check", "Check question answered"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_completions")
    lesson = models.ForeignKey("lessons.Lesson", on_delete=models.CASCADE, related_name="+")
    progress = models.OneToOneField("lessons.LessonProgress", on_delete=models.CASCADE, related_name="+")
    local_date = models.DateField()
    via = models.CharField(max_length=8, choices=Via.choices)
    xp_awarded = models.PositiveIntegerField(default=0)
    credits_awarded = models.PositiveIntegerField(default=0)

    objects = LearnerRowsQuerySet.as_manager()

    class Meta:
        ordering = ["-pk"]
        constraints = [models.UniqueConstraint(fields=["user", "lesson"], name="gamification_completion_once")]
        indexes = [models.Index(fields=["user", "local_date"], name="gamification_completion_day")]

    def __str__(self) -> str:
        return f"{self.user_id} completed {self.lesson_id}"

    @property
    def completed_at(self) -> datetime | None:
        return self.progress.completed_at


class CourseCompletion(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="course_completions")
    course = models.ForeignKey("lessons.Course", on_delete=models.CASCADE, related_name="+")
    completed_at = models.DateTimeField(default=timezone.now)
    credits_awarded = models.PositiveIntegerField(default=0)

    objects = LearnerRowsQuerySet.as_manager()

    class Meta:
        ordering = ["-completed_at"]
        constraints = [models.UniqueConstraint(fields=["user", "course"], name="gamification_course_once")]

    def __str__(self) -> str:
        return f"{self.user_id} finished course {self.course_id}"


class BadgeAward(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="badge_awards")
    badge = models.CharField(max_length=40, help_text="A slug from gamification/badges.py.")
    earned_at = models.DateTimeField(default=timezone.now)

    objects = LearnerRowsQuerySet.as_manager()

    class Meta:
        ordering = ["-earned_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "badge"], name="gamification_badge_once")]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.badge}"

    @property
    def definition(self) -> Badge | None:
        return BADGES_BY_SLUG.get(self.badge)


class LeagueWeek(models.Model):
    """A week of leagues; `processed_at` is set once its rollover has placed every league."""

    key = models.CharField(max_length=10, unique=True, help_text="ISO week in UTC, e.g. 2026-W11.")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField(db_index=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-starts_at"]
        constraints = [models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="gamification_week_span")]

    def __str__(self) -> str:
        return self.key


class League(models.Model):
    week = models.ForeignKey(LeagueWeek, on_delete=models.CASCADE, related_name="leagues")
    tier = models.PositiveSmallIntegerField(choices=Tier.choices)
    number = models.PositiveIntegerField(help_text="1, 2, 3 … within the week and tier.")
    member_count = models.PositiveSmallIntegerField(default=0)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["week", "-tier", "number"]
        constraints = [
            models.UniqueConstraint(fields=["week", "tier", "number"], name="gamification_league_number_once"),
            models.CheckConstraint(condition=Q(member_count__lte=LEAGUE_SIZE), name="gamification_league_at_most_30"),
        ]

    def __str__(self) -> str:
        return f"{self.week.key} {Tier(self.tier).label} #{self.number}"


class LeagueMembership(models.Model):
    """A learner's week: XP earned in it (cached with each XPEvent), and where the rollover placed them.

    `league` stays empty for a learner who started the week before the previous week's rollover ran: their tier was
    not settled yet, so the rollover seats them afterwards.
    """

    week = models.ForeignKey(LeagueWeek, on_delete=models.CASCADE, related_name="memberships")
    league = models.ForeignKey(League, on_delete=models.CASCADE, null=True, blank=True, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="league_memberships")
    xp = models.PositiveIntegerField(default=0)
    last_xp_at = models.DateTimeField(default=timezone.now)
    joined_at = models.DateTimeField(default=timezone.now)
    rank = models.PositiveSmallIntegerField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    credits_awarded = models.PositiveIntegerField(default=0)

    objects = LearnerRowsQuerySet.as_manager()

    class Meta:
        ordering = ["-xp", "last_xp_at", "user_id"]
        constraints = [models.UniqueConstraint(fields=["week", "user"], name="gamification_membership_once_a_week")]
        indexes = [models.Index(fields=["league", "-xp"], name="gamification_membership_board")]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.week_id}: {self.xp} XP"


class FreezePurchase(models.Model):
    """A streak freeze bought with ⚡; the key makes a double-clicked “buy” buy once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="freeze_purchases")
    idempotency_key = models.CharField(max_length=80)
    price = models.PositiveIntegerField()
    bought_at = models.DateTimeField(default=timezone.now)

    objects = LearnerRowsQuerySet.as_manager()

    class Meta:
        ordering = ["-bought_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "idempotency_key"], name="gamification_freeze_purchase_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} bought a freeze for ⚡{self.price}"
