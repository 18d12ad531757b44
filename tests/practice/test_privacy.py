"""A learner's check answers in their data export, and gone (with their review cards) when they are erased."""

import pytest

from practice.models import CheckAnswer, CheckQuestion, ReviewCard, ReviewLog
from practice.services import check_answer
from privacy.services import account_erase, account_export
from tests.factories import CheckQuestionFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered():
    learner, other = UserFactory(), UserFactory()
    question = CheckQuestionFactory(prompt="What does attention compare?")
    for user, text in ((learner, "wrong"), (learner, "right"), (other, "right")):
        check_answer(user=user, question=question, choice=question.choices.get(text=text))
    return learner, other, question


def test_the_export_holds_the_learner_s_check_answers(answered):
    learner, _, question = answered
    [row] = account_export(user=learner)["practice"]["check_answers"]
    assert (row["lesson"], row["question"]) == (question.lesson.slug, "What does attention compare?")
    assert (row["first_answer"], row["first_correct"], row["last_answer"], row["attempts"]) == (
        "wrong",
        False,
        "right",
        2,
    )


def test_erasing_deletes_the_learner_s_answers_and_cards_and_keeps_the_questions_and_others(answered):
    learner, other, question = answered
    account_erase(user=learner)
    assert list(CheckAnswer.objects.values_list("user_id", flat=True)) == [other.pk]
    assert list(ReviewCard.objects.values_list("user_id", flat=True)) == [other.pk]
    assert list(ReviewLog.objects.values_list("user_id", flat=True)) == [other.pk]
    assert CheckQuestion.objects.filter(pk=question.pk).exists()
