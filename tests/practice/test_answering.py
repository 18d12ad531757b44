"""Answering check questions (practice.services.check_answer): the answer, the review card, the first-try bonus once,
and completion by the questions: every live one answered right, at the first try or once its card has come due."""

from datetime import UTC, datetime, timedelta

import pytest

from gamification.exceptions import ChecksLeft
from gamification.models import BadgeAward, LessonCompletion, XPEvent
from gamification.services import lesson_complete
from practice.check_exceptions import ChoiceNotInQuestion
from practice.models import CheckAnswer, QuestionOrigin, QuestionStatus, ReviewCard
from practice.selectors import lesson_checks_for, lesson_checks_state
from practice.services import check_answer, check_review_record
from tests.factories import CheckQuestionFactory, PublishedLessonFactory, UserFactory

pytestmark = pytest.mark.django_db

NOON = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


@pytest.fixture
def learner(db):
    return UserFactory(time_zone="UTC")


def pick(user, question, text):
    return check_answer(user=user, question=question, choice=question.choices.get(text=text))


def xp_of(user):
    return sum(XPEvent.objects.filter(user=user).values_list("amount", flat=True))


def test_a_right_first_answer_to_the_only_question_completes_the_lesson_with_all_its_xp(learner, time_machine):
    time_machine.move_to(NOON, tick=False)
    question = CheckQuestionFactory(lesson=PublishedLessonFactory(level="intermediate"))

    result = pick(learner, question, "right")

    assert (result.correct, result.first_try, result.counted, result.lesson_completed) == (True, True, True, True)
    assert result.xp_awarded == 5 + 20  # the first-try bonus and the intermediate lesson, all of it
    assert result.completion.completion.via == LessonCompletion.Via.CHECK
    assert result.card.due > NOON + timedelta(minutes=5)  # later than a wrong answer comes back
    assert BadgeAward.objects.filter(user=learner, badge="sharp-eye").exists()
    assert "Badge earned: 👁 Sharp eye" in result.gains.messages


def test_a_wrong_first_answer_comes_back_within_minutes_and_only_then_can_complete_the_lesson(learner, time_machine):
    time_machine.move_to(NOON, tick=False)
    question = CheckQuestionFactory(lesson=PublishedLessonFactory(level="intermediate"))

    wrong = pick(learner, question, "wrong")
    assert (wrong.correct, wrong.xp_awarded, wrong.lesson_completed) == (False, 0, False)
    assert NOON < wrong.card.due <= NOON + timedelta(minutes=10)

    # The right answer was just shown: picking it at once is marked right but proves nothing yet.
    again = pick(learner, question, "right")
    assert (again.correct, again.first_try, again.counted, again.lesson_completed) == (True, False, False, False)
    with pytest.raises(ChecksLeft, match="1 of 1 still to go"):
        lesson_complete(user=learner, lesson=question.lesson)

    time_machine.move_to(wrong.card.due, tick=False)  # the card came back
    later = pick(learner, question, "right")
    assert (later.counted, later.lesson_completed) == (True, True)
    assert later.xp_awarded == 10  # half the lesson's XP: none right at the first try, no bonus
    assert not XPEvent.objects.filter(user=learner, reference__startswith="check:").exists()
    assert CheckAnswer.objects.get(user=learner).attempts == 3


def test_xp_scales_with_the_questions_right_at_the_first_try(learner):
    lesson = PublishedLessonFactory(level="intermediate")
    first, second, third = CheckQuestionFactory.create_batch(3, lesson=lesson)
    pick(learner, first, "right")
    pick(learner, second, "right")
    assert not pick(learner, third, "wrong").lesson_completed
    assert lesson_checks_state(user=learner, lesson=lesson).left == 1

    done = check_review_record(user=learner, question=third, correct=True)  # the review page got it right

    assert done is not None
    assert done.created
    assert done.xp_awarded == 17  # 20 × (3 + 2) / 6, rounded up
    assert xp_of(learner) == 2 * 5 + 17


def test_answering_again_after_completing_awards_nothing_more(learner):
    question = CheckQuestionFactory()
    pick(learner, question, "right")
    before = xp_of(learner)
    for text in ("right", "wrong", "right"):
        result = pick(learner, question, text)
        assert (result.xp_awarded, result.lesson_completed) == (0, True)
    assert xp_of(learner) == before
    assert ReviewCard.objects.filter(user=learner).count() == 1
    assert LessonCompletion.objects.filter(user=learner).count() == 1


def test_only_live_questions_show_and_count(learner):
    lesson = PublishedLessonFactory()
    live = CheckQuestionFactory(lesson=lesson, prompt="Live?")
    CheckQuestionFactory(lesson=lesson, prompt="Draft?", origin=QuestionOrigin.OFFLINE, status=QuestionStatus.DRAFT)
    CheckQuestionFactory(lesson=lesson, prompt="Dropped?", status=QuestionStatus.DROPPED)

    assert [view.question.prompt for view in lesson_checks_for(user=learner, lesson=lesson)] == ["Live?"]
    assert pick(learner, live, "right").lesson_completed


def test_hand_written_questions_come_first(learner):
    lesson = PublishedLessonFactory()
    CheckQuestionFactory(lesson=lesson, prompt="Generated first?", origin=QuestionOrigin.OFFLINE, position=0)
    CheckQuestionFactory(lesson=lesson, prompt="By hand, later?", position=5)
    CheckQuestionFactory(lesson=lesson, prompt="By hand?", position=1)

    prompts = [view.question.prompt for view in lesson_checks_for(user=learner, lesson=lesson)]

    assert prompts == ["By hand?", "By hand, later?", "Generated first?"]


def test_a_choice_of_another_question_is_refused(learner):
    question, other = CheckQuestionFactory.create_batch(2)
    with pytest.raises(ChoiceNotInQuestion):
        check_answer(user=learner, question=question, choice=other.choices.get(text="right"))
    assert not CheckAnswer.objects.exists()


def test_a_review_of_a_question_never_answered_or_already_right_changes_nothing(learner):
    question = CheckQuestionFactory()
    assert check_review_record(user=learner, question=question, correct=True) is None
    pick(learner, question, "right")
    assert check_review_record(user=learner, question=question, correct=True) is None
    assert check_review_record(user=learner, question=question, correct=False) is None


@pytest.mark.parametrize(("live_at_once", "generated_status"), [(True, "live"), (False, "draft")])
def test_generated_questions_start_live_or_as_drafts_by_the_setting(settings, live_at_once, generated_status):
    from practice.services import ChoiceText, check_question_add

    settings.CHECKS_LIVE_AT_ONCE = live_at_once
    lesson = PublishedLessonFactory()
    choices = [ChoiceText("yes", correct=True), ChoiceText("no")]
    assert check_question_add(lesson=lesson, prompt="By hand?", position=0, choices=choices)
    assert check_question_add(
        lesson=lesson, prompt="Generated?", position=1, choices=choices, origin=QuestionOrigin.OFFLINE
    )
    assert not check_question_add(lesson=lesson, prompt="By hand?", position=0, choices=choices)  # there already
    statuses = dict(lesson.checks.values_list("prompt", "status"))
    assert statuses == {"By hand?": "live", "Generated?": generated_status}
