"""Pacing for shared staging: a rate limit on connection and auth attempts, a cap on open sockets.

Both limits are for the whole run; under pytest-xdist each worker process takes an equal share.
The waits here are rate limiting a user asked for, never synchronisation with the server.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable


class TooManyConnections(Exception):
    """Opening one more connection would exceed --max-connections (the test SKIPs)."""


def worker_share() -> int:
    """How many processes share the limits (pytest-xdist sets PYTEST_XDIST_WORKER_COUNT)."""
    try:
        return max(1, int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1")))
    except ValueError:
        return 1


class Pacer:
    def __init__(
        self,
        max_rate: float | None = None,
        max_connections: int | None = None,
        *,
        share: int = 1,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.interval = share / max_rate if max_rate else 0.0
        self.max_open = max(1, max_connections // share) if max_connections else None
        self.clock, self.sleep = clock, sleep
        self.open = 0
        self.waited = 0.0  # seconds spent pacing, for the report
        self._next = 0.0
        self._lock = threading.Lock()

    def attempt(self) -> None:
        """Return when one more connection or auth attempt is allowed by --max-rate."""
        if not self.interval:
            return
        with self._lock:
            now = self.clock()
            start = max(now, self._next)
            self._next = start + self.interval
        if start > now:
            self.waited += start - now
            self.sleep(start - now)

    def opened(self) -> None:
        with self._lock:
            if self.max_open is not None and self.open >= self.max_open:
                raise TooManyConnections(
                    f"this test needs more than {self.max_open} connection(s) open at once "
                    "(--max-connections, shared among pytest-xdist workers)"
                )
            self.open += 1

    def closed(self) -> None:
        with self._lock:
            self.open -= 1
