"""A PostgreSQL server of a test's own: initdb into a temporary folder, started on a free loopback port, and stopped
the way a crash stops it (`pg_ctl stop -m immediate`: every server process quits at once, nothing is flushed or
checkpointed, and the next start replays the write-ahead log).

PostgreSQL refuses to run as root; as root the commands run as the `postgres` OS user (runuser), in a folder it owns.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path


def server_binaries() -> Path | None:
    """The newest installed PostgreSQL's bin folder holding initdb and pg_ctl, or None."""
    folders = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda path: int(Path(path).parent.name), reverse=True)
    for folder in folders:
        if Path(folder, "initdb").exists() and Path(folder, "pg_ctl").exists():
            return Path(folder)
    return None


def _run_as() -> list[str] | None:
    """The prefix that runs a server command as a user PostgreSQL accepts, or None when there is none."""
    if os.geteuid() != 0:
        return []
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        return None
    runuser = shutil.which("runuser")
    return [runuser, "-u", "postgres", "--"] if runuser else None


def can_run_own_cluster() -> bool:
    return server_binaries() is not None and _run_as() is not None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class OwnCluster:
    def __init__(self, folder: Path, port: int) -> None:
        self.folder = folder
        self.data = folder / "data"
        self.log = folder / "server.log"
        self.port = port
        self.bin = server_binaries()
        self.prefix = _run_as() or []

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def _pg_ctl(self, *args: str, timeout: float = 60) -> None:
        command = [*self.prefix, str(self.bin / "pg_ctl"), "-D", str(self.data), *args]
        subprocess.run(command, check=True, timeout=timeout, capture_output=True)

    def init(self) -> None:
        command = [*self.prefix, str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust",
                   "--no-sync", "--encoding=UTF8", "--no-instructions"]  # fmt: skip
        subprocess.run(command, check=True, timeout=120, capture_output=True)

    def start(self) -> None:
        """Start (or restart after a crash, replaying the log) and wait until it accepts connections."""
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -c unix_socket_directories={self.folder} "
            # The server process is killed, not the machine: what it wrote is in the OS's hands either way.
            "-c fsync=off -c max_connections=40 -c shared_buffers=16MB"
        )
        self._pg_ctl("start", "-w", "-t", "60", "-l", str(self.log), "-o", options, timeout=90)

    def crash(self) -> None:
        """Stop every server process at once, mid-transaction, without a checkpoint."""
        self._pg_ctl("stop", "-m", "immediate", "-w", "-t", "30", timeout=60)

    def stop(self) -> None:
        with suppress(subprocess.CalledProcessError):  # not running
            self._pg_ctl("stop", "-m", "fast", "-w", "-t", "30", timeout=60)


@contextmanager
def own_cluster() -> Iterator[OwnCluster]:
    folder = Path(tempfile.mkdtemp(prefix="own-postgres-"))
    if os.geteuid() == 0:
        owner = pwd.getpwnam("postgres")
        os.chown(folder, owner.pw_uid, owner.pw_gid)
    cluster = OwnCluster(folder, free_port())
    try:
        cluster.init()
        cluster.start()
        yield cluster
    finally:
        cluster.stop()
        shutil.rmtree(folder, ignore_errors=True)
