"""Many requests at once: a learner's awards are serialised by the profile lock, league seats by the week's lock.

Threads start together on a Barrier, each with its own database connection, so their transactions overlap for real
on PostgreSQL (SQLite's IMMEDIATE transactions serialise writers; the same answers must hold there too).
"""

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.db.models import Sum
from django.utils import timezone

from credits.models import LedgerEntry
from gamification.models import League, LeagueMembership, LearnerProfile, LessonCompletion, XPEvent
from gamification.references import LESSON_PREFIX, lesson_reference
from gamification.services import lesson_complete, lesson_open
from practice.services import check_answer
from tests.factories import CheckQuestionFactory, PublishedLessonFactory, UserFactory, xp_give

pytestmark = pytest.mark.django_db(transaction=True)


def run_together(threads, work):
    barrier = threading.Barrier(threads, timeout=60)

    def one(index):
        try:
            barrier.wait()
            return work(index)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=threads) as pool:
        return list(pool.map(one, range(threads)))


def right_answer(user, question):
    return check_answer(user=user, question=question, choice=question.choices.get(text="right"))


def test_eight_lessons_completed_by_their_answers_at_once_pay_the_daily_credits_three_times():
    learner = UserFactory()
    questions = [CheckQuestionFactory() for _ in range(8)]

    results = run_together(8, lambda index: right_answer(learner, questions[index]).gains.credits)

    assert sorted(results) == [0, 0, 0, 0, 0, 5, 5, 5]
    rewards = LedgerEntry.objects.filter(wallet__user=learner, reference__startswith=LESSON_PREFIX)
    assert rewards.count() == 3
    profile = LearnerProfile.objects.get(user=learner)
    assert profile.xp == XPEvent.objects.filter(user=learner).aggregate(total=Sum("amount"))["total"] == 8 * (10 + 5)


def test_the_same_question_answered_from_two_tabs_at_once_completes_and_pays_once():
    learner = UserFactory()
    question = CheckQuestionFactory()

    first_tries = run_together(6, lambda _: right_answer(learner, question).first_try)

    assert sorted(first_tries) == [False] * 5 + [True]
    assert LessonCompletion.objects.filter(user=learner).count() == 1
    assert XPEvent.objects.filter(user=learner, reference=lesson_reference(question.lesson)).count() == 1
    assert XPEvent.objects.filter(user=learner, reference=f"check:{question.pk}").count() == 1


def test_completing_from_two_tabs_at_once_counts_once(time_machine):
    learner = UserFactory()
    lesson = PublishedLessonFactory(duration_seconds=600)
    time_machine.move_to(timezone.now(), tick=False)
    lesson_open(user=learner, lesson=lesson)
    time_machine.shift(10 * 60)

    created = run_together(6, lambda _: lesson_complete(user=learner, lesson=lesson).created)

    assert sorted(created) == [False] * 5 + [True]
    assert LessonCompletion.objects.filter(user=learner).count() == 1
    assert XPEvent.objects.filter(user=learner, reference=lesson_reference(lesson)).count() == 1


def test_forty_learners_starting_the_week_at_once_fill_leagues_of_at_most_thirty():
    learners = UserFactory.create_batch(40)

    run_together(40, lambda index: xp_give(user=learners[index], amount=10, reason="Practice", idempotency_key="w"))

    sizes = Counter(LeagueMembership.objects.values_list("league_id", flat=True))
    assert sorted(sizes.values()) == [10, 30]
    assert {league.pk: league.member_count for league in League.objects.all()} == dict(sizes)
