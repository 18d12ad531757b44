"""The fetcher against hostile servers and names: the whole exchange has one deadline, the connection goes to the
address that was checked, and IPv6 spellings of internal IPv4 addresses are refused. Servers listen on 127.0.0.1."""

from __future__ import annotations

import contextlib
import datetime
import gzip
import socket
import ssl
import threading
import time
from collections.abc import Iterator

import pytest

from ingest import fetching
from ingest.fetching import FetchError, fetch
from tests.ingest.server import Route


@contextlib.contextmanager
def raw_server(handle) -> Iterator[int]:
    """A TCP server on 127.0.0.1 whose every connection is given to ``handle(connection)``; yields its port."""
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            threading.Thread(target=_handled, args=(handle, connection), daemon=True).start()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        thread.join()
        listener.close()


def _handled(handle, connection: socket.socket) -> None:
    with contextlib.suppress(OSError), connection:
        handle(connection)


def test_a_server_trickling_header_lines_is_cut_off_at_the_overall_deadline(settings):
    """Before: one header line every 12 s held a fetch for 120 s though the timeout is 15 s (each read was in time)."""
    settings.INGEST_TIMEOUT_SECONDS = 1.0

    def trickle(connection: socket.socket) -> None:
        connection.recv(65536)
        connection.sendall(b"HTTP/1.1 200 OK\r\n")
        for number in range(40):  # 12 s in all, each line well within the per-read timeout
            time.sleep(0.3)
            connection.sendall(f"X-Line-{number}: slow\r\n".encode())
        connection.sendall(b"Content-Length: 2\r\n\r\nok")

    with raw_server(trickle) as port:
        started = time.monotonic()
        with pytest.raises(FetchError, match=r"timed out after 1 s"):
            fetch(f"http://127.0.0.1:{port}/feed")
        elapsed = time.monotonic() - started
    assert elapsed < 2.5


def test_a_body_cut_by_the_deadline_is_not_taken_for_the_whole_body(feed_server, settings):
    settings.INGEST_TIMEOUT_SECONDS = 0.5
    feed_server.routes["/slow"] = Route(body=b"x" * 100, chunk_delay=0.02)
    with pytest.raises(FetchError, match="timed out"):
        fetch(feed_server.url("/slow"))


def test_a_six_deep_gzip_chain_is_a_fetch_error_not_a_crash(feed_server):
    body = b"<rss/>"
    for _ in range(6):
        body = gzip.compress(body)
    feed_server.routes["/gz"] = Route(body=body, headers={"Content-Encoding": ", ".join(["gzip"] * 6)})
    with pytest.raises(FetchError, match="fetch failed"):
        fetch(feed_server.url("/gz"))


# --- DNS rebinding: the resolver is the seam (no real DNS) -------------------------------------------------------


@pytest.fixture
def rebinding_name(monkeypatch, settings):
    """``rebind.test`` answers 127.0.0.1 (taken as public here) once, then ::1 (internal) to anyone who asks again."""
    settings.INGEST_ALLOW_PRIVATE_ADDRESSES = False
    answers = [[(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", 0))]]
    later = [(socket.AF_INET6, socket.SOCK_STREAM, 6, "", ("::1", 0, 0, 0))]
    asked: list[str] = []
    real_getaddrinfo = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host != "rebind.test":
            return real_getaddrinfo(host, port, *args, **kwargs)
        asked.append(host)
        found = answers.pop(0) if answers else later
        return [
            (family, kind, proto, "", (address[0], port or 0, *address[2:]))
            for family, kind, proto, _, address in found
        ]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    real_refusal = fetching.address_refusal
    monkeypatch.setattr(fetching, "address_refusal", lambda a: None if a == "127.0.0.1" else real_refusal(a))
    return asked


def test_a_name_that_rebinds_to_loopback_after_the_check_is_fetched_from_the_checked_address(
    feed_server, rebinding_name
):
    """Before: the guard resolved and checked, then the HTTP library resolved again and connected to the new answer."""
    port = feed_server.base.rsplit(":", 1)[1]
    seen_hosts: list[str] = []
    feed_server.routes["/feed"] = Route(body=b"<rss/>")
    real_do_get = feed_server._httpd.RequestHandlerClass.do_GET

    def do_get(handler):
        seen_hosts.append(handler.headers.get("Host", ""))
        real_do_get(handler)

    feed_server._httpd.RequestHandlerClass.do_GET = do_get
    fetched = fetch(f"http://rebind.test:{port}/feed")

    assert fetched.body == b"<rss/>"
    assert rebinding_name == ["rebind.test"]  # resolved once, by the check
    assert seen_hosts == [f"rebind.test:{port}"]  # the Host header is the link's own


def test_tls_to_a_pinned_address_still_names_the_host_in_sni(rebinding_name, tmp_path):
    """The connection goes to the checked address, and the TLS handshake still asks for the link's host name."""
    certificate, key = _self_signed(tmp_path, "rebind.test")
    names: list[str | None] = []
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificate, key)
    context.sni_callback = lambda _socket, name, _context: names.append(name)

    def handshake(connection: socket.socket) -> None:
        with contextlib.suppress(ssl.SSLError, OSError):
            context.wrap_socket(connection, server_side=True).close()

    # Our certificate is not trusted by the fetcher, so the fetch fails after the server saw the handshake.
    with raw_server(handshake) as port, pytest.raises(FetchError):
        fetch(f"https://rebind.test:{port}/feed")
    assert names == ["rebind.test"]
    assert rebinding_name == ["rebind.test"]


def _self_signed(folder, host: str) -> tuple[str, str]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(host)]), critical=False)
        .sign(key, hashes.SHA256())
    )
    certificate_path, key_path = folder / "cert.pem", folder / "key.pem"
    certificate_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return str(certificate_path), str(key_path)


# --- IPv6 spellings of internal IPv4 addresses -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "embedded"),
    [
        ("[::127.0.0.1]", "an IPv4-compatible form"),
        ("[::ffff:127.0.0.1]", ""),
        ("[::ffff:10.0.0.1]", ""),
        ("[2002:7f00:1::]", "embeds 127.0.0.1"),  # 6to4
        ("[2002:a9fe:a9fe::1]", "embeds 169.254.169.254"),  # 6to4 of the metadata address
        ("[64:ff9b::7f00:1]", "embeds 127.0.0.1"),  # NAT64
        ("[64:ff9b::a00:1]", "embeds 10.0.0.1"),
        ("[64:ff9b:1::c0a8:1]", "embeds 192.168.0.1"),  # local-use NAT64
    ],
)
def test_ipv6_forms_of_internal_ipv4_addresses_are_refused_without_a_connection(settings, host, embedded):
    """Before: Python's own check calls "::127.0.0.1", 6to4 and NAT64 forms of internal addresses global."""
    settings.INGEST_ALLOW_PRIVATE_ADDRESSES = False
    with pytest.raises(FetchError, match=r"refused: .* is a private or local address") as refused:
        fetch(f"http://{host}:9/feed")
    assert embedded in refused.value.message
    assert not refused.value.transient


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:2800:220:1::", "2002:5db8:d822::", "64:ff9b::5db8:d822"])
def test_public_addresses_and_their_6to4_and_nat64_forms_pass_the_check(address):
    assert fetching.address_refusal(address) is None
