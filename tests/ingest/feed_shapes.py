"""Feeds in the shapes real publishers give them, each written for these tests: the cases ordinary fixtures miss.

Non-UTF-8 feeds (the charset only in the HTTP header, or declared multi-byte encodings), a Squarespace-like podcast
with empty ``content:encoded``, RSS 1.0 with HTML in titles, a Jekyll Atom feed with relative links and ``xml:base``,
Podcasting 2.0 episodes with several transcripts, RSS items without titles, Atom with a feed-level author and full
content, a 730-episode archive, FeedBurner's ``origLink``, and links no reader should follow. ``SHAPES`` names each
case: its path on the test server, the source kind, and its routes (the feed and every page or file it links to).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from tests.ingest import feed_texts
from tests.ingest.server import FeedServer, Route


@dataclass(frozen=True)
class Shape:
    path: str
    kind: str
    routes: dict[str, Route] = field(default_factory=dict)


def _page(title: str, *, extra: str = "") -> Route:
    return Route(body=feed_texts.article_page(title).replace(b"</article>", extra.encode() + b"</article>"),
                 content_type="text/html; charset=utf-8")  # fmt: skip


# --- Encodings --------------------------------------------------------------------------------------------------


def latin1_news(base: str) -> bytes:
    """A news feed in ISO-8859-1 with no XML declaration: only the HTTP header names the charset. Its curly
    apostrophe is byte 0x92, as windows-1252 writes it and as such feeds carry it."""
    text = f"""<rss version="2.0"><channel><title>Le Journal des Tests</title><link>{base}/latin1/</link>
<description>Actualités françaises</description><language>fr</language>
<item><title>L\u2019été à Zürich : début des fêtes</title><link>{base}/latin1/ete</link>
<guid isPermaLink="false">latin1-1</guid><description>Les écoles ferment ; la ville fête l\u2019été.</description>
<pubDate>Tue, 01 Jul 2025 08:00:00 +0200</pubDate></item>
</channel></rss>"""
    return text.encode("cp1252")


def koi8r_feed(base: str) -> bytes:
    text = f"""<?xml version="1.0"?>
<rss version="2.0"><channel><title>Новости науки</title><link>{base}/koi8/</link><description>Лента</description>
<language>ru</language>
<item><title>Машинное обучение в школе</title><link>{base}/koi8/ml</link><guid isPermaLink="false">koi8-1</guid>
<description>Учителя пробуют новые модели.</description></item>
</channel></rss>"""
    return text.encode("koi8_r")


def declared_feed(base: str, *, encoding: str, codec: str, slug: str, title: str, summary: str) -> bytes:
    text = f"""<?xml version="1.0" encoding="{encoding}"?>
<rss version="2.0"><channel><title>{slug}</title><link>{base}/{slug}/</link><description>{summary}</description>
<item><title>{title}</title><link>{base}/{slug}/1</link><guid isPermaLink="false">{slug}-1</guid>
<description>{summary}</description></item>
</channel></rss>"""
    return text.encode(codec)


# Each title holds a character only the superset browsers use has: 镕 is GBK, not GB2312; 嘅 is HKSCS, not Big5;
# ① is cp932, not Shift_JIS; 똠 is cp949, not EUC-KR. Real feeds declared with the narrow name carry them.
CJK = {
    "gb2312": ("gb2312", "gb18030", "朱镕基谈人工智能", "关于机器学习的新闻。"),
    "big5": ("big5", "big5hkscs", "佢嘅機器學習筆記", "關於機器學習的新聞。"),
    "shift_jis": ("Shift_JIS", "cp932", "①機械学習の入門", "機械学習についてのニュース。"),
    "euc-kr": ("EUC-KR", "cp949", "똠방각하와 머신러닝", "머신러닝 소식입니다."),
}


# --- Text fields ------------------------------------------------------------------------------------------------


SQUARESPACE_NOTES = (
    "<p>In this episode we talk about evaluation harnesses &amp; what they miss.</p>"
    "<p>00:00 Welcome<br>04:12 Why harnesses drift<br>18:40 Questions from listeners</p>"
)


def squarespace_podcast(base: str) -> bytes:
    """Squarespace writes an empty content:encoded next to the full show notes in description."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     version="2.0"><channel><title>Harness Hour</title><link>{base}/sq/</link><language>en-us</language>
