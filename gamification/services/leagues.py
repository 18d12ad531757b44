"""Writes about weekly leagues: scoring a learner's XP in this week's league, the weekly rollover, opting out.

Learners join a league of their tier with their first XP of the week (the week's open league with a free seat, or a
new one). The rollover closes each league in its own transaction (a `processed_at` flag per league and per week),
so it can stop half-way and be run again; ⚡ for the podium is keyed by week and learner, so it is paid once.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone

from accounts.models import User
from gamification.exceptions import WeekNotOver
from gamification.leagues import LEAGUE_SIZE, Outcome, Standing, Tier, league_placements, seats_plan, week_bounds
from gamification.leagues import week_key as week_key_of
from gamification.models import League, LeagueMembership, LeagueWeek, LearnerProfile
from gamification.references import league_reference, league_reward_key
from gamification.services.badges import badges_award
from gamification.services.profiles import profile_locked
from gamification.services.rewards import reward_pay


def league_week_get_or_create(*, key: str) -> LeagueWeek:
    starts_at, ends_at = week_bounds(key)
    try:
        with transaction.atomic():
            week, _ = LeagueWeek.objects.get_or_create(key=key, defaults={"starts_at": starts_at, "ends_at": ends_at})
    except IntegrityError:  # a concurrent first XP of the week created it
        week = LeagueWeek.objects.get(key=key)
    return week


def _earlier_weeks_open(week: LeagueWeek) -> bool:
    """Whether a week before this one still waits for its rollover (so this week's tiers are not settled yet)."""
    return LeagueWeek.objects.filter(starts_at__lt=week.starts_at, processed_at__isnull=True).exists()


def _seat(*, week: LeagueWeek, tier: int, count: int) -> list[League]:
    """Seats for `count` newcomers in a tier: one League per newcomer, in order. The caller holds the week's lock."""
    open_leagues = list(
        League.objects.filter(week=week, tier=tier, member_count__lt=LEAGUE_SIZE, processed_at__isnull=True).order_by(
            "number"
        )
    )
    joins, new_sizes = seats_plan([league.member_count for league in open_leagues], count)
    seats: list[League] = []
    for league, take in zip(open_leagues, joins, strict=True):
        if take:
            League.objects.filter(pk=league.pk).update(member_count=F("member_count") + take)
            seats += [league] * take
    if new_sizes:
        last = League.objects.filter(week=week, tier=tier).aggregate(last=Max("number"))["last"] or 0
        for offset, size in enumerate(new_sizes, start=1):
            league = League.objects.create(week=week, tier=tier, number=last + offset, member_count=size)
            seats += [league] * size
    return seats


def league_xp_add(*, profile: LearnerProfile, amount: int, now: datetime) -> None:
    """Count XP towards this week's league (profile locked by the caller); the week's first XP takes a seat."""
    if profile.league_opt_out:
        return
    user = profile.user
    key = week_key_of(now)
    # Every XP of the week after the first finds its seat by the week's key, in one statement.
    if LeagueMembership.objects.filter(week__key=key, user=user).update(xp=F("xp") + amount, last_xp_at=now):
        return
    week = league_week_get_or_create(key=key)
    with transaction.atomic():
        # The week's row is the lock that keeps two first-of-the-week learners from taking the 30th seat together.
        LeagueWeek.objects.select_for_update().filter(pk=week.pk).first()
        league = None if _earlier_weeks_open(week) else _seat(week=week, tier=profile.league_tier, count=1)[0]
        LeagueMembership.objects.create(week=week, league=league, user=user, xp=amount, last_xp_at=now, joined_at=now)


def _seat_waiting(*, week: LeagueWeek) -> int:
    """Seat the week's learners who joined before the previous rollover ran, now that their tiers are settled."""
    with transaction.atomic():
        LeagueWeek.objects.select_for_update().filter(pk=week.pk).first()
        if _earlier_weeks_open(week):
            return 0
        waiting = list(LeagueMembership.objects.filter(week=week, league__isnull=True).order_by("joined_at", "id"))
        tiers = dict(
            LearnerProfile.objects.filter(user_id__in=[m.user_id for m in waiting]).values_list(
                "user_id", "league_tier"
            )
        )
        by_tier: dict[int, list[LeagueMembership]] = defaultdict(list)
        for membership in waiting:
            by_tier[tiers.get(membership.user_id, Tier.BRONZE)].append(membership)
        for tier, members in by_tier.items():
            for membership, league in zip(members, _seat(week=week, tier=tier, count=len(members)), strict=True):
                membership.league = league
            LeagueMembership.objects.bulk_update(members, ["league"])
    return len(waiting)


@dataclass
class LeagueWeekClosed:
    key: str
    leagues_closed: int = 0
    promoted: int = 0
    demoted: int = 0
    credits_paid: int = 0
    already_closed: bool = False


def _league_close(*, league_id: int, week_key: str, now: datetime, report: LeagueWeekClosed) -> None:
    """Rank one league, move its top up and its bottom down a tier, pay its podium; once (the league's flag)."""
    with transaction.atomic():
        league = League.objects.select_for_update().get(pk=league_id)
        if league.processed_at is not None:
            return
        members = list(LeagueMembership.objects.filter(league=league).select_related("user"))
        by_user = {member.user_id: member for member in members}
        placements = league_placements([Standing(m.user_id, m.xp, m.last_xp_at) for m in members], tier=league.tier)
        tier_name = Tier(league.tier).label
        rewarded: list[User] = []
        for placement in placements:
            member = by_user[placement.user_id]
            member.rank, member.outcome, member.credits_awarded = placement.rank, placement.outcome, placement.credits
            if placement.outcome != Outcome.STAYED:
                LearnerProfile.objects.filter(user_id=placement.user_id).update(league_tier=placement.tier_after)
                report.promoted += placement.outcome == Outcome.PROMOTED
                report.demoted += placement.outcome == Outcome.DEMOTED
            if placement.credits:
                reward_pay(
                    user=member.user,
                    amount=placement.credits,
                    reason=f"Weekly league {week_key}: #{placement.rank} in {tier_name}",
                    reference=league_reference(week_key),
                    idempotency_key=league_reward_key(week_key=week_key, user_id=member.user_id),
                    gains=None,
                    said="",
                )
                report.credits_paid += placement.credits
            if placement.outcome == Outcome.PROMOTED or placement.credits:
                rewarded.append(member.user)
        LeagueMembership.objects.bulk_update(members, ["rank", "outcome", "credits_awarded"])
        league.processed_at = now
        league.save(update_fields=["processed_at"])
        for user in rewarded:
            badges_award(user=user, now=now)
        report.leagues_closed += 1


def league_week_close(*, key: str, now: datetime | None = None) -> LeagueWeekClosed:
    """The rollover of one week: close every league in it, then seat next week's early learners. Safe to run twice."""
    now = now or timezone.now()
    report = LeagueWeekClosed(key=key)
    week = LeagueWeek.objects.filter(key=key).first()
    if week is None or week.processed_at is not None:
        report.already_closed = week is not None
        return report
    if week.ends_at > now:
        raise WeekNotOver(f"The week {key} ends at {week.ends_at:%Y-%m-%d %H:%M} UTC.")
    for league_id in League.objects.filter(week=week, processed_at__isnull=True).values_list("pk", flat=True):
        _league_close(league_id=league_id, week_key=key, now=now, report=report)
    with transaction.atomic():
        LeagueWeek.objects.select_for_update().filter(pk=week.pk, processed_at__isnull=True).update(processed_at=now)
    for later in LeagueWeek.objects.filter(starts_at__gt=week.starts_at, processed_at__isnull=True):
        _seat_waiting(week=later)
    return report


def league_weeks_close_due(*, now: datetime | None = None) -> list[LeagueWeekClosed]:
    """Close every week that has ended and is not closed yet, oldest first (the beat task)."""
    now = now or timezone.now()
    due = LeagueWeek.objects.filter(ends_at__lte=now, processed_at__isnull=True).order_by("starts_at")
    return [league_week_close(key=key, now=now) for key in due.values_list("key", flat=True)]


def league_opt_out_set(*, user: User, opted_out: bool, now: datetime | None = None) -> LearnerProfile:
    """Leave (or rejoin) weekly leagues; leaving takes the learner off this week's board at once."""
    now = now or timezone.now()
    with transaction.atomic():
        profile = profile_locked(user=user)
        profile.league_opt_out = opted_out
        profile.save(update_fields=["league_opt_out", "updated_at"])
        if opted_out:
            current = (
                LeagueMembership.objects.filter(user=user, week__key=week_key_of(now), week__processed_at__isnull=True)
                .select_related("league")
                .first()
            )
            if current is not None:
                if current.league is not None:
                    League.objects.filter(pk=current.league.pk).update(member_count=F("member_count") - 1)
                current.delete()
    return profile
