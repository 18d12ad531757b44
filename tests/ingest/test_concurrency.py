"""Two polls of one feed at once create each item once: the database's unique constraint decides (PostgreSQL)."""

from __future__ import annotations

import pytest

from ingest.services import source_poll
from lessons.models import Chapter, Lesson
from tests.ingest.conftest import source_for
from tests.threads import at_once


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_on_postgres_two_concurrent_polls_of_one_feed_create_each_item_once(feed_server):
    feed_server.routes["/podcast.rss"].etag = ""
    source = source_for(feed_server, "/podcast.rss", "podcast")
    outcomes = at_once(4, lambda: source_poll(source_id=source.pk, material_inline=True))
    results = [outcome for outcome in outcomes if not isinstance(outcome, Exception)]
    assert results == outcomes  # no poll failed
    assert sum(result.new for result in results) == 4
    assert sum(result.new + result.unchanged for result in results) == 16
    assert Lesson.objects.count() == 4
    assert sorted(Lesson.objects.values_list("identity_key", flat=True)) == [
        f"test-podcast-episode-{n}" for n in range(1, 5)
    ]
    # The episode's chapters file was fetched by the one poll that created it, and its chapters stored once.
    assert Chapter.objects.filter(lesson__identity_key="test-podcast-episode-1").count() == 4
