"""Worker stop benchmark: how long the local Celery worker takes to stop on Ctrl-C under `make run`.

    .venv/bin/python bench/worker_stop.py                 # filesystem broker, as `make run` without REDIS_URL
    REDIS_URL=redis://127.0.0.1:6379/9 .venv/bin/python bench/worker_stop.py   # Redis broker

honcho runs each Procfile line in a session of its own and, on Ctrl-C, sends SIGTERM to that whole process group (the
worker *and* its pool children), then SIGKILL after its grace period. This starts the worker with `platform/Procfile`'s
own command line the same way, waits until it is ready and idle, signals it as honcho does, and prints how long it took
to exit, its exit code and the ERROR lines it logged (a pool child killed under the worker logs one). Each run uses a
temporary VAR_DIR, so the filesystem broker's folders and the SQLite file are fresh.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def procfile_command(name: str) -> str:
    for line in (ROOT / "platform" / "Procfile").read_text().splitlines():
        if line.startswith(f"{name}:"):
            return line.split(":", 1)[1].strip()
    raise SystemExit(f"no {name} line in platform/Procfile")


def one_stop(command: str, *, idle: float, group: bool) -> tuple[float, int, list[str], list[str]]:
    """(seconds from SIGTERM until the worker's output closed, the shell's exit code, ERROR lines) for one worker
    started and stopped like honcho does."""
    workdir = Path(tempfile.mkdtemp(prefix="worker-stop-bench-"))
    env = os.environ | {"VAR_DIR": str(workdir), "DJANGO_DEBUG": "1", "PYTHONUNBUFFERED": "1"}
    if not env.get("REDIS_URL"):
        env.pop("REDIS_URL", None)
    env.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'db.sqlite3'}")
    process = subprocess.Popen(  # noqa: S602 - the Procfile's line, run the way honcho runs it: a shell, own session
        command, shell=True, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True
    )
    lines: list[str] = []
    ready = threading.Event()

    def read() -> None:
        assert process.stdout is not None
        for raw in process.stdout:
            line = raw.decode(errors="replace").rstrip()
            lines.append(f"{time.monotonic():.2f} {line}")
            if " ready." in line:
                ready.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        if not ready.wait(120):
            raise SystemExit("the worker did not get ready in 120 s:\n" + "\n".join(lines[-20:]))
        time.sleep(idle)
        before = len(lines)
        started = time.monotonic()
        if group:
            os.killpg(process.pid, signal.SIGTERM)  # what honcho does on Ctrl-C
        else:
            os.kill(process.pid, signal.SIGTERM)
        reader.join(120)  # as honcho: the line is stopped when its output closes, the worker's included
        took = time.monotonic() - started
        code = process.wait(timeout=10)
        after = [f"+{float(line.split(' ', 1)[0]) - started:5.2f} s {line.split(' ', 1)[1]}" for line in lines[before:]]
        errors = [line for line in after if re.search(r"\bERROR\b|Traceback", line)]
        return took, code, errors, after
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        shutil.rmtree(workdir, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--idle", type=float, default=3.0, help="seconds the ready worker idles before the signal")
    parser.add_argument("--command", default=procfile_command("worker"), help="the worker's command line")
    parser.add_argument("--verbose", action="store_true", help="print what the worker logged after the signal")
    parser.add_argument("--main-only", action="store_true", help="signal only the shell's process, not its group")
    args = parser.parse_args()
    broker = "Redis" if os.environ.get("REDIS_URL") else "filesystem"
    print(f"worker: {args.command}")
    print(f"broker: {broker}; signal: SIGTERM to the {'process' if args.main_only else 'process group (honcho)'}")
    times = []
    for run in range(1, args.runs + 1):
        took, code, errors, lines_after = one_stop(args.command, idle=args.idle, group=not args.main_only)
        times.append(took)
        print(f"run {run}: stopped in {took:5.2f} s, exit code {code}, {len(errors)} ERROR lines")
        for line in errors[:4]:
            print(f"    {line[:160]}")
        if args.verbose:
            print("\n".join(f"    {line[:200]}" for line in lines_after))
    print(
        f"median {statistics.median(times):.2f} s, max {max(times):.2f} s (honcho's own grace: 5 s; make run's: 45 s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
