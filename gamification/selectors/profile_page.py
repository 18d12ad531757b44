"""The learner's profile page: level, streak, goal, freezes, league standing, calendar, XP chart and badges."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from core.page_cache import cached_or_computed
from credits.selectors import WalletSummary, wallet_summary
from gamification.badges import BADGES, BADGES_BY_SLUG, Badge
from gamification.leagues import Tier, week_key
from gamification.levels import LevelProgress
from gamification.local_days import local_date, seconds_left_today
from gamification.models import (
    BadgeAward,
    LeagueMembership,
    LearnerProfile,
)
from gamification.rewards import (
    DAILY_GOAL_CHOICES,
    FREEZE_PRICE_CREDITS,
    FREEZES_MAX,
)
from gamification.selectors.facts import profile_for
from gamification.selectors.year_calendar import YearCalendar, year_calendar_for
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
class Standing:
    """What the profile shows about the learner among others: badges earned, and this week's league place.

    Badges are kept by slug (a Badge carries its rule, a function, which the cache cannot store), newest first.
    """

    badges_earned: list[tuple[str, datetime]]
    league: LeagueStanding | None


@dataclass(frozen=True)
class ProfilePage:
    profile: LearnerProfile
    level: LevelProgress
    streak: int
    streak_at_risk: bool
    hours_left_today: int
    calendar: YearCalendar
    badges_earned: list[BadgeView]
    badges_locked: list[Badge]
    league: LeagueStanding | None
    wallet: WalletSummary
    goal_choices: tuple[int, ...] = DAILY_GOAL_CHOICES
    freeze_price: int = FREEZE_PRICE_CREDITS
    freezes_max: int = FREEZES_MAX

    @property
    def today_xp(self) -> int:
        return self.calendar.today_xp

    @property
    def today_goal_met(self) -> bool:
        return self.calendar.today_goal_met

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


# The learner's own awards and XP save their profile, so they change the key and show at once; what others do (their
# XP moving the rank, the weekly rollover's promotion badges) shows within this long.
STANDING_CACHE_SECONDS = 60


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


def _standing_built(*, user: User, profile: LearnerProfile, now: datetime) -> Standing:
    earned = BadgeAward.objects.filter(user=user).values_list("badge", "earned_at")
    return Standing(
        badges_earned=sorted(
            ((slug, at) for slug, at in earned if slug in BADGES_BY_SLUG), key=lambda award: award[1], reverse=True
        ),
        league=None if profile.league_opt_out else _league_standing(user=user, tier=profile.tier_label, now=now),
    )


def _standing_for(*, user: User, profile: LearnerProfile, now: datetime) -> Standing:
    version = f"{profile.updated_at.timestamp():.6f}" if profile.updated_at else "new"
    return cached_or_computed(
        f"gamification:standing:v1:{user.pk}:{week_key(now)}:{profile.league_tier}:{version}",
        lambda: _standing_built(user=user, profile=profile, now=now),
        timeout=STANDING_CACHE_SECONDS,
    )


def profile_page_for(*, user: User, now: datetime | None = None, wallet: WalletSummary | None = None) -> ProfilePage:
    """The /me/ page: the profile and the wallet read live; the year (calendar and chart) and the standing (badges,
    league) from the cache when fresh, else in a fixed number of queries (a year of days; badges; league, 2).

    A caller that has already read the wallet (the page's header shows the balance too) passes it in.
    """
    now = now or timezone.now()
    time_zone = user.time_zone_at(now)
    today = local_date(now, time_zone)
    profile = profile_for(user=user)
    standing = _standing_for(user=user, profile=profile, now=now)
    earned = {slug for slug, _at in standing.badges_earned}
    return ProfilePage(
        profile=profile,
        level=profile.level_progress,
        streak=streak_shown(profile.streak_state, today=today),
        streak_at_risk=streak_at_risk(profile.streak_state, today=today),
        hours_left_today=seconds_left_today(now, time_zone) // 3600,
        calendar=year_calendar_for(user=user, profile=profile, today=today),
        badges_earned=[BadgeView(BADGES_BY_SLUG[slug], at) for slug, at in standing.badges_earned],
        badges_locked=[badge for badge in BADGES if badge.slug not in earned],
        league=standing.league,
        wallet=wallet if wallet is not None else wallet_summary(user=user),
    )
