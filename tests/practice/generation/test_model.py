"""With TUTOR_BACKEND=openai the questions come from a model server (the tutor tests' loopback one), each kept
only when a retrieved passage of the material holds its answer; any failure gives the offline kinds instead."""

from __future__ import annotations

import pytest

from practice.generation import lesson_questions_generate
from practice.generation.questions import answer_in_passage, question_problems
from practice.models import CheckQuestion, QuestionKind, QuestionOrigin
from practice.services.generated import lesson_checks_generate
from tests.tutor.chat_server import ChatServer
from tutor.backends.chat_calls import formats_forget

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def chat_server():
    with ChatServer() as server:
        yield server


@pytest.fixture
def server(chat_server, settings):
    chat_server.reset()
    formats_forget()
    settings.TUTOR_BACKEND = "openai"
    settings.TUTOR_BASE_URL = chat_server.base_url
    settings.TUTOR_MODEL = "small-local-model"
    settings.TUTOR_TIMEOUT_SECONDS = 5
    return chat_server


def test_the_models_questions_are_kept_only_when_a_passage_holds_their_answer(server, abstract_lesson):
    result = lesson_questions_generate(abstract_lesson)
    assert result.origin == QuestionOrigin.MODEL
    model_made = [q for q in result.questions if q.kind == QuestionKind.CHOICE]
    assert model_made
    for question in model_made:
        assert question_problems(question) == []
        assert answer_in_passage(question)
        assert question.passage in abstract_lesson.material or question.passage in abstract_lesson.description
    prompts = {question.prompt for question in result.questions}
    assert "What is the capital of France?" not in prompts  # nothing in the material says so
    assert "Which passage is missing?" not in prompts
    assert len(result.questions) >= 3  # topped up with offline kinds when the model's are too few
    asked = server.requests[0]
    assert asked["response_format"]["type"] == "json_schema"
    assert asked["response_format"]["json_schema"]["name"] == "check_questions"


def test_a_server_that_refuses_json_schema_is_asked_again_in_another_form(server, abstract_lesson):
    server.mode = "no_schema"
    result = lesson_questions_generate(abstract_lesson)
    assert result.origin == QuestionOrigin.MODEL
    assert [r.get("response_format", {}).get("type") for r in server.requests][:2] == ["json_schema", "json_object"]


@pytest.mark.parametrize("mode", ["500", "malformed", "401"])
def test_any_failure_falls_back_to_the_offline_kinds(server, abstract_lesson, mode):
    server.mode = mode
    result = lesson_questions_generate(abstract_lesson)
    assert result.origin == QuestionOrigin.OFFLINE
    assert result.fallback_reason
    assert len(result.questions) >= 3
    assert all(question.kind != QuestionKind.CHOICE for question in result.questions)


def test_stored_model_questions_say_where_they_came_from(server, abstract_lesson):
    assert lesson_checks_generate(lesson_id=abstract_lesson.pk) >= 3
    origins = set(CheckQuestion.objects.filter(lesson=abstract_lesson).values_list("kind", "origin"))
    assert (QuestionKind.CHOICE, QuestionOrigin.MODEL) in origins
    assert all(origin == QuestionOrigin.OFFLINE for kind, origin in origins if kind != QuestionKind.CHOICE)
