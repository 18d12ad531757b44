"""After a check question is answered, "Answer again" asks for a new pick: the old one is marked, never pre-checked,
so the button cannot send the same answer again by itself."""

import re

import pytest

from tests.factories import CheckQuestionFactory, PublishedLessonFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_an_answered_question_marks_the_learner_s_answer_without_checking_it(client):
    lesson = CheckQuestionFactory(lesson=PublishedLessonFactory(level="intermediate")).lesson
    question = lesson.checks.get()
    wrong = question.choices.get(text="wrong")
    client.force_login(UserFactory())

    block = client.post(
        f"/lessons/{lesson.slug}/check/{question.pk}", {"choice": wrong.pk}, headers={"HX-Request": "true"}
    ).content.decode()

    assert "Answer again" in block
    assert not re.search(r'<input type="radio"[^>]*\bchecked\b', block)
    assert re.search(r"wrong\s*<span class=\"muted check-yours\">· your answer</span>", block)
