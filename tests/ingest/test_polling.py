"""Polling a source in-process: what each kind brings, what a second poll does, and every bad feed."""

from __future__ import annotations

import pytest

from ingest.models import MaterialFetch, MaterialStatus
from ingest.services import source_poll
from lessons.models import Chapter, Lesson, LessonStatus, Source
from lessons.services import lesson_reject
from tests.ingest import feed_texts
from tests.ingest.conftest import source_for
from tests.ingest.server import Route

pytestmark = pytest.mark.django_db


def poll(source: Source):
    return source_poll(source_id=source.pk, material_inline=True)


def the_one_lesson_from(feed_server, path: str, kind: str) -> Lesson:
    """Poll a new source of `kind` at `path`: it brings exactly one lesson, returned."""
    assert poll(source_for(feed_server, path, kind)).new == 1
    return Lesson.objects.get()


def test_a_blog_poll_brings_incoming_articles_with_their_main_text(feed_server):
    source = source_for(feed_server, "/blog.rss", "rss")
    result = poll(source)
    assert result.line() == f"{source.name}: 2 new, 0 updated, 0 unchanged, 0 failed"
    lesson = Lesson.objects.get(identity_key="blog-post-1")
    assert lesson.status == LessonStatus.INCOMING
    assert lesson.kind == "article"
    assert lesson.external_url == feed_server.url("/articles/1")  # tracking parameters dropped
    assert lesson.authors == "Ada Writer"
    assert "honest about its sources" in lesson.description
    assert "Paragraph 3 of the article about retrieval part one" in lesson.material
    assert "Cookie settings" not in lesson.material  # the page's chrome is left out
    assert lesson.material_fetch.status == MaterialStatus.DONE


def test_a_second_poll_of_an_unchanged_feed_is_one_conditional_request_and_writes_nothing(feed_server):
    source = source_for(feed_server, "/blog.rss", "rss")
    poll(source)
    before = list(Lesson.objects.values_list("pk", "updated"))
    feed_hits = feed_server.hits["/blog.rss"]
    result = poll(source)
    assert result.not_modified
    assert result.line() == f"{source.name}: not modified"
    assert feed_server.hits["/blog.rss"] == feed_hits + 1
    assert list(Lesson.objects.values_list("pk", "updated")) == before


def test_a_second_poll_without_validators_recognises_every_item(feed_server):
    feed_server.routes["/blog.rss"].etag = ""
    source = source_for(feed_server, "/blog.rss", "rss")
    poll(source)
    result = poll(source)
    assert (result.new, result.updated, result.unchanged) == (0, 0, 2)
    assert Lesson.objects.count() == 2


def test_an_atom_blog_is_read_like_rss(feed_server):
    lesson = the_one_lesson_from(feed_server, "/blog.atom", "atom")
    assert lesson.title == "Why evaluation sets leak"
    assert "leaking test sets" in lesson.material


def test_a_youtube_feed_brings_the_video_its_description_and_chapters_that_jump_into_it(feed_server):
    lesson = the_one_lesson_from(feed_server, "/channel.xml", "youtube")
    assert lesson.kind == "youtube"
    assert lesson.external_url == "https://www.youtube.com/watch?v=AbCdEf12345"
    assert lesson.description == feed_texts.YOUTUBE_DESCRIPTION
    assert list(lesson.chapters.values_list("start_seconds", "title")) == [
        (0, "Welcome"),
        (77, "Why planning is hard"),
        (304, "Search versus learned policies"),
        (750, "What we would try next"),
    ]
    # Everything else came with the feed; the video's captions are fetched behind it (here: the feed server, 404).
    assert MaterialFetch.objects.get().video_url == "https://www.youtube.com/watch?v=AbCdEf12345"


def test_an_arxiv_listing_brings_the_abstract_as_material_and_the_abs_link(feed_server):
    lesson = the_one_lesson_from(feed_server, "/arxiv.atom", "arxiv")
    assert lesson.kind == "paper"
    assert lesson.identity_key == "arxiv:2611.01234"
    assert lesson.external_url == "https://arxiv.org/abs/2611.01234"
    assert lesson.title == "Sparse Attention That Knows When to Look Back"
    assert lesson.authors == "Lin Example, Sam Sample"
    assert lesson.material.startswith("We study attention patterns")


