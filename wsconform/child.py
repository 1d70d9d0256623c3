"""A child process that says when it is ready: started, its output read line by line on a
thread of its own (so that it never blocks on a full pipe), until it prints a line that starts
with a given word; killed when the caller is done with it."""

from __future__ import annotations

import queue
import subprocess
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass


class NotReady(Exception):
    """The child exited, or printed no ready line in time; the message says which."""


@dataclass
class Child:
    process: subprocess.Popen[str]
    printed: list[str]  # every line up to and with the ready one
    lines: queue.Queue[str | None]  # what it prints after; None once its output has ended


@contextmanager
def started(
    command: list[str], ready: str, timeout: float, env: Mapping[str, str] | None = None
) -> Iterator[Child]:
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env
    )
    lines: queue.Queue[str | None] = queue.Queue()

    def pump() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.put(line.rstrip("\n"))
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    printed: list[str] = []
    try:
        while not printed or not printed[-1].startswith(ready):
            try:
                line = lines.get(timeout=timeout)
            except queue.Empty:
                said = printed[-3:]
                raise NotReady(f"printed no {ready!r} line within {timeout:g} s: {said}") from None
            if line is None:
                raise NotReady(f"exited before it was ready: {printed[-3:]}")
            printed.append(line)
        yield Child(process, printed, lines)
    finally:
        process.kill()
        process.wait(10)
