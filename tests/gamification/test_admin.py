"""The admin: check questions edited with their answers inline, and read-only XP history, badges and leagues."""

import pytest

from gamification.models import CheckQuestion, XPEvent
from tests.factories import PublishedLessonFactory, xp_give

pytestmark = pytest.mark.django_db


def question_form(lesson, choices):
    data = {
        "lesson": lesson.pk,
        "prompt": "What does attention compare?",
        "position": 1,
        "choices-TOTAL_FORMS": len(choices),
        "choices-INITIAL_FORMS": 0,
        "choices-MIN_NUM_FORMS": 0,
        "choices-MAX_NUM_FORMS": 1000,
    }
    for index, (text, correct) in enumerate(choices):
        data |= {
            f"choices-{index}-text": text,
            f"choices-{index}-position": index,
            f"choices-{index}-explanation": f"Because {text}.",
        }
        if correct:
            data[f"choices-{index}-is_correct"] = "on"
    return data


def test_a_curator_writes_a_check_question_with_its_answers_in_one_form(staff_client):
    lesson = PublishedLessonFactory()
    response = staff_client.post(
        "/admin/gamification/checkquestion/add/",
        question_form(lesson, [("every token with every other", True), ("only neighbours", False)]),
    )
    assert response.status_code == 302
    question = CheckQuestion.objects.get(lesson=lesson)
    assert [(c.text, c.is_correct) for c in question.choices.all()] == [
        ("every token with every other", True),
        ("only neighbours", False),
    ]


def test_a_question_without_a_right_answer_is_refused(staff_client):
    lesson = PublishedLessonFactory()
    response = staff_client.post(
        "/admin/gamification/checkquestion/add/", question_form(lesson, [("a", False), ("b", False)])
    )
    assert response.status_code == 200
    assert "Mark at least one answer as correct." in response.content.decode()
    assert not CheckQuestion.objects.exists()


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
