"""What a run is waiting for, said as it happens: `-v` shows each real wait of a live run
("waiting 5.2 s for the token's exp"), `-vv` each lifecycle machine step too. The plugin installs
the writer; the one wait in progress is kept, so that a test that runs out of time can say what it
was waiting for."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator

WAITS, STEPS = 1, 2  # the verbosity each kind of line needs

_writer: Callable[[str], None] | None = None
_verbosity = 0
_current: tuple[str, float] | None = None  # the wait in progress: what, since (monotonic)
_interrupted: tuple[int, str] | None = None  # the innermost wait the latest exception ended


def install(writer: Callable[[str], None] | None, verbosity: int) -> None:
    global _writer, _verbosity
    _writer, _verbosity = writer, verbosity


def say(level: int, text: str) -> None:
    if _writer is not None and _verbosity >= level:
        _writer(f"wsconform: {text}")


@contextlib.contextmanager
def waiting(what: str, seconds: float | None = None) -> Iterator[None]:
    """A real wait for `what` (said at -v when it is `seconds` long, and kept as the wait in
    progress meanwhile)."""
    global _current, _interrupted
    if seconds is not None:
        say(WAITS, f"waiting {seconds:.1f} s for {what}")
    before, _current = _current, (what, time.monotonic())
    try:
        yield
    except BaseException as exc:
        if _interrupted is None or _interrupted[0] != id(exc):  # the innermost wait it ended
            _interrupted = (id(exc), current() or what)
        raise
    finally:
        _current = before


def current() -> str | None:
    """The wait in progress, as `what (for N s)`; None when nothing is awaited."""
    if _current is None:
        return None
    what, since = _current
    return f"{what} (for {time.monotonic() - since:.1f} s)"


def interrupted() -> str | None:
    """The wait the latest exception ended (a test that ran out of time: what it waited for)."""
    return _interrupted[1] if _interrupted is not None else None


def reset() -> None:
    """A new test: no wait of an earlier one is its concern."""
    global _current, _interrupted
    _current = _interrupted = None
