"""The badge registry (gamification/badges.py): unique slugs, and rules that fire on the right facts."""

from gamification.badges import BADGES, BADGES_BY_SLUG, LearnerFacts, badges_earned


def slugs(facts):
    return [badge.slug for badge in badges_earned(facts)]


def test_every_badge_has_a_unique_slug_a_name_and_a_description():
    assert len(BADGES_BY_SLUG) == len(BADGES)
    assert all(badge.name and badge.description and badge.icon for badge in BADGES)


def test_a_newcomer_has_earned_nothing():
    assert slugs(LearnerFacts()) == []


def test_a_first_lesson_earns_first_steps_and_ten_earn_ten_down():
    assert slugs(LearnerFacts(lessons_completed=1)) == ["first-lesson"]
    assert slugs(LearnerFacts(lessons_completed=10)) == ["first-lesson", "lessons-10"]


def test_streak_badges_follow_the_longest_streak_so_a_lost_streak_keeps_them():
    assert slugs(LearnerFacts(longest_streak=30)) == ["streak-7", "streak-30"]


def test_league_unlock_and_course_badges_fire_on_their_own_facts():
    facts = LearnerFacts(unlocks=1, courses_completed=1, promotions=1, podiums=1)
    assert slugs(facts) == ["first-unlock", "course-finished", "moving-up", "podium"]
