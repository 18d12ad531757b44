"""The container's web role starts without writing to disk: static files come with the image (collected when it is
built), so a read-only or full VAR_DIR can no longer stop a web container from starting again."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not settings.IS_POSTGRES or not settings.REDIS_URL,
        reason="needs PostgreSQL and Redis: with an unwritable VAR_DIR there is no SQLite file nor embedded broker",
    ),
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_the_image_build_collects_the_static_files_outside_var_dir():
    dockerfile = (ROOT / "platform" / "Dockerfile").read_text()
    assert "STATIC_ROOT=/app/static-collected" in dockerfile
    assert "manage.py collectstatic" in dockerfile
    assert "collectstatic" not in (ROOT / "platform" / "entrypoint.sh").read_text()


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(path): (path.stat().st_mtime_ns, path.stat().st_size) for path in folder.rglob("*")}


@pytest.mark.django_db(transaction=True)
def test_web_starts_without_writing_and_serves_the_static_files_of_the_build(tmp_path):
    """As in the container: the static files were collected when the image was built (by root, in a folder the app's
    user cannot write), and VAR_DIR is read-only or full. Here VAR_DIR sits below a plain file, so every write to it
    fails even for root, and the collected files must come out of the start untouched."""
    database = connection.settings_dict
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    static_root = tmp_path / "static"
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "0",
        "STATIC_MANIFEST": "1",  # as in production: hashed names from the manifest the build wrote
        "SECURE_SSL_REDIRECT": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "LOG_LEVEL": "WARNING",
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        "STATIC_ROOT": str(static_root),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "1",
        "GUNICORN_PRELOAD": "0",
    }
    # The image build (platform/Dockerfile).
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT, env=env | {"VAR_DIR": str(tmp_path / "build-var")}, check=True, timeout=600,
    )  # fmt: skip
    manifest = json.loads((static_root / "staticfiles.json").read_text())
    hashed = next(path for name, path in manifest["paths"].items() if name.endswith(".css"))
    built = snapshot(static_root)

    env["VAR_DIR"] = str(blocker / "var")
    log = tmp_path / "web.log"
    with log.open("wb") as out:
        web = subprocess.Popen(
            ["sh", "platform/entrypoint.sh", "web"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 300
        while True:
            assert web.poll() is None, (
                f"the web role exited {web.returncode}:\n{log.read_text(errors='replace')[-3000:]}"
            )
            try:
                if get(f"http://127.0.0.1:{port}/healthz") == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, log.read_text(errors="replace")[-3000:]
            time.sleep(0.3)
        assert get(f"http://127.0.0.1:{port}/static/{hashed}") == 200
    finally:
        if web.poll() is None:
            os.killpg(web.pid, 15)
            web.wait(timeout=30)
    assert snapshot(static_root) == built
