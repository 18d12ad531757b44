"""Fixtures of the pipeline's tests: the local feed server with every format and bad case, sources reading it, and
the local YouTube fake with video lessons asking it for captions."""

from __future__ import annotations

import pytest

from ingest.services import source_add
from lessons.models import Kind, Lesson, Source
from tests.ingest import feed_texts
from tests.ingest.server import FeedServer, Route
from tests.ingest.youtube_fake import YouTubeFake, videos_for_tests
from tests.lessons.factories import LessonFactory, SourceFactory


def routes_install(server: FeedServer) -> None:
    """Every good feed and its material, at fixed paths."""
    base = server.base
    server.routes.update(
        {
            "/blog.rss": Route(body=feed_texts.rss_blog(base), etag='"blog-v1"'),
            "/articles/1": Route(body=feed_texts.article_page("retrieval part one"), content_type="text/html"),
            "/articles/2": Route(body=feed_texts.article_page("retrieval part two"), content_type="text/html"),
            "/articles/leak": Route(body=feed_texts.article_page("leaking test sets"), content_type="text/html"),
            "/blog.atom": Route(body=feed_texts.atom_blog(base), content_type="application/atom+xml"),
            "/channel.xml": Route(body=feed_texts.youtube_channel(base)),
            "/arxiv.atom": Route(body=feed_texts.arxiv_listing(base), content_type="application/atom+xml"),
            "/podcast.rss": Route(body=feed_texts.podcast_feed(base)),
            "/podcast/episodes/1.vtt": Route(body=feed_texts.TRANSCRIPT_VTT, content_type="text/vtt"),
            "/podcast/episodes/1.chapters.json": Route(
                body=feed_texts.CHAPTERS_JSON, content_type="application/json+chapters"
            ),
            "/podcast/episodes/2.json": Route(body=feed_texts.TRANSCRIPT_JSON, content_type="application/json"),
            "/podcast/episodes/3.srt": Route(body=feed_texts.TRANSCRIPT_SRT, content_type="application/x-subrip"),
            "/podcast/episodes/4.txt": Route(body=feed_texts.TRANSCRIPT_PLAIN, content_type="text/plain"),
        }
    )


@pytest.fixture(autouse=True)
def _local_feeds_allowed(settings):
    """The feed server listens on loopback, which the fetcher refuses by default (feeds are written by strangers)."""
    settings.INGEST_ALLOW_PRIVATE_ADDRESSES = True


@pytest.fixture
def feed_server(settings):
    server = FeedServer()
    routes_install(server)
    server.start()
    # The channel's videos ask YouTube for captions: here, the feed server, which has none (404: not retried).
    settings.INGEST_YOUTUBE_BASE = server.base
    yield server
    server.stop()


@pytest.fixture
def fast_fetch(settings):
    """Short timeouts and caps, so the slow and huge cases end quickly."""
    settings.INGEST_TIMEOUT_SECONDS = 2.0
    settings.INGEST_MAX_BYTES = 2_000_000
    settings.INGEST_MAX_FEED_BYTES = 2_000_000
    return settings


def source_for(server: FeedServer, path: str, fmt: str, name: str | None = None) -> Source:
    source, _ = source_add(name=name or f"Test {fmt} {path}", feed_format=fmt, feed_url=server.url(path))
    return source


@pytest.fixture
def youtube(settings):
    """The local YouTube fake with the tests' videos; YouTube's requests for captions go to it (list it after
    feed_server, which points them at itself)."""
    fake = YouTubeFake()
    fake.videos.update(videos_for_tests())
    fake.start()
    settings.INGEST_YOUTUBE_BASE = fake.base
    yield fake
    fake.stop()


def video_lesson(video_id: str, **fields) -> Lesson:
    """A published YouTube lesson of the video, curated by hand (no source feed), duration unknown."""
    fields.setdefault("duration_seconds", None)
    return LessonFactory(
        kind=Kind.YOUTUBE,
        source=SourceFactory(name="YouTube", kind=Kind.YOUTUBE),
        external_url=f"https://www.youtube.com/watch?v={video_id}",
        **fields,
    )
