"""`make run`'s Ctrl-C stops the worker warmly (platform/warm_stop.py, platform/honcho_run.py; issue 24, item 17).

A stand-in for the Celery worker, a real process with a real "pool child", records every signal each of them gets:
honcho's SIGTERM to the whole group must reach the worker's main process alone, once, and wait for its warm stop; a
worker that does not stop is moved to a cold stop, then killed.
"""

from __future__ import annotations

import importlib.util
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WRAPPER = ROOT / "platform" / "warm_stop.py"

FAKE_WORKER = textwrap.dedent(
    """
    import os, signal, sys, time
    log, stop_seconds, obeys = sys.argv[1], float(sys.argv[2]), sys.argv[3].split(",")

    def note(text):
        with open(log, "a") as f:
            f.write(text + "\\n")

    child = os.fork()
    if child == 0:  # the pool child: in the worker's process group, as billiard's are
        signal.signal(signal.SIGTERM, lambda *_: (note("pool: SIGTERM"), os._exit(1)))
        signal.signal(signal.SIGUSR1, lambda *_: os._exit(0))
        while True:
            time.sleep(0.1)

    def stop(signum, _frame):
        name = signal.Signals(signum).name
        note(f"main: {name}")
        if name in obeys:
            time.sleep(stop_seconds if name == "SIGTERM" else 0)  # the warm shutdown takes its time
            os.kill(child, signal.SIGUSR1)
            os.waitpid(child, 0)
            sys.exit(0 if name == "SIGTERM" else 3)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGQUIT, stop)
    note("ready")
    while True:
        time.sleep(0.1)
    """
)


def _start_as_honcho(tmp_path: Path, *, stop_seconds: float, obeys: str, warm: float, cold: float):
    (tmp_path / "worker.py").write_text(FAKE_WORKER)
    log = tmp_path / "signals.log"
    command = (
        f"exec {sys.executable} {WRAPPER} --warm {warm} --cold {cold} -- "
        f"{sys.executable} {tmp_path / 'worker.py'} {log} {stop_seconds} {obeys}"
    )
    process = subprocess.Popen(command, shell=True, start_new_session=True)  # noqa: S602 - as honcho runs a line
    deadline = time.monotonic() + 20
    while not (log.exists() and "ready" in log.read_text()):
        assert time.monotonic() < deadline, "the stand-in worker did not start"
        time.sleep(0.05)
    return process, log


def _signals(log: Path) -> list[str]:
    return [line for line in log.read_text().splitlines() if line != "ready"]


def test_honchos_sigterm_to_the_group_reaches_the_worker_alone_and_waits_for_its_warm_stop(tmp_path):
    process, log = _start_as_honcho(tmp_path, stop_seconds=1.5, obeys="SIGTERM", warm=10, cold=5)
    started = time.monotonic()

    os.killpg(process.pid, signal.SIGTERM)  # what honcho does on Ctrl-C
    code = process.wait(timeout=20)

    assert _signals(log) == ["main: SIGTERM"]  # once, to the main process; the pool child was left to it
    assert code == 0
    assert time.monotonic() - started >= 1.5


def test_a_worker_still_running_after_the_warm_grace_gets_a_cold_stop(tmp_path):
    process, log = _start_as_honcho(tmp_path, stop_seconds=0, obeys="SIGQUIT", warm=1, cold=5)

    os.killpg(process.pid, signal.SIGTERM)

    assert process.wait(timeout=20) == 3
    assert _signals(log) == ["main: SIGTERM", "main: SIGQUIT"]


def test_a_second_ctrl_c_moves_to_the_cold_stop_at_once(tmp_path):
    process, log = _start_as_honcho(tmp_path, stop_seconds=0, obeys="SIGQUIT", warm=30, cold=5)
    os.killpg(process.pid, signal.SIGTERM)
    time.sleep(0.5)
    started = time.monotonic()

    os.killpg(process.pid, signal.SIGINT)

    assert process.wait(timeout=20) == 3
    assert time.monotonic() - started < 5
    assert _signals(log) == ["main: SIGTERM", "main: SIGQUIT"]


def test_a_worker_deaf_to_both_is_killed_with_its_pool(tmp_path):
    process, log = _start_as_honcho(tmp_path, stop_seconds=0, obeys="nothing", warm=0.5, cold=0.5)

    os.killpg(process.pid, signal.SIGTERM)

    assert process.wait(timeout=20) == 128 + signal.SIGKILL
    assert _signals(log) == ["main: SIGTERM", "main: SIGQUIT"]


def test_make_runs_honcho_with_a_grace_period_that_covers_the_wrappers_steps():
    import honcho.manager

    assert isinstance(honcho.manager.KILL_WAIT, int | float)  # the constant honcho_run.py raises is still there
    spec = importlib.util.spec_from_file_location("honcho_run", ROOT / "platform" / "honcho_run.py")
    assert spec is not None
    assert spec.loader is not None
    honcho_run = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(honcho_run)
    wrapper = subprocess.run([sys.executable, WRAPPER, "--help"], capture_output=True, text=True, check=True).stdout
    assert "warm_stop.py" in (ROOT / "platform" / "Procfile").read_text()
    assert "platform/honcho_run.py" in (ROOT / "Makefile").read_text()
    assert honcho_run.GRACE_SECONDS > 30 + 10, wrapper  # warm_stop.py's default warm and cold seconds


@pytest.mark.slow
def test_ctrl_c_on_honcho_lets_a_slow_warm_stop_finish(tmp_path):
    """Through honcho itself: a warm stop of 7 s, longer than honcho's own 5 s, ends with the worker's own exit."""
    (tmp_path / "worker.py").write_text(FAKE_WORKER)
    log = tmp_path / "signals.log"
    (tmp_path / "Procfile").write_text(
        f"worker: exec {sys.executable} {WRAPPER} -- {sys.executable} {tmp_path / 'worker.py'} {log} 7 SIGTERM\n"
    )
    honcho = subprocess.Popen(
        [sys.executable, ROOT / "platform" / "honcho_run.py", "-f", tmp_path / "Procfile", "-d", tmp_path, "start"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    deadline = time.monotonic() + 30
    while not (log.exists() and "ready" in log.read_text()):
        assert time.monotonic() < deadline, "honcho did not start the stand-in worker"
        time.sleep(0.05)

    honcho.send_signal(signal.SIGINT)  # Ctrl-C
    output, _ = honcho.communicate(timeout=60)

    assert _signals(log) == ["main: SIGTERM"], output
    assert "SIGKILL" not in output
    assert "worker.1 stopped (rc=0)" in output
