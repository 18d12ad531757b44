"""Feeds bundled with the demo and served by the app itself, so `make run` shows a curator a working Incoming queue
without a network: a source reads the app's own `/demo/feeds/<name>.xml` on loopback.

Demo only, never in production: served, attached and fetchable only while `DEMO_FEEDS` is on *and* debug is on
(`make run` turns both on). The ingest's guard against fetching local addresses makes one exception, for exactly
these URLs under the configured `SITE_URL` (`demo_feed_url_allowed`); every other loopback address stays refused.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse

FEEDS_DIR = Path(__file__).resolve().parent / "feeds"
PATH_PREFIX = "/demo/feeds/"
# name → (the demo source it feeds, its format)
BUNDLED = {"arxiv-demo": ("Demo feed · AI papers (offline)", "arxiv")}


def demo_feeds_enabled() -> bool:
    return bool(getattr(settings, "DEMO_FEEDS", False) and settings.DEBUG)


def demo_feed_url(name: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{PATH_PREFIX}{name}.xml"


def demo_feed_url_allowed(url: str) -> bool:
    """Whether ``url`` is one of the app's own bundled demo feeds while they are on: the one exception to refusing
    local addresses. Same scheme, host and port as SITE_URL, on loopback, and a bundled feed's exact path."""
    if not demo_feeds_enabled():
        return False
    site, asked = urlsplit(settings.SITE_URL), urlsplit(url)
    if (asked.scheme, asked.hostname, asked.port) != (site.scheme, site.hostname, site.port):
        return False
    if asked.hostname not in ("127.0.0.1", "localhost", "::1") or asked.query or asked.fragment:
        return False
    return asked.path in {f"{PATH_PREFIX}{name}.xml" for name in BUNDLED}


def demo_feed_view(request: HttpRequest, name: str) -> HttpResponse:
    if not demo_feeds_enabled() or name not in BUNDLED:
        raise Http404("No such feed.")
    body = (FEEDS_DIR / f"{name}.xml").read_bytes()
    return HttpResponse(body, content_type="application/atom+xml; charset=utf-8")
