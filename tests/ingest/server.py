"""A small HTTP server on 127.0.0.1 for the pipeline's tests and benchmark: routes are set per test.

A route answers with a status, headers and a body; ETag-aware routes answer 304 to a matching If-None-Match. Special
routes stream a huge body without holding it, trickle bytes slowly, or redirect in a loop. Every request is counted.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Route:
    body: bytes | Callable[[], Iterator[bytes]] = b""
    content_type: str = "application/xml; charset=utf-8"
    status: int = 200
    etag: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    chunk_delay: float = 0.0  # seconds between 1-byte chunks: a server that sends too slowly


class FeedServer:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: Counter[str] = Counter()
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out in two writes: without this, Nagle's algorithm meets the client's delayed ACK
            # and every keep-alive response waits ~40 ms.
            disable_nagle_algorithm = True

            def log_message(self, format: str, *args: object) -> None:
                return

            def do_GET(self) -> None:
                with server._lock:
                    server.hits[self.path] += 1
                route = server.routes.get(self.path)
                if route is None:
                    self._send(404, {"Content-Type": "text/plain"}, b"not here")
                    return
                if route.etag and self.headers.get("If-None-Match") == route.etag:
                    self._send(304, {"ETag": route.etag}, b"")
                    return
                headers = {"Content-Type": route.content_type, **route.headers}
                if route.etag:
                    headers["ETag"] = route.etag
                if callable(route.body):
                    self.send_response(route.status)
                    for key, value in headers.items():
                        self.send_header(key, value)
                    self.send_header("Connection", "close")
                    self.end_headers()
                    with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                        for chunk in route.body():
                            self.wfile.write(chunk)
                    self.close_connection = True
                    return
                if route.chunk_delay:
                    self.send_response(route.status)
                    for key, value in headers.items():
                        self.send_header(key, value)
                    self.send_header("Content-Length", str(len(route.body)))
                    self.end_headers()
                    with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                        for byte in route.body:
                            self.wfile.write(bytes([byte]))
                            self.wfile.flush()
                            time.sleep(route.chunk_delay)
                    self.close_connection = True
                    return
                self._send(route.status, headers, route.body)

            def _send(self, status: int, headers: dict[str, str], body: bytes) -> None:
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if body:
                    with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                        self.wfile.write(body)

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def base(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def start(self) -> FeedServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def redirect_loop(self, path: str) -> None:
        """``path`` redirects to ``path``-b, which redirects back: a loop."""
        self.routes[path] = Route(status=302, headers={"Location": path + "-b"}, content_type="text/plain")
        self.routes[path + "-b"] = Route(status=302, headers={"Location": path}, content_type="text/plain")

    def endless(self, path: str, megabytes: int = 50) -> None:
        """A body of ``megabytes`` MB streamed in chunks, never held in memory, with no Content-Length."""

        def chunks() -> Iterator[bytes]:
            yield b'<?xml version="1.0"?><rss version="2.0"><channel><title>big</title>'
            block = b"<!-- " + b"x" * 65_000 + b" -->"
            for _ in range(megabytes * 1_000_000 // len(block)):
                yield block

        self.routes[path] = Route(body=chunks)
