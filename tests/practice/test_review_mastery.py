"""Mastery per skill: FSRS recall of the skill's cards, weighted by lesson, scaled by how much was practised."""

from datetime import timedelta

import pytest
from django.utils import timezone

from lessons.models import LessonProgress, LessonSkill, Skill
from practice.selectors import skill_mastery_for
from practice.services import review_answer
from tests.accounts.factories import UserFactory
from tests.lessons.factories import PublishedLessonFactory
from tests.practice.review_factories import PracticeQuestionFactory, card_answered

pytestmark = pytest.mark.django_db


@pytest.fixture
def skill():
    skill = Skill.objects.create(name="Transformers", slug="transformers")
    lessons = [PublishedLessonFactory() for _ in range(3)]
    for lesson, weight in zip(lessons, (90, 60, 30), strict=True):
        LessonSkill.objects.create(lesson=lesson, skill=skill, weight=weight)
    skill.lessons = lessons
    return skill


def _mastery(user, now=None):
    found = {item.slug: item for item in skill_mastery_for(user=user, now=now)}
    return found["transformers"]


def _practised(user, lesson, *, correct=True, count=3, now=None):
    for _ in range(count):
        card_answered(user=user, question=PracticeQuestionFactory(lesson=lesson), correct=correct, now=now)


def test_nothing_practised_is_zero(skill):
    item = _mastery(UserFactory())
    assert (item.mastery, item.cards, item.lessons, item.lessons_done) == (0, 0, 3, 0)


def test_one_right_card_is_not_the_whole_skill(skill):
    user = UserFactory()
    _practised(user, skill.lessons[0], count=1)
    assert 0 < _mastery(user).mastery <= 100 * 90 / 180 / 3 + 1


def test_every_lesson_practised_right_is_near_full_and_lessons_done_count(skill):
    user = UserFactory()
    for lesson in skill.lessons:
        _practised(user, lesson)
    now = timezone.now()
    LessonProgress.objects.create(user=user, lesson=skill.lessons[0], started_at=now, completed_at=now)
    item = _mastery(user)
    assert item.mastery >= 95
    assert item.cards == 9
    assert item.lessons_done == 1


def test_a_heavier_lesson_counts_more(skill):
    heavy, light = UserFactory(), UserFactory()
    _practised(heavy, skill.lessons[0])
    _practised(light, skill.lessons[2])
    assert _mastery(heavy).mastery == pytest.approx(3 * _mastery(light).mastery, abs=2)


def test_mastery_decays_with_time_and_a_right_review_brings_it_back(skill):
    user = UserFactory()
    start = timezone.now() - timedelta(days=30)
    for lesson in skill.lessons:
        _practised(user, lesson, now=start)
    at_first = _mastery(user, now=start + timedelta(minutes=1)).mastery
    a_month_later = _mastery(user).mastery
    assert a_month_later < at_first
    for card in user.review_cards.all():
        review_answer(user=user, card_id=card.pk, rating="good")
    assert _mastery(user).mastery > a_month_later


def test_wrong_answers_hold_less_than_right_ones(skill):
    right, wrong = UserFactory(), UserFactory()
    later = timezone.now() + timedelta(days=1)
    _practised(right, skill.lessons[0])
    _practised(wrong, skill.lessons[0], correct=False)
    assert _mastery(right, now=later).mastery > _mastery(wrong, now=later).mastery


def test_only_practised_skills_show_when_asked(skill):
    Skill.objects.create(name="Unrelated", slug="unrelated")
    user = UserFactory()
    assert skill_mastery_for(user=user, practised_only=True) == []
    _practised(user, skill.lessons[1], count=1)
    assert [item.slug for item in skill_mastery_for(user=user, practised_only=True)] == ["transformers"]
