"""Run things as a user would: `wsconform mock` as a process, and pytest against its URL."""

from __future__ import annotations

import os
import queue
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from wsconform.child import NotReady, started
from wsconform.config import without_settings

ROOT = Path(__file__).resolve().parent.parent
WSCONFORM = str(Path(sys.executable).parent / "wsconform")  # the installed console script
READY_TIMEOUT = 20.0


@dataclass
class StandaloneMock:
    url: str
    lines: list[str] = field(default_factory=list)  # what it printed until ready
    pid: int = 0
    _later: queue.Queue[str | None] = field(default_factory=queue.Queue, repr=False)

    def printed_since_ready(self, until_exit: float | None = None) -> list[str]:
        """What it has printed after its ready lines and not returned before: so far, or with
        `until_exit` everything until its output ends (waited for that many seconds at most)."""
        out: list[str] = []
        while True:
            try:
                line = (
                    self._later.get_nowait()
                    if until_exit is None
                    else self._later.get(timeout=until_exit)
                )
            except queue.Empty:
                if until_exit is None:
                    return out
                raise AssertionError(f"output went on {until_exit:g} s after exit: {out}") from None
            if line is None:
                self._later.put(None)  # the end stays visible to the next call
                return out
            out.append(line)

    def line_after(self, prefix: str) -> str | None:
        """The rest of the first printed line that starts with `prefix`."""
        return next((ln[len(prefix) :].strip() for ln in self.lines if ln.startswith(prefix)), None)


def clean_env(**extra: str) -> dict[str, str]:
    """The environment of a child run: no WSCONFORM_* settings leak in from the caller."""
    return {**without_settings(os.environ), "HYPOTHESIS_PROFILE": "ci", **extra}


@contextmanager
def standalone_mock(
    profile: str, *args: str, wsconform: str = WSCONFORM
) -> Iterator[StandaloneMock]:
    """`wsconform mock <profile> --port 0 <args>`, until its `tokens:` line; killed afterwards.
    `wsconform`: the console script to run (another venv's, for an installed wheel)."""
    with _server([wsconform, "mock", profile, "--port", "0", *args], "tokens:") as server:
        yield server


# The independent servers (issue 17): a second implementation per profile, from the documents.
INDEPENDENT = ROOT / "tests" / "independent"


@contextmanager
def independent_server(profile: str, *args: str) -> Iterator[StandaloneMock]:
    """tests/independent/<profile>_server.py --port 0 <args>, until its `ready` line."""
    script = INDEPENDENT / f"{profile.replace('-', '_')}_server.py"
    with _server([sys.executable, str(script), "--port", "0", *args], "ready") as server:
        yield server


@contextmanager
def _server(command: list[str], ready: str) -> Iterator[StandaloneMock]:
    """A server process, until it prints a line starting with `ready`; killed afterwards."""
    try:
        with started(command, ready, READY_TIMEOUT, clean_env()) as child:
            printed = child.printed
            url = next(
                ln.split(" listening on ")[1].split()[0] for ln in printed if "listening" in ln
            )
            yield StandaloneMock(url, printed, child.process.pid, child.lines)
    except NotReady as exc:
        raise AssertionError(f"{command[1]} {exc}") from None


def venv_python(venv: str, probe: str, what: str) -> Path:
    """The Python of the checkout's venv `venv` (a client's own, which `make test` builds), once
    `probe` (Python code) runs in it; else the test skips, saying what is missing."""
    python = ROOT / venv / "bin" / "python"
    if not python.exists():
        pytest.skip(f"{venv} is missing: make {venv}/.installed")
    found = subprocess.run([python, "-c", probe], capture_output=True, text=True, timeout=60)
    if found.returncode != 0:
        pytest.skip(f"{what} is not importable in {venv}: {found.stderr.strip()}")
    return python


# The live targets of the self-tests: the reference mock and the independent server.
SERVERS = {"mock": standalone_mock, "independent": independent_server}


def run_pytest(
    *args: str, timeout: float = 600, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """pytest in a child process from the repository root, as a user runs the suite."""
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=clean_env(**(env or {})),
        timeout=timeout,
    )
