"""Capacity of one reference-mock process, Paradex profile (figures, not a timed test). Prints,
measured in one run against `wsconform mock paradex` started as its own process, as a user runs it:

1. concurrent authenticated sessions the one process holds (goal 10,000): --sessions are opened
   (--concurrency handshakes in flight) and kept open all at once, then each must still answer a
   ping; with the mock's RSS idle and with them all open, and the memory per session;
2. new authenticated sessions per second (goal >= 1,000/s): --churn times a fresh connection,
   an auth, a close, with --concurrency of them in flight; with where the time went (the mean
   wait per step, and the CPU each process spent).

Clients are websockets asyncio clients in this process (no compression, no keepalive pings):
they share the machine's cores with the mock, so the figures are for the pair. Both processes
get this process's open-file limit (raised to the hard limit if allowed); a connection takes one
descriptor in each, so sessions and concurrency are capped a margin below it, and a cap below
--sessions is said in the output. The mock's output is drained and counted, shown only if it fails.

    .venv/bin/python bench/mock_capacity.py [--sessions N] [--churn N] [--concurrency N]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import resource
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, deque
from collections.abc import Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, TypeVar

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import WebSocketException

from wsconform.config import without_settings
from wsconform.mock.clock import MockClock
from wsconform.mock.issuer import TokenIssuer
from wsconform.profiles import get_profile

T = TypeVar("T")

WSCONFORM = str(Path(sys.executable).parent / "wsconform")  # the installed console script
PROFILE = "paradex"
GOAL_SESSIONS = 10_000
GOAL_RATE = 1_000  # new authenticated sessions per second
FD_MARGIN = 300  # descriptors kept free per process: listener, pipes, epoll, libraries
READY_TIMEOUT = 20.0  # the mock's ready lines
OP_TIMEOUT = 30.0  # any one wait on the wire; generous, as 2 cores serve both processes
IDLE_WINDOW = 2.0  # seconds over which the mock's CPU with every session idle is measured
EXIT_TIMEOUT = 10.0  # the mock's exit after SIGTERM, before SIGKILL
LOG_TAIL = 40  # lines of the mock's output kept to show if it fails
LINE_CHUNK = 1 << 16  # a line longer than this is read (and counted) in pieces
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
KIB = 1024


class BenchError(Exception):
    """The run could not give its figures."""


class AuthRefused(Exception):
    """The mock answered the auth request with something other than a result."""


# -- the mock process -------------------------------------------------------------------------


class MockLog:
    """The mock's stdout and stderr, drained from their pipe on a thread so the mock never
    blocks on it and the terminal never sees it: counted, with a short tail kept for failures."""

    def __init__(self, pipe: IO[bytes]) -> None:
        self.ready_lines: list[str] = []
        self.ready = threading.Event()
        self.lines = 0  # printed after the ready lines
        self.bytes = 0
        self.tail: deque[str] = deque(maxlen=LOG_TAIL)
        self._thread = threading.Thread(target=self._drain, args=(pipe,), daemon=True)
        self._thread.start()

    def _drain(self, pipe: IO[bytes]) -> None:
        for chunk in iter(lambda: pipe.readline(LINE_CHUNK), b""):
            text = chunk.decode("utf-8", "replace").rstrip("\n")
            self.tail.append(text)
            if not self.ready.is_set():
                self.ready_lines.append(text)
                if text.startswith("tokens:"):  # the last line `wsconform mock` prints when ready
                    self.ready.set()
                continue
            self.bytes += len(chunk)
            self.lines += chunk.endswith(b"\n")
        self.ready.set()  # EOF: whoever waits for the ready lines must look at the process

    def join(self, timeout: float) -> None:
        self._thread.join(timeout)


@dataclass
class MockProcess:
    process: subprocess.Popen[bytes]
    log: MockLog
    url: str = ""

    @property
    def pid(self) -> int:
        return self.process.pid

    def check_alive(self, when: str) -> None:
        if self.process.poll() is not None:
            raise BenchError(f"the mock exited (status {self.process.returncode}) {when}")


@contextlib.contextmanager
def mock_process(key_file: Path) -> Iterator[MockProcess]:
    """`wsconform mock paradex --port 0 --key-file KEY` until it is ready; terminated after."""
    process = subprocess.Popen(
        [WSCONFORM, "mock", PROFILE, "--port", "0", "--key-file", str(key_file)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=without_settings(os.environ),  # no WSCONFORM_* settings of the caller's
        start_new_session=True,  # a Ctrl-C reaches us only: the clients close before it stops
    )
    assert process.stdout is not None
    mock = MockProcess(process, MockLog(process.stdout))
    failed = False
    try:
        if not mock.log.ready.wait(READY_TIMEOUT):
            raise BenchError(f"the mock printed no ready line within {READY_TIMEOUT:g} s")
        mock.check_alive("before it was ready")
        found = re.search(r" listening on (\S+)", "\n".join(mock.log.ready_lines))
        if found is None:
            raise BenchError("the mock's ready lines name no URL")
        mock.url = found.group(1)
        yield mock
    except BenchError:
        failed = True
        raise
    finally:
        failed = failed or process.poll() is not None  # it exited by itself: that is a failure
        stop(process)
        mock.log.join(EXIT_TIMEOUT)
        if failed:
            show_tail(mock.log)


def show_tail(log: MockLog) -> None:
    print(f"the mock's last {len(log.tail)} lines of output:", file=sys.stderr)
    for line in log.tail:
        print(f"  | {line}", file=sys.stderr)


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(EXIT_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(EXIT_TIMEOUT)


def rss_kib(pid: int) -> int:
    """Resident memory of a process, KiB (Linux)."""
    status = Path(f"/proc/{pid}/status").read_text()
    found = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
    if found is None:
        raise BenchError(f"no VmRSS in /proc/{pid}/status")
    return int(found.group(1))


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used, seconds (Linux)."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat.rsplit(")", 1)[1].split()  # after the command name, which may hold spaces
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime


def open_fds(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


def machine_busy_seconds() -> float:
    """CPU time every core has spent busy, summed, seconds (Linux /proc/stat)."""
    user, nice, system, _idle, _iowait, irq, softirq, steal = map(
        int, Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]
    )
    return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS


@dataclass
class CpuMeter:
    """CPU seconds spent since it was made: by the mock, by this process (the clients), and by
    everything else on the machine (other work shares the cores and moves the figures)."""

    pid: int
    wall: float = field(init=False)
    start: tuple[float, float, float] = field(init=False)

    def __post_init__(self) -> None:
        self.wall, self.start = time.perf_counter(), self._now()

    def _now(self) -> tuple[float, float, float]:
        return cpu_seconds(self.pid), time.process_time(), machine_busy_seconds()

    def shares(self) -> tuple[float, float, float]:
        """(mock, clients, other processes), each in cores kept busy on average."""
        wall = time.perf_counter() - self.wall
        mock, ours, machine = (
            now - then for now, then in zip(self._now(), self.start, strict=True)
        )
        return mock / wall, ours / wall, max(machine - mock - ours, 0.0) / wall


def raise_fd_limit() -> int:
    """The soft open-file limit, raised to the hard limit when allowed (children inherit it)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and soft < hard:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


