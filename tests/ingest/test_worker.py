"""The pipeline through a real Celery worker: beat's sweep queues polls, the worker brings items and material in."""

from __future__ import annotations

import pytest

from ingest.models import MaterialFetch, MaterialStatus
from ingest.services import ingest_sweep
from lessons.models import Lesson, LessonStatus, Source
from tests.celery_worker import celery_worker_running, wait_for
from tests.factories import StaffUserFactory
from tests.ingest.conftest import source_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def celery_worker(transactional_db, feed_server):
    """A real worker that may fetch from the loopback feed server (which answers YouTube's caption requests: 404)."""
    env = {"INGEST_ALLOW_PRIVATE_ADDRESSES": "1", "INGEST_YOUTUBE_BASE": feed_server.base}
    with celery_worker_running(env=env) as worker:
        yield worker


def polled_since(source: Source, moment) -> bool:
    source.refresh_from_db()
    return source.last_polled_at is not None and (moment is None or source.last_polled_at > moment)


def test_a_sweep_polls_through_the_worker_and_a_curator_publishes_an_item(celery_worker, feed_server, client):
    sources = [
        source_for(feed_server, "/channel.xml", "youtube", name="Test Channel"),
        source_for(feed_server, "/podcast.rss", "podcast", name="Test Podcast"),
        source_for(feed_server, "/blog.rss", "rss", name="Test Blog"),
    ]
    assert ingest_sweep().polls == 3
    assert ingest_sweep().polls == 0  # queued once: the lease keeps the next sweep from queueing them again
    for source in sources:
        wait_for(lambda source=source: polled_since(source, None), what=f"a poll of {source.name}")
    wait_for(
        lambda: (
            MaterialFetch.objects.count() == 7  # the video's captions too
            and not MaterialFetch.objects.filter(status=MaterialStatus.PENDING).exists()
        ),
        what="the material",
    )
    assert Lesson.objects.filter(status=LessonStatus.INCOMING).count() == 7
    video = Lesson.objects.get(source__name="Test Channel")
    assert video.chapters.count() == 4
    episode = Lesson.objects.get(identity_key="test-podcast-episode-1")
    assert episode.transcript.startswith("WEBVTT")
    assert episode.chapters.count() == 4
    assert "Paragraph 2 of the article" in Lesson.objects.get(identity_key="blog-post-1").material

    # A second poll of the same feeds creates nothing.
    moments = {source.pk: Source.objects.get(pk=source.pk).last_polled_at for source in sources}
    Source.objects.update(next_poll_at=None)
    assert ingest_sweep().polls == 3
    for source in sources:
        wait_for(lambda source=source: polled_since(source, moments[source.pk]), what="a second poll")
    assert Lesson.objects.count() == 7
    assert all(source.last_error == "" for source in Source.objects.all())

    client.force_login(StaffUserFactory())
    assert client.post(f"/api/v1/curation/incoming/{video.slug}/publish").status_code == 200
    client.logout()
    body = client.get(f"/api/v1/lessons/{video.slug}").json()
    assert [chapter["url"] for chapter in body["chapters"]][:2] == [
        "https://www.youtube.com/watch?v=AbCdEf12345&t=0s",
        "https://www.youtube.com/watch?v=AbCdEf12345&t=77s",
    ]
    assert video.slug in client.get("/lessons/").content.decode()
