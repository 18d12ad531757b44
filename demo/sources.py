"""The feeds behind the demo catalog's sources, so a deployment with internet brings real lessons in by itself.

Every address is the publisher's own public feed. Offline, polling them fails with "unreachable", recorded on the
source and tried again later with backoff: the demo runs the same without a network. Sources of the demo catalog
not listed here (a podcast whose feed address we could not confirm, JMLR) stay hand-kept; a curator gives them a
feed with ``manage.py source_add`` (same name, its feed URL).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from lessons.models import FEED_FORMAT_KINDS, FeedFormat, Source
from lessons.services import source_feed_set, source_save


@dataclass(frozen=True)
class DemoFeed:
    source: str  # a demo source's name (demo.data.SOURCES)
    feed_format: str
    feed_url: str
    poll_interval_minutes: int = 60


_YOUTUBE = "https://www.youtube.com/feeds/videos.xml?channel_id="

FEEDS: tuple[DemoFeed, ...] = (
    DemoFeed("Medium · LLM", FeedFormat.RSS, "https://medium.com/feed/tag/llm"),
    DemoFeed("Medium · AI", FeedFormat.RSS, "https://medium.com/feed/tag/artificial-intelligence"),
    DemoFeed("Dev.to AI", FeedFormat.RSS, "https://dev.to/feed/tag/ai"),
    # arXiv announces once a day: polling more often only meets 304s.
    DemoFeed("ArXiv cs.AI", FeedFormat.ARXIV, "https://rss.arxiv.org/atom/cs.AI", 720),
    DemoFeed("ArXiv cs.LG", FeedFormat.ARXIV, "https://rss.arxiv.org/atom/cs.LG", 720),
    DemoFeed("ArXiv cs.CL", FeedFormat.ARXIV, "https://rss.arxiv.org/atom/cs.CL", 720),
    DemoFeed("ArXiv cs.CV", FeedFormat.ARXIV, "https://rss.arxiv.org/atom/cs.CV", 720),
    DemoFeed("Microsoft Research", FeedFormat.YOUTUBE, _YOUTUBE + "UCCb9_Kn8F_Opb3UCGm-lILQ", 180),
    DemoFeed("Andrej Karpathy", FeedFormat.YOUTUBE, _YOUTUBE + "UCXUPKJO5MZQN11PqgIvyuvQ", 360),
    DemoFeed("3Blue1Brown", FeedFormat.YOUTUBE, _YOUTUBE + "UCYO_jab_esuFRV4b17AJtAw", 360),
    DemoFeed("Lex Fridman Podcast", FeedFormat.PODCAST, "https://lexfridman.com/feed/podcast/", 360),
)


def demo_feeds_attach(*, sources: Mapping[str, Source]) -> int:
    """Give the demo sources their feeds; a source's health (last poll, errors, validators) is left as it is, so a
    second load_demo does not make every source due again. Returns how many sources read a feed."""
    attached = 0
    for feed in FEEDS:
        source = sources.get(feed.source)
        if source is None:
            continue
        source_feed_set(
            source=source,
            feed_format=feed.feed_format,
            feed_url=feed.feed_url,
            poll_interval_minutes=feed.poll_interval_minutes,
        )
        attached += 1
    return attached + _bundled_feeds_attach()


def _bundled_feeds_attach() -> int:
    """While the demo's own feeds are on (demo/feeds.py), a source reading each, polled through the app itself."""
    from demo.feeds import BUNDLED, demo_feed_url, demo_feeds_enabled

    if not demo_feeds_enabled():
        return 0
    for name, (source_name, feed_format) in BUNDLED.items():
        source = source_save(name=source_name, kind=FEED_FORMAT_KINDS[feed_format], url=demo_feed_url(name))
        source_feed_set(source=source, feed_format=feed_format, feed_url=demo_feed_url(name), poll_interval_minutes=60)
    return len(BUNDLED)