# -- clients ----------------------------------------------------------------------------------


async def within(seconds: float, what: str, awaitable: Awaitable[T]) -> T:
    """`awaitable`, or a TimeoutError that names what was awaited."""
    try:
        async with asyncio.timeout(seconds):
            return await awaitable
    except TimeoutError:
        raise TimeoutError(f"no {what} within {seconds:g} s") from None


async def pool(jobs: Iterable[T], workers: int, job: Callable[[T], Awaitable[None]]) -> None:
    """`job` over every item of `jobs`, `workers` at a time (each worker takes the next item);
    jobs count their own failures, so one failing does not stop the others."""
    items = iter(jobs)

    async def worker() -> None:
        for item in items:
            await job(item)

    async with asyncio.TaskGroup() as group:
        for _ in range(workers):
            group.create_task(worker())


def describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:160]


SESSION_ERRORS = (OSError, TimeoutError, WebSocketException, AuthRefused, ValueError)


@dataclass
class Steps:
    """Summed waits of the steps of many sessions, seconds."""

    handshake: float = 0.0
    auth: float = 0.0
    close: float = 0.0


async def open_session(
    url: str, token: str, request_id: int, steps: Steps | None = None
) -> ClientConnection:
    """A connection to the mock, authenticated with `token` (which is never shown)."""
    started = time.perf_counter()
    # No keepalive pings: they would add load to the figure; the mock pings by itself.
    ws = await within(
        OP_TIMEOUT,
        "opening handshake",
        connect(url, compression=None, ping_interval=None, open_timeout=None, proxy=None),
    )
    try:
        shaken = time.perf_counter()
        request = {"jsonrpc": "2.0", "method": "auth", "params": {"bearer": token}}
        await within(
            OP_TIMEOUT,
            "send of the auth request",
            ws.send(json.dumps(request | {"id": request_id})),
        )
        reply: Any = json.loads(await within(OP_TIMEOUT, "auth reply", ws.recv()))
        if not isinstance(reply, dict) or "result" not in reply or reply.get("id") != request_id:
            error = reply.get("error") if isinstance(reply, dict) else None
            raise AuthRefused(f"auth answered without a result (error {error})")
    except BaseException:
        ws.transport.abort()
        raise
    if steps is not None:
        steps.handshake += shaken - started
        steps.auth += time.perf_counter() - shaken
    return ws


