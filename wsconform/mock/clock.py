"""The mock's clock: wall time plus an offset that tests move forward.

Expiry on the embedded mock never waits on wall time: a test advances the clock past a token's
`exp`. A test may also hold the clock still (`frozen`), so that only its own advances move it:
on a loaded machine a few seconds of wall time could otherwise expire a short-lived token
between two steps of a state machine. Standalone mocks leave the offset at zero and behave in
real time.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager


class MockClock:
    def __init__(self) -> None:
        self._offset = 0.0
        self._frozen_at: float | None = None  # while frozen: the time, moved by advance only
        self._lock = threading.Lock()

    def now(self) -> float:
        with self._lock:
            if self._frozen_at is not None:
                return self._frozen_at
            return time.time() + self._offset

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("the mock clock only moves forward")
        with self._lock:
            if self._frozen_at is not None:
                self._frozen_at += seconds
            else:
                self._offset += seconds

    @contextmanager
    def frozen(self) -> Iterator[None]:
        """Within the block the clock moves only by `advance`; afterwards it runs on from
        where it stood, so it never goes back."""
        with self._lock:
            if self._frozen_at is not None:
                raise RuntimeError("the mock clock is already frozen")
            self._frozen_at = time.time() + self._offset
        try:
            yield
        finally:
            with self._lock:
                self._offset = self._frozen_at - time.time()
                self._frozen_at = None
