"""Completing a lesson (gamification.services.lesson_complete): the time gate, check questions, XP, ⚡ and courses."""

from datetime import UTC, datetime, timedelta

import pytest

from credits.models import LedgerEntry
from credits.selectors import wallet_summary
from gamification.exceptions import CompletionTooSoon
from gamification.models import BadgeAward, CourseCompletion, LessonCompletion, XPEvent
from gamification.references import lesson_reference
from gamification.services import lesson_complete, lesson_open
from lessons.exceptions import LessonNotAvailable
from lessons.models import Course, CourseLesson, Enrollment, LessonProgress
from practice.services import check_answer
from tests.factories import PublishedLessonFactory, UserFactory

pytestmark = pytest.mark.django_db

NOON = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
LEVELS = ("beginner", "intermediate", "advanced")


def rewards_of(user):
    return list(
        LedgerEntry.objects.filter(wallet__user=user, kind=LedgerEntry.Kind.REWARD)
        .order_by("id")
        .values_list("amount", "reason")
    )


def answer(user, lesson, text):
    question = lesson.checks.get()
    return check_answer(user=user, question=question, choice=question.choices.get(text=text))


def test_a_completion_that_comes_too_fast_is_refused_saying_how_long_to_go(learner, lesson, time_machine):
    time_machine.move_to(NOON, tick=False)
    lesson_open(user=learner, lesson=lesson)
    time_machine.shift(30)

    with pytest.raises(CompletionTooSoon) as refused:
        lesson_complete(user=learner, lesson=lesson)

    assert str(refused.value) == f"Too soon to mark “{lesson.title}” as done: keep it open for another 4 min 30 s."
    assert refused.value.seconds_left == 270
    assert not LessonCompletion.objects.exists()
    assert not XPEvent.objects.exists()


def test_a_lesson_open_for_a_quarter_of_its_duration_completes_and_pays_xp_and_a_reward(learner, lesson, time_machine):
    time_machine.move_to(NOON, tick=False)
    lesson_open(user=learner, lesson=lesson)
    time_machine.shift(5 * 60)

    result = lesson_complete(user=learner, lesson=lesson)

    assert (result.created, result.xp_awarded, result.credits_awarded) == (True, 10, 5)
    assert result.completion.via == LessonCompletion.Via.TIME
    assert rewards_of(learner) == [(5, f"Lesson completed: {lesson.title}")]
    assert LessonProgress.objects.get(user=learner, lesson=lesson).completed_at == NOON + timedelta(minutes=5)
    assert learner.learner_profile.xp == 10
    assert "+10 XP" in result.gains.messages
    assert "⚡5 earned" in result.gains.messages


def test_completing_never_starts_the_clock_only_opening_the_lesson_does(learner, lesson, time_machine):
    time_machine.move_to(NOON, tick=False)
    with pytest.raises(CompletionTooSoon, match="first") as refused:
        lesson_complete(user=learner, lesson=lesson)
    assert refused.value.not_open
    time_machine.shift(5 * 60)
    with pytest.raises(CompletionTooSoon, match="first"):
        lesson_complete(user=learner, lesson=lesson)
    lesson_open(user=learner, lesson=lesson)
    time_machine.shift(5 * 60)
    assert lesson_complete(user=learner, lesson=lesson).created


def test_a_lesson_start_reported_by_the_browser_is_not_trusted_for_the_clock(learner, lesson, time_machine):
    time_machine.move_to(NOON, tick=False)
    LessonProgress.objects.create(
        user=learner, lesson=lesson, started_at=NOON - timedelta(days=1), source=LessonProgress.Origin.BROWSER
    )
    with pytest.raises(CompletionTooSoon):
        lesson_complete(user=learner, lesson=lesson)


def test_a_lesson_link_followed_on_the_server_does_not_start_the_clock(learner, lesson, time_machine):
    time_machine.move_to(NOON, tick=False)
    LessonProgress.objects.create(user=learner, lesson=lesson, started_at=NOON - timedelta(minutes=6))
    with pytest.raises(CompletionTooSoon):
        lesson_complete(user=learner, lesson=lesson)


def test_a_course_whose_lessons_were_opened_together_and_completed_together_pays_no_course_reward(
    learner, time_machine
):
    time_machine.move_to(NOON, tick=False)
    first, second = PublishedLessonFactory.create_batch(2, duration_seconds=60)
    course = Course.objects.create(title="Farmed", slug="farmed")
    for position, item in enumerate((first, second), start=1):
        CourseLesson.objects.create(course=course, lesson=item, position=position)
    Enrollment.objects.create(user=learner, course=course)
    for item in (first, second):
        lesson_open(user=learner, lesson=item)
    time_machine.shift(61)
    lesson_complete(user=learner, lesson=first)
    result = lesson_complete(user=learner, lesson=second)
    assert result.courses == []
    assert result.credits_awarded == 5
    assert not any(reason.startswith("Course completed") for _, reason in rewards_of(learner))
    assert not BadgeAward.objects.filter(user=learner, badge="course-finished").exists()


