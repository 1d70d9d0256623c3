"""Real GraphQL-over-WebSocket servers (`graphql-transport-ws`, enisdenjo/graphql-ws PROTOCOL.md),
each written with its own library and installed as pinned, for the suite to judge: the graphql-ws
reference server and Apollo Server (Node, tests/graphql_servers/node, as package-lock.json locks
them), strawberry-graphql and ariadne (Python under uvicorn, tests/graphql_servers/python, in
.venv-graphql as constraints.txt pins them).

Every server serves the same schema at ws://127.0.0.1:PORT/graphql (`me`, `ticks`,
`countdown(from)`), takes an ES256 JWT (the ConnectionInit payload's `Authorization: Bearer …`, or
else the upgrade request's header) verified against `--public-key`, and rejects a bad one only
through its library's own hook, so what happens then is the library's doing.

    if reason := missing("strawberry"):
        pytest.skip(reason)
    with real_server("strawberry", public_key_file) as url:
        ...
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import subprocess
import sys
import threading
import time
import tomllib
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from standalone import WSCONFORM

from wsconform.mock.clock import MockClock
from wsconform.mock.issuer import TokenIssuer

ROOT = Path(__file__).resolve().parent.parent
HERE = ROOT / "tests" / "graphql_servers"
NODE_PROJECT = HERE / "node"
NODE_STAMP = NODE_PROJECT / "node_modules" / ".installed"
PYTHON_DIR = HERE / "python"
VENV = ROOT / ".venv-graphql"
VENV_STAMP = VENV / ".installed"
READY = "listening on "
READY_TIMEOUT = 20.0  # seconds from start to the `listening on` line (Apollo's is about 1 s)
STOP_TIMEOUT = 5.0  # seconds after SIGTERM before SIGKILL
STDERR_TAIL = 30  # lines of stderr kept for the failure message


def _locked(package: str) -> str:
    lock = json.loads((NODE_PROJECT / "package-lock.json").read_text())
    return lock["packages"][f"node_modules/{package}"]["version"]


def _pinned(distribution: str) -> str:
    for line in (PYTHON_DIR / "constraints.txt").read_text().splitlines():
        name, _, version = line.partition("==")
        if version and name.strip().lower() == distribution.lower():
            return version.strip()
    raise LookupError(f"{distribution} is not pinned in {PYTHON_DIR / 'constraints.txt'}")


@dataclass(frozen=True)
class RealServer:
    name: str
    library: str  # the package that implements the protocol (or serves it, for Apollo)
    version: str  # its pinned version
    stack: dict[str, str]  # the other pinned packages it runs on, name → version
    runtime: str  # "node" or "python"
    script: Path

    def command(self, public_key: Path) -> list[str]:
        node = shutil.which("node") or "node"
        interpreter = node if self.runtime == "node" else str(VENV_PYTHON)
        return [interpreter, str(self.script), "--port", "0", "--public-key", str(public_key)]


VENV_PYTHON = VENV / "bin" / "python"

SERVERS: dict[str, RealServer] = {
    "graphql-ws": RealServer(
        "graphql-ws",
        "graphql-ws",
        _locked("graphql-ws"),
        {"ws": _locked("ws"), "graphql": _locked("graphql")},
        "node",
        NODE_PROJECT / "reference.mjs",
    ),
    "apollo": RealServer(
        "apollo",
        "@apollo/server",
        _locked("@apollo/server"),
        {
            "graphql-ws": _locked("graphql-ws"),
            "ws": _locked("ws"),
            "graphql": _locked("graphql"),
            "express": _locked("express"),
            "@as-integrations/express5": _locked("@as-integrations/express5"),
        },
        "node",
        NODE_PROJECT / "apollo.mjs",
    ),
    "strawberry": RealServer(
        "strawberry",
        "strawberry-graphql",
        _pinned("strawberry-graphql"),
        {
            name: _pinned(name)
            for name in ("graphql-core", "starlette", "uvicorn", "websockets", "PyJWT")
        },
        "python",
        PYTHON_DIR / "strawberry_app.py",
    ),
    "ariadne": RealServer(
        "ariadne",
        "ariadne",
        _pinned("ariadne"),
        {
            name: _pinned(name)
            for name in ("graphql-core", "starlette", "uvicorn", "websockets", "PyJWT")
        },
        "python",
        PYTHON_DIR / "ariadne_app.py",
    ),
}


def missing(name: str) -> str | None:
    """What keeps server `name` from starting here (a reason to skip with), or None."""
    server = SERVERS[name]
    if server.runtime == "node":
        if shutil.which("node") is None:
            return f"node not found: the {name} server runs under Node"
        if not NODE_STAMP.exists():
            where = NODE_STAMP.parent.relative_to(ROOT)
            return f"{where} is missing: run `make {NODE_STAMP.relative_to(ROOT)}`"
        return None
    if not VENV_STAMP.exists() or not VENV_PYTHON.exists():
        return f"{VENV.name} is missing: run `make {VENV_STAMP.relative_to(ROOT)}`"
    return None


class ServerFailed(RuntimeError):
    """The server exited, or printed no `listening on` line in time; the message ends with the
    tail of its stderr."""


@contextmanager
def real_server(name: str, public_key: Path) -> Iterator[str]:
    """Server `name` as a child process on a free port (it binds port 0 and prints the one it
    got: no race with other workers for a port picked beforehand), verifying tokens against the
    PEM `public_key`; yields its ws:// URL once it prints `listening on`, and terminates it (kills
    it after STOP_TIMEOUT) when the block is left."""
    server = SERVERS[name]
    if reason := missing(name):
        raise ServerFailed(f"{name}: {reason}")
    process = subprocess.Popen(
        server.command(public_key),
        cwd=server.script.parent,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    stdout: queue.Queue[str | None] = queue.Queue()
    stderr: deque[str] = deque(maxlen=STDERR_TAIL)

    def pump_stdout() -> None:
        assert process.stdout is not None
        for line in process.stdout:  # read on to the end: the child never blocks on a full pipe
            stdout.put(line.rstrip("\n"))
        stdout.put(None)

    def pump_stderr() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            stderr.append(line.rstrip("\n"))

    readers = [threading.Thread(target=f, daemon=True) for f in (pump_stdout, pump_stderr)]
    for reader in readers:
        reader.start()
    try:
        url = _url_when_ready(name, process, stdout, stderr, readers[1])
        yield url
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(STOP_TIMEOUT)
        for reader in readers:
            reader.join(STOP_TIMEOUT)


def _url_when_ready(
    name: str,
    process: subprocess.Popen[str],
    stdout: queue.Queue[str | None],
    stderr: deque[str],
    stderr_reader: threading.Thread,
) -> str:
    deadline = time.monotonic() + READY_TIMEOUT
    printed: list[str] = []
    while True:
        left = deadline - time.monotonic()
        try:
            line = stdout.get(timeout=max(left, 0))
        except queue.Empty:
            line = ""
            if left <= 0:
                why = f"printed no {READY!r} line within {READY_TIMEOUT:g} s"
                break
        if line is None:
            process.wait(STOP_TIMEOUT)
            stderr_reader.join(STOP_TIMEOUT)  # all of its stderr, for the message
            why = f"exited ({process.returncode}) before it was ready"
            break
        if line.startswith(READY):
            return line[len(READY) :].strip()
        if line:
            printed.append(line)
    tail = "\n".join(stderr) or "(nothing)"
    raise ServerFailed(f"{name} server {why}; stdout: {printed[-5:]}; stderr tail:\n{tail}")


SUITE_TIMEOUT = 300.0  # seconds for one default live run of the suite (measured 26-32 s)


def judge(name: str, workdir: Path) -> dict[str, Any]:
    """Run the graphql-ws suite against server `name` as a user runs it against staging:
    default settings, CI=true, tokens from `wsconform mint` (the server verifies them against
    the issuer's public key). Returns results.json; its transcripts are under `workdir`."""
    key, public = workdir / "issuer.pem", workdir / "issuer.pub"
    public.write_bytes(TokenIssuer.from_key_file(MockClock(), key).public_pem)
    reports = workdir / "reports"
    with real_server(name, public) as url:
        subprocess.run(
            [
                sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "suites/graphql_ws",
                "--profile", "graphql-ws", "--endpoint", url,
                "--token-command", f"{WSCONFORM} mint graphql-ws --key-file {key}",
                "--report-dir", str(reports), "-q",
            ],
            cwd=ROOT, capture_output=True, text=True, timeout=SUITE_TIMEOUT,
            env={**os.environ, "CI": "true"},
        )  # fmt: skip
    results = reports / "graphql-ws" / "results.json"
    if not results.exists():
        raise ServerFailed(f"the suite wrote no {results} against {name}")
    return json.loads(results.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def expected() -> dict[str, dict[str, dict[str, str]]]:
    """tests/graphql_servers/expected.toml: server → requirement → {verdict, reason}."""
    with (HERE / "expected.toml").open("rb") as file:
        return tomllib.load(file)