async def close_session(ws: ClientConnection) -> None:
    try:
        await within(OP_TIMEOUT, "closing handshake", ws.close())
    except SESSION_ERRORS:
        ws.transport.abort()


@dataclass
class Held:
    sessions: list[ClientConnection] = field(default_factory=list)
    failures: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0  # to open them all


async def open_many(url: str, tokens: list[str], concurrency: int, held: Held) -> None:
    """Every token's session opened and kept in `held` (bounded handshakes in flight, so the
    listen backlog never overflows into SYN retries)."""

    async def one(index: int) -> None:
        try:
            held.sessions.append(await open_session(url, tokens[index], index + 1))
        except SESSION_ERRORS as exc:
            held.failures[describe(exc)] += 1

    started = time.perf_counter()
    await pool(range(len(tokens)), concurrency, one)
    held.seconds = time.perf_counter() - started


async def still_open(sessions: list[ClientConnection], concurrency: int) -> int:
    """How many sessions answer a ping now: open at both ends, not just in our bookkeeping."""
    alive = 0

    async def one(ws: ClientConnection) -> None:
        nonlocal alive
        with contextlib.suppress(*SESSION_ERRORS):
            pong = await within(OP_TIMEOUT, "send of a ping", ws.ping())
            await within(OP_TIMEOUT, "pong", pong)
            alive += 1

    await pool(sessions, concurrency, one)
    return alive


@dataclass
class Churn:
    done: int = 0
    failures: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0
    steps: Steps = field(default_factory=Steps)
    cpu: tuple[float, float, float] = (0.0, 0.0, 0.0)  # CpuMeter.shares


async def churn(mock: MockProcess, tokens: list[str], concurrency: int) -> Churn:
    """Connect, authenticate, close, once per token, `concurrency` at a time."""
    result = Churn()

    async def one(index: int) -> None:
        try:
            ws = await open_session(mock.url, tokens[index], index + 1, result.steps)
            closing = time.perf_counter()
            await within(OP_TIMEOUT, "closing handshake", ws.close())
            result.steps.close += time.perf_counter() - closing
            result.done += 1
        except SESSION_ERRORS as exc:
            result.failures[describe(exc)] += 1

    meter = CpuMeter(mock.pid)
    started = time.perf_counter()
    await pool(range(len(tokens)), concurrency, one)
    result.seconds = time.perf_counter() - started
    result.cpu = meter.shares()
    return result


# -- the run ----------------------------------------------------------------------------------


def mint(key_file: Path, count: int) -> list[str]:
    """`count` valid tokens, as `wsconform mint paradex valid` makes them, minted up front so
    signing is in neither figure."""
    lifetime = get_profile(PROFILE).token_lifetime
    issuer = TokenIssuer.from_key_file(MockClock(), key_file, lifetime=lifetime)
    return [issuer.issue() for _ in range(count)]


def failures_line(failures: Counter[str]) -> str:
    kinds = "; ".join(f"{n} x {what}" for what, n in failures.most_common(3))
    return f"  failed: {sum(failures.values())} ({kinds})"


def goal(reached: bool, why_not: str = "") -> str:
    return "reached" if reached else f"NOT reached{': ' + why_not if why_not else ''}"


