"""The openai backend against a chat-completions server on loopback: streaming, shape checks, and every failure."""

from __future__ import annotations

import dataclasses
import itertools
import socket
import time

import pytest

from tests.tutor.chat_server import ANSWERING_MODEL, ChatServer
from tutor.backends import backend_get
from tutor.backends.base import (
    REQUIRED_SECTIONS,
    ChapterMaterial,
    LessonMaterial,
    PermanentBackendError,
    RelatedMaterial,
    TransientBackendError,
)
from tutor.backends.openai_chat import OpenAIChatBackend
from tutor.backends.study_guide import StudyGuideBackend

VIDEO = "https://www.youtube.com/watch?v=loopback42"
DESCRIPTION = (
    "Two researchers talk about models that run their own computation in loops. "
    "They ask whether a model can check its own work before anyone else does."
)
TRANSCRIPT = """WEBVTT

00:00:03.000 --> 00:00:08.000
Welcome to a short lesson recorded for this test.

00:01:20.000 --> 00:01:30.000
A looped model feeds its own output back in as the next input.

00:14:10.000 --> 00:14:20.000
Training on a previous model's text slowly narrows what a model can say.
"""
MATERIAL = LessonMaterial(
    title="Loops, checks and collapse",
    source_name="The Loopback Podcast",
    level="Beginner",
    category="Research Papers Explained",
    url=VIDEO,
    description=DESCRIPTION,
    chapters=(
        ChapterMaterial(0, "Intro", f"{VIDEO}&t=0s"),
        ChapterMaterial(77, "What “loops” in AI actually mean", f"{VIDEO}&t=77s"),
        ChapterMaterial(846, "What is model collapse?", f"{VIDEO}&t=846s"),
    ),
    transcript=TRANSCRIPT,
    related=(RelatedMaterial("Reading papers well", "How to read a research paper.", "/lessons/reading-papers/"),),
)


@pytest.fixture(scope="module")
def chat_server():
    with ChatServer() as server:
        yield server


@pytest.fixture
def server(chat_server):
    chat_server.reset()
    return chat_server


def backend_for(server: ChatServer, **options) -> OpenAIChatBackend:
    return OpenAIChatBackend(base_url=server.base_url, api_key="test-key", model="asked-for-model", **options)


def test_streamed_answer_has_every_section_and_the_servers_model_and_token_counts(server):
    result = backend_for(server).generate(MATERIAL)

    for heading in REQUIRED_SECTIONS:
        assert f"\n{heading}\n" in f"\n{result.markdown}"
    assert f"### [14:06 What is model collapse?]({VIDEO}&t=846s)" in result.markdown
    assert (result.backend, result.model) == ("openai", ANSWERING_MODEL)
    assert result.prompt_tokens > 50
    assert result.completion_tokens > 20
    assert server.requests[-1]["stream"] is True


def test_progress_callback_receives_the_answer_growing_until_it_is_whole(server):
    seen: list[str] = []

    result = backend_for(server).generate(MATERIAL, on_progress=seen.append)

    assert len(seen) > 5
    assert all(later.startswith(earlier.rstrip()) for earlier, later in itertools.pairwise(seen))
    assert len(seen[0]) < len(seen[-1])
    assert seen[-1] == result.markdown


def test_answer_without_streaming_is_returned_whole(server):
    seen: list[str] = []

    result = backend_for(server, stream=False).generate(MATERIAL, on_progress=seen.append)

    assert not server.requests[-1].get("stream")
    assert "## What to read next" in result.markdown
    assert result.model == ANSWERING_MODEL
    assert result.completion_tokens > 20
    assert seen == []


def test_request_carries_the_lessons_chapters_description_transcript_and_related_lessons(server):
    backend_for(server).generate(MATERIAL)

    request = server.requests[-1]
    prompt = "\n".join(message["content"] for message in request["messages"])
    assert request["model"] == "asked-for-model"
    assert request["stream_options"] == {"include_usage": True}
    for chapter in MATERIAL.chapters:
        assert chapter.title in prompt
        assert chapter.url in prompt
    assert DESCRIPTION in prompt
    assert "A looped model feeds its own output back in as the next input." in prompt
    assert "/lessons/reading-papers/" in prompt
    for heading in REQUIRED_SECTIONS:
        assert heading in prompt
    assert server.headers[-1]["authorization"] == "Bearer test-key"


