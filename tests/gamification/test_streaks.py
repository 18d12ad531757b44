"""Streaks as stored (gamification.services): local days across time zones and DST, freezes used automatically,
resets, milestones, buying freezes with ⚡ and changing the daily goal. Every test runs on a frozen clock."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from credits.models import LedgerEntry
from credits.services import InsufficientCredits, credits_spend
from gamification.exceptions import FreezeLimitReached, InvalidDailyGoal
from gamification.models import BadgeAward, DailyActivity, LearnerProfile, XPEvent
from gamification.selectors import profile_page_for
from gamification.services import daily_goal_set, freeze_buy, streak_settle
from gamification.tasks import streaks_settle_task
from tests.factories import UserFactory, xp_give

pytestmark = pytest.mark.django_db

NEW_YORK = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")


def earn(user, at, amount=20, time_machine=None):
    """Meet the default daily goal (20 XP) at the local wall-clock time `at`."""
    if time_machine is not None:
        time_machine.move_to(at, tick=False)
    return xp_give(user=user, amount=amount, reason="Practice", idempotency_key=f"practice:{at.isoformat()}", now=at)


def profile(user):
    return LearnerProfile.objects.get(user=user)


def days_of(user, **flags):
    return sorted(DailyActivity.objects.filter(user=user, **flags).values_list("day", flat=True))


def test_late_evenings_in_new_york_across_the_march_dst_change_make_a_three_day_streak():
    learner = UserFactory(time_zone="America/New_York")
    # 23:30 local each evening; on the 8th the clocks went forward, so 23:30 is 03:30 UTC on the 9th.
    for day in (7, 8, 9):
        earn(learner, datetime(2026, 3, day, 23, 30, tzinfo=NEW_YORK))
    assert days_of(learner, goal_met=True) == [date(2026, 3, 7), date(2026, 3, 8), date(2026, 3, 9)]
    assert profile(learner).streak_length == 3


def test_the_25_hour_day_in_new_york_counts_once_from_its_first_to_its_last_hour():
    learner = UserFactory(time_zone="America/New_York")
    earn(learner, datetime(2026, 10, 31, 12, 0, tzinfo=NEW_YORK))
    earn(learner, datetime(2026, 11, 1, 0, 30, tzinfo=NEW_YORK))  # EDT, before the clocks go back
    earn(learner, datetime(2026, 11, 1, 23, 30, tzinfo=NEW_YORK))  # EST, 25 hours after midnight
    assert days_of(learner) == [date(2026, 10, 31), date(2026, 11, 1)]
    assert DailyActivity.objects.get(user=learner, day=date(2026, 11, 1)).xp == 40
    assert profile(learner).streak_length == 2


def test_utc_days_would_break_this_new_york_streak_but_local_days_keep_it():
    learner = UserFactory(time_zone="America/New_York")
    # 00:30 UTC on the 10th is 20:30 on the 9th in New York; 03:00 UTC on the 11th is 23:00 on the 10th.
    earn(learner, datetime(2026, 3, 10, 0, 30, tzinfo=UTC))
    earn(learner, datetime(2026, 3, 11, 3, 0, tzinfo=UTC))
    assert days_of(learner, goal_met=True) == [date(2026, 3, 9), date(2026, 3, 10)]
    assert profile(learner).streak_length == 2


def test_london_keeps_its_streak_over_the_short_day_of_29_march():
    learner = UserFactory(time_zone="Europe/London")
    for day in (28, 29, 30):
        earn(learner, datetime(2026, 3, day, 23, 45, tzinfo=LONDON))
    assert profile(learner).streak_length == 3
    assert XPEvent.objects.filter(user=learner).latest("created_at").local_date == date(2026, 3, 30)


def test_one_instant_falls_on_different_days_for_learners_in_tokyo_and_los_angeles():
    tokyo, los_angeles = UserFactory(time_zone="Asia/Tokyo"), UserFactory(time_zone="America/Los_Angeles")
    instant = datetime(2026, 6, 1, 20, 0, tzinfo=UTC)
    earn(tokyo, instant)
    earn(los_angeles, instant)
    assert days_of(tokyo) == [date(2026, 6, 2)]
    assert days_of(los_angeles) == [date(2026, 6, 1)]


def test_a_missed_day_without_a_freeze_resets_the_streak():
    learner = UserFactory(time_zone="Europe/London")
    earn(learner, datetime(2026, 5, 4, 9, 0, tzinfo=LONDON))
    earn(learner, datetime(2026, 5, 5, 9, 0, tzinfo=LONDON))
    earn(learner, datetime(2026, 5, 7, 9, 0, tzinfo=LONDON))  # the 6th was missed
    after = profile(learner)
    assert (after.streak_length, after.streak_longest, after.streak_started) == (1, 2, date(2026, 5, 7))
    assert days_of(learner, frozen=True) == []


def test_a_freeze_covers_a_missed_day_automatically_at_the_next_goal():
    learner = UserFactory(time_zone="America/New_York")
    LearnerProfile.objects.create(user=learner, freezes=1)
    earn(learner, datetime(2026, 3, 7, 21, 0, tzinfo=NEW_YORK))
    gains = earn(learner, datetime(2026, 3, 9, 21, 0, tzinfo=NEW_YORK))  # the 8th (23 hours long) was missed

    after = profile(learner)
    assert (after.streak_length, after.freezes) == (2, 0)
    assert days_of(learner, frozen=True) == [date(2026, 3, 8)]
    assert "A streak freeze covered a missed day." in gains.messages


def test_the_hourly_task_spends_a_freeze_on_a_missed_day_before_the_learner_returns(time_machine):
    learner = UserFactory(time_zone="Europe/London")
    LearnerProfile.objects.create(user=learner, freezes=2)
    earn(learner, datetime(2026, 3, 28, 20, 0, tzinfo=LONDON))

    # 29 March passes without XP; at 01:00 on the 30th London time the task runs.
    time_machine.move_to(datetime(2026, 3, 30, 1, 0, tzinfo=LONDON), tick=False)
    assert streaks_settle_task() == 1
    assert streaks_settle_task() == 0  # a second run finds nothing more to do

    after = profile(learner)
    assert (after.streak_length, after.freezes, after.streak_last_day) == (1, 1, date(2026, 3, 29))
    assert days_of(learner, frozen=True) == [date(2026, 3, 29)]


def test_a_gap_longer_than_the_freezes_held_ends_the_streak():
    learner = UserFactory(time_zone="UTC")
    LearnerProfile.objects.create(user=learner, freezes=1)
    earn(learner, datetime(2026, 5, 4, 9, tzinfo=UTC))
    streak_settle(user=learner, now=datetime(2026, 5, 7, 9, tzinfo=UTC))  # the 5th and 6th missed
    after = profile(learner)
    assert (after.streak_length, after.freezes) == (0, 0)
    assert days_of(learner, frozen=True) == [date(2026, 5, 5)]


def test_the_profile_shows_a_streak_lost_to_missed_days_as_zero_before_anything_is_stored(time_machine):
    learner = UserFactory(time_zone="UTC")
    earn(learner, datetime(2026, 5, 4, 9, tzinfo=UTC))
    time_machine.move_to(datetime(2026, 5, 6, 9, tzinfo=UTC), tick=False)
    assert profile(learner).streak_length == 1  # not settled yet
    assert profile_page_for(user=learner).streak == 0


def test_seven_days_in_a_row_earn_a_badge_a_freeze_and_credits_once():
    learner = UserFactory(time_zone="Asia/Kolkata")
    first = datetime(2026, 2, 1, 8, 0, tzinfo=ZoneInfo("Asia/Kolkata"))
    results = [earn(learner, first + timedelta(days=offset)) for offset in range(8)]

    assert results[6].milestones == [7]
    assert "7 days in a row: a streak freeze is yours." in results[6].messages
    assert [badge.slug for badge in results[6].badges] == ["streak-7"]
    assert profile(learner).freezes == 1
    milestone_rewards = LedgerEntry.objects.filter(wallet__user=learner, reference="streak:7")
    assert list(milestone_rewards.values_list("amount", "reason")) == [(10, "7-day streak")]
    assert BadgeAward.objects.filter(user=learner, badge="streak-7").count() == 1


def test_buying_a_freeze_spends_credits_once_even_when_the_button_is_pressed_twice():
    learner = UserFactory(signup_bonus=True)
    freeze_buy(user=learner, idempotency_key="form-1")
    freeze_buy(user=learner, idempotency_key="form-1")
    assert profile(learner).freezes == 1
    spent = LedgerEntry.objects.filter(wallet__user=learner, kind=LedgerEntry.Kind.SPEND)
    assert list(spent.values_list("amount", "reason")) == [(-20, "Bought a streak freeze")]


def test_no_more_than_two_freezes_can_be_held():
    learner = UserFactory(signup_bonus=True)
    freeze_buy(user=learner, idempotency_key="a")
    freeze_buy(user=learner, idempotency_key="b")
    with pytest.raises(FreezeLimitReached, match="already hold 2"):
        freeze_buy(user=learner, idempotency_key="c")
    assert profile(learner).freezes == 2


def test_a_freeze_cannot_be_bought_without_enough_credits(settings):
    learner = UserFactory(signup_bonus=True)
    credits_spend(user=learner, amount=settings.SIGNUP_BONUS - 10, reason="Spent elsewhere", idempotency_key="x")
    with pytest.raises(InsufficientCredits):
        freeze_buy(user=learner, idempotency_key="d")
    assert not LearnerProfile.objects.filter(user=learner, freezes__gt=0).exists()


def test_lowering_the_daily_goal_below_todays_xp_meets_it_at_once():
    learner = UserFactory()
    at = datetime(2026, 4, 1, 12, tzinfo=UTC)
    earn(learner, at, amount=15)
    assert profile(learner).streak_length == 0
    gains = daily_goal_set(user=learner, goal=10, now=at)
    assert gains.goal_met
    assert (profile(learner).daily_goal, profile(learner).streak_length) == (10, 1)


def test_a_goal_outside_the_choices_is_refused():
    with pytest.raises(InvalidDailyGoal, match="10, 20, 50"):
        daily_goal_set(user=UserFactory(), goal=35)


def test_a_higher_goal_needs_more_xp_before_the_day_counts():
    learner = UserFactory()
    daily_goal_set(user=learner, goal=50)
    earn(learner, datetime(2026, 4, 1, 9, tzinfo=UTC), amount=30)
    assert profile(learner).streak_length == 0
    earn(learner, datetime(2026, 4, 1, 10, tzinfo=UTC), amount=20)
    assert profile(learner).streak_length == 1
