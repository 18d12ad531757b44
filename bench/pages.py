"""Page benchmark: requests per second for the main pages through gunicorn (3 sync workers), as a share of a bare
Django view served by the same server in the same run. Load comes from wrk (Debian's package) over loopback.

    .venv/bin/python bench/pages.py                      # SQLite in a temporary folder
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/learnplatform REDIS_URL=redis://127.0.0.1:6379/0 \
        .venv/bin/python bench/pages.py

With PostgreSQL it creates its own database (the named one with a `_pages_bench` suffix) and drops it at the end;
the database DATABASE_URL names is never touched. Each URL gets `--seconds` of load with `--connections` connections,
in `--rounds` rounds; in each, every page is measured right after the bare view, and its share is of that bare view.
A row is the median round, and says whether it meets the issue's goal.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import redis
from harness import bench_database, loopback_production_env

ROOT = Path(__file__).resolve().parent.parent
SEED = "/lessons/ai-is-already-building-ai-mostafa-dehghani/"
# (label, path, signed in, goal as a share of the bare view)
PAGES = [
    ("bare Django view (baseline)", "/bench/bare", False, 1.0),
    ("home", "/", False, 0.40),
    ("catalog", "/lessons/", False, 0.40),
    ("catalog search 'transformer'", "/lessons/?q=transformer", False, 0.25),
    ("lesson page (visitor)", SEED, False, 0.50),
    ("lesson page (signed in)", SEED, True, 0.30),
    ("credit statement (signed in)", "/credits/", True, 0.20),
    ("profile /me/ (signed in)", "/me/", True, 0.20),
    ("API lesson list", "/api/v1/lessons", False, 0.50),
    ("API lesson detail", f"/api/v1/lessons/{SEED.split('/')[2]}", False, 0.50),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return result.stdout


def signed_in_cookie(env: dict[str, str]) -> str:
    """A session cookie for the demo learner, made by Django's own login in a child process."""
    code = (
        "from django.test import Client; from accounts.models import User; c = Client();"
        "c.force_login(User.objects.get(email='learner@example.com'));"
        "print(c.cookies['sessionid'].value)"
    )
    return manage(env, "shell", "-c", code).strip().splitlines()[-1]


def wrk(url: str, *, seconds: int, connections: int, cookie: str | None) -> tuple[float, str]:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    if cookie:
        command[1:1] = ["-H", f"Cookie: sessionid={cookie}"]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = re.search(r"^\s+50%\s+(\S+)", output, re.MULTILINE).group(1)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if non_2xx:
        raise RuntimeError(f"{url} answered {non_2xx.group(1)} errors:\n{output}")
    return rate, p50


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument(
        "--rounds", type=int, default=3, help="the pages are measured this many times over; each row is the median"
    )
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--only", default="", help="only the pages whose label has this (and the bare view)")
    parser.add_argument("--redis-db", default="13", help="the Redis database used (and flushed) with REDIS_URL")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        print("wrk is not installed: apt-get install -y wrk (make bench does it)", file=sys.stderr)
        return 1

    var_dir = tempfile.mkdtemp(prefix="pages-bench-")
    env = {**os.environ, "VAR_DIR": var_dir, **loopback_production_env(tool="bench")}
    if env.get("REDIS_URL"):
        # The cache, the sessions (and the broker, which these pages never use) on a Redis database of the bench's own.
        env["REDIS_URL"] = env["REDIS_URL"].rsplit("/", 1)[0] + "/" + args.redis_db
        redis.Redis.from_url(env["REDIS_URL"]).flushdb()
    env["DATABASE_URL"], cleanup = bench_database(
        env.get("DATABASE_URL", ""), name="pages", folder=Path(env["VAR_DIR"])
    )
    port = free_port()
    server = None
    try:
        manage(env, "migrate", "--noinput")
        manage(env, "load_demo")
        cookie = signed_in_cookie(env)
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi", "-c", "platform/gunicorn.conf.py",
             "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers), "--threads", "1",
             "--access-logfile", "/dev/null"],
            cwd=ROOT, env={**env, "DJANGO_SETTINGS_MODULE": "bench.pages_settings"},
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/bench/bare", timeout=1)  # noqa: S310 - loopback only
                break
            except OSError:
                time.sleep(0.2)
        engine = "PostgreSQL" if env["DATABASE_URL"].startswith("postgres") else "SQLite"
        engine += " + Redis" if env.get("REDIS_URL") else " + file cache"
        print(f"gunicorn {args.workers} sync workers, {engine}, wrk -t2 -c{args.connections} -d{args.seconds}s, "
              f"median of {args.rounds} rounds; each page is measured right after the bare view")  # fmt: skip
        pages = [page for page in PAGES if not args.only or args.only in page[0]]
        shares: dict[str, list[tuple[float, float, str]]] = {label: [] for label, *_ in PAGES}
        for _ in range(args.rounds):
            for label, path, signed_in, _goal in pages:
                # The bare view just before each page: the machine's speed drifts by a quarter within a run (other
                # guests on the host), so each page is judged against the baseline of the same moment.
                bare_rate, bare_p50 = wrk(base + PAGES[0][1], seconds=args.seconds, connections=args.connections,
                                          cookie=None)  # fmt: skip
                shares[PAGES[0][0]].append((1.0, bare_rate, bare_p50))
                if path == PAGES[0][1]:
                    continue
                rate, p50 = wrk(base + path, seconds=args.seconds, connections=args.connections,
                                cookie=cookie if signed_in else None)  # fmt: skip
                shares[label].append((rate / bare_rate, rate, p50))
        print(f"{'page':<34} {'req/s':>8} {'p50':>9} {'share of bare':>14} {'goal':>6}")
        missed = 0
        for label, _path, _signed_in, goal in PAGES:
            if not shares[label]:
                continue
            # The median round: its share of the bare view, its req/s and p50.
            share, rate, p50 = sorted(shares[label])[len(shares[label]) // 2]
            baseline = label == PAGES[0][0]
            if baseline:
                rate = statistics.median(row[1] for row in shares[label])
            verdict = "" if baseline else ("met" if share >= goal else "MISSED")
            goal_text = "" if baseline else f"{goal:.0%}"
            missed += verdict == "MISSED"
            print(f"{label:<34} {rate:>8.0f} {p50:>9} {share:>13.0%} {goal_text:>6} {verdict}")  # fmt: skip
        print("every page at or above its goal" if not missed else f"{missed} pages below their goal")
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=20)
        cleanup()
        shutil.rmtree(var_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
