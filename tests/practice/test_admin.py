"""Curators in the admin: a check question written with its answers in one form, questions listed per lesson with
their origin and status, and approve / drop as actions."""

import pytest

from practice.models import CheckQuestion, QuestionOrigin, QuestionStatus
from tests.factories import CheckQuestionFactory, PublishedLessonFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/practice/checkquestion/"


def question_form(lesson, choices):
    data = {
        "lesson": lesson.pk,
        "prompt": "What does attention compare?",
        "position": 1,
        "status": "live",
        "origin": "hand",
        "kind": "choice",
        "passage": "Attention compares every token with every other.",
        "start_seconds": 77,
        "explanation": "The lesson says so at 1:17.",
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
        f"{CHANGELIST}add/",
        question_form(lesson, [("every token with every other", True), ("only neighbours", False)]),
    )
    assert response.status_code == 302
    question = CheckQuestion.objects.get(lesson=lesson)
    assert (question.origin, question.status, question.start_seconds) == ("hand", "live", 77)
    assert [(c.text, c.is_correct) for c in question.choices.all()] == [
        ("every token with every other", True),
        ("only neighbours", False),
    ]


def test_a_question_without_a_right_answer_is_refused(staff_client):
    lesson = PublishedLessonFactory()
    response = staff_client.post(f"{CHANGELIST}add/", question_form(lesson, [("a", False), ("b", False)]))
    assert response.status_code == 200
    assert "Mark at least one answer as correct." in response.content.decode()
    assert not CheckQuestion.objects.exists()


def test_questions_are_listed_and_filtered_by_origin_and_status(staff_client):
    lesson = PublishedLessonFactory(title="Attention explained")
    CheckQuestionFactory(lesson=lesson, prompt="Written by hand?")
    CheckQuestionFactory(lesson=lesson, prompt="Generated draft?", origin=QuestionOrigin.OFFLINE, status="draft")
    page = staff_client.get(CHANGELIST).content.decode()
    assert "Written by hand?" in page
    assert "Generated draft?" in page
    assert "Attention explained" in page

    drafts = staff_client.get(CHANGELIST, {"status__exact": "draft"}).content.decode()
    assert "Generated draft?" in drafts
    assert "Written by hand?" not in drafts
    generated = staff_client.get(CHANGELIST, {"origin__exact": "offline"}).content.decode()
    assert "Generated draft?" in generated
    assert "Written by hand?" not in generated


def test_approving_makes_drafts_live_and_dropping_hides_them(staff_client):
    drafts = CheckQuestionFactory.create_batch(2, origin=QuestionOrigin.OFFLINE, status=QuestionStatus.DRAFT)
    response = staff_client.post(
        CHANGELIST, {"action": "approve", "_selected_action": [q.pk for q in drafts]}, follow=True
    )
    assert "2 questions live." in response.content.decode()
    assert set(CheckQuestion.objects.values_list("status", flat=True)) == {"live"}

    response = staff_client.post(CHANGELIST, {"action": "drop", "_selected_action": [drafts[0].pk]}, follow=True)
    assert "1 question dropped." in response.content.decode()
    assert CheckQuestion.objects.get(pk=drafts[0].pk).status == "dropped"
    assert CheckQuestion.objects.get(pk=drafts[1].pk).status == "live"


def test_a_curator_edits_a_generated_question(staff_client):
    question = CheckQuestionFactory(origin=QuestionOrigin.OFFLINE, status=QuestionStatus.DRAFT)
    page = staff_client.get(f"{CHANGELIST}{question.pk}/change/")
    assert page.status_code == 200
    choices = list(question.choices.all())
    data = question_form(question.lesson, []) | {
        "prompt": "A clearer prompt?",
        "origin": "offline",
        "status": "live",
        "choices-TOTAL_FORMS": 2,
        "choices-INITIAL_FORMS": 2,
    }
    for index, choice in enumerate(choices):
        data |= {
            f"choices-{index}-id": choice.pk,
            f"choices-{index}-question": question.pk,
            f"choices-{index}-text": choice.text,
            f"choices-{index}-position": choice.position,
            f"choices-{index}-explanation": choice.explanation,
        }
        if choice.is_correct:
            data[f"choices-{index}-is_correct"] = "on"
    response = staff_client.post(f"{CHANGELIST}{question.pk}/change/", data)
    assert response.status_code == 302
    question.refresh_from_db()
    assert (question.prompt, question.status, question.origin) == ("A clearer prompt?", "live", "offline")