def test_answer_wrapped_in_reasoning_and_a_code_fence_is_unwrapped(server):
    server.mode = "wrapped"

    result = backend_for(server).generate(MATERIAL)

    assert result.markdown.startswith("## Overview")
    assert "<think>" not in result.markdown
    assert "```" not in result.markdown


@pytest.mark.parametrize("stream", [True, False])
def test_malformed_answer_is_a_transient_error_naming_what_is_missing(server, stream):
    server.mode = "malformed"

    with pytest.raises(TransientBackendError, match="missing section '## Key terms'") as caught:
        backend_for(server, stream=stream).generate(MATERIAL)

    assert "'What is model collapse?' is not named" in str(caught.value)


@pytest.mark.parametrize("stream", [True, False])
def test_server_slower_than_the_timeout_is_a_transient_error_raised_in_about_the_timeout(server, stream):
    server.mode = "slow"
    started = time.monotonic()

    with pytest.raises(TransientBackendError, match=r"did not answer within 0\.5 s"):
        backend_for(server, timeout=0.5, stream=stream).generate(MATERIAL)

    elapsed = time.monotonic() - started
    assert 0.4 < elapsed < 2.0, elapsed  # the server would have answered after 5 s


def test_stream_trickling_past_the_timeout_is_cut_off_even_though_each_chunk_came_in_time(server):
    server.mode = "trickle"  # a chunk every 0.15 s: the client's per-read timeout never fires
    started = time.monotonic()

    with pytest.raises(TransientBackendError, match=r"did not finish within 0\.6 s"):
        backend_for(server, timeout=0.6).generate(MATERIAL)

    assert time.monotonic() - started < 1.5


@pytest.mark.parametrize("status", ["429", "500"])
def test_rate_limit_and_server_error_are_transient_and_asked_only_once(server, status):
    server.mode = status

    with pytest.raises(TransientBackendError, match=f"answered {status}"):
        backend_for(server).generate(MATERIAL)

    assert len(server.requests) == 1  # retrying is the task's job, with its own backoff


def test_unauthorised_401_is_permanent(server):
    server.mode = "401"

    with pytest.raises(PermanentBackendError, match="answered 401"):
        backend_for(server).generate(MATERIAL)


def test_unknown_route_404_is_permanent(server):
    backend = OpenAIChatBackend(base_url=server.base_url + "/wrong", api_key="k", model="m")

    with pytest.raises(PermanentBackendError, match="answered 404"):
        backend.generate(MATERIAL)


def test_refused_connection_is_transient():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again on leaving: nothing listens there
    backend = OpenAIChatBackend(base_url=f"http://127.0.0.1:{port}/v1", api_key="k", model="m", timeout=2)

    with pytest.raises(TransientBackendError, match="cannot reach the model server"):
        backend.generate(MATERIAL)


def test_missing_model_name_is_a_permanent_configuration_error():
    with pytest.raises(PermanentBackendError, match="TUTOR_MODEL"):
        OpenAIChatBackend(base_url="http://127.0.0.1:9/v1", api_key="k", model="")


def test_missing_key_for_openai_itself_is_a_permanent_configuration_error():
    with pytest.raises(PermanentBackendError, match="TUTOR_API_KEY"):
        OpenAIChatBackend(base_url=None, api_key="", model="gpt-4o-mini")


def test_unreadable_transcript_is_permanent_and_never_reaches_the_server(server):
    material = dataclasses.replace(MATERIAL, transcript="1\n00:00:01,000 --> later\nwords\n")

    with pytest.raises(PermanentBackendError, match="transcript cannot be read"):
        backend_for(server).generate(material)

    assert server.requests == []


def test_backend_named_in_settings_talks_to_the_configured_server_with_the_configured_key_and_model(server, settings):
    settings.TUTOR_BACKEND = "openai"
    settings.TUTOR_BASE_URL = server.base_url
    settings.TUTOR_API_KEY = "key-from-settings"
    settings.TUTOR_MODEL = "model-from-settings"
    settings.TUTOR_TIMEOUT_SECONDS = 5

    result = backend_get().generate(MATERIAL)

    assert result.backend == "openai"
    assert server.requests[-1]["model"] == "model-from-settings"
    assert server.headers[-1]["authorization"] == "Bearer key-from-settings"


def test_without_a_backend_setting_the_study_guide_is_used(settings):
    del settings.TUTOR_BACKEND

    assert isinstance(backend_get(), StudyGuideBackend)
