"""Racing one piece of work against itself from several threads, each with its own database connection."""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import connection


def at_once(count: int, work: Callable[[], object], *, timeout: float = 60) -> list[object]:
    """Run `work` in `count` threads released together; what each returned, or the exception it raised."""
    barrier = threading.Barrier(count)
    outcomes: list[object] = []

    def one() -> None:
        try:
            barrier.wait(timeout=timeout)
            outcomes.append(work())
        except Exception as error:
            outcomes.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=one) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return outcomes
