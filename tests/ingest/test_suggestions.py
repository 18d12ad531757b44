"""The one-line "Learn …" suggestion of a polled item: extractive offline, written by the model when the openai
backend is configured, and extractive again when the model server fails."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ingest.services import source_poll
from lessons.models import Lesson, Level
from lessons.services import lesson_publish
from tests.accounts.factories import StaffUserFactory
from tests.ingest.conftest import source_for
from tests.ingest.server import Route
from tests.lessons.factories import CategoryFactory, LessonFactory
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


# --- Confidence (issue 24, item 13) ---------------------------------------------------------------------------------

PAPER_AND_POST = """<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:arxiv="http://arxiv.org/schemas/atom">
  <title>Mixed listing</title><id>urn:test:mixed</id><updated>2026-11-02T00:00:00Z</updated>
  <entry><id>http://arxiv.org/abs/2611.11111v1</id><published>2026-11-02T00:00:00Z</published>
    <title>Sparse attention heads for long-context transformers</title>
    <summary>Transformer attention heads that skip most earlier tokens keep language model quality on long
      documents while cutting the memory of self-attention.</summary>
    <author><name>A. Author</name></author><link href="http://arxiv.org/abs/2611.11111v1" rel="alternate"/>
    <arxiv:primary_category term="cs.CL"/></entry>
  <entry><id>http://arxiv.org/abs/2611.22222v1</id><published>2026-11-02T00:00:00Z</published>
    <title>Ten habits of highly productive remote workers</title>
    <summary>Block your calendar, keep a tidy desk and take a morning walk to get more done each week.</summary>
    <author><name>B. Author</name></author><link href="http://arxiv.org/abs/2611.22222v1" rel="alternate"/>
    <arxiv:primary_category term="cs.CY"/></entry>
</feed>"""


@pytest.fixture
def small_catalog():
    """Two categories a feed of papers is filed under, with lessons in the catalog's own words."""
    papers = CategoryFactory(slug="papers", name="Papers")
    agents = CategoryFactory(slug="agents", name="Agents")
    for title, description in (
        ("Attention Is All You Need", "The transformer: self-attention heads replace recurrence in language models."),
        ("Longformer", "Sparse attention over long documents lets a transformer read thousands of tokens."),
    ):
        LessonFactory(title=title, description=description, category=papers, level=Level.ADVANCED)
    for title, description in (
        ("ReAct", "A language model agent interleaves reasoning and tool calls to answer questions."),
        ("Toolformer", "A language model teaches itself when to call tools such as a calculator."),
    ):
        LessonFactory(title=title, description=description, category=agents, level=Level.BEGINNER)
    return papers


def test_an_item_like_the_catalog_is_suggested_with_its_confidence_and_an_off_topic_one_gets_nothing(
    feed_server, small_catalog, settings
):
    settings.INGEST_SUGGESTION_MIN_CONFIDENCE = 0.2
    feed_server.routes["/mixed.atom"] = Route(body=PAPER_AND_POST.encode(), content_type="application/atom+xml")
    source = source_for(feed_server, "/mixed.atom", "arxiv")

    assert source_poll(source_id=source.pk, material_inline=True).new == 2

    paper = Lesson.objects.get(identity_key="arxiv:2611.11111")
    post = Lesson.objects.get(identity_key="arxiv:2611.22222")
    assert paper.suggested_category == small_catalog
    assert paper.suggested_level == Level.ADVANCED
    assert paper.suggestion_confidence >= 0.2
    assert post.suggestion_confidence < 0.2  # kept, so the curator sees why nothing is suggested
    assert post.suggested_category is None
    assert post.suggested_level == ""
    assert post.suggested_summary  # the summary line is no guess about the catalog: still offered


def test_below_the_threshold_publishing_pre_selects_no_category(feed_server, small_catalog, settings):
    settings.INGEST_SUGGESTION_MIN_CONFIDENCE = 0.99  # nothing reads that much like the catalog
    feed_server.routes["/mixed.atom"] = Route(body=PAPER_AND_POST.encode(), content_type="application/atom+xml")
    source_poll(source_id=source_for(feed_server, "/mixed.atom", "arxiv").pk, material_inline=True)
    paper = Lesson.objects.get(identity_key="arxiv:2611.11111")
    assert paper.suggested_category is None
    assert paper.suggestion_confidence is not None

    lesson_publish(lesson=paper)

    assert Lesson.objects.get(pk=paper.pk).category is None


def test_the_queue_shows_the_confidence_and_says_why_nothing_was_suggested(
    feed_server, small_catalog, settings, client
):
    settings.INGEST_SUGGESTION_MIN_CONFIDENCE = 0.2
    feed_server.routes["/mixed.atom"] = Route(body=PAPER_AND_POST.encode(), content_type="application/atom+xml")
    source_poll(source_id=source_for(feed_server, "/mixed.atom", "arxiv").pk, material_inline=True)
    paper = Lesson.objects.get(identity_key="arxiv:2611.11111")
    post = Lesson.objects.get(identity_key="arxiv:2611.22222")
    client.force_login(StaffUserFactory(is_superuser=True))

    page = client.get(reverse("admin:ingest_incominglesson_changelist")).content.decode()

    assert f"{paper.suggestion_confidence:.0%}" in page
    assert f"{post.suggestion_confidence:.0%}: reads like no lesson, nothing suggested" in page
    answer = client.get("/api/v1/curation/incoming").json()
    confidences = {item["slug"]: item["suggestion_confidence"] for item in answer["items"]}
    assert confidences == {paper.slug: paper.suggestion_confidence, post.slug: post.suggestion_confidence}
