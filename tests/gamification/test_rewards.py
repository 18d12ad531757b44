"""Figures (gamification/rewards.py): XP per level and the minimum time a lesson must be open."""

import pytest

from gamification.rewards import check_gate_open, completion_wait_seconds, lesson_xp, wait_in_words


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
    ("questions", "right", "open_"),
    [(0, 0, False), (1, 0, False), (1, 1, True), (2, 1, False), (2, 2, True), (3, 2, True)],
)
def test_check_questions_open_the_gate_when_more_than_half_were_right_at_the_first_try(questions, right, open_):
    assert check_gate_open(questions=questions, right_first_time=right) is open_
