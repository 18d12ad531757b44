"""Ingestion benchmark: 20 feeds × 50 items from a local server, brought in with their material, in one process.

    .venv/bin/python bench/ingest.py                      # SQLite, in a temporary folder
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/learnplatform .venv/bin/python bench/ingest.py

The feeds are 10 blogs (each item's article page fetched and its main text extracted), 4 podcasts (a WebVTT
transcript and a chapters file per episode), 3 arXiv listings (everything in the feed) and 3 YouTube channels (each
video's captions fetched through youtube-transcript-api from the tests' local YouTube fake: three requests a video).
The demo catalog is loaded first, so category and level suggestions are trained as in a real deployment. The first
poll is a mixed run measured in four parts: the feeds that bring everything with them (arXiv), the videos, the
podcasts (a transcript and a chapters file per item), then the blogs, whose article pages are fetched and their
main text extracted (pages of --page-kb kB, shaped like a real article page: navigation, scripts, comments, a
table); each part's items/s and the process's peak memory after it are printed. Then every feed is polled again:
each must answer with one conditional request (304) and no lesson written.

With PostgreSQL it creates its own database (the named one with an `_ingest_bench` suffix) and drops it at the end;
the database DATABASE_URL names is never touched. No broker is needed: material is fetched in-process, as
`manage.py sources_poll` does.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import resource
import sys
import time
import urllib.request
from collections.abc import Callable
from multiprocessing.connection import Connection

from harness import ROOT, bench_run

ITEMS = 50
PAGE_KB = 80  # a real article page with its navigation, scripts and comments: 50–150 kB of HTML


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--items", type=int, default=ITEMS, help="items per feed")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL bench database")
    parser.add_argument("--page-kb", type=int, default=PAGE_KB, help="size of each article page, in kB")
    args = parser.parse_args()

    env = {"INGEST_ALLOW_PRIVATE_ADDRESSES": "1"}  # the feeds are served on loopback
    # Every feed and page is on one loopback host: the per-host and per-poll fetch budgets would measure themselves.
    env |= {"INGEST_FETCHES_PER_SOURCE_POLL": "1000000", "INGEST_FETCHES_PER_HOST_MINUTE": "1000000"}
    return bench_run(name="ingest", keep=args.keep, env=env, run=lambda: run(args))


def podcast_feed(base: str, feed: int, count: int) -> bytes:
    items = "".join(
        f"""<item><title>Episode {n} of show {feed}: agents, tools and evaluation</title>
<link>{base}/p{feed}/{n}</link><guid isPermaLink="false">show-{feed}-episode-{n}</guid>
<pubDate>Wed, 12 Nov 2026 08:00:00 +0000</pubDate><itunes:duration>00:42:30</itunes:duration>
<enclosure url="{base}/p{feed}/{n}.mp3" length="1000" type="audio/mpeg"/>
<description>How agents call tools and how to evaluate them. 0:00 Hello 2:10 Tools 9:45 Evals</description>
<podcast:transcript url="{base}/transcript.vtt" type="text/vtt"/>
<podcast:chapters url="{base}/chapters.json" type="application/json+chapters"/></item>"""
        for n in range(count)
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"
xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" xmlns:podcast="https://podcastindex.org/namespace/1.0">
<channel><title>Show {feed}</title>{items}</channel></rss>""".encode()


