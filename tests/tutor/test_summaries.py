"""One-line "Learn …" summaries: the model's line when the openai backend is configured and its line passes the
checks, the extractive line offline and on every failure."""

from __future__ import annotations

import pytest

from tests.tutor.chat_server import ChatServer
from tutor.backends.study_guide import summary_line_extract
from tutor.summaries import summary_lines

TITLE = "Looped models and collapse"
TEXT = (
    "Two researchers talk about models that run their own computation in loops. "
    "A looped model feeds its own output back in as the next input, again and again. "
    "Training on a previous model's text slowly narrows what a model can say. "
    "They ask whether a model can check its own work before anyone else does."
)
OTHER = ("Reading papers", "A short guide to reading a research paper in three passes, from the abstract onwards.")


@pytest.fixture(scope="module")
def chat_server():
    with ChatServer() as server:
        yield server


@pytest.fixture
def server(chat_server, settings):
    chat_server.reset()
    settings.TUTOR_BACKEND = "openai"
    settings.TUTOR_BASE_URL = chat_server.base_url
    settings.TUTOR_API_KEY = "test-key"
    settings.TUTOR_MODEL = "asked-for-model"
    settings.TUTOR_TIMEOUT_SECONDS = 5
    return chat_server


def test_offline_the_line_is_the_materials_most_central_sentence(settings):
    settings.TUTOR_BACKEND = "study_guide"

    [line] = summary_lines(items=[(TITLE, TEXT)])

    assert line.startswith("Learn: ")
    assert line.removeprefix("Learn: ") in TEXT  # a sentence of the material, word for word
    assert line == summary_line_extract(title=TITLE, text=TEXT)


def test_offline_a_text_without_a_sentence_has_no_line(settings):
    settings.TUTOR_BACKEND = "study_guide"

    assert summary_lines(items=[("Untitled", "too short")]) == [""]


def test_with_the_openai_backend_the_model_writes_the_line_from_the_material(server):
    lines = summary_lines(items=[(TITLE, TEXT), OTHER])

    assert lines == ["Learn how a looped model feeds its own output back in."] * 2
    request = server.requests[0]
    assert request["response_format"]["json_schema"]["name"] == "summary_line"
    prompt = request["messages"][-1]["content"]
    assert TITLE in prompt
    assert "Training on a previous model's text" in prompt


@pytest.mark.parametrize(
    "bad_line",
    [
        "You will learn how looped models work.",  # does not start with "Learn"
        "Learn how looped models work.\nAnd a second line.",
        "Learn how looped models work: https://example.com/loops",
        "Learn how looped models work, from [the paper](/papers/loops).",
        "Learn " + "loops " * 60,  # longer than a line
    ],
)
def test_a_line_that_fails_the_checks_gives_way_to_the_extractive_line(server, bad_line):
    server.summary_line = bad_line

    [line] = summary_lines(items=[(TITLE, TEXT)])

    assert line == summary_line_extract(title=TITLE, text=TEXT)
    assert len(server.requests) == 2  # asked again once, then given up


def test_a_broken_answer_gives_way_to_the_extractive_line(server):
    server.mode = "malformed"

    assert summary_lines(items=[(TITLE, TEXT)]) == [summary_line_extract(title=TITLE, text=TEXT)]


@pytest.mark.parametrize("mode", ["500", "401"])
def test_a_server_error_gives_way_to_the_extractive_line(server, mode):
    server.mode = mode

    assert summary_lines(items=[(TITLE, TEXT)]) == [summary_line_extract(title=TITLE, text=TEXT)]


def test_a_server_that_times_out_costs_one_timeout_per_batch_and_every_item_gets_the_extractive_line(server, settings):
    settings.TUTOR_TIMEOUT_SECONDS = 0.5
    server.mode = "slow"  # answers after 5 s

    lines = summary_lines(items=[(TITLE, TEXT), OTHER, (TITLE, TEXT)])

    assert lines == [
        summary_line_extract(title=title, text=text) for title, text in [(TITLE, TEXT), OTHER, (TITLE, TEXT)]
    ]
    assert len(server.requests) == 1  # the items after the timeout were not sent to a server that is not answering


def test_a_misconfigured_openai_backend_gives_way_to_the_extractive_line(settings):
    settings.TUTOR_BACKEND = "openai"
    settings.TUTOR_MODEL = ""  # the backend refuses to start without a model

    assert summary_lines(items=[(TITLE, TEXT)]) == [summary_line_extract(title=TITLE, text=TEXT)]
