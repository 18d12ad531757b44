"""Gamification learns about check questions only through the hook practice fills at start-up
(gamification/lesson_checks.py): completion's rule, the badge facts and the block's part. Without it, a lesson has no
questions for gamification and completes by time."""

import pytest

from gamification import lesson_checks
from gamification.exceptions import CompletionTooSoon
from gamification.selectors import completion_panel_for, learner_facts
from gamification.services import lesson_complete
from practice.services import check_answer
from tests.factories import CheckQuestionFactory, PublishedLessonFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_practice_fills_the_hook_with_the_learner_s_standing(django_assert_num_queries):
    learner = UserFactory()
    lesson = PublishedLessonFactory()
    first, second = CheckQuestionFactory.create_batch(2, lesson=lesson)
    check_answer(user=learner, question=first, choice=first.choices.get(text="right"))
    check_answer(user=learner, question=second, choice=second.choices.get(text="wrong"))
    CheckQuestionFactory(lesson=lesson).choices.all()  # another question, unanswered
    UserFactory()  # someone else's answers do not count

    with django_assert_num_queries(1):
        state = lesson_checks.lesson_checks(user=learner, lesson=lesson)

    assert state == lesson_checks.LessonChecks(questions=3, answered=2, right=1, right_first_time=1)
    assert not state.passed
    assert state.left == 2


def test_badge_facts_count_answers_right_at_the_first_try_through_the_hook():
    learner = UserFactory()
    for text in ("right", "right", "wrong"):
        question = CheckQuestionFactory()
        check_answer(user=learner, question=question, choice=question.choices.get(text=text))
    assert learner_facts(user=learner).checks_right_first_time == 2


def test_the_completion_block_shows_practice_s_part():
    panel = completion_panel_for(user=UserFactory(), lesson=CheckQuestionFactory().lesson)
    assert panel.parts == ["practice/_lesson_checks.html"]
    assert panel.checks.questions == 1


def test_without_the_hook_a_lesson_with_questions_completes_by_time_like_any_other(monkeypatch):
    monkeypatch.setattr(lesson_checks, "_hooks", lesson_checks._Hooks())
    learner = UserFactory()
    lesson = CheckQuestionFactory().lesson

    with pytest.raises(CompletionTooSoon):
        lesson_complete(user=learner, lesson=lesson)
    assert learner_facts(user=learner).checks_right_first_time == 0
    assert completion_panel_for(user=learner, lesson=lesson).parts == []
