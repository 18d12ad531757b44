import pytest
from django.core.management import call_command

from demo.questions import DEMO_QUESTIONS
from practice.models import CheckChoice, CheckQuestion

pytestmark = pytest.mark.django_db


def test_load_demo_questions_adds_one_right_answer_per_question_and_is_safe_to_run_twice():
    call_command("load_demo")
    call_command("load_demo_questions")
    call_command("load_demo_questions")
    assert CheckQuestion.objects.count() == len(DEMO_QUESTIONS)
    for question in CheckQuestion.objects.all():
        assert CheckChoice.objects.filter(question=question, is_correct=True).count() == 1
        assert CheckChoice.objects.filter(question=question).count() >= 2
