"""The one place that fetches from the outside: conditional GET, timeouts, a size cap, a redirect limit, our User-Agent.

A body is streamed and counted as it arrives, so a 50 MB answer is refused after the first few megabytes without ever
being held whole. The whole exchange (connection, status line, every header line, the body) has one deadline, kept on
the socket: when it passes, the socket is shut down whatever the server is trickling.
Feeds are written by strangers: unless INGEST_ALLOW_PRIVATE_ADDRESSES is on, a link (or a redirect) to a loopback,
private or link-local address — IPv6 forms that embed one included — is refused before any request is sent, and the
connection goes to the very address that was checked (the name is not resolved again, so a name that answers a public
address and then a private one cannot slip through); the Host header and TLS server name stay the link's own.
"""

from __future__ import annotations

import contextlib
import email.utils
import ipaddress
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError
from urllib3.exceptions import HTTPError as Urllib3Error
from urllib3.util.connection import create_connection


class FetchError(Exception):
    """A fetch that brought nothing usable. ``transient`` says whether trying again later may help."""

    def __init__(self, message: str, *, transient: bool = True, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.transient = transient
        self.retry_after = retry_after  # seconds the server asked us to wait (429/503 with Retry-After)


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


# Per thread: the session, the addresses checked for the host being fetched, and the fetch's deadline.
_local = threading.local()


class _Exchange:
    """One fetch's deadline, kept on the socket: when it passes, every connection the fetch used is shut down, so a
    read waiting for the next header line or body byte ends at once (a per-read timeout alone lets a server that sends
    one line every few seconds hold the fetch for ever)."""

    def __init__(self, seconds: float) -> None:
        self.expired = False
        self._connections: list[HTTPConnection] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> _Exchange:
        _local.exchange = self
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()
        _local.exchange = None

    def watch(self, connection: HTTPConnection) -> None:
        with self._lock:
            self._connections.append(connection)
            expired = self.expired
        if expired:
            _shut(connection)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            connections = list(self._connections)
        for connection in connections:
            _shut(connection)


def _shut(connection: HTTPConnection) -> None:
    sock = getattr(connection, "sock", None)
    if sock is not None:
        with contextlib.suppress(OSError):  # already closed
            sock.shutdown(socket.SHUT_RDWR)


class _CheckedAddressConnection(HTTPConnection):
    """Connects to the addresses ``address_check`` approved for this host, never to a fresh resolution of the name;
    ``self.host`` (hence the Host header, and the TLS server name and certificate check) stays the name."""

    def _new_conn(self) -> socket.socket:
        checked: dict[str, list[str]] = getattr(_local, "checked", None) or {}
        addresses = checked.get(_host_key(self.host))
        if addresses is None:
            if settings.INGEST_ALLOW_PRIVATE_ADDRESSES:
                return super()._new_conn()
            raise NewConnectionError(self, f"refused: {self.host} was not checked before connecting")
        failure: Exception | None = None
        for address in addresses:
            try:
                return create_connection(
                    (address, self.port),
                    self.timeout,
                    source_address=self.source_address,
                    socket_options=self.socket_options,
                )
            except TimeoutError:
                failure = ConnectTimeoutError(self, f"Connection to {self.host} ({address}) timed out")
            except OSError as error:
                failure = NewConnectionError(self, f"Failed to establish a new connection: {error}")
        raise failure or NewConnectionError(self, f"no address for {self.host}")

    def request(self, *args: Any, **kwargs: Any) -> None:
        exchange: _Exchange | None = getattr(_local, "exchange", None)
        if exchange is not None:
            exchange.watch(self)
        super().request(*args, **kwargs)


class _CheckedAddressHTTPSConnection(_CheckedAddressConnection, HTTPSConnection):
    pass


class _CheckedAddressPool(HTTPConnectionPool):
    ConnectionCls = _CheckedAddressConnection


class _CheckedAddressHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _CheckedAddressHTTPSConnection


class _PublicAddressesOnly(HTTPAdapter):
    """Checks every request it sends, redirects included (requests sends each hop through the adapter), and connects
    to the address it checked."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _CheckedAddressPool, "https": _CheckedAddressHTTPSPool}

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        host = urlsplit(request.url or "").hostname or ""
        addresses = address_check(request.url or "")  # [] when private addresses are allowed: nothing to pin
        _local.checked = {_host_key(host): addresses} if addresses else {}
        return super().send(request, *args, **kwargs)


def _host_key(host: str) -> str:
    return host.strip("[]").rstrip(".").lower()


# Narrow exceptions to the refusal of local addresses, each a predicate an app above adds at start-up (the demo's own
# bundled feeds while the demo runs: demo/feeds.py).
_local_exceptions: list[Callable[[str], bool]] = []


def local_exception_add(allowed: Callable[[str], bool]) -> None:
    if allowed not in _local_exceptions:
        _local_exceptions.append(allowed)


def _resolve(host: str) -> list[str]:
    """The host's addresses, in the resolver's order (the one seam tests replace)."""
    found = [str(info[4][0]) for info in socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)]
    return list(dict.fromkeys(found))


def address_check(url: str) -> list[str]:
    """The addresses to connect to for ``url``'s host; FetchError when one of them is not public (unless allowed by
    settings, when nothing is resolved here: [])."""
    if settings.INGEST_ALLOW_PRIVATE_ADDRESSES:
        return []
    # A narrow exception (the demo's own feed) is resolved and pinned like any link; only its loopback address passes.
    local_allowed = any(allowed(url) for allowed in _local_exceptions)
    host = urlsplit(url).hostname or ""
    try:
        addresses = _resolve(host)
    except (OSError, UnicodeError) as error:
        raise FetchError(f"unreachable: {host}: {error}") from None
    if not addresses:
        raise FetchError(f"unreachable: {host}: no address")
    for address in addresses:
        reason = None if local_allowed else address_refusal(address)
        if reason is not None:
            raise FetchError(f"refused: {host} is a private or local address ({address}{reason})", transient=False)
    return addresses


# IPv6 prefixes that carry an IPv4 address in their last 32 bits: NAT64 (RFC 6052) and its local-use range (RFC 8215).
_NAT64 = (ipaddress.IPv6Network("64:ff9b::/96"), ipaddress.IPv6Network("64:ff9b:1::/48"))
_IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")  # deprecated "::a.b.c.d" (RFC 4291 §2.5.5.1)


def address_refusal(address: str) -> str | None:
    """None for a public address; else what to add to "refused: … (address…)": "" for a plainly private address,
    ", embeds 127.0.0.1" when an IPv6 form carries an internal IPv4 one.

    Python's own check passes "::127.0.0.1" and 6to4 or NAT64 forms of internal IPv4 addresses: each such form is
    judged by the IPv4 address it embeds, and the deprecated IPv4-compatible form is refused outright.
    """
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if not ip.is_global:
        return ""
    if isinstance(ip, ipaddress.IPv4Address):
        return None
    if ip in _IPV4_COMPATIBLE:
        return ", an IPv4-compatible form"
    embedded = ip.ipv4_mapped or ip.sixtofour
    if embedded is None and any(ip in network for network in _NAT64):
        embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if embedded is not None and not embedded.is_global:
        return f", embeds {embedded}"
    return None


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
    try:
        with _Exchange(timeout) as exchange:
            try:
                return _get(url, headers=headers, timeout=timeout, exchange=exchange, limit=limit, etag=etag,
                            last_modified=last_modified)  # fmt: skip
            except FetchError:
                if exchange.expired:  # whatever the shut socket made the reader say, the deadline is why
                    raise FetchError(f"timed out after {timeout:g} s (the whole exchange)") from None
                raise
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
    url: str, *, headers: dict[str, str], timeout: float, exchange: _Exchange, limit: int, etag: str, last_modified: str
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
                raise FetchError(
                    f"HTTP {response.status_code} from {_short(response.url)}",
                    transient=transient,
                    retry_after=retry_after_seconds(response.headers.get("Retry-After", "")),
                )
            body = _body_read(response, limit=limit, exchange=exchange, timeout=timeout)
            return Fetched(
                url=response.url,
                status=response.status_code,
                body=body,
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
    except Urllib3Error as error:  # raised by the raw body reads: a broken or over-deep encoding, a cut connection
        raise FetchError(f"fetch failed: {_reason(error)}", transient=False) from None


def _body_read(response: requests.Response, *, limit: int, exchange: _Exchange, timeout: float) -> bytes:
    """The whole body of a streamed answer, refused once past ``limit`` bytes or when the deadline cut it short."""
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limit:
        raise FetchError(f"too large: {int(declared)} bytes declared, the limit is {limit}", transient=False)
    chunks: list[bytes] = []
    size = 0
    # read1 returns what has arrived (up to 64 kB) instead of waiting for a full chunk; decoding (gzip) happens first,
    # so the cap counts what we keep.
    while chunk := response.raw.read1(65536, decode_content=True):
        size += len(chunk)
        if size > limit:
            raise FetchError(f"too large: more than {limit} bytes", transient=False)
        chunks.append(chunk)
    if exchange.expired:  # the deadline shut the socket: what was read is not the whole body
        raise FetchError(f"timed out after {timeout:g} s (the server sends too slowly)")
    return b"".join(chunks)


# --- A session for a library that sends its own requests -----------------------------------------------------------

# Services whose address a setting may replace (tests and offline development point them at a local server, as
# STRIPE_API_BASE does for Stripe): the origin a library writes, and the setting naming where it goes instead.
_ORIGIN_SETTINGS = {"https://www.youtube.com": "INGEST_YOUTUBE_BASE"}


def _origin_replaced(url: str) -> str:
    for origin, setting in _ORIGIN_SETTINGS.items():
        base = str(getattr(settings, setting, "") or "").rstrip("/")
        if base and (url == origin or url.startswith(origin + "/")):
            return base + url[len(origin) :]
    return url


class _LibraryTransport(_PublicAddressesOnly):
    """The transport of a session lent to a library (youtube-transcript-api): every request it sends, redirects
    included, is checked and pinned like fetch()'s, has fetch()'s deadline and size cap, and is read whole here; a
    request to a service a setting points elsewhere (``_ORIGIN_SETTINGS``) goes there. What fails is a FetchError,
    raised through the library's own code to its caller."""

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        request.url = _origin_replaced(request.url or "")
        timeout = float(settings.INGEST_TIMEOUT_SECONDS)
        limit = int(settings.INGEST_MAX_BYTES)
        kwargs.update(stream=True, timeout=(timeout, timeout))  # whatever the library asked: ours
        try:
            with _Exchange(timeout) as exchange:
                try:
                    response = super().send(request, **kwargs)
                    try:
                        body = _body_read(response, limit=limit, exchange=exchange, timeout=timeout)
                    finally:
                        response.close()
                except requests.Timeout:
                    raise FetchError(f"timed out after {timeout:g} s") from None
                except requests.ConnectionError as error:
                    if exchange.expired:
                        raise FetchError(f"timed out after {timeout:g} s (the whole exchange)") from None
                    raise FetchError(f"unreachable: {_reason(error)}") from None
                except requests.RequestException as error:
                    raise FetchError(f"fetch failed: {_reason(error)}") from None
                except Urllib3Error as error:
                    raise FetchError(f"fetch failed: {_reason(error)}", transient=False) from None
        except FetchError:
            self.close()  # a connection abandoned mid-body is never reused
            raise
        response._content = body  # read here, within the cap; the library reads .text and .json() as usual
        response._content_consumed = True
        return response


def library_session() -> requests.Session:
    """A new requests session for a library that fetches on its own (one per use: such libraries keep state on it),
    whose every request goes through this module's rules (``_LibraryTransport``)."""
    session = requests.Session()
    session.max_redirects = int(settings.INGEST_MAX_REDIRECTS)
    session.headers["User-Agent"] = settings.INGEST_USER_AGENT
    session.trust_env = False
    transport = _LibraryTransport()
    session.mount("http://", transport)
    session.mount("https://", transport)
    return session


def retry_after_seconds(value: str) -> float | None:
    """Retry-After in seconds (RFC 9110: a number of seconds or an HTTP date), None when absent or unreadable."""
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _short(url: str) -> str:
    return url if len(url) <= 200 else url[:199] + "…"


def _reason(error: Exception) -> str:
    """The innermost cause in a few words ("Name or service not known"), not a chain of reprs."""
    cause: BaseException = error
    while cause.__cause__ is not None or cause.__context__ is not None:
        cause = cause.__cause__ or cause.__context__  # type: ignore[assignment]
    text = str(cause) or cause.__class__.__name__
    return text[:300]
