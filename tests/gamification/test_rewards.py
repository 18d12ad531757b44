"""Figures (gamification/rewards.py): XP per level and the minimum time a lesson must be open."""

import pytest

from gamification.rewards import completion_wait_seconds, lesson_xp, lesson_xp_for_checks, wait_in_words


def test_harder_lessons_are_worth_more_xp():
    assert lesson_xp("beginner") < lesson_xp("intermediate") < lesson_xp("advanced")
    assert (lesson_xp("beginner"), lesson_xp("intermediate"), lesson_xp("advanced")) == (10, 20, 30)


@pytest.mark.parametrize(
    ("duration", "wait"),
    [(None, 60), (0, 60), (120, 60), (240, 60), (1200, 300), (2400, 600), (4 * 3600, 600), (241, 61)],
)
def test_a_lesson_must_be_open_a_quarter_of_its_duration_between_one_and_ten_minutes(duration, wait):
    assert completion_wait_seconds(duration) == wait


@pytest.mark.parametrize(("seconds", "words"), [(270, "4 min 30 s"), (45, "45 s"), (600, "10 min"), (-3, "0 s")])
def test_waits_read_in_minutes_and_seconds(seconds, words):
    assert wait_in_words(seconds) == words


@pytest.mark.parametrize(
    ("level", "questions", "right", "xp"),
    [
        ("intermediate", 0, 0, 20),  # no questions: the lesson's XP
        ("intermediate", 1, 1, 20),  # all right at the first try: all of it
        ("intermediate", 1, 0, 10),  # right only later: half
        ("intermediate", 3, 2, 17),  # 20 × 5/6, rounded up
        ("beginner", 3, 0, 5),
        ("advanced", 4, 1, 19),  # 30 × 5/8 = 18.75
        ("advanced", 2, 5, 30),  # never more than all of it
    ],
)
def test_xp_for_completing_by_check_questions_scales_with_first_tries(level, questions, right, xp):
    assert lesson_xp_for_checks(level, questions=questions, right_first_time=right) == xp
