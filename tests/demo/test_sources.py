"""load_demo gives the demo catalog's sources their real feeds, without resetting their health on a second run."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from demo.sources import FEEDS
from lessons.models import Source

pytestmark = pytest.mark.django_db


def test_load_demo_gives_the_named_sources_their_publishers_feeds():
    call_command("load_demo", stdout=None)
    polled = {source.name: source for source in Source.objects.exclude(feed_url="")}
    assert set(polled) == {feed.source for feed in FEEDS}
    assert polled["Medium · LLM"].feed_url == "https://medium.com/feed/tag/llm"
    assert polled["Dev.to AI"].feed_url == "https://dev.to/feed/tag/ai"
    assert (polled["ArXiv cs.AI"].feed_format, polled["ArXiv cs.AI"].kind) == ("arxiv", "paper")
    assert all(source.feed_url.startswith("https://") and source.enabled for source in polled.values())


def test_a_second_load_keeps_each_sources_health():
    call_command("load_demo", stdout=None)
    Source.objects.filter(name="Dev.to AI").update(last_error="unreachable: no network", consecutive_failures=2)
    call_command("load_demo", stdout=None)
    source = Source.objects.get(name="Dev.to AI")
    assert (source.last_error, source.consecutive_failures) == ("unreachable: no network", 2)