def arxiv_feed(feed: int, count: int) -> bytes:
    entries = "".join(
        f"""<entry><id>http://arxiv.org/abs/26{feed:02d}.{n:05d}v1</id><published>2026-11-02T00:00:00Z</published>
<title>Paper {n} of listing {feed} on sparse attention and memory</title>
<summary>We study attention that skips most earlier tokens. A learned gate decides when to look back. On long
documents the gate keeps quality while cutting memory. We release code and ablations for every component.</summary>
<author><name>Author {n}</name></author><link href="http://arxiv.org/abs/26{feed:02d}.{n:05d}v1" rel="alternate"/>
<arxiv:primary_category term="cs.LG"/></entry>"""
        for n in range(count)
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom"
xmlns:arxiv="http://arxiv.org/schemas/atom"><title>Listing {feed}</title><id>urn:bench:{feed}</id>
<updated>2026-11-21T00:00:00Z</updated>{entries}</feed>""".encode()


def video_id(feed: int, n: int) -> str:
    return f"v{feed:02d}x{n:07d}"  # 11 characters, as YouTube's


def youtube_feed(feed: int, count: int) -> bytes:
    entries = "".join(
        f"""<entry><id>yt:video:{video_id(feed, n)}</id><yt:videoId>{video_id(feed, n)}</yt:videoId>
<title>Video {n} of channel {feed}: planning in small models</title>
<published>2026-11-18T15:00:00+00:00</published><author><name>Channel {feed}</name></author>
<media:group><media:description>How small models learn to plan.
0:00 Welcome
1:17 Why planning is hard
5:04 Search versus policies</media:description></media:group></entry>"""
        for n in range(count)
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom"
xmlns:yt="http://www.youtube.com/xml/schemas/2015" xmlns:media="http://search.yahoo.com/mrss/">
<title>Channel {feed}</title>{entries}</feed>""".encode()


FORMATS = ["rss"] * 10 + ["podcast"] * 4 + ["arxiv"] * 3 + ["youtube"] * 3


def article_page(title: str, kilobytes: int) -> bytes:
    """An article page shaped like a real one: a long navigation, inline scripts and styles, the article with a
    table, related links and a comment thread, grown with paragraphs to ``kilobytes``."""
    nav = "".join(f'<li><a href="/section/{n}">Section {n}</a></li>' for n in range(60))
    script = "<script>window.analytics=" + '{"k":"' + "x" * 3000 + '"};</script>'
    style = "<style>" + ".c{margin:0;padding:0}" * 200 + "</style>"
    table = (
        "<table><tr><th>Model</th><th>Score</th></tr>"
        + "".join(f"<tr><td>Model {n}</td><td>{70 + n}.5</td></tr>" for n in range(8))
        + "</table>"
    )
    comments = "".join(f'<div class="comment"><p>Comment {n}: great post, thanks!</p></div>' for n in range(20))
    paragraph = (
        "<p>Retrieval systems fetch passages that look relevant, and the model writes an answer that should lean on "
        "them. We measure how often answer sentences are supported by a fetched passage, and we find that ranking by "
        "freshness alone misleads readers, while ranking by support keeps answers honest about their sources.</p>"
    )
    head = f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{title}</title>{style}{script}</head>"
    body = f"<body><header><nav><ul>{nav}</ul></nav></header><main><article><h1>{title}</h1>"
    tail = f"{table}</article><aside>{nav}</aside><section id='comments'>{comments}</section></main>"
    tail += "<footer>Copyright. Cookie settings. Newsletter.</footer></body></html>"
    page = head + body + paragraph * 5
    while len(page) + len(tail) < kilobytes * 1000:
        page += paragraph
    return (page + tail).encode()


def serve(conn: Connection, items: int, page_kb: int) -> None:
    """The feed server, in its own process: it has a core of its own instead of sharing the poller's GIL."""
    sys.path.insert(0, str(ROOT))
    from tests.ingest import feed_texts
    from tests.ingest.server import FeedServer, Route
    from tests.ingest.youtube_fake import Track, Video, YouTubeFake, cue_xml

    # Every video: a 10-minute talk with automatic English captions, a cue every 2 s.
    talk = Track(
        language="en",
        name="English (auto-generated)",
        cues=[cue_xml(n * 2.0, 2.5, f"sentence {n} about planning & search") for n in range(300)],
        generated=True,
    )
    youtube = YouTubeFake()

    server = FeedServer()
    base = server.base
    server.routes["/transcript.vtt"] = Route(body=feed_texts.TRANSCRIPT_VTT, content_type="text/vtt")
    server.routes["/chapters.json"] = Route(body=feed_texts.CHAPTERS_JSON, content_type="application/json")
    server.routes["/_hits"] = Route(body=lambda: iter([json.dumps(server.hits).encode()]), content_type="text/json")
    for feed, fmt in enumerate(FORMATS):
        if fmt == "rss":
            body = feed_texts.rss_blog(base, count=items, prefix=f"f{feed}-")
            for n in range(1, items + 1):
                server.routes[f"/articles/f{feed}-{n}"] = Route(
                    body=article_page(f"topic {feed}-{n}", page_kb), content_type="text/html; charset=utf-8"
                )
        elif fmt == "podcast":
            body = podcast_feed(base, feed, items)
        elif fmt == "arxiv":
            body = arxiv_feed(feed, items)
        else:
            body = youtube_feed(feed, items)
            youtube.videos.update({video_id(feed, n): Video(tracks=[talk]) for n in range(items)})
        server.routes[f"/feed/{feed}"] = Route(body=body, etag=f'"feed-{feed}-v1"')
    server.start()
    youtube.start()
    conn.send((base, youtube.base))
    conn.recv()  # until the benchmark says stop
    server.stop()
    youtube.stop()


def server_process_start(items: int, page_kb: int) -> tuple[str, str, Callable[[], dict[str, int]], Callable[[], None]]:
    """(base URL, the YouTube fake's, a function reading the feed server's request counts per path, a function
    stopping both)."""
    parent, child = multiprocessing.Pipe()
    process = multiprocessing.get_context("spawn").Process(target=serve, args=(child, items, page_kb), daemon=True)
    process.start()
    base, youtube_base = parent.recv()

    def hits() -> dict[str, int]:
        with urllib.request.urlopen(f"{base}/_hits") as response:  # noqa: S310 - our own loopback server
            counts = json.loads(response.read())
        counts.pop("/_hits", None)
        return counts

    def stop() -> None:
        parent.send("stop")
        process.join(timeout=10)

    return base, youtube_base, hits, stop


def run(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ingest.models import MaterialFetch
    from ingest.services import source_add, source_poll
    from lessons.models import Chapter, Lesson, RelatedLesson

    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115 - lives for the run
    print(f"database: {connection.vendor} ({connection.settings_dict['NAME']}, made for this run)")

    base, youtube_base, hits, stop = server_process_start(args.items, args.page_kb)
    settings.INGEST_YOUTUBE_BASE = youtube_base  # read at each fetch: the videos' captions come from the fake
    sources = [
        source_add(name=f"Bench feed {feed}", feed_format=FORMATS[feed], feed_url=f"{base}/feed/{feed}")[0]
        for feed in range(20)
    ]
    print(f"feeds: 20 × {args.items} items (10 blogs, 4 podcasts, 3 arXiv listings, 3 YouTube channels)")

    parts = {
        "no page (arXiv)": ("arxiv",),
        "videos (captions: 3 requests each)": ("youtube",),
        "podcasts (transcript + chapters)": ("podcast",),
        "blogs (article pages fetched)": ("rss",),
    }
    results = []
    elapsed = 0.0
    for label, formats in parts.items():
        part = [source for source in sources if source.feed_format in formats]
        start = time.perf_counter()
        polled = [source_poll(source_id=source.pk, material_inline=True) for source in part]
        seconds = time.perf_counter() - start
        elapsed += seconds
        results += polled
        items = sum(result.new for result in polled)
        print(
            f"  {label}: {items} items in {seconds:.2f} s = {items / seconds:.0f} items/s; "
            f"peak memory so far {peak_megabytes():.0f} MB"
        )
    new = sum(result.new for result in results)
    failed = sum(result.failed for result in results)
    fetched = MaterialFetch.objects.filter(status="done").count()
    related = RelatedLesson.objects.filter(curated=False, lesson__status="incoming").count()
    print(
        f"first poll, mixed: {new} items in {elapsed:.2f} s = {new / elapsed:.0f} items/s with material "
        f"({fetched} material fetches, {failed} failed; {Chapter.objects.filter(lesson__identity_key__gt='').count()} "
        f"chapters; {sum(hits().values())} requests; {related} related-lesson suggestions)"
    )
    assert new == 20 * args.items, results
    assert failed == 0, results

    hits_before = hits()
    lessons_before = list(Lesson.objects.order_by("pk").values_list("pk", "updated"))
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        again = [source_poll(source_id=source.pk, material_inline=True) for source in sources]
        elapsed = time.perf_counter() - start
    requests = {path: n - hits_before.get(path, 0) for path, n in hits().items() if n != hits_before.get(path, 0)}
    writes = [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].split(" ", 1)[0] in ("INSERT", "UPDATE", "DELETE") and '"lessons_source"' not in query["sql"]
    ]
    print(
        f"re-poll of unchanged feeds: {elapsed * 1000:.0f} ms, {sum(requests.values())} requests for 20 feeds "
        f"(all 304: {all(result.not_modified for result in again)}), {len(writes)} lesson writes "
        f"(each source's poll times: 1 UPDATE)"
    )
    assert len(requests) == 20, requests
    assert all(count == 1 for count in requests.values()), requests
    assert not writes, writes
    assert lessons_before == list(Lesson.objects.order_by("pk").values_list("pk", "updated"))
    stop()


def peak_megabytes() -> float:
    """The process's peak resident memory so far (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if __name__ == "__main__":
    raise SystemExit(main())
