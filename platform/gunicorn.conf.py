"""gunicorn settings for the web service; every value can be overridden from the environment."""

import os
from pathlib import Path

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# Workers are recycled now and then (a guard against slow leaks). The app is loaded once, before the fork, so a new
# worker starts in milliseconds: without it every recycled worker imported the whole project again under load, and
# requests queued behind it for seconds. A recycled worker still reconnects and compiles its templates again; at the
# 400-1,000 requests a second a worker serves from the page cache, 2,000 requests was a restart every few seconds.
preload_app = os.environ.get("GUNICORN_PRELOAD", "1") == "1"
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "20000"))
max_requests_jitter = max_requests // 10
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# gunicorn 27 gives every instance the same control socket (~/.gunicorn/gunicorn.ctl) and a new instance silently
# takes it over from a running one; each instance here gets its own, named by GUNICORN_CONTROL_SOCKET or by its pid.
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET") or str(
    Path(os.environ.get("VAR_DIR") or Path(__file__).resolve().parent.parent / "var")
    / "run"
    / f"gunicorn-{os.getpid()}.ctl"
)
# Request limits: gunicorn refuses what passes them itself, in HTML, before the API can answer in JSON. The request
# line gets gunicorn's maximum (8190 bytes; its default 4094 turned a long but valid query into 414), header fields
# twice gunicorn's default, so an over-long Idempotency-Key or token reaches the API and gets its own 400 or 401.
# What still passes these gunicorn answers itself (414, 431, 400 for bytes HTTP does not allow): docs/api.md.
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 16384