<itunes:author>Harness Hour</itunes:author>
<item><title>Harnesses that drift</title><link>{base}/sq/harnesses-that-drift</link>
<guid isPermaLink="false">sq-ep-1</guid><pubDate>Mon, 03 Nov 2025 10:00:00 +0000</pubDate>
<description><![CDATA[{SQUARESPACE_NOTES}]]></description><content:encoded><![CDATA[]]></content:encoded>
<itunes:duration>00:31:05</itunes:duration>
<enclosure url="{base}/sq/1.mp3" length="1" type="audio/mpeg"/></item>
<item><title>Short notes, long content</title><link>{base}/sq/long-content</link>
<guid isPermaLink="false">sq-ep-2</guid><description>Short teaser.</description>
<content:encoded><![CDATA[<p>The long notes of this episode, with more to say than the teaser.</p>]]></content:encoded>
<enclosure url="{base}/sq/2.mp3" length="1" type="audio/mpeg"/></item>
</channel></rss>""".encode()


def rss10_html_titles(base: str) -> bytes:
    """RSS 1.0 as a listings site writes it: escaped HTML and character references in titles and descriptions."""
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
<channel rdf:about="{base}/rdf/"><title>Listings</title><link>{base}/rdf/</link><description>d</description>
<items><rdf:Seq><rdf:li rdf:resource="{base}/rdf/4300"/></rdf:Seq></items></channel>
<item rdf:about="{base}/rdf/4300">
<title>&amp;#x0024;4300 3bd 1930ft&lt;sup&gt;2&lt;/sup&gt; &amp;amp; garden</title><link>{base}/rdf/4300</link>
<description>A &amp;quot;quiet&amp;quot; street &amp;amp; a park&amp;nbsp;nearby. Write &amp;amp;lt;b&amp;amp;gt; for bold.</description>
</item></rdf:RDF>""".encode()  # noqa: E501


# --- Links ------------------------------------------------------------------------------------------------------


def jekyll_atom(base: str) -> bytes:
    """jekyll-feed's shape with a site under /blog/: root-relative and relative links, one entry with its own base."""
    return f"""<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom" xml:base="{base}/blog/">
<generator uri="https://jekyllrb.com/" version="4.3.3">Jekyll</generator><link href="/blog/feed.xml" rel="self"/>
<updated>2025-08-27T09:00:00+00:00</updated><id>{base}/blog/feed.xml</id><title type="html">QEMU notes</title>
<author><name>Site Author</name></author>
<entry><title type="html">QEMU 10.1.0 released</title><link href="/2025/08/26/qemu-10-1-0/" rel="alternate"/>
<published>2025-08-26T00:00:00+00:00</published><id>{base}/2025/08/26/qemu-10-1-0</id>
<summary type="html">A new release with &lt;em&gt;many&lt;/em&gt; fixes.</summary></entry>
<entry><title type="html">Notes on TCG</title><link href="notes/tcg/" rel="alternate"/>
<published>2025-08-20T00:00:00+00:00</published><id>{base}/blog/notes/tcg</id><summary>TCG notes.</summary></entry>
<entry xml:base="/archive/"><title type="html">An older post</title><link href="older-post/" rel="alternate"/>
<published>2024-01-02T00:00:00+00:00</published><id>{base}/archive/older-post</id><summary>Older.</summary></entry>
</feed>""".encode()


def untitled_rss(base: str) -> bytes:
    """Valid RSS 2.0 items without <title>, as microblogs publish them; one link is relative to the feed."""
    return f"""<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Micro notes</title>
<link>{base}/micro/</link><description>Short posts</description>
<item><description>Shipped a smaller tokenizer today. It halves the vocabulary and keeps accuracy.</description>
<link>{base}/micro/1</link><guid>{base}/micro/1</guid></item>
<item><description><![CDATA[<p>Reading about <b>sparse attention</b>: the gate decides when a head looks far back, and
 memory falls by two thirds on long documents without losing quality on any benchmark we tried so far.</p>]]>
</description><link>posts/2</link><guid isPermaLink="false">micro-2</guid></item>
<item><link>{base}/micro/on-evaluation-leaks</link><guid isPermaLink="false">micro-3</guid></item>
</channel></rss>""".encode()


FULL_CONTENT = " ".join(
    f"Paragraph {n} of the full text the feed carries: evaluation sets leak into training data through scraped "
    f"forums, and a contamination check compares n-grams of every test question with the training corpus."
    for n in range(1, 6)
)


def atom_full_content(base: str) -> bytes:
    """Atom with the author given once for the feed and the full text of each post in <content>."""
    entries = "".join(
        f"""<entry><title>{title}</title><id>urn:full:{slug}</id><link href="{base}/full/{slug}"/>
<updated>2025-10-0{n}T00:00:00Z</updated><summary>Summary of {title.lower()}.</summary>
<content type="html">&lt;p&gt;{FULL_CONTENT}&lt;/p&gt;</content></entry>"""
        for n, (slug, title) in enumerate((("gone", "A post whose page is gone"), ("here", "A post with a page")), 1)
    )
    return f"""<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">
<title>Full text blog</title><id>urn:full</id><updated>2025-10-02T00:00:00Z</updated>
<author><name>Feed-Level Author</name></author>{entries}</feed>""".encode()


