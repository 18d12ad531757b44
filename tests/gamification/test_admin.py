"""The admin: read-only XP history, badges and leagues (check questions: tests/practice/test_admin.py)."""

import pytest

from gamification.models import XPEvent
from tests.factories import xp_give

pytestmark = pytest.mark.django_db


def test_a_learners_xp_history_is_shown_and_cannot_be_edited(staff_client, learner):
    xp_give(user=learner, amount=20, reason="Completed “Attention”", idempotency_key="a")
    profile_page = staff_client.get(f"/admin/gamification/learnerprofile/{learner.learner_profile.pk}/change/")
    assert profile_page.status_code == 200
    assert "Completed “Attention”" in profile_page.content.decode()
    event = XPEvent.objects.get()
    assert staff_client.get(f"/admin/gamification/xpevent/{event.pk}/delete/").status_code == 403
    assert staff_client.get("/admin/gamification/xpevent/add/").status_code == 403


@pytest.mark.parametrize("model", ["badgeaward", "leagueweek", "league", "lessoncompletion", "xpevent"])
def test_the_history_lists_open_for_staff(staff_client, learner, model):
    xp_give(user=learner, amount=20, reason="Practice", idempotency_key="a")
    assert staff_client.get(f"/admin/gamification/{model}/").status_code == 200


def test_a_league_page_lists_its_members_with_their_weekly_xp(staff_client, learner):
    from gamification.models import League

    xp_give(user=learner, amount=35, reason="Practice", idempotency_key="a")
    league = League.objects.get()
    page = staff_client.get(f"/admin/gamification/league/{league.pk}/change/").content.decode()
    assert learner.email in page
    assert ">35<" in page.replace(" ", "")