def test_a_podcast_brings_duration_chapters_json_and_transcripts_in_every_format(feed_server):
    source = source_for(feed_server, "/podcast.rss", "podcast")
    assert poll(source).line() == f"{source.name}: 4 new, 0 updated, 0 unchanged, 0 failed"
    first = Lesson.objects.get(identity_key="test-podcast-episode-1")
    assert first.kind == "podcast"
    assert first.duration_seconds == 42 * 60 + 30
    assert first.transcript.startswith("WEBVTT")
    # The chapters file wins over the show notes, and has one more chapter than they do.
    assert list(first.chapters.values_list("start_seconds", flat=True)) == [0, 130, 585, 2400]
    json_episode = Lesson.objects.get(identity_key="test-podcast-episode-2")
    assert json_episode.transcript.startswith("WEBVTT")
    assert "Guest: Then the figures, then the method." in json_episode.transcript
    assert "00:00:03.500 --> 00:00:08.000" in json_episode.transcript
    assert "This transcript arrives as SRT." in Lesson.objects.get(identity_key="test-podcast-episode-3").transcript
    assert Lesson.objects.get(identity_key="test-podcast-episode-4").transcript == feed_texts.TRANSCRIPT_PLAIN.decode()


def test_a_podcast_without_a_chapters_file_keeps_the_chapters_of_its_show_notes(feed_server):
    del feed_server.routes["/podcast/episodes/1.chapters.json"]
    source = source_for(feed_server, "/podcast.rss", "podcast")
    result = poll(source)
    first = Lesson.objects.get(identity_key="test-podcast-episode-1")
    assert list(first.chapters.values_list("start_seconds", flat=True)) == [0, 130, 585]
    assert first.transcript.startswith("WEBVTT")  # what could be fetched was kept
    assert "chapters: HTTP 404" in first.material_fetch.error
    assert result.failed == 0


def test_a_changed_item_updates_an_untouched_incoming_lesson_but_never_a_curated_one(feed_server):
    feed_server.routes["/blog.rss"].etag = ""
    source = source_for(feed_server, "/blog.rss", "rss")
    poll(source)
    edited = Lesson.objects.get(identity_key="blog-post-2")
    edited.title = "A curator's title"
    edited.curator_edited_at = edited.updated
    edited.save()
    feed_server.routes["/blog.rss"].body = feed_texts.rss_blog(feed_server.base).replace(b"part ", b"chapter ")
    result = poll(source)
    assert (result.new, result.updated, result.unchanged) == (0, 1, 1)
    assert Lesson.objects.get(identity_key="blog-post-1").title == "Notes on retrieval, chapter 1"
    assert Lesson.objects.get(identity_key="blog-post-2").title == "A curator's title"


def test_a_rejected_item_never_comes_back(feed_server):
    feed_server.routes["/blog.rss"].etag = ""
    source = source_for(feed_server, "/blog.rss", "rss")
    poll(source)
    rejected = Lesson.objects.get(identity_key="blog-post-1")
    lesson_reject(lesson=rejected)
    result = poll(source)
    assert (result.new, result.unchanged) == (0, 2)
    rejected.refresh_from_db()
    assert rejected.status == LessonStatus.REJECTED
    assert Lesson.objects.filter(identity_key="blog-post-1").count() == 1


BAD_CASES = {
    "malformed": (Route(body=feed_texts.MALFORMED), "malformed XML"),
    "html": (Route(body=feed_texts.HTML_PAGE, content_type="text/html"), "not a feed"),
    "laughs": (Route(body=feed_texts.BILLION_LAUGHS), "entities"),
    "xxe": (Route(body=feed_texts.XXE), "entities"),
    "encoding": (Route(body=feed_texts.BAD_ENCODING), "bad encoding: the bytes are not utf-8"),
    "charset": (Route(body=feed_texts.UNKNOWN_ENCODING, content_type="application/xml"), "unknown charset"),
    "server-error": (Route(body=b"oops", status=500, content_type="text/plain"), "HTTP 500"),
    "missing": (Route(body=b"gone", status=404, content_type="text/plain"), "HTTP 404"),
    "slow": (Route(body=feed_texts.rss_blog("http://127.0.0.1"), chunk_delay=0.05), "timed out"),
}


@pytest.mark.parametrize("case", list(BAD_CASES))
def test_a_bad_feed_is_a_recorded_error_with_no_lesson_and_other_sources_still_work(feed_server, fast_fetch, case):
    route, expected = BAD_CASES[case]
    feed_server.routes["/bad"] = route
    bad = source_for(feed_server, "/bad", "rss", name="Bad")
    good = source_for(feed_server, "/arxiv.atom", "arxiv", name="Good")
    result = poll(bad)
    assert result.line() == "Bad: 0 new, 0 updated, 0 unchanged, 1 failed"
    bad.refresh_from_db()
    assert expected in bad.last_error
    assert bad.consecutive_failures == 1
    assert bad.next_poll_at > bad.last_polled_at
    assert not Lesson.objects.filter(source=bad).exists()
    assert not Chapter.objects.exists()
    assert poll(good).new == 1


def test_a_50_mb_body_is_refused_while_streaming(feed_server, fast_fetch):
    feed_server.endless("/huge", megabytes=50)
    source = source_for(feed_server, "/huge", "rss")
    result = poll(source)
    assert result.failed == 1
    assert "too large" in result.error
    assert not Lesson.objects.exists()


