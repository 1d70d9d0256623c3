"""The mock's clock: wall time plus an offset that tests move forward.

Expiry on the embedded mock never waits on wall time: a test advances the clock past a token's
`exp`. Standalone mocks leave the offset at zero and behave in real time.
"""

from __future__ import annotations

import threading
import time


class MockClock:
    def __init__(self) -> None:
        self._offset = 0.0
        self._lock = threading.Lock()

    def now(self) -> float:
        with self._lock:
            return time.time() + self._offset

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("the mock clock only moves forward")
        with self._lock:
            self._offset += seconds
