"""Faults in the pipeline stay where they happen: one item's bad material is that item's failure, a poll that fails
in any way is recorded on its source, transient failures are tried again on every path, one feed cannot flood the
queue, and a database restart during ``sources_poll`` fails one source, not the command."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from ingest.models import MaterialFetch, MaterialStatus
from ingest.services import ingest_sweep, source_poll
from lessons.models import Lesson
from tests.ingest import feed_texts
from tests.ingest.conftest import source_for
from tests.ingest.server import Route

pytestmark = pytest.mark.django_db


def poll_now(source):
    return source_poll(source_id=source.pk, material_inline=True)


def test_one_items_hostile_chapters_file_fails_that_item_and_keeps_every_other_items_material(feed_server):
    """Before: Infinity in one chapters file raised OverflowError and the poll's material was lost for every item."""
    feed_server.routes["/podcast/episodes/1.chapters.json"] = Route(
        body=b'{"chapters": [{"startTime": Infinity, "title": "x"}]}', content_type="application/json"
    )
    feed_server.routes["/podcast/episodes/1.vtt"] = Route(body=b"\x00\x01 not a transcript", content_type="text/vtt")
    result = poll_now(source_for(feed_server, "/podcast.rss", "podcast"))

    assert result.new == 4
    bad = MaterialFetch.objects.get(lesson__identity_key="test-podcast-episode-1")
    assert bad.status == MaterialStatus.FAILED
    assert "JSON does not allow" in bad.error
    assert "NUL" in bad.error
    others = Lesson.objects.exclude(identity_key="test-podcast-episode-1")
    assert all(lesson.transcript for lesson in others)


def test_a_poll_that_fails_outside_requests_is_recorded_on_the_source_with_backoff(feed_server):
    """Before: a 6-deep gzip chain raised past the poll: no error on the source, no backoff, never turned off."""
    import gzip

    body = feed_texts.rss_blog(feed_server.base)
    for _ in range(6):
        body = gzip.compress(body)
    feed_server.routes["/gz.rss"] = Route(body=body, headers={"Content-Encoding": ", ".join(["gzip"] * 6)})
    source = source_for(feed_server, "/gz.rss", "rss")
    result = poll_now(source)
    source.refresh_from_db()
    assert result.failed == 1
    assert "Too many content encodings" in source.last_error
    assert source.consecutive_failures == 1
    assert source.next_poll_at > timezone.now()


def test_a_page_that_answers_503_during_sources_poll_is_fetched_by_the_next_poll(feed_server, settings):
    """Before: one 503 during sources_poll marked the item's material failed for good; the next poll said unchanged."""
    settings.INGEST_MATERIAL_BACKOFF_SECONDS = 60
    feed_server.routes["/articles/1"] = Route(body=b"busy", status=503, content_type="text/plain")
    source = source_for(feed_server, "/blog.rss", "rss")
    first = poll_now(source)
    job = MaterialFetch.objects.get(lesson__identity_key="blog-post-1")
    assert first.failed == 0
    assert job.status == MaterialStatus.PENDING
    assert "HTTP 503" in job.error
    assert timedelta(seconds=59) < job.retry_at - timezone.now() <= timedelta(seconds=60)

    feed_server.routes["/articles/1"] = Route(
        body=feed_texts.article_page("retrieval part one"), content_type="text/html"
    )
    poll_now(source)  # too early: the retry time has not come
    assert MaterialFetch.objects.get(pk=job.pk).status == MaterialStatus.PENDING
    MaterialFetch.objects.filter(pk=job.pk).update(retry_at=timezone.now())
    poll_now(source)
    assert MaterialFetch.objects.get(pk=job.pk).status == MaterialStatus.DONE
    assert "Paragraph 1" in Lesson.objects.get(identity_key="blog-post-1").material


def test_retry_after_on_a_429_sets_the_next_try(feed_server, settings):
    settings.INGEST_MATERIAL_BACKOFF_SECONDS = 30
    feed_server.routes["/articles/1"] = Route(
        body=b"slow down", status=429, content_type="text/plain", headers={"Retry-After": "600"}
    )
    poll_now(source_for(feed_server, "/blog.rss", "rss"))
    job = MaterialFetch.objects.get(lesson__identity_key="blog-post-1")
    assert timedelta(seconds=590) < job.retry_at - timezone.now() <= timedelta(seconds=600)


def test_transient_failures_stop_after_the_attempts_are_spent(feed_server, settings):
    settings.INGEST_MATERIAL_MAX_RETRIES = 2
    feed_server.routes["/articles/1"] = Route(body=b"busy", status=503, content_type="text/plain")
    source = source_for(feed_server, "/blog.rss", "rss")
    for _ in range(3):
        poll_now(source)
        MaterialFetch.objects.update(retry_at=timezone.now())
    job = MaterialFetch.objects.get(lesson__identity_key="blog-post-1")
    assert (job.status, job.attempts) == (MaterialStatus.FAILED, 3)
    hits = feed_server.hits["/articles/1"]
    poll_now(source)
    assert feed_server.hits["/articles/1"] == hits


def test_a_job_whose_worker_died_every_time_is_closed_after_its_attempts(feed_server, settings, celery_eager):
    """A job killed past its time limit is never finished by its worker: the sweep would hand it out for ever."""
    settings.INGEST_MATERIAL_MAX_RETRIES = 1
    source = source_for(feed_server, "/blog.rss", "rss")
    source_poll(source_id=source.pk)
    long_ago = timezone.now() - timedelta(hours=1)
    MaterialFetch.objects.update(attempts=2, claimed_at=long_ago, enqueued_at=long_ago, error="killed")
    type(source).objects.update(next_poll_at=timezone.now() + timedelta(hours=1))
    ingest_sweep()
    assert set(MaterialFetch.objects.values_list("status", "error")) == {
        (MaterialStatus.FAILED, "gave up after 2 attempts; last: killed")
    }
    assert sum(feed_server.hits[f"/articles/{n}"] for n in (1, 2)) == 0


