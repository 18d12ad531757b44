"""A property of the whole demo catalog: every published lesson gets at least three questions, every answer is found
in its passage, and no question is ambiguous (bench/questions.py prints the same figures)."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from lessons.models import Lesson
from practice.generation import lesson_questions_generate
from practice.generation.questions import answer_in_passage, question_problems, text_key

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


def test_every_demo_lesson_gets_sound_questions_whose_answers_are_in_their_passages(settings):
    settings.TUTOR_BACKEND = "study_guide"
    call_command("load_demo", verbosity=0)
    lessons = list(Lesson.objects.published().select_related("source", "category").prefetch_related("chapters"))
    assert len(lessons) >= 50
    short = []
    for lesson in lessons:
        questions = lesson_questions_generate(lesson).questions
        if len(questions) < 3:
            short.append(lesson.slug)
        assert len({text_key(question.prompt) for question in questions}) == len(questions)
        for question in questions:
            assert answer_in_passage(question), (lesson.slug, question.prompt)
            assert question_problems(question) == [], (lesson.slug, question)
            # the passage is the lesson's own words (or its chapter list), never another lesson's
            own = text_key(f"{lesson.description} {lesson.material} {lesson.transcript}")
            passage = text_key(question.passage.split(": ", 1)[-1] if question.kind == "chapter" else question.passage)
            assert passage in own or question.kind == "chapter", (lesson.slug, question.passage)
    assert short == []
