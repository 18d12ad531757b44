"""The one-line "Learn …" suggestion of a polled item: extractive offline, written by the model when the openai
backend is configured, and extractive again when the model server fails."""

from __future__ import annotations

import pytest

from ingest.services import source_poll
from lessons.models import Lesson
from tests.ingest.conftest import source_for
from tests.tutor.chat_server import ChatServer

pytestmark = pytest.mark.django_db

ABSTRACT_SENTENCES = (
    "We study attention patterns that skip most earlier tokens.",
    "A learned gate decides when a head should look far back.",
    "On long-document tasks the gate keeps quality while cutting memory by two thirds.",
)


@pytest.fixture
def chat_server(settings):
    with ChatServer() as server:
        settings.TUTOR_BACKEND = "openai"
        settings.TUTOR_BASE_URL = server.base_url
        settings.TUTOR_API_KEY = "test-key"
        settings.TUTOR_MODEL = "asked-for-model"
        settings.TUTOR_TIMEOUT_SECONDS = 5
        yield server


def suggested_summary(feed_server) -> str:
    source = source_for(feed_server, "/arxiv.atom", "arxiv")
    assert source_poll(source_id=source.pk, material_inline=True).new == 1
    return Lesson.objects.get().suggested_summary


def test_offline_the_suggested_summary_is_a_sentence_of_the_item(feed_server, settings):
    settings.TUTOR_BACKEND = "study_guide"

    summary = suggested_summary(feed_server)

    assert summary.startswith("Learn: ")
    assert summary.removeprefix("Learn: ") in ABSTRACT_SENTENCES


def test_with_the_openai_backend_the_model_writes_the_suggested_summary(feed_server, chat_server):
    chat_server.summary_line = "Learn how a learned gate lets sparse attention look far back only when it helps."

    assert suggested_summary(feed_server) == chat_server.summary_line
    assert "A learned gate decides" in chat_server.requests[0]["messages"][-1]["content"]


def test_a_model_server_that_fails_leaves_the_extractive_summary(feed_server, chat_server):
    chat_server.mode = "500"

    summary = suggested_summary(feed_server)

    assert summary.removeprefix("Learn: ") in ABSTRACT_SENTENCES
    assert len(chat_server.requests) == 1
