"""The move of check questions from gamification to practice (practice 0002, gamification 0006): rows and ids kept,
hand-written and live, answers with their first and last picks, a repeated prompt numbered, and new rows numbered
after the copied ones (PostgreSQL's sequences restarted). Going back returns them to gamification."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from practice.models import CheckAnswer, CheckChoice, CheckQuestion
from tests.factories import PublishedLessonFactory, UserFactory

BEFORE = [("gamification", "0005_learnerprofile_welcome_dismissed_at"), ("practice", "0001_initial")]
NOON = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)

pytestmark = pytest.mark.django_db(transaction=True)


def migrate(targets=None):
    """Migrate to `targets`, or every app's latest migration; the apps of that state."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def old_rows(old_apps, *, lesson, other_lesson, learner):
    question = old_apps.get_model("gamification", "CheckQuestion")
    choice = old_apps.get_model("gamification", "CheckChoice")
    answer = old_apps.get_model("gamification", "CheckAnswer")
    # Ids far from 1, as on a database that has lived: the copy must keep them.
    first = question.objects.create(id=500, lesson_id=lesson.pk, prompt="What does attention compare?", position=2)
    twin = question.objects.create(id=501, lesson_id=lesson.pk, prompt="What does attention compare?", position=3)
    other = question.objects.create(id=502, lesson_id=other_lesson.pk, prompt="Why scale?", position=1)
    wrong = choice.objects.create(id=900, question_id=first.pk, text="Neighbours", explanation="No.", position=1)
    right = choice.objects.create(id=901, question_id=first.pk, text="Everything", is_correct=True, position=2)
    for id_, owner in ((902, twin), (903, other)):
        choice.objects.create(id=id_, question_id=owner.pk, text="Yes", is_correct=True, position=1)
    answer.objects.create(
        id=700,
        user_id=learner.pk,
        question_id=first.pk,
        first_choice_id=wrong.pk,
        first_correct=False,
        last_choice_id=right.pk,
        correct_at=NOON,
        attempts=2,
        answered_at=NOON,
    )


def test_check_questions_move_to_practice_with_their_ids_choices_and_answers():
    learner = UserFactory()
    lesson, other_lesson = PublishedLessonFactory.create_batch(2)
    try:
        old_rows(migrate(BEFORE), lesson=lesson, other_lesson=other_lesson, learner=learner)
    finally:
        migrate()

    questions = {q.pk: q for q in CheckQuestion.objects.all()}
    assert set(questions) == {500, 501, 502}
    assert {(q.origin, q.status, q.kind) for q in questions.values()} == {("hand", "live", "choice")}
    assert questions[500].prompt == "What does attention compare?"
    assert questions[501].prompt == "What does attention compare? (2)"  # one prompt per lesson in practice
    assert (questions[500].lesson_id, questions[500].position, questions[502].lesson_id) == (
        lesson.pk,
        2,
        other_lesson.pk,
    )
    assert list(CheckChoice.objects.filter(question_id=500).values_list("id", "text", "is_correct")) == [
        (900, "Neighbours", False),
        (901, "Everything", True),
    ]
    answer = CheckAnswer.objects.get()
    assert (answer.pk, answer.user_id, answer.question_id) == (700, learner.pk, 500)
    assert (answer.first_choice_id, answer.first_correct, answer.last_choice_id) == (900, False, 901)
    assert (answer.correct_at, answer.attempts, answer.answered_at) == (NOON, 2, NOON)
    assert list(learner.check_answers.all()) == [answer]

    # New rows are numbered after the copied ones (PostgreSQL's sequences restart past them).
    fresh = CheckQuestion.objects.create(lesson=lesson, prompt="A new one?")
    assert fresh.pk > 502
    assert CheckChoice.objects.create(question=fresh, text="Yes").pk > 903


def test_going_back_returns_the_hand_written_questions_to_gamification():
    learner = UserFactory()
    lesson, other_lesson = PublishedLessonFactory.create_batch(2)
    try:
        old_rows(migrate(BEFORE), lesson=lesson, other_lesson=other_lesson, learner=learner)
        migrate()
        back = migrate(BEFORE)
        question = back.get_model("gamification", "CheckQuestion")
        answer = back.get_model("gamification", "CheckAnswer")
        assert sorted(question.objects.values_list("id", flat=True)) == [500, 501, 502]
        assert answer.objects.get().first_choice_id == 900
        assert not back.get_model("practice", "CheckQuestion").objects.exists()
    finally:
        migrate()