def feedburner(base: str) -> bytes:
    """FeedBurner's shape: links go through its redirector; the original link (with campaign tags) is origLink."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss xmlns:feedburner="http://rssnamespace.org/feedburner/ext/1.0" version="2.0"><channel><title>Burned</title>
<link>{base}/burned/</link><description>d</description>
<item><title>A burned post</title><link>https://feeds.feedburner.example/~r/burned/~3/abc/</link>
<guid isPermaLink="false">burned-1</guid><description>Teaser.</description>
<feedburner:origLink>{base}/burned/post?id=7&amp;utm_source=feedburner&amp;fbclid=AbC&amp;gclid=x1&amp;mc_cid=c9&amp;mc_eid=e8</feedburner:origLink>
</item></channel></rss>""".encode()


def hostile_links(base: str) -> bytes:
    """Links a reader must never store as an href: javascript:, data:, vbscript:, in items, enclosures, transcripts."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:podcast="https://podcastindex.org/namespace/1.0"><channel><title>Hostile</title>
<link>{base}/hostile/</link><description>d</description>
<item><title>Script link</title><link>javascript:alert(document.cookie)</link><guid isPermaLink="false">h1</guid>
<enclosure url="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==" type="audio/mpeg" length="1"/></item>
<item><title>VBScript link</title><link>vbscript:msgbox(1)</link><guid isPermaLink="false">h2</guid></item>
<item><title>A fine episode</title><link>{base}/hostile/fine</link><guid isPermaLink="false">h3</guid>
<enclosure url="{base}/hostile/fine.mp3" type="audio/mpeg" length="1"/>
<podcast:transcript url="javascript:alert(1)" type="text/vtt"/>
<podcast:chapters url="data:application/json,{{}}" type="application/json+chapters"/></item>
</channel></rss>""".encode()


# --- Transcripts and limits -------------------------------------------------------------------------------------


SPANISH_CAPTIONS = "WEBVTT\n\n" + "".join(
    f"00:00:0{n}.000 --> 00:00:0{n + 1}.000\nSubtítulo {n} en español.\n\n" for n in range(7)
)
ENGLISH_VTT = "WEBVTT\n\n" + "".join(
    f"00:{minute:02d}:00.000 --> 00:{minute:02d}:30.000\n<v Host>Minute {minute} of the English transcript.\n\n"
    for minute in range(12)
)
ENGLISH_SRT = "".join(
    f"{n + 1}\n00:{n:02d}:00,000 --> 00:{n:02d}:30,000\nSRT line {n} in English.\n\n" for n in range(12)
)
ENGLISH_JSON = json.dumps(
    {"version": "1.0.0", "segments": [{"startTime": 0, "endTime": 5, "speaker": "Host", "body": "JSON words."}]}
)
FRENCH_VTT = "WEBVTT\n\n00:00:00.000 --> 00:00:05.000\nBonjour à tous.\n"
PLAIN_ENGLISH = "The plain English transcript of the episode, with no timings at all."


def podcasting20(base: str, *, language: str = "en") -> bytes:
    """The Podcasting 2.0 shape: several podcast:transcript tags per episode, in several languages and formats."""
    p = f"{base}/p20"
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:podcast="https://podcastindex.org/namespace/1.0"><channel><title>Twenty</title>
<link>{p}/</link><language>{language}</language><description>d</description>
<item><title>Many transcripts</title><link>{p}/1</link><guid isPermaLink="false">p20-1</guid>
<enclosure url="{p}/1.mp3" type="audio/mpeg" length="1"/>
<podcast:transcript url="{p}/1.en.srt" type="application/x-subrip" language="en"/>
<podcast:transcript url="{p}/1.en.vtt" type="text/vtt" language="en-US"/>
<podcast:transcript url="{p}/1.en.json" type="application/json" language="en"/>
<podcast:transcript url="{p}/1.en.txt" type="text/plain" language="en"/>
<podcast:transcript url="{p}/1.es.vtt" type="text/vtt" language="es" rel="captions"/></item>
<item><title>Language before format</title><link>{p}/2</link><guid isPermaLink="false">p20-2</guid>
<enclosure url="{p}/2.mp3" type="audio/mpeg" length="1"/>
<podcast:transcript url="{p}/2.txt" type="text/plain"/>
<podcast:transcript url="{p}/2.fr.vtt" type="text/vtt" language="fr"/></item>
</channel></rss>""".encode()


def p20_routes(base: str) -> dict[str, Route]:
    return {
        "/p20/1.en.srt": Route(body=ENGLISH_SRT.encode(), content_type="application/x-subrip"),
        "/p20/1.en.vtt": Route(body=ENGLISH_VTT.encode(), content_type="text/vtt"),
        "/p20/1.en.json": Route(body=ENGLISH_JSON.encode(), content_type="application/json"),
        "/p20/1.en.txt": Route(body=PLAIN_ENGLISH.encode(), content_type="text/plain"),
        "/p20/1.es.vtt": Route(body=SPANISH_CAPTIONS.encode(), content_type="text/vtt"),
        "/p20/2.txt": Route(body=PLAIN_ENGLISH.encode(), content_type="text/plain; charset=utf-8"),
        "/p20/2.fr.vtt": Route(body=FRENCH_VTT.encode(), content_type="text/vtt"),
    }


ARCHIVE_EPISODES = 730


def archive_podcast(base: str, count: int = ARCHIVE_EPISODES) -> bytes:
    """A long-running show whose feed lists every episode it ever made, newest first."""
    items = "".join(
        f"""<item><title>Episode {n}</title><link>{base}/archive/{n}</link><guid isPermaLink="false">arch-{n}</guid>