def test_completing_a_lesson_twice_counts_once(learner, quiz_lesson):
    answer(learner, quiz_lesson, "right")
    first = lesson_complete(user=learner, lesson=quiz_lesson)
    second = lesson_complete(user=learner, lesson=quiz_lesson)
    assert (second.created, second.xp_awarded, second.credits_awarded) == (False, 0, 0)
    assert second.completion == first.completion
    assert len(rewards_of(learner)) == 1
    assert XPEvent.objects.filter(user=learner, reference=lesson_reference(quiz_lesson)).count() == 1


def test_harder_lessons_pay_more_xp(learner, time_machine):
    time_machine.move_to(NOON, tick=False)
    by_level = {level: PublishedLessonFactory(level=level, duration_seconds=60) for level in LEVELS}
    for item in by_level.values():
        lesson_open(user=learner, lesson=item)
    time_machine.shift(61)
    paid = {level: lesson_complete(user=learner, lesson=item).xp_awarded for level, item in by_level.items()}
    assert paid == {"beginner": 10, "intermediate": 20, "advanced": 30}


def test_only_the_first_three_lessons_of_a_local_day_pay_credits(time_machine):
    learner = UserFactory(time_zone="America/New_York")
    lessons = PublishedLessonFactory.create_batch(5, duration_seconds=60)
    # 10 March, 20:00 to 23:50 in New York (00:00 to 03:50 UTC on the 11th): one local day.
    start = datetime(2026, 3, 11, 0, 0, tzinfo=UTC)
    paid = []
    for index, item in enumerate(lessons[:4]):
        time_machine.move_to(start + timedelta(minutes=index * 50), tick=False)
        lesson_open(user=learner, lesson=item)
        time_machine.shift(61)
        paid.append(lesson_complete(user=learner, lesson=item).credits_awarded)
    assert paid == [5, 5, 5, 0]
    assert sum(LessonCompletion.objects.filter(user=learner).values_list("xp_awarded", flat=True)) == 40

    # 00:10 on 11 March in New York: a new local day, though UTC's day has not changed.
    time_machine.move_to(datetime(2026, 3, 11, 4, 10, tzinfo=UTC), tick=False)
    lesson_open(user=learner, lesson=lessons[4])
    time_machine.shift(61)
    assert lesson_complete(user=learner, lesson=lessons[4]).credits_awarded == 5
    assert [amount for amount, _ in rewards_of(learner)] == [5, 5, 5, 5]


def test_a_draft_lesson_cannot_be_completed(learner):
    draft = PublishedLessonFactory(status="draft")
    with pytest.raises(LessonNotAvailable):
        lesson_complete(user=learner, lesson=draft)


def test_finishing_every_lesson_of_an_enrolled_course_pays_the_course_reward_and_a_badge(learner, time_machine):
    time_machine.move_to(NOON, tick=False)
    first, second = PublishedLessonFactory.create_batch(2, duration_seconds=60)
    draft = PublishedLessonFactory(status="draft")
    course = Course.objects.create(title="Transformers from scratch", slug="transformers")
    for position, item in enumerate((first, second, draft), start=1):
        CourseLesson.objects.create(course=course, lesson=item, position=position)
    Enrollment.objects.create(user=learner, course=course)
    lesson_open(user=learner, lesson=first)
    time_machine.shift(61)
    assert lesson_complete(user=learner, lesson=first).courses == []
    lesson_open(user=learner, lesson=second)
    time_machine.shift(61)
    result = lesson_complete(user=learner, lesson=second)

    assert [c.course for c in result.courses] == [course]
    assert result.credits_awarded == 5 + 25
    assert (25, "Course completed: Transformers from scratch") in rewards_of(learner)
    assert BadgeAward.objects.filter(user=learner, badge="course-finished").exists()
    assert "Badge earned: 🏁 Course finisher" in result.gains.messages


def test_a_course_the_learner_did_not_enrol_in_pays_nothing(learner, quiz_lesson):
    course = Course.objects.create(title="Not mine", slug="not-mine")
    CourseLesson.objects.create(course=course, lesson=quiz_lesson, position=1)
    answer(learner, quiz_lesson, "right")
    assert lesson_complete(user=learner, lesson=quiz_lesson).courses == []
    assert not CourseCompletion.objects.exists()


def test_a_first_lesson_earns_the_first_steps_badge_once(learner, quiz_lesson):
    result = answer(learner, quiz_lesson, "right")  # its only question right: the lesson completes
    lesson_complete(user=learner, lesson=quiz_lesson)
    assert "first-lesson" in [badge.slug for badge in result.gains.badges]
    assert BadgeAward.objects.filter(user=learner, badge="first-lesson").count() == 1


def test_the_welcome_bonus_and_rewards_add_up_in_the_wallet(learner, quiz_lesson, settings):
    answer(learner, quiz_lesson, "right")
    lesson_complete(user=learner, lesson=quiz_lesson)
    assert wallet_summary(user=learner).balance == settings.SIGNUP_BONUS + 5