def test_a_redirect_loop_is_cut_at_the_redirect_limit(feed_server):
    feed_server.redirect_loop("/loop")
    source = source_for(feed_server, "/loop", "rss")
    result = poll(source)
    assert "too many redirects" in result.error
    assert feed_server.hits["/loop"] + feed_server.hits["/loop-b"] <= 7


def test_an_unreachable_feed_is_recorded_and_retried_later_with_growing_backoff(settings):
    settings.INGEST_RETRY_BASE_SECONDS = 60
    settings.INGEST_MAX_FAILURES = 3
    from ingest.services import source_add

    source, _ = source_add(name="Nowhere", feed_format="rss", feed_url="http://127.0.0.1:9/feed")
    delays = []
    for _ in range(3):
        poll(source)
        source.refresh_from_db()
        delays.append((source.next_poll_at - source.last_polled_at).total_seconds())
    assert source.last_error.startswith("Turned off after 3 failed polls in a row")
    assert "unreachable" in source.last_error
    assert delays == [60, 120, 240]
    assert not source.enabled


def test_a_success_clears_the_failure_count(feed_server):
    feed_server.routes["/flaky"] = Route(body=b"down", status=503, content_type="text/plain")
    source = source_for(feed_server, "/flaky", "rss")
    poll(source)
    feed_server.routes["/flaky"] = Route(body=feed_texts.rss_blog(feed_server.base))
    poll(source)
    source.refresh_from_db()
    assert (source.consecutive_failures, source.last_error) == (0, "")
    assert source.last_success_at is not None


def test_links_to_private_addresses_are_refused_by_default(feed_server, settings):
    """A stranger's feed must not make the server read internal services, directly or through a redirect."""
    settings.INGEST_ALLOW_PRIVATE_ADDRESSES = False
    source = source_for(feed_server, "/blog.rss", "rss")
    result = poll(source)
    assert "refused: 127.0.0.1 is a private or local address" in result.error
    assert feed_server.hits["/blog.rss"] == 0
    assert not Lesson.objects.exists()


def test_a_host_name_that_resolves_to_loopback_is_refused(settings):
    from ingest.fetching import FetchError, fetch

    settings.INGEST_ALLOW_PRIVATE_ADDRESSES = False
    with pytest.raises(FetchError, match="refused"):
        fetch("http://localhost:9/")  # resolves to loopback: refused without a connection attempt


def test_a_redirect_to_a_private_address_is_refused_before_it_is_followed(feed_server, settings, monkeypatch):
    from ingest import fetching

    settings.INGEST_ALLOW_PRIVATE_ADDRESSES = False
    # The feed's host name answers the feed server's address, taken as public here, so only the redirect is private.
    names = {"feeds.test": ["127.0.0.1"], "internal.test": ["10.0.0.5"]}
    monkeypatch.setattr(fetching, "_resolve", lambda host: names[host])
    real_refusal = fetching.address_refusal
    monkeypatch.setattr(fetching, "address_refusal", lambda a: None if a == "127.0.0.1" else real_refusal(a))
    port = feed_server.base.rsplit(":", 1)[1]
    feed_server.routes["/hop"] = Route(status=302, headers={"Location": f"http://internal.test:{port}/blog.rss"})
    with pytest.raises(fetching.FetchError, match=r"refused: internal.test is a private or local address \(10.0.0.5\)"):
        fetching.fetch(f"http://feeds.test:{port}/hop")
    assert (feed_server.hits["/hop"], feed_server.hits["/blog.rss"]) == (1, 0)


def test_new_items_get_related_published_lessons_computed_as_for_every_lesson(feed_server):
    from lessons.models import RelatedLesson
    from tests.factories import LessonFactory

    close = LessonFactory(title="Retrieval notes: keeping generation honest about sources")
    LessonFactory(title="Protein folding with diffusion models")
    source = source_for(feed_server, "/blog.rss", "rss")
    poll(source)
    item = Lesson.objects.get(identity_key="blog-post-1")
    related = list(RelatedLesson.objects.filter(lesson=item, curated=False).values_list("related__title", flat=True))
    assert related[0] == close.title
    assert "Protein folding with diffusion models" not in related


def test_suggesting_related_lessons_for_new_items_leaves_the_catalogs_own_rows_alone(feed_server):
    from lessons.models import RelatedLesson
    from lessons.related import related_recompute
    from tests.factories import LessonFactory

    LessonFactory(title="Retrieval notes for careful readers")
    LessonFactory(title="Retrieval notes for hurried readers")
    related_recompute()
    before = list(RelatedLesson.objects.filter(lesson__status="published").values_list("pk", "related_id", "score"))
    assert before
    poll(source_for(feed_server, "/blog.rss", "rss"))
    after = list(RelatedLesson.objects.filter(lesson__status="published").values_list("pk", "related_id", "score"))
    assert after == before
    assert RelatedLesson.objects.filter(lesson__status="incoming").exists()