<description>Show notes of episode {n}: what we read this week and why it matters.</description>
<enclosure url="{base}/archive/{n}.mp3" type="audio/mpeg" length="1"/><itunes:duration>3600</itunes:duration></item>"""
        for n in range(count, 0, -1)
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"><channel><title>The Archive</title>
<link>{base}/archive/</link><description>d</description>{items}</channel></rss>""".encode()


TABLE = (
    "<table><thead><tr><th>Model</th><th>Accuracy</th></tr></thead><tbody>"
    "<tr><td>Baseline tagger</td><td>81.2</td></tr><tr><td>Gated tagger</td><td>87.9</td></tr></tbody></table>"
)


def shapes(base: str) -> dict[str, Shape]:
    """Every case by name, with the routes it needs on the server at ``base``."""
    cases = {
        "latin1": Shape(
            "/latin1/feed",
            "rss",
            {
                "/latin1/feed": Route(body=latin1_news(base), content_type="text/xml; charset=ISO-8859-1"),
                "/latin1/ete": _page("L’été à Zürich"),
            },
        ),
        "koi8-r": Shape(
            "/koi8/feed",
            "rss",
            {
                "/koi8/feed": Route(body=koi8r_feed(base), content_type="application/rss+xml; charset=KOI8-R"),
                "/koi8/ml": _page("Машинное обучение"),
            },
        ),
        "squarespace": Shape("/sq/feed", "podcast", {"/sq/feed": Route(body=squarespace_podcast(base))}),
        "rss10": Shape(
            "/rdf/feed",
            "rss",
            {"/rdf/feed": Route(body=rss10_html_titles(base)), "/rdf/4300": _page("A house with a garden")},
        ),
        "jekyll": Shape(
            "/blog/feed.xml",
            "atom",
            {
                "/blog/feed.xml": Route(body=jekyll_atom(base), content_type="application/atom+xml"),
                "/2025/08/26/qemu-10-1-0/": _page("QEMU 10.1.0 released", extra=TABLE),
                "/blog/notes/tcg/": _page("Notes on TCG"),
                "/archive/older-post/": _page("An older post"),
            },
        ),
        "podcasting20": Shape(
            "/p20/feed", "podcast", {"/p20/feed": Route(body=podcasting20(base)), **p20_routes(base)}
        ),
        "untitled": Shape(
            "/micro/feed",
            "rss",
            {
                "/micro/feed": Route(body=untitled_rss(base)),
                "/micro/1": _page("A smaller tokenizer"),
                "/micro/posts/2": _page("Sparse attention"),
                "/micro/on-evaluation-leaks": _page("On evaluation leaks"),
            },
        ),
        "full-content": Shape(
            "/full/feed",
            "atom",
            {"/full/feed": Route(body=atom_full_content(base)), "/full/here": _page("A post with a page")},
        ),
        "archive": Shape("/archive/feed", "podcast", {"/archive/feed": Route(body=archive_podcast(base))}),
        "feedburner": Shape(
            "/burned/feed", "rss", {"/burned/feed": Route(body=feedburner(base)), "/burned/post?id=7": _page("Burned")}
        ),
        "hostile": Shape("/hostile/feed", "podcast", {"/hostile/feed": Route(body=hostile_links(base))}),
    }
    for slug, (encoding, codec, title, summary) in CJK.items():
        body = declared_feed(base, encoding=encoding, codec=codec, slug=slug, title=title, summary=summary)
        # Served as text/xml with no charset: RFC 7303 leaves the encoding to the XML declaration.
        cases[slug] = Shape(
            f"/{slug}/feed",
            "rss",
            {f"/{slug}/feed": Route(body=body, content_type="text/xml"), f"/{slug}/1": _page(title)},
        )
    return cases


def shapes_install(server: FeedServer) -> dict[str, Shape]:
    cases = shapes(server.base)
    for shape in cases.values():
        server.routes.update(shape.routes)
    return cases
