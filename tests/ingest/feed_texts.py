"""Feeds, transcripts, chapter files and article pages in the formats real sources publish, written for these tests.

Every text here is our own; links point at the test server (``base``) so material is fetched from it too.
"""

from __future__ import annotations

import json


def rss_blog(base: str, *, count: int = 2, prefix: str = "") -> bytes:
    items = "".join(
        f"""
    <item>
      <title>{prefix}Notes on retrieval, part {n}</title>
      <link>{base}/articles/{prefix}{n}?utm_source=rss</link>
      <guid isPermaLink="false">{prefix}blog-post-{n}</guid>
      <dc:creator>Ada Writer</dc:creator>
      <pubDate>Mon, 0{1 + n % 9} Nov 2026 10:00:00 +0000</pubDate>
      <category>retrieval</category>
      <description><![CDATA[<p>Part {n} of a series on making retrieval-augmented generation
        honest about its sources.</p>]]></description>
    </item>"""
        for n in range(1, count + 1)
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel>
    <title>A test blog about language models</title>
    <link>{base}/</link>
    <description>Posts written for the ingestion tests.</description>{items}
  </channel>
</rss>""".encode()


def article_page(title: str, n: int = 1) -> bytes:
    paragraphs = "".join(
        f"<p>Paragraph {i} of the article about {title}. Retrieval systems fetch passages that look relevant, "
        f"and the model writes an answer that should lean on them. We measure how often answer sentences are "
        f"supported by a fetched passage, and we find that ranking by freshness alone misleads readers.</p>"
        for i in range(1, 6)
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title></head>
<body>
  <nav><a href="/">Home</a> · <a href="/about">About</a> · Subscribe to the newsletter</nav>
  <article><h1>{title}</h1>{paragraphs}</article>
  <footer>Copyright the test blog. Cookie settings.</footer>
</body></html>""".encode()


def atom_blog(base: str) -> bytes:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>An Atom test blog</title>
  <id>urn:test:atom-blog</id>
  <updated>2026-11-20T09:00:00Z</updated>
  <entry>
    <title>Why evaluation sets leak</title>
    <id>urn:test:atom-blog:leak</id>
    <link rel="alternate" href="{base}/articles/leak"/>
    <author><name>Grace Tester</name></author>
    <updated>2026-11-20T09:00:00Z</updated>
    <summary>How benchmark questions end up in training data, and three ways to notice.</summary>
  </entry>
</feed>""".encode()


YOUTUBE_DESCRIPTION = """A walk through how small models learn to plan, recorded for the tests.

0:00 Welcome
1:17 Why planning is hard
5:04 Search versus learned policies
12:30 What we would try next"""


def youtube_channel(base: str) -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns:yt="http://www.youtube.com/xml/schemas/2015" xmlns:media="http://search.yahoo.com/mrss/"
      xmlns="http://www.w3.org/2005/Atom">
  <id>yt:channel:UCtestchannel0000000000</id>
  <yt:channelId>UCtestchannel0000000000</yt:channelId>
  <title>Test Channel</title>
  <author><name>Test Channel</name><uri>{base}/channel</uri></author>
  <entry>
    <id>yt:video:AbCdEf12345</id>
    <yt:videoId>AbCdEf12345</yt:videoId>
    <yt:channelId>UCtestchannel0000000000</yt:channelId>
    <title>Planning in small models</title>
    <link rel="alternate" href="https://www.youtube.com/watch?v=AbCdEf12345"/>
    <author><name>Test Channel</name></author>
    <published>2026-11-18T15:00:00+00:00</published>
    <updated>2026-11-19T15:00:00+00:00</updated>
    <media:group>
      <media:title>Planning in small models</media:title>
      <media:content url="https://www.youtube.com/v/AbCdEf12345" type="application/x-shockwave-flash"/>
      <media:description>{YOUTUBE_DESCRIPTION}</media:description>
    </media:group>
  </entry>
</feed>""".encode()


def arxiv_listing(base: str) -> bytes:
    return b"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:arxiv="http://arxiv.org/schemas/atom">
  <title>arXiv test query</title>
  <id>http://arxiv.org/api/test</id>
  <updated>2026-11-21T00:00:00Z</updated>
  <entry>
    <id>http://arxiv.org/abs/2611.01234v2</id>
    <updated>2026-11-21T00:00:00Z</updated>
    <published>2026-11-02T00:00:00Z</published>
    <title>Sparse Attention That Knows
      When to Look Back</title>
    <summary>We study attention patterns that skip most earlier tokens. A learned gate decides when a head should look
      far back. On long-document tasks the gate keeps quality while cutting memory by two thirds.</summary>
    <author><name>Lin Example</name></author>
    <author><name>Sam Sample</name></author>
    <link href="http://arxiv.org/abs/2611.01234v2" rel="alternate" type="text/html"/>
    <link title="pdf" href="http://arxiv.org/pdf/2611.01234v2" rel="related" type="application/pdf"/>
    <arxiv:primary_category term="cs.CL" scheme="http://arxiv.org/schemas/atom"/>
    <category term="cs.CL" scheme="http://arxiv.org/schemas/atom"/>
  </entry>
</feed>"""


PODCAST_NOTES = (
    "<p>We talk about agents that write their own tools.</p>"
    "<p>0:00 Hello<br/>2:10 Tools that write tools<br/>9:45 Where it breaks</p>"
)


def podcast_feed(base: str) -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"
     xmlns:podcast="https://podcastindex.org/namespace/1.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
  <channel>
    <title>The Test Podcast</title>
    <link>{base}/podcast</link>
    <itunes:author>Test Hosts</itunes:author>
    <item>
      <title>Agents that write their own tools</title>
      <link>{base}/podcast/episodes/1</link>
      <guid isPermaLink="false">test-podcast-episode-1</guid>
      <pubDate>Wed, 12 Nov 2026 08:00:00 +0000</pubDate>
      <itunes:duration>00:42:30</itunes:duration>
      <itunes:author>Test Hosts</itunes:author>
      <enclosure url="{base}/podcast/episodes/1.mp3" length="1000" type="audio/mpeg"/>
      <content:encoded><![CDATA[{PODCAST_NOTES}]]></content:encoded>
      <podcast:transcript url="{base}/podcast/episodes/1.vtt" type="text/vtt"/>
      <podcast:chapters url="{base}/podcast/episodes/1.chapters.json" type="application/json+chapters"/>
    </item>
    <item>
      <title>Reading papers together</title>
      <link>{base}/podcast/episodes/2</link>
      <guid isPermaLink="false">test-podcast-episode-2</guid>
      <pubDate>Wed, 05 Nov 2026 08:00:00 +0000</pubDate>
      <itunes:duration>1830</itunes:duration>
      <enclosure url="{base}/podcast/episodes/2.mp3" length="1000" type="audio/mpeg"/>
      <description>How we read a paper in an hour.</description>
      <podcast:transcript url="{base}/podcast/episodes/2.json" type="application/json"/>
    </item>
    <item>
      <title>Captions in SRT</title>
      <link>{base}/podcast/episodes/3</link>
      <guid isPermaLink="false">test-podcast-episode-3</guid>
      <pubDate>Wed, 29 Oct 2026 08:00:00 +0000</pubDate>
      <enclosure url="{base}/podcast/episodes/3.mp3" length="1000" type="audio/mpeg"/>
      <description>An episode whose transcript is SRT.</description>
      <podcast:transcript url="{base}/podcast/episodes/3.srt" type="application/x-subrip"/>
    </item>
    <item>
      <title>Plain words</title>
      <link>{base}/podcast/episodes/4</link>
      <guid isPermaLink="false">test-podcast-episode-4</guid>
      <pubDate>Wed, 22 Oct 2026 08:00:00 +0000</pubDate>
      <enclosure url="{base}/podcast/episodes/4.mp3" length="1000" type="audio/mpeg"/>
      <description>An episode whose transcript is plain text.</description>
      <podcast:transcript url="{base}/podcast/episodes/4.txt" type="text/plain"/>
    </item>
  </channel>
</rss>""".encode()


TRANSCRIPT_VTT = b"""WEBVTT

00:00:00.000 --> 00:00:04.000
Hello and welcome to the test podcast.

00:02:10.000 --> 00:02:15.000
Today the agent writes a tool that parses its own logs.
"""

TRANSCRIPT_SRT = b"""1
00:00:00,000 --> 00:00:03,000
This transcript arrives as SRT.

2
00:00:03,500 --> 00:00:07,000
Each cue has a number and a time range.
"""

TRANSCRIPT_JSON = json.dumps(
    {
        "version": "1.0.0",
        "segments": [
            {"speaker": "Host", "startTime": 0.0, "endTime": 3.5, "body": "We read the abstract first."},
            {"speaker": "Guest", "startTime": 3.5, "endTime": 8.0, "body": "Then the figures, then the method."},
        ],
    }
).encode()

TRANSCRIPT_PLAIN = b"We talk plainly here, with no timings at all. The words are the transcript."

CHAPTERS_JSON = json.dumps(
    {
        "version": "1.2.0",
        "chapters": [
            {"startTime": 0, "title": "Hello"},
            {"startTime": 130, "title": "Tools that write tools"},
            {"startTime": 585, "title": "Where it breaks"},
            {"startTime": 2400, "title": "Goodbye"},
        ],
    }
).encode()


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE rss [
  <!ENTITY a "laugh">
  <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
  <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
  <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
  <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
]>
<rss version="2.0"><channel><title>laughs</title>
<item><title>&e;</title><link>http://127.0.0.1/laugh</link><guid>laugh</guid></item>
</channel></rss>"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>xxe</title>
<item><title>&secret;</title><link>http://127.0.0.1/xxe</link><guid>xxe</guid></item>
</channel></rss>"""

MALFORMED = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>broken</title>
<item><title>An item that never closes</title><link>http://127.0.0.1/x</link>
</channel></rss>"""

HTML_PAGE = b"""<!DOCTYPE html><html><head><title>Not a feed</title></head><body><p>Welcome!</p></body></html>"""

# Declared UTF-8, but the bytes are Latin-1: "café" with a lone 0xE9.
BAD_ENCODING = (
    b'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>caf\xe9</title>'
    b"<item><title>caf\xe9 notes</title><link>http://127.0.0.1/cafe</link><guid>cafe</guid></item></channel></rss>"
)
UNKNOWN_ENCODING = (
    b'<?xml version="1.0" encoding="x-no-such-charset"?><rss version="2.0"><channel><title>t</title>'
    b"<item><title>odd</title><link>http://127.0.0.1/odd</link><guid>odd</guid></item></channel></rss>"
)
