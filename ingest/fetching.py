"""The one place that fetches from the outside: conditional GET, timeouts, a size cap, a redirect limit, our User-Agent.

A body is streamed and counted as it arrives, so a 50 MB answer is refused after the first few megabytes without ever
being held whole; a server that trickles bytes is cut off by an overall deadline, not only a per-read timeout.
Feeds are written by strangers: unless INGEST_ALLOW_PRIVATE_ADDRESSES is on, a link (or a redirect) to a loopback,
private or link-local address is refused before any request is sent, so a feed cannot make us read internal
services (the address is checked at resolution; a host that re-resolves between the check and the connection is not
covered).
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter


class FetchError(Exception):
    """A fetch that brought nothing usable. ``transient`` says whether trying again later may help."""

    def __init__(self, message: str, *, transient: bool = True) -> None:
        super().__init__(message)
        self.message = message
        self.transient = transient


@dataclass(frozen=True)
class Fetched:
    url: str  # after redirects
    status: int  # 200 or 304
    body: bytes
    content_type: str
    etag: str
    last_modified: str

    @property
    def not_modified(self) -> bool:
        return self.status == 304


_local = threading.local()


class _PublicAddressesOnly(HTTPAdapter):
    """Checks every request it sends, redirects included (requests sends each hop through the adapter)."""

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        address_check(request.url or "")
        return super().send(request, *args, **kwargs)


def _resolve(host: str) -> set[str]:
    return {str(info[4][0]) for info in socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)}


# Narrow exceptions to the refusal of local addresses, each a predicate an app above adds at start-up (the demo's own
# bundled feeds while the demo runs: demo/feeds.py).
_local_exceptions: list[Callable[[str], bool]] = []


def local_exception_add(allowed: Callable[[str], bool]) -> None:
    if allowed not in _local_exceptions:
        _local_exceptions.append(allowed)


def address_check(url: str) -> None:
    """Raise FetchError when ``url``'s host resolves to an address that is not public (unless allowed by settings)."""
    if settings.INGEST_ALLOW_PRIVATE_ADDRESSES or any(allowed(url) for allowed in _local_exceptions):
        return
    host = urlsplit(url).hostname or ""
    try:
        addresses = _resolve(host)
    except (OSError, UnicodeError) as error:
        raise FetchError(f"unreachable: {host}: {error}") from None
    for address in addresses:
        if not ipaddress.ip_address(address.split("%", 1)[0]).is_global:
            raise FetchError(f"refused: {host} is a private or local address ({address})", transient=False)


def _session() -> requests.Session:
    """One connection pool per thread: a poll fetches many pages from few hosts."""
    session = getattr(_local, "session", None)
    if session is None:
        session = requests.Session()
        session.max_redirects = int(settings.INGEST_MAX_REDIRECTS)
        session.headers["User-Agent"] = settings.INGEST_USER_AGENT
        session.trust_env = False  # no proxies or .netrc picked up from the environment
        adapter = _PublicAddressesOnly()
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        _local.session = session
    return session


def fetch(
    url: str,
    *,
    etag: str = "",
    last_modified: str = "",
    max_bytes: int | None = None,
    accept: str = "*/*",
) -> Fetched:
    """GET ``url``; a 304 comes back as ``Fetched.not_modified`` with an empty body. Raises FetchError."""
    limit = int(max_bytes if max_bytes is not None else settings.INGEST_MAX_BYTES)
    timeout = float(settings.INGEST_TIMEOUT_SECONDS)
    headers = {"Accept": accept, "Accept-Encoding": "gzip, deflate"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    if not url.startswith(("http://", "https://")):
        raise FetchError(f"not a web address: {url[:200]}", transient=False)
    deadline = time.monotonic() + timeout
    try:
        return _get(url, headers=headers, timeout=timeout, deadline=deadline, limit=limit, etag=etag,
                    last_modified=last_modified)  # fmt: skip
    except FetchError:
        # A connection abandoned mid-body may still be carrying the rest of it: never reuse it for the next fetch.
        _session_drop()
        raise


def _session_drop() -> None:
    session = getattr(_local, "session", None)
    if session is not None:
        session.close()
        _local.session = None


def _get(
    url: str, *, headers: dict[str, str], timeout: float, deadline: float, limit: int, etag: str, last_modified: str
) -> Fetched:
    try:
        with _session().get(url, headers=headers, timeout=(timeout, timeout), stream=True) as response:
            if response.status_code == 304:
                return Fetched(
                    url=response.url,
                    status=304,
                    body=b"",
                    content_type="",
                    etag=response.headers.get("ETag", etag),
                    last_modified=response.headers.get("Last-Modified", last_modified),
                )
            if response.status_code >= 400:
                # 4xx other than 408/429 will not heal by retrying soon; the source still retries with backoff.
                transient = response.status_code >= 500 or response.status_code in (408, 429)
                raise FetchError(f"HTTP {response.status_code} from {_short(response.url)}", transient=transient)
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > limit:
                raise FetchError(f"too large: {int(declared)} bytes declared, the limit is {limit}", transient=False)
            chunks: list[bytes] = []
            size = 0
            # read1 returns what has arrived (up to 64 kB) instead of waiting for a full chunk, so the deadline is
            # checked while a server trickles bytes; decoding (gzip) happens first, so the cap counts what we keep.
            while chunk := response.raw.read1(65536, decode_content=True):
                size += len(chunk)
                if size > limit:
                    raise FetchError(f"too large: more than {limit} bytes", transient=False)
                if time.monotonic() > deadline:
                    raise FetchError(f"timed out after {timeout:g} s (the server sends too slowly)")
                chunks.append(chunk)
            return Fetched(
                url=response.url,
                status=response.status_code,
                body=b"".join(chunks),
                content_type=response.headers.get("Content-Type", ""),
                etag=response.headers.get("ETag", ""),
                last_modified=response.headers.get("Last-Modified", ""),
            )
    except requests.TooManyRedirects:
        raise FetchError(f"too many redirects (more than {settings.INGEST_MAX_REDIRECTS})", transient=False) from None
    except requests.Timeout:
        raise FetchError(f"timed out after {timeout:g} s") from None
    except requests.ConnectionError as error:
        raise FetchError(f"unreachable: {_reason(error)}") from None
    except requests.RequestException as error:
        raise FetchError(f"fetch failed: {_reason(error)}") from None


def _short(url: str) -> str:
    return url if len(url) <= 200 else url[:199] + "…"


def _reason(error: Exception) -> str:
    """The innermost cause in a few words ("Name or service not known"), not a chain of reprs."""
    cause: BaseException = error
    while cause.__cause__ is not None or cause.__context__ is not None:
        cause = cause.__cause__ or cause.__context__  # type: ignore[assignment]
    text = str(cause) or cause.__class__.__name__
    return text[:300]
