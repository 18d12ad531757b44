"""`make run`'s honcho with a grace period long enough for a worker's warm shutdown.

honcho 2 waits a fixed five seconds (`honcho.manager.KILL_WAIT`, no command-line option) between the SIGTERM of
Ctrl-C and a SIGKILL. A Celery worker's warm shutdown takes longer on a busy laptop (bench/worker_stop.py), so this
runs honcho's own command line with that wait raised to cover platform/warm_stop.py's steps (warm, cold, then kill).
tests/platform_checks/test_warm_stop.py fails if an upgrade of honcho drops the constant.
"""

from __future__ import annotations

import sys

import honcho.manager
from honcho.command import main

GRACE_SECONDS = 45  # > warm_stop.py's 30 s warm + 10 s cold

if __name__ == "__main__":
    honcho.manager.KILL_WAIT = GRACE_SECONDS
    sys.exit(main())
