"""Time-zone hopping: a changed zone counts from the next local day, and changes at most once a week."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError

from accounts.services import user_profile_update
from gamification.services import lesson_complete, lesson_open
from tests.factories import PublishedLessonFactory, UserFactory

pytestmark = pytest.mark.django_db

LATE_EVENING = datetime(2026, 3, 10, 22, 0, tzinfo=UTC)  # 10 March 22:00 in UTC; already 11 March 12:00 in Kiritimati


def complete_one(learner, time_machine):
    lesson = PublishedLessonFactory(duration_seconds=60)
    lesson_open(user=learner, lesson=lesson)
    time_machine.shift(61)
    return lesson_complete(user=learner, lesson=lesson).credits_awarded


def test_hopping_ahead_a_day_does_not_open_a_second_daily_reward_cap_on_the_same_day(time_machine):
    time_machine.move_to(LATE_EVENING, tick=False)
    learner = UserFactory(time_zone="UTC")
    assert [complete_one(learner, time_machine) for _ in range(3)] == [5, 5, 5]

    user_profile_update(user=learner, display_name="", time_zone="Pacific/Kiritimati")
    assert complete_one(learner, time_machine) == 0  # still 10 March where the learner's day began

    time_machine.move_to(datetime(2026, 3, 11, 0, 1, tzinfo=UTC), tick=False)  # the next local day: the new zone
    learner.refresh_from_db()
    assert learner.time_zone_at(datetime.now(UTC)) == "Pacific/Kiritimati"
    assert complete_one(learner, time_machine) == 5


def test_the_time_zone_changes_at_most_once_a_week(time_machine):
    time_machine.move_to(LATE_EVENING, tick=False)
    learner = UserFactory(time_zone="UTC")
    user_profile_update(user=learner, display_name="", time_zone="Europe/Paris")
    time_machine.shift(timedelta(days=6))
    with pytest.raises(ValidationError, match="once a week"):
        user_profile_update(user=learner, display_name="", time_zone="Asia/Tokyo")
    time_machine.shift(timedelta(days=1))
    assert user_profile_update(user=learner, display_name="", time_zone="Asia/Tokyo").time_zone == "Asia/Tokyo"


def test_the_settings_page_says_when_the_next_change_is_possible(client, time_machine):
    time_machine.move_to(LATE_EVENING, tick=False)
    learner = UserFactory(time_zone="UTC", display_name="Grace")
    client.force_login(learner)
    client.post("/accounts/settings/", {"display_name": "Grace", "time_zone": "Europe/Paris"})
    response = client.post("/accounts/settings/", {"display_name": "Grace", "time_zone": "Asia/Tokyo"})
    assert "Your time zone can change once a week" in response.content.decode()
    learner.refresh_from_db()
    assert learner.time_zone == "Europe/Paris"
