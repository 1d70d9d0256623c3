"""A pytest plugin for bench/run_time.py: how long the run's threads spend in time.sleep.

Loaded with `-p sleep_meter` (bench/ on PYTHONPATH). It wraps time.sleep for the whole run, and
at the end writes {"main": seconds, "other": seconds, "calls": n} to $WSCONFORM_SLEEP_OUT: the
test thread's sleeps (a sleep there is time the run waits for nothing) apart from the other
threads' (the embedded mocks' loops live there).
"""

from __future__ import annotations

import json
import os
import threading
import time

_real_sleep = time.sleep
_slept = {"main": 0.0, "other": 0.0, "calls": 0}
_lock = threading.Lock()


def _metered_sleep(seconds: float) -> None:
    start = time.perf_counter()
    try:
        _real_sleep(seconds)
    finally:
        spent = time.perf_counter() - start
        where = "main" if threading.current_thread() is threading.main_thread() else "other"
        with _lock:
            _slept[where] += spent
            _slept["calls"] += 1


def pytest_configure(config: object) -> None:
    time.sleep = _metered_sleep


def pytest_unconfigure(config: object) -> None:
    time.sleep = _real_sleep
    out = os.environ.get("WSCONFORM_SLEEP_OUT")
    if out:
        with open(out, "w", encoding="utf-8") as f:
            json.dump(_slept, f)
