"""The learner's profile page: level, streak, goal, freezes, league standing, calendar, XP chart and badges."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from credits.selectors import WalletSummary, wallet_summary
from gamification.badges import BADGES, BADGES_BY_SLUG, Badge
from gamification.charts import BarChart, DayMark, Heatmap, calendar_heatmap, xp_per_day_chart
from gamification.leagues import Tier, week_key
from gamification.levels import LevelProgress
from gamification.local_days import local_date, seconds_left_today
from gamification.models import (
    BadgeAward,
    DailyActivity,
    LeagueMembership,
    LearnerProfile,
)
from gamification.rewards import (
    DAILY_GOAL_CHOICES,
    FREEZE_PRICE_CREDITS,
    FREEZES_MAX,
)
from gamification.selectors.facts import profile_for
from gamification.streaks import streak_at_risk, streak_shown


@dataclass(frozen=True)
class BadgeView:
    badge: Badge
    earned_at: datetime | None


@dataclass(frozen=True)
class LeagueStanding:
    tier: str
    rank: int | None
    members: int
    xp: int
    ends_at: datetime


@dataclass(frozen=True)
class ProfilePage:
    profile: LearnerProfile
    level: LevelProgress
    streak: int
    streak_at_risk: bool
    today_xp: int
    today_goal_met: bool
    hours_left_today: int
    heatmap: Heatmap
    chart: BarChart
    badges_earned: list[BadgeView]
    badges_locked: list[Badge]
    league: LeagueStanding | None
    wallet: WalletSummary
    goal_choices: tuple[int, ...] = DAILY_GOAL_CHOICES
    freeze_price: int = FREEZE_PRICE_CREDITS
    freezes_max: int = FREEZES_MAX

    @property
    def can_buy_freeze(self) -> bool:
        return self.profile.freezes < self.freezes_max and self.wallet.available >= self.freeze_price

    @property
    def xp_to_goal(self) -> int:
        return max(0, self.profile.daily_goal - self.today_xp)

    @property
    def badges_total(self) -> int:
        return len(self.badges_earned) + len(self.badges_locked)

    @property
    def today_goal_percent(self) -> int:
        return min(100, self.today_xp * 100 // max(self.profile.daily_goal, 1))


def _league_standing(*, user: User, tier: str, now: datetime) -> LeagueStanding | None:
    membership = (
        LeagueMembership.objects.filter(user=user, week__key=week_key(now)).select_related("league", "week").first()
    )
    if membership is None:
        return None
    if membership.league is None:  # seated once last week's rollover has run
        return LeagueStanding(tier=tier, rank=None, members=0, xp=membership.xp, ends_at=membership.week.ends_at)
    ahead = LeagueMembership.objects.filter(league=membership.league).filter(
        Q(xp__gt=membership.xp)
        | Q(xp=membership.xp, last_xp_at__lt=membership.last_xp_at)
        | Q(xp=membership.xp, last_xp_at=membership.last_xp_at, user_id__lt=user.pk)
    )
    return LeagueStanding(
        tier=Tier(membership.league.tier).label,
        rank=ahead.count() + 1,
        members=membership.league.member_count,
        xp=membership.xp,
        ends_at=membership.week.ends_at,
    )


def profile_page_for(*, user: User, now: datetime | None = None, wallet: WalletSummary | None = None) -> ProfilePage:
    """The /me/ page in a fixed number of queries: profile, a year of days, badges, league (2), wallet.

    A caller that has already read the wallet (the page's header shows the balance too) passes it in.
    """
    now = now or timezone.now()
    today = local_date(now, user.time_zone_at(now))
    profile = profile_for(user=user)
    year_ago = today - timedelta(days=7 * 53)
    marks = {
        row.day: DayMark(xp=row.xp, goal=row.goal, goal_met=row.goal_met, frozen=row.frozen)
        for row in DailyActivity.objects.filter(user=user, day__gte=year_ago, day__lte=today)
    }
    earned = {award.badge: award.earned_at for award in BadgeAward.objects.filter(user=user)}
    today_mark = marks.get(today, DayMark())
    return ProfilePage(
        profile=profile,
        level=profile.level_progress,
        streak=streak_shown(profile.streak_state, today=today),
        streak_at_risk=streak_at_risk(profile.streak_state, today=today),
        today_xp=today_mark.xp,
        today_goal_met=today_mark.goal_met,
        hours_left_today=seconds_left_today(now, user.time_zone_at(now)) // 3600,
        heatmap=calendar_heatmap(marks, today=today),
        chart=xp_per_day_chart(marks, today=today, goal=profile.daily_goal),
        badges_earned=sorted(
            (BadgeView(BADGES_BY_SLUG[slug], at) for slug, at in earned.items() if slug in BADGES_BY_SLUG),
            key=lambda view: view.earned_at or now,
            reverse=True,
        ),
        badges_locked=[badge for badge in BADGES if badge.slug not in earned],
        league=None if profile.league_opt_out else _league_standing(user=user, tier=profile.tier_label, now=now),
        wallet=wallet if wallet is not None else wallet_summary(user=user),
    )
