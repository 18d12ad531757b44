"""Recognise where a lesson's URL points (YouTube, a podcast app, Medium, arXiv …) and how its link should read."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

KIND_YOUTUBE = "youtube"
KIND_PODCAST = "podcast"
KIND_ARTICLE = "article"
KIND_PAPER = "paper"
KIND_URL = "url"
KINDS = (KIND_YOUTUBE, KIND_PODCAST, KIND_ARTICLE, KIND_PAPER, KIND_URL)

# Platforms whose name decides the link label, whatever feed of theirs a source is ("Medium · LLM", "ArXiv cs.AI").
# Longest names first, so "Apple Podcasts" is tried before a shorter name could match.
_PLATFORM_NAMES = ("Apple Podcasts", "ACL Anthology", "OpenReview", "Spotify", "YouTube", "Medium", "Dev.to", "arXiv")
_PAPER_HOSTS = {
    "openreview.net": "OpenReview",
    "proceedings.neurips.cc": "NeurIPS Proceedings",
    "papers.nips.cc": "NeurIPS Proceedings",
    "aclanthology.org": "ACL Anthology",
    "jmlr.org": "JMLR",
    "proceedings.mlr.press": "PMLR",
}
_YOUTUBE_HOSTS = frozenset({"youtube.com", "m.youtube.com", "youtu.be", "music.youtube.com", "youtube-nocookie.com"})
_ARXIV_HOSTS = frozenset({"arxiv.org", "export.arxiv.org"})
# New-style ids (YYMM.NNNN, five digits since 2015) and old-style ids (archive[.SUBJECT]/YYMMNNN).
_ARXIV_PATH = re.compile(
    r"^/(?:abs|pdf|html)/(?P<id>[0-9]{4}\.[0-9]{4,5}|[a-z][a-z-]*(?:\.[A-Z]{2})?/[0-9]{7})(?:v[0-9]+)?(?:\.pdf)?/?$"
)
# Spotify puts a locale segment in front on some links: open.spotify.com/intl-de/episode/…
_SPOTIFY_PATH = re.compile(r"^(?:/intl-[a-z-]+)?/(?:episode|show)/[A-Za-z0-9]+/?$")


@dataclass(frozen=True)
class SourceGuess:
    kind: str  # youtube | podcast | article | paper | url
    source_name: str
    label: str


def source_guess(url: str) -> SourceGuess:
    """Guess a lesson's kind, its source's name and its link label from its URL alone."""
    parts = urlsplit(url.strip())
    host = _host(parts.hostname)
    path = parts.path

    if host in _YOUTUBE_HOSTS:
        return _guess(KIND_YOUTUBE, "YouTube")
    if host == "open.spotify.com" and _SPOTIFY_PATH.match(path):
        return _guess(KIND_PODCAST, "Spotify")
    if host == "podcasts.apple.com":
        return _guess(KIND_PODCAST, "Apple Podcasts")
    if host == "medium.com" or host.endswith(".medium.com"):
        return _guess(KIND_ARTICLE, "Medium")
    if host == "dev.to":
        return _guess(KIND_ARTICLE, "Dev.to")
    if host in _ARXIV_HOSTS and _ARXIV_PATH.match(path):
        return _guess(KIND_PAPER, "arXiv")
    if host in _PAPER_HOSTS:
        return _guess(KIND_PAPER, _PAPER_HOSTS[host])
    return _guess(KIND_URL, host)


def link_label(kind: str, source_name: str, *, url: str = "") -> str:
    """The label of the button that opens a lesson ("Watch on YouTube", "Read on arXiv", "Open link").

    ``url``, when given, names the platform better than a source's name can: a podcast whose source is
    "The MAD Podcast with Matt Turck" but whose link is on Spotify reads "Listen on Spotify".
    """
    platform = _platform_of(source_name)
    if url:
        guessed = source_guess(url)
        if guessed.kind != KIND_URL:
            platform = guessed.source_name
    if kind == KIND_YOUTUBE:
        return "Watch on YouTube"
    if kind == KIND_PODCAST:
        if platform in ("Spotify", "Apple Podcasts"):
            return f"Listen on {platform}"
        if platform == "YouTube":
            return "Watch on YouTube"
        return "Listen to the episode"
    if kind in (KIND_ARTICLE, KIND_PAPER):
        name = platform or source_name.strip()
        if name:
            return f"Read on {name}"
        return "Read the article" if kind == KIND_ARTICLE else "Read the paper"
    return "Open link"


def arxiv_id(url: str) -> str | None:
    """The arXiv identifier in an arXiv abstract, PDF or HTML URL, without its version ("1706.03762"), else None."""
    parts = urlsplit(url.strip())
    if _host(parts.hostname) not in _ARXIV_HOSTS:
        return None
    match = _ARXIV_PATH.match(parts.path)
    return match["id"] if match else None


def _guess(kind: str, source_name: str) -> SourceGuess:
    return SourceGuess(kind=kind, source_name=source_name, label=link_label(kind, source_name))


def _host(hostname: str | None) -> str:
    return (hostname or "").lower().rstrip(".").removeprefix("www.")


def _platform_of(source_name: str) -> str:
    """The platform a source's name starts with, in its usual spelling ("ArXiv cs.AI" → "arXiv"), else ""."""
    folded = source_name.strip().casefold()
    for platform in _PLATFORM_NAMES:
        if folded == platform.casefold() or folded.startswith((platform.casefold() + " ", platform.casefold() + "·")):
            return platform
    return ""
