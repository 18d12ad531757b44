"""Tests for recognising a lesson's source, kind and link label from its URL (lessons/sources.py)."""

from __future__ import annotations

import pytest

from lessons.sources import SourceGuess, arxiv_id, link_label, source_guess


@pytest.mark.parametrize(
    "url",
    [
        "https://www.youtube.com/watch?v=kCc8FmEb1nY",
        "https://youtube.com/watch?v=kCc8FmEb1nY&t=77s",
        "https://m.youtube.com/watch?v=kCc8FmEb1nY",
        "https://youtu.be/kCc8FmEb1nY",
        "https://www.youtube.com/live/abc123",
        "https://www.youtube.com/shorts/abc123",
        "https://www.youtube.com/results?search_query=AI+is+Already+Building+AI",
    ],
)
def test_youtube_links_are_watched_on_youtube(url):
    assert source_guess(url) == SourceGuess(kind="youtube", source_name="YouTube", label="Watch on YouTube")


@pytest.mark.parametrize(
    "url",
    [
        "https://open.spotify.com/episode/4rOoJ6Egrf8K2IrywzwOMk",
        "https://open.spotify.com/show/7yLATDSaFvgJG80ACcRJtq",
        "https://open.spotify.com/intl-de/episode/4rOoJ6Egrf8K2IrywzwOMk?si=abc",
    ],
)
def test_spotify_episodes_and_shows_are_podcasts(url):
    assert source_guess(url) == SourceGuess(kind="podcast", source_name="Spotify", label="Listen on Spotify")


def test_spotify_music_is_just_a_link():
    assert source_guess("https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC").kind == "url"


def test_apple_podcasts_are_podcasts():
    url = "https://podcasts.apple.com/us/podcast/the-mad-podcast-with-matt-turck/id1686238724"

    assert source_guess(url) == SourceGuess(
        kind="podcast", source_name="Apple Podcasts", label="Listen on Apple Podcasts"
    )


@pytest.mark.parametrize(
    "url",
    [
        "https://medium.com/@someone/a-post-1a2b3c",
        "https://towardsai.medium.com/a-post-1a2b3c",
        "https://www.medium.com/x",
    ],
)
def test_medium_and_its_subdomains_are_articles(url):
    assert source_guess(url) == SourceGuess(kind="article", source_name="Medium", label="Read on Medium")


def test_a_host_that_merely_ends_in_medium_is_not_medium():
    assert source_guess("https://notmedium.com/post").source_name == "notmedium.com"


def test_dev_to_posts_are_articles():
    assert source_guess("https://dev.to/someone/my-post-1abc") == SourceGuess(
        kind="article", source_name="Dev.to", label="Read on Dev.to"
    )


@pytest.mark.parametrize(
    "url",
    [
        "https://arxiv.org/abs/1706.03762",
        "https://arxiv.org/abs/1706.03762v7",
        "https://arxiv.org/pdf/1706.03762",
        "https://arxiv.org/pdf/1706.03762v7.pdf",
        "http://export.arxiv.org/abs/hep-th/9901001",
    ],
)
def test_arxiv_abstracts_and_pdfs_are_papers(url):
    assert source_guess(url) == SourceGuess(kind="paper", source_name="arXiv", label="Read on arXiv")


def test_arxiv_listings_are_not_papers():
    assert source_guess("https://arxiv.org/list/cs.AI/recent").kind == "url"


@pytest.mark.parametrize(
    ("url", "source_name"),
    [
        ("https://openreview.net/forum?id=YicbFdNTTy", "OpenReview"),
        (
            "https://proceedings.neurips.cc/paper/2017/hash/3f5ee243547dee91fbd053c1c4a845aa-Abstract.html",
            "NeurIPS Proceedings",
        ),
        ("https://aclanthology.org/N19-1423/", "ACL Anthology"),
        ("https://jmlr.org/papers/v15/srivastava14a.html", "JMLR"),
    ],
)
def test_paper_venues_are_papers(url, source_name):
    assert source_guess(url) == SourceGuess(kind="paper", source_name=source_name, label=f"Read on {source_name}")


@pytest.mark.parametrize(
    ("url", "source_name"),
    [
        ("https://www.deepmind.google/discover/blog/", "deepmind.google"),
        ("https://lexfridman.com/podcast/", "lexfridman.com"),
        ("HTTPS://WWW.Example.ORG/Path", "example.org"),
    ],
)
def test_any_other_url_is_a_link_named_after_its_host(url, source_name):
    assert source_guess(url) == SourceGuess(kind="url", source_name=source_name, label="Open link")


@pytest.mark.parametrize("url", ["", "not a url", "mailto:someone@example.com", "https://"])
def test_junk_never_raises_and_is_just_a_link(url):
    assert source_guess(url).kind == "url"
    assert source_guess(url).label == "Open link"


@pytest.mark.parametrize(
    ("kind", "source_name", "expected"),
    [
        ("youtube", "The MAD Podcast with Matt Turck", "Watch on YouTube"),
        ("youtube", "Microsoft Research", "Watch on YouTube"),
        ("podcast", "Spotify", "Listen on Spotify"),
        ("podcast", "Apple Podcasts", "Listen on Apple Podcasts"),
        ("podcast", "Lex Fridman Podcast", "Listen to the episode"),
        ("article", "Medium · LLM", "Read on Medium"),
        ("article", "Medium · AI", "Read on Medium"),
        ("article", "Dev.to AI", "Read on Dev.to"),
        ("article", "The Gradient", "Read on The Gradient"),
        ("article", "", "Read the article"),
        ("paper", "ArXiv cs.AI", "Read on arXiv"),
        ("paper", "arXiv", "Read on arXiv"),
        ("paper", "JMLR", "Read on JMLR"),
        ("paper", "", "Read the paper"),
        ("url", "example.org", "Open link"),
        ("something new", "Anything", "Open link"),
    ],
)
def test_link_label_for_an_existing_lesson(kind, source_name, expected):
    assert link_label(kind, source_name) == expected


def test_link_label_names_the_podcast_app_from_the_url():
    label = link_label(
        "podcast", "The MAD Podcast with Matt Turck", url="https://open.spotify.com/show/7yLATDSaFvgJG80ACcRJtq"
    )

    assert label == "Listen on Spotify"


def test_link_label_for_a_podcast_on_youtube_says_watch():
    assert link_label("podcast", "Lex Fridman Podcast", url="https://youtu.be/abc123") == "Watch on YouTube"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://arxiv.org/abs/1706.03762", "1706.03762"),
        ("https://arxiv.org/abs/1706.03762v7", "1706.03762"),
        ("https://arxiv.org/pdf/2305.18290v3.pdf", "2305.18290"),
        ("https://arxiv.org/html/2408.06292v3", "2408.06292"),
        ("https://www.arxiv.org/abs/1412.6980", "1412.6980"),
        ("https://arxiv.org/abs/hep-th/9901001", "hep-th/9901001"),
        ("https://arxiv.org/abs/math.GT/0309136v1", "math.GT/0309136"),
        ("https://arxiv.org/list/cs.AI/recent", None),
        ("https://arxiv.org/search/?query=attention&searchtype=all", None),
        ("https://example.org/abs/1706.03762", None),
        ("https://arxiv.org/abs/17060.3762", None),
        ("not a url", None),
    ],
)
def test_arxiv_id_is_read_from_abstract_pdf_and_html_links(url, expected):
    assert arxiv_id(url) == expected
