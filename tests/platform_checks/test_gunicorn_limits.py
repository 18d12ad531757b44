"""gunicorn's own request limits, as platform/gunicorn.conf.py sets them: requests the API can judge reach it and get
its JSON error; what gunicorn still refuses itself (and answers in HTML) is what docs/api.md lists."""

from __future__ import annotations

import http.client
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def server(django_db_setup, tmp_path_factory) -> Iterator[int]:
    """One gunicorn for the module, on the test database (the requests here never reach it)."""
    tmp_path = tmp_path_factory.mktemp("gunicorn")
    database = connection.settings_dict
    if connection.vendor == "postgresql":
        url = f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    else:
        url = f"sqlite:///{database['NAME']}"
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SECURE_SSL_REDIRECT": "0",  # plain HTTP on loopback
        "DATABASE_URL": url,
        "VAR_DIR": str(tmp_path / "var"),
        "ALLOWED_HOSTS": "127.0.0.1",
        "LOG_LEVEL": "WARNING",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "1",
        "GUNICORN_CONTROL_SOCKET": str(tmp_path / "gunicorn.ctl"),
    }
    log = tmp_path / "gunicorn.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi", "-c", "platform/gunicorn.conf.py"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while True:
            assert process.poll() is None, log.read_text(errors="replace")[-3000:]
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, log.read_text(errors="replace")[-3000:]
                time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


def request(port: int, method: str, path: str, headers: dict[str, str] | None = None) -> tuple[int, str, str]:
    client = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        client.request(method, path, headers={"Host": "127.0.0.1", **(headers or {})})
        response = client.getresponse()
        return response.status, response.getheader("Content-Type") or "", response.read().decode(errors="replace")
    finally:
        client.close()


def test_a_long_query_reaches_the_api_and_gets_its_json_error(server):
    status, content_type, body = request(server, "GET", "/api/v1/lessons?q=" + "a" * 6000)
    assert (status, content_type) == (400, "application/json; charset=utf-8"), body[:300]
    assert "q" in body


def test_a_long_header_reaches_the_api_and_gets_its_json_error(server):
    status, content_type, body = request(
        server, "POST", "/api/v1/lessons/any/unlock", headers={"Idempotency-Key": "k" * 12_000}
    )
    assert content_type == "application/json; charset=utf-8", (status, body[:300])
    assert status == 401  # anonymous: refused before the key is even read


def test_what_gunicorn_still_refuses_itself_is_documented(server):
    api_doc = (ROOT / "docs" / "api.md").read_text()
    section = api_doc[api_doc.index("Answered by the HTTP server") :]
    too_long_line = request(server, "GET", "/api/v1/lessons?q=" + "a" * 9000)[0]
    too_long_header = request(server, "GET", "/api/v1/lessons", headers={"X-Padding": "p" * 20_000})[0]
    too_many_headers = request(server, "GET", "/api/v1/lessons", headers={f"X-H{n}": "1" for n in range(120)})[0]
    for status in (too_long_line, too_long_header, too_many_headers):
        assert re.search(rf"\b{status}\b", section), status
    assert (too_long_line, too_long_header, too_many_headers) == (414, 431, 431)
