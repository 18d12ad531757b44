"""The demo's bundled feeds: served by the app itself on loopback while the demo runs, so a curator's Incoming queue
fills offline; never in production, and no other local address is let through."""

import pytest
from django.core.management import call_command

from demo.feeds import BUNDLED, demo_feed_url
from demo.sources import demo_feeds_attach
from ingest.fetching import FetchError, address_check, fetch
from lessons.models import Lesson, Source

pytestmark = pytest.mark.django_db(transaction=True)  # the live server answers from another thread

SOURCE_NAME = BUNDLED["arxiv-demo"][0]


@pytest.fixture
def demo_on(settings, live_server):
    settings.DEBUG = True
    settings.DEMO_FEEDS = True
    settings.SITE_URL = live_server.url
    settings.INGEST_ALLOW_PRIVATE_ADDRESSES = False
    return live_server


def test_in_the_demo_a_poll_brings_the_bundled_papers_into_the_incoming_queue(demo_on, capsys):
    demo_feeds_attach(sources={})
    source = Source.objects.get(name=SOURCE_NAME)
    assert source.feed_url == f"{demo_on.url}/demo/feeds/arxiv-demo.xml"

    call_command("sources_poll", "--name", SOURCE_NAME)

    assert f"{SOURCE_NAME}: 4 new" in capsys.readouterr().out
    titles = set(Lesson.objects.incoming().values_list("title", flat=True))
    assert "Mamba: Linear-Time Sequence Modeling with Selective State Spaces" in titles
    assert len(titles) == 4


def test_in_the_demo_every_other_local_address_is_still_refused(demo_on):
    address_check(demo_feed_url("arxiv-demo"))  # the exception
    for url in (f"{demo_on.url}/admin/", f"{demo_on.url}/demo/feeds/arxiv-demo.xml?x=1", "http://127.0.0.1:1/x"):
        with pytest.raises(FetchError, match="refused"):
            address_check(url)


def test_in_production_the_demo_feeds_are_not_served_attached_nor_fetched(settings, live_server, client):
    settings.DEBUG = False
    settings.DEMO_FEEDS = True  # set by mistake: debug off still refuses
    settings.SITE_URL = live_server.url
    settings.INGEST_ALLOW_PRIVATE_ADDRESSES = False

    assert client.get("/demo/feeds/arxiv-demo.xml").status_code == 404
    demo_feeds_attach(sources={})
    assert not Source.objects.filter(name=SOURCE_NAME).exists()
    with pytest.raises(FetchError, match="refused"):
        fetch(demo_feed_url("arxiv-demo"))
