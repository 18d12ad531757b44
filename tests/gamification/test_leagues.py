"""Weekly leagues (gamification.services, tasks): seating, the rollover with 95 learners, opting out, the board."""

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from credits.models import LedgerEntry
from gamification.exceptions import WeekNotOver
from gamification.leagues import Outcome, Tier
from gamification.models import BadgeAward, League, LeagueMembership, LeagueWeek, LearnerProfile
from gamification.selectors import leaderboard_for
from gamification.services import league_opt_out_set, league_week_close
from gamification.tasks import leagues_rollover_task
from tests.factories import UserFactory, xp_give

pytestmark = pytest.mark.django_db

WEEK = "2026-W11"
MONDAY = datetime(2026, 3, 9, 0, 0, tzinfo=UTC)
NEXT_MONDAY = MONDAY + timedelta(days=7)


def earn(user, amount, at):
    return xp_give(user=user, amount=amount, reason="Practice", idempotency_key=f"t:{at.isoformat()}", now=at)


def learners_in(tier, count):
    users = UserFactory.create_batch(count)
    LearnerProfile.objects.bulk_create([LearnerProfile(user=user, league_tier=tier) for user in users])
    return users


def tier_of(user):
    return LearnerProfile.objects.get(user=user).league_tier


def league_rewards():
    return LedgerEntry.objects.filter(kind=LedgerEntry.Kind.REWARD, reference__startswith="league:")


@pytest.fixture
def ninety_five_silver_learners():
    """95 Silver learners who join in order over Tuesday, each with a distinct weekly score."""
    users = learners_in(Tier.SILVER, 95)
    for index, user in enumerate(users):
        earn(user, 1000 - 3 * index if index % 2 else 500 + index, MONDAY + timedelta(days=1, minutes=index))
    return users


def test_the_weekly_rollover_of_95_learners_promotes_demotes_and_pays_once_even_when_run_twice(
    ninety_five_silver_learners, time_machine
):
    users = ninety_five_silver_learners
    leagues = list(League.objects.filter(week__key=WEEK).order_by("number"))
    assert [league.member_count for league in leagues] == [30, 30, 30, 5]
    assert all(league.tier == Tier.SILVER for league in leagues)
    sizes = Counter(LeagueMembership.objects.filter(week__key=WEEK).values_list("league_id", flat=True))
    assert max(sizes.values()) <= 30
    assert sum(sizes.values()) == 95

    time_machine.move_to(NEXT_MONDAY + timedelta(minutes=5), tick=False)
    assert leagues_rollover_task() == [WEEK]
    tiers_after_first_run = {user.pk: tier_of(user) for user in users}
    rewards_after_first_run = list(league_rewards().values_list("idempotency_key", "amount"))
    assert leagues_rollover_task() == []  # the week is closed: nothing runs again
    assert league_week_close(key=WEEK).already_closed

    for league in leagues:
        ranked = list(LeagueMembership.objects.filter(league=league).order_by("rank"))
        promoted, demoted = (5, 5) if league.member_count == 30 else (1, 0)
        assert [m.outcome for m in ranked[:promoted]] == [Outcome.PROMOTED] * promoted
        assert all(m.outcome == Outcome.STAYED for m in ranked[promoted : len(ranked) - demoted])
        assert [m.outcome for m in ranked[len(ranked) - demoted :]] == [Outcome.DEMOTED] * demoted
        assert [m.xp for m in ranked] == sorted((m.xp for m in ranked), reverse=True)
        assert {tier_of(m.user) for m in ranked[:promoted]} == {Tier.GOLD}
        assert {tier_of(m.user) for m in ranked[len(ranked) - demoted :]} <= {Tier.BRONZE}
        assert [m.credits_awarded for m in ranked[:4]] == [30, 20, 10, 0][: len(ranked[:4])]

    moved = Counter(tiers_after_first_run.values())
    assert moved == {Tier.GOLD: 16, Tier.BRONZE: 15, Tier.SILVER: 64}
    assert {user.pk: tier_of(user) for user in users} == tiers_after_first_run
    assert list(league_rewards().values_list("idempotency_key", "amount")) == rewards_after_first_run
    assert sorted(amount for _, amount in rewards_after_first_run) == [10] * 4 + [20] * 4 + [30] * 4
    assert league_rewards().values("wallet").distinct().count() == 12
    assert BadgeAward.objects.filter(badge="podium").count() == 12
    assert BadgeAward.objects.filter(badge="moving-up").count() == 16