async def hold(mock: MockProcess, tokens: list[str], concurrency: int, capped: str) -> None:
    """Figure 1: every token's session open at once, and what the mock needs for them."""
    rss_idle, fds_idle = rss_kib(mock.pid), open_fds(mock.pid)
    held = Held()
    try:
        await open_many(mock.url, tokens, concurrency, held)
        mock.check_alive("while sessions were opened")
        rss_full, fds_full = rss_kib(mock.pid), open_fds(mock.pid)
        meter = CpuMeter(mock.pid)
        await asyncio.sleep(IDLE_WINDOW)  # a measuring window, not a wait for anything
        idle_cpu = meter.shares()[0]
        alive = await still_open(held.sessions, concurrency)
    finally:
        # Closed before the churn, which then runs on an otherwise idle mock.
        await pool(held.sessions, concurrency, close_session)
    mock.check_alive("while sessions were held")
    short = capped or (f"only {len(tokens)} asked for" if len(tokens) < GOAL_SESSIONS else "")
    print(
        f"concurrent authenticated sessions: {alive} of {len(tokens)} (goal {GOAL_SESSIONS:,}): "
        f"{goal(alive >= GOAL_SESSIONS, short or 'some failed or closed')}"
    )
    print(
        f"  opened in {held.seconds:.1f} s ({len(held.sessions) / held.seconds:.0f}/s, "
        f"{concurrency} in flight); mock open files {fds_idle} idle, {fds_full} with them; "
        f"mock CPU with them idle: {idle_cpu:.0%} of a core"
    )
    if held.failures:
        print(failures_line(held.failures))
    per_session = (rss_full - rss_idle) / max(len(held.sessions), 1)
    print(
        f"mock RSS: {rss_idle / KIB:.1f} MiB idle, {rss_full / KIB:.1f} MiB with "
        f"{len(held.sessions)} sessions: {per_session:.1f} KiB per session"
    )


async def rate(mock: MockProcess, tokens: list[str], concurrency: int) -> None:
    """Figure 2: new authenticated sessions per second, and where their time went."""
    result = await churn(mock, tokens, concurrency)
    mock.check_alive("during the churn")
    per_second = result.done / result.seconds
    print(
        f"new authenticated sessions/s: {per_second:.0f} (goal >= {GOAL_RATE:,}): "
        f"{goal(per_second >= GOAL_RATE and not result.failures)}"
    )
    ms = 1e3 / max(result.done, 1)  # mean milliseconds per session, from summed seconds
    steps = result.steps
    print(
        f"  {result.done} of {len(tokens)} in {result.seconds:.2f} s, {concurrency} in "
        f"flight; mean wait per session: handshake {steps.handshake * ms:.1f} ms, "
        f"auth {steps.auth * ms:.1f} ms, close {steps.close * ms:.1f} ms"
    )
    mock_cpu, client_cpu, other_cpu = result.cpu
    print(
        f"  CPU, in cores busy of {os.cpu_count()}: mock {mock_cpu:.2f} "
        f"({mock_cpu * result.seconds * ms:.2f} ms per session), clients {client_cpu:.2f}, "
        f"other processes {other_cpu:.2f}"
    )
    if result.failures:
        print(failures_line(result.failures))


async def measure(
    mock: MockProcess, held: list[str], churned: list[str], concurrency: int, capped: str
) -> None:
    await hold(mock, held, concurrency, capped)
    await rate(mock, churned, concurrency)


def on_sigterm(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt  # so the clients close and the mock is stopped, as on Ctrl-C


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument(
        "--sessions", type=int, default=GOAL_SESSIONS, help="sessions held at once (10000)"
    )
    ap.add_argument("--churn", type=int, default=3000, help="sessions opened and closed (3000)")
    ap.add_argument(
        "--concurrency", type=int, default=100, help="handshakes in flight at once (100)"
    )
    args = ap.parse_args()
    if min(args.sessions, args.churn, args.concurrency) < 1:
        ap.error("--sessions, --churn and --concurrency must be at least 1")
    signal.signal(signal.SIGTERM, on_sigterm)

    limit = raise_fd_limit()
    cap = limit - FD_MARGIN  # per process: the mock has one descriptor per session, as we do
    if cap < 1:
        sys.exit(f"no figures: the open-file limit {limit} leaves nothing above {FD_MARGIN}")
    sessions, concurrency, capped = args.sessions, min(args.concurrency, cap), ""
    if sessions > cap:
        sessions = cap
        capped = f"capped at {cap} by the open-file limit {limit} (less a margin of {FD_MARGIN})"
        print(f"sessions: {capped}; figures are for {cap}")

    with tempfile.TemporaryDirectory() as scratch:
        key_file = Path(scratch) / "mock-key.pem"
        tokens = mint(key_file, sessions + args.churn)  # creates the key the mock then loads
        started = time.perf_counter()
        with mock_process(key_file) as mock:
            try:
                asyncio.run(
                    measure(mock, tokens[:sessions], tokens[sessions:], concurrency, capped)
                )
            except KeyboardInterrupt:
                sys.exit("interrupted: clients closed, mock stopped")
        print(
            f"mock log: {mock.log.lines} lines ({mock.log.bytes} bytes) during the run of "
            f"{time.perf_counter() - started:.1f} s"
        )


if __name__ == "__main__":
    try:
        main()
    except BenchError as exc:
        sys.exit(f"no figures: {exc}")
    except KeyboardInterrupt:  # before the mock started, or after it stopped
        sys.exit("interrupted")
