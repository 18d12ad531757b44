"""Nothing is lost when the broker loses a message: the sweep finds due sources and unclaimed material again."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from ingest.models import MaterialFetch, MaterialStatus
from ingest.services import ingest_sweep, material_fetch, source_poll
from lessons.models import Lesson
from tests.ingest.conftest import source_for
from tests.ingest.server import Route

pytestmark = pytest.mark.django_db


def test_material_whose_task_never_ran_is_fetched_by_a_later_sweep(feed_server, celery_eager, settings):
    source = source_for(feed_server, "/blog.rss", "rss")
    # In a test transaction on_commit never fires: exactly a message the broker lost.
    source_poll(source_id=source.pk)
    assert MaterialFetch.objects.filter(status=MaterialStatus.PENDING).count() == 2
    assert ingest_sweep().material == 0  # too recent: its task may still be on its way
    later = timezone.now() + timedelta(seconds=settings.INGEST_MATERIAL_REQUEUE_SECONDS + 1)
    type(source).objects.update(next_poll_at=later + timedelta(hours=1))  # only the material is due
    assert ingest_sweep(now=later).material == 2
    assert not MaterialFetch.objects.filter(status=MaterialStatus.PENDING).exists()
    assert all("Paragraph 1" in lesson.material for lesson in Lesson.objects.all())


def test_a_transient_material_failure_is_retried_and_a_permanent_one_recorded(feed_server, settings):
    feed_server.routes["/articles/1"] = Route(body=b"busy", status=503, content_type="text/plain")
    feed_server.routes["/articles/2"] = Route(body=b"<html><body></body></html>", content_type="text/html")
    source = source_for(feed_server, "/blog.rss", "rss")
    source_poll(source_id=source.pk)
    first, second = (MaterialFetch.objects.get(lesson__identity_key=f"blog-post-{n}") for n in (1, 2))
    from ingest.exceptions import MaterialRetry

    with pytest.raises(MaterialRetry) as retry:
        material_fetch(fetch_id=first.pk)
    assert retry.value.countdown == settings.INGEST_MATERIAL_BACKOFF_SECONDS
    first.refresh_from_db()
    assert (first.status, first.attempts, first.claimed_at) == (MaterialStatus.PENDING, 1, None)
    assert first.retry_at > timezone.now()
    hits = feed_server.hits["/articles/1"]
    assert material_fetch(fetch_id=first.pk) == MaterialStatus.PENDING  # too early: not fetched again
    assert feed_server.hits["/articles/1"] == hits
    MaterialFetch.objects.filter(pk=first.pk).update(retry_at=timezone.now())
    assert material_fetch(fetch_id=second.pk) == MaterialStatus.FAILED
    second.refresh_from_db()
    assert "no article text" in second.error
    # The page is back: the retry succeeds.
    feed_server.routes["/articles/1"] = Route(body=b"".join([b"<html><body><article>"] + [
        b"<p>A long enough paragraph about retrieval quality, written again for the retry case.</p>"] * 5 + [
        b"</article></body></html>"]), content_type="text/html")  # fmt: skip
    assert material_fetch(fetch_id=first.pk) == MaterialStatus.DONE
    assert "retrieval quality" in Lesson.objects.get(identity_key="blog-post-1").material


def test_a_claimed_job_is_not_fetched_twice(feed_server):
    source = source_for(feed_server, "/blog.rss", "rss")
    source_poll(source_id=source.pk)
    job = MaterialFetch.objects.first()
    MaterialFetch.objects.filter(pk=job.pk).update(claimed_at=timezone.now())
    hits = sum(feed_server.hits.values())
    assert material_fetch(fetch_id=job.pk) == MaterialStatus.PENDING
    assert sum(feed_server.hits.values()) == hits