def test_a_rollover_that_dies_half_way_pays_nobody_twice_when_run_again(
    ninety_five_silver_learners, time_machine, monkeypatch
):
    from gamification.services import rewards as league_services  # where league prizes are granted

    real_grant = league_services.credits_grant
    calls = []

    def grant_then_die(**kwargs):
        calls.append(kwargs["idempotency_key"])
        if len(calls) == 4:  # the second league's first prize: as if the worker was killed here
            raise RuntimeError("worker lost")
        return real_grant(**kwargs)

    monkeypatch.setattr(league_services, "credits_grant", grant_then_die)
    time_machine.move_to(NEXT_MONDAY, tick=False)
    with pytest.raises(RuntimeError, match="worker lost"):
        leagues_rollover_task()
    assert league_rewards().count() == 3  # the first league committed; the second rolled back
    assert LeagueWeek.objects.get(key=WEEK).processed_at is None

    monkeypatch.setattr(league_services, "credits_grant", real_grant)
    assert leagues_rollover_task() == [WEEK]
    assert league_rewards().count() == 12
    assert LeagueMembership.objects.filter(week__key=WEEK, outcome=Outcome.PROMOTED).count() == 16
    assert LeagueWeek.objects.get(key=WEEK).processed_at is not None


def test_a_week_cannot_be_closed_before_it_ends(time_machine):
    learner = learners_in(Tier.BRONZE, 1)[0]
    earn(learner, 10, MONDAY + timedelta(days=2))
    time_machine.move_to(NEXT_MONDAY - timedelta(seconds=1), tick=False)
    with pytest.raises(WeekNotOver):
        league_week_close(key=WEEK)
    assert leagues_rollover_task() == []


def test_bronze_has_no_demotion_and_diamond_no_promotion(time_machine):
    bronze, diamond = learners_in(Tier.BRONZE, 12), learners_in(Tier.DIAMOND, 12)
    for index, user in enumerate(bronze + diamond):
        earn(user, 10 + index, MONDAY + timedelta(hours=index))
    time_machine.move_to(NEXT_MONDAY, tick=False)
    leagues_rollover_task()
    assert Counter(tier_of(u) for u in bronze) == {Tier.SILVER: 2, Tier.BRONZE: 10}
    assert Counter(tier_of(u) for u in diamond) == {Tier.PLATINUM: 2, Tier.DIAMOND: 10}


def test_a_learner_who_starts_the_week_before_the_rollover_ran_is_seated_in_their_new_tier(time_machine):
    climber = learners_in(Tier.BRONZE, 1)[0]
    earn(climber, 50, MONDAY + timedelta(days=1))
    # 00:01 on the next Monday: the rollover (due at 00:00) has not run yet.
    earn(climber, 10, NEXT_MONDAY + timedelta(minutes=1))
    waiting = LeagueMembership.objects.get(user=climber, week__key="2026-W12")
    assert waiting.league is None

    time_machine.move_to(NEXT_MONDAY + timedelta(minutes=2), tick=False)
    assert leagues_rollover_task() == [WEEK]
    waiting.refresh_from_db()
    assert waiting.league.tier == Tier.SILVER  # the lone learner of a Bronze league moved up
    assert waiting.xp == 10


def test_learners_who_opt_out_join_no_league_and_leave_this_weeks_board(time_machine):
    stays, leaves, never = learners_in(Tier.BRONZE, 3)
    league_opt_out_set(user=never, opted_out=True)
    for user in (stays, leaves, never):
        earn(user, 20, MONDAY + timedelta(days=1))
    assert not LeagueMembership.objects.filter(user=never).exists()

    league_opt_out_set(user=leaves, opted_out=True, now=MONDAY + timedelta(days=2))
    time_machine.move_to(MONDAY + timedelta(days=2), tick=False)
    board = leaderboard_for(user=stays)
    assert [row.display_name for row in board.rows] == [stays.public_name]
    assert League.objects.get(week__key=WEEK).member_count == 1
    assert leaderboard_for(user=leaves).state == "opted_out"


def test_the_board_shows_rank_display_names_and_who_is_close_never_emails(time_machine):
    ada, bo, cy = learners_in(Tier.GOLD, 3)
    ada.display_name = "Ada"
    ada.save()
    bo.display_name = ""
    bo.save()
    earn(ada, 80, MONDAY + timedelta(hours=1))
    earn(bo, 50, MONDAY + timedelta(hours=2))
    earn(cy, 45, MONDAY + timedelta(hours=3))

    time_machine.move_to(MONDAY + timedelta(days=1), tick=False)
    board = leaderboard_for(user=bo)

    assert board.tier == "Gold"
    assert [(row.rank, row.display_name, row.xp) for row in board.rows] == [
        (1, "Ada", 80),
        (2, bo.public_name, 50),
        (3, cy.public_name, 45),
    ]
    assert board.you.rank == 2
    assert [(row.display_name, gap) for row, gap in board.nearby] == [("Ada", 30), (cy.public_name, 5)]
    assert not any("@" in row.display_name for row in board.rows)


def test_learners_with_no_xp_this_week_are_told_how_to_join(time_machine):
    learner = learners_in(Tier.BRONZE, 1)[0]
    time_machine.move_to(MONDAY, tick=False)
    assert leaderboard_for(user=learner).state == "not_started"
