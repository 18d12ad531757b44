"""Run a long-lived command so that honcho's Ctrl-C stops it warmly: `python platform/warm_stop.py -- COMMAND...`.

honcho (`make run`) runs each Procfile line in a process group of its own and, on Ctrl-C, sends SIGTERM to the whole
group, then SIGKILL when its grace period ends. For a Celery worker that is two faults at once: the pool's children get
the SIGTERM too and die at once (a task they were running stops half-way; acks-late brings it back, but its work so far
is lost), and the worker's own warm shutdown is cut short by the SIGKILL.

This wrapper starts the command in a session (and process group) of its own, so honcho's signals reach only the
wrapper, and stops it in steps:

1. the first SIGTERM or SIGINT is passed to the command's main process alone: a Celery worker's warm shutdown (it
   stops consuming, lets running tasks finish, then stops its pool);
2. if it is still running after ``--warm`` seconds, or on a second SIGTERM/SIGINT, SIGQUIT: Celery's cold shutdown
   (running tasks are given up and, acknowledged late, delivered again);
3. ``--cold`` seconds later, SIGKILL to the command's whole process group.

It exits with the command's exit code. Its grace periods must fit in honcho's (platform/honcho_run.py).
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--warm", type=float, default=30.0, help="seconds of warm shutdown before a cold one")
    parser.add_argument("--cold", type=float, default=10.0, help="seconds of cold shutdown before SIGKILL")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- then the command and its arguments")
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command given")

    # A session of its own: honcho's signals to its group stop at this wrapper.
    child = subprocess.Popen(command, start_new_session=True)  # noqa: S603 - the Procfile's own command line
    asked: list[int] = []

    def ask_to_stop(signum: int, _frame: object) -> None:
        asked.append(signum)

    signal.signal(signal.SIGTERM, ask_to_stop)
    signal.signal(signal.SIGINT, ask_to_stop)

    steps = [(signal.SIGTERM, args.warm, False), (signal.SIGQUIT, args.cold, False), (signal.SIGKILL, 0.0, True)]
    step = -1
    deadline = float("inf")
    while child.poll() is None:
        stopping = bool(asked)
        if stopping and (step == -1 or time.monotonic() >= deadline or len(asked) > step + 1):
            step = min(step + 1, len(steps) - 1)
            signum, grace, whole_group = steps[step]
            _send(child.pid, signum, whole_group=whole_group)
            deadline = time.monotonic() + grace
            del asked[step + 1 :]  # one further Ctrl-C moves one step, however many signals it took
        time.sleep(0.05)
    return child.returncode if child.returncode >= 0 else 128 - child.returncode


def _send(pid: int, signum: int, *, whole_group: bool) -> None:
    try:
        if whole_group:
            os.killpg(pid, signum)
        else:
            os.kill(pid, signum)
    except ProcessLookupError:
        pass


if __name__ == "__main__":
    sys.exit(main())