def test_one_feed_cannot_start_more_fetches_per_poll_than_its_budget(feed_server, settings):
    """Before: 200 items × 3 fetches went to the queue at once. The rest waits, pending, for the next poll."""
    settings.INGEST_FETCHES_PER_SOURCE_POLL = 2
    feed_server.routes["/many.rss"] = Route(body=feed_texts.rss_blog(feed_server.base, count=5, prefix="m"))
    for n in range(1, 6):
        feed_server.routes[f"/articles/m{n}"] = Route(
            body=feed_texts.article_page(f"part {n}"), content_type="text/html"
        )
    source = source_for(feed_server, "/many.rss", "rss")

    poll_now(source)
    assert MaterialFetch.objects.filter(status=MaterialStatus.DONE).count() == 2
    assert MaterialFetch.objects.filter(status=MaterialStatus.PENDING).count() == 3
    poll_now(source)
    poll_now(source)
    assert MaterialFetch.objects.filter(status=MaterialStatus.DONE).count() == 5


def test_the_sweep_hands_out_at_most_a_polls_budget_per_source(feed_server, settings, celery_eager):
    settings.INGEST_FETCHES_PER_SOURCE_POLL = 3
    feed_server.routes["/many.rss"] = Route(body=feed_texts.rss_blog(feed_server.base, count=5, prefix="m"))
    source = source_for(feed_server, "/many.rss", "rss")
    source_poll(source_id=source.pk)  # on_commit never fires in a test transaction: every job waits for the sweep
    later = timezone.now() + timedelta(seconds=settings.INGEST_MATERIAL_REQUEUE_SECONDS + 1)
    type(source).objects.update(next_poll_at=later + timedelta(hours=1))
    assert ingest_sweep(now=later).material == 3


def test_fetches_to_one_host_are_bounded_per_minute_and_the_rest_deferred(feed_server, settings):
    settings.INGEST_FETCHES_PER_HOST_MINUTE = 1
    result = poll_now(source_for(feed_server, "/blog.rss", "rss"))
    assert result.failed == 0
    statuses = sorted(MaterialFetch.objects.values_list("status", "attempts"))
    assert statuses == [(MaterialStatus.DONE, 1), (MaterialStatus.PENDING, 0)]  # deferred, no attempt spent


@pytest.mark.postgres
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_sources_poll_reports_a_database_restart_as_one_failed_source_and_goes_on(feed_server):
    """Before: PostgreSQL restarting mid-poll ended the command with a traceback and exit 1 (the contract is exit 0).
    Here the server drops the command's connection while the first feed is being served."""
    import psycopg
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    dsn = connection.get_connection_params()

    def feed_after_dropping_the_connection():
        with psycopg.connect(**{key: value for key, value in dsn.items() if key != "cursor_factory"}) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", [pid])
        yield feed_texts.rss_blog(feed_server.base)

    feed_server.routes["/dropping.rss"] = Route(body=feed_after_dropping_the_connection)
    source_for(feed_server, "/dropping.rss", "rss", name="A dropped")
    source_for(feed_server, "/arxiv.atom", "arxiv", name="B fine")
    out, err = StringIO(), StringIO()
    call_command("sources_poll", stdout=out, stderr=err)  # returns: exit 0

    assert out.getvalue().splitlines() == [
        "A dropped: failed (database unavailable)",
        "B fine: 1 new, 0 updated, 0 unchanged, 0 failed",
    ]
    assert "database unavailable" in err.getvalue()


@pytest.mark.postgres
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_material_fetch_task_retries_a_database_error_and_takes_back_its_own_claim(feed_server, settings):
    """Before: one short PostgreSQL outage failed every material task it met, for good (173 deliveries)."""
    import psycopg
    from django.db import connection

    from ingest.tasks import material_fetch_task

    settings.INGEST_FETCHES_PER_SOURCE_POLL = 0  # the poll queues nothing: the test runs the task itself
    dsn = {key: value for key, value in connection.get_connection_params().items() if key != "cursor_factory"}
    served = []

    def page_after_dropping_the_connection():
        served.append(1)
        if len(served) == 1:  # PostgreSQL drops the worker's connection while the page is fetched
            with psycopg.connect(**dsn) as admin:
                admin.execute("SELECT pg_terminate_backend(%s)", [pid])
        yield feed_texts.article_page("retrieval part one")

    feed_server.routes["/articles/1"] = Route(body=page_after_dropping_the_connection, content_type="text/html")
    source_poll(source_id=source_for(feed_server, "/blog.rss", "rss").pk)
    job = MaterialFetch.objects.get(lesson__identity_key="blog-post-1")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]

    # Run as Celery runs it in-process: the retry is delivered at once, with the same task id, and takes back the
    # claim its first run left (the database was gone when it would have released it) instead of waiting out the lease.
    delivered = material_fetch_task.apply(args=[job.pk], task_id="delivery-1")
    assert (delivered.state, delivered.result) == ("SUCCESS", MaterialStatus.DONE)
    job.refresh_from_db()
    assert (job.status, job.attempts, len(served)) == (MaterialStatus.DONE, 2, 2)
    assert "Paragraph 1" in Lesson.objects.get(identity_key="blog-post-1").material
