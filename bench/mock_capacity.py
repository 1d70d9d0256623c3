"""Capacity of one reference-mock process (figures, not a timed test). Prints, measured in one
run against `wsconform mock <profile>` started as its own process, as a user runs it (--profile
paradex by default, or zenith):

1. the idle cost: the mock's CPU (utime + stime from /proc, over IDLE_WINDOW seconds) with no
   session, then with --idle authenticated sessions that subscribe to nothing;
2. concurrent authenticated sessions the one process holds with data flowing (goal 19,000):
   --sessions are opened (--concurrency handshakes in flight), each subscribes to the profile's
   public channel and must get a data frame on it, frames are counted over IDLE_WINDOW, and each
   must still answer a ping; with the mock's RSS before and with them, and the memory per session;
3. new authenticated sessions per second (goal >= 2,000/s): --churn times a fresh connection,
   an auth, a close, with --concurrency of them in flight; with where the time went (the mean
   wait per step, and the CPU each process spent).

Clients are websockets asyncio clients in this process (no compression, no keepalive pings):
they share the machine's cores with the mock, so the figures are for the pair. Both processes
get this process's open-file limit (raised to the hard limit if allowed); a connection takes one
descriptor in each, so sessions and concurrency are capped a margin below it, and a cap below
--sessions is said in the output. The mock's output is drained and counted, shown only if it fails.
The mock runs the code of --mock-code (default this checkout), so that one checkout's clients
measure another's mock (before and after a change).

    .venv/bin/python bench/mock_capacity.py [--profile P] [--sessions N] [--idle N] [--churn N]
        [--concurrency N] [--mock-code DIR]
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
from wsconform.vendors.paradex import protocol as paradex
from wsconform.vendors.zenith import protocol as zenith

T = TypeVar("T")

CHECKOUT = Path(__file__).resolve().parents[1]  # the mock runs this code unless told otherwise
# `wsconform mock` from whatever code is first on the mock's PYTHONPATH (the console script's
# own installation could be another checkout's).
WSCONFORM = [sys.executable, "-c", "from wsconform.cli import main; main()"]
GOAL_SESSIONS = 19_000
GOAL_RATE = 2_000  # new authenticated sessions per second
IDLE_SESSIONS = 10_000  # the sessions of the idle-cost figure
FD_MARGIN = 300  # descriptors kept free per process: listener, pipes, epoll, libraries
READY_TIMEOUT = 20.0  # the mock's ready lines
OP_TIMEOUT = 30.0  # any one wait on the wire; generous, as 2 cores serve both processes
IDLE_WINDOW = 10.0  # seconds over which the mock's CPU (and data received) is measured
SUBSCRIBE_ID = 1  # the id of every subscription request (replies are not awaited: data is)
SUBSCRIBING = 2000  # subscriptions awaiting their first data at once (no handshake: no backlog)
EXIT_TIMEOUT = 10.0  # the mock's exit after SIGTERM, before SIGKILL
LOG_TAIL = 40  # lines of the mock's output kept to show if it fails
LINE_CHUNK = 1 << 16  # a line longer than this is read (and counted) in pieces
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
KIB = 1024


class BenchError(Exception):
    """The run could not give its figures."""


class AuthRefused(Exception):
    """The mock answered the auth request with something other than a result."""


@dataclass(frozen=True)
class Wire:
    """What a client says and hears in one profile's protocol."""

    subprotocols: list[str] | None
    auth: Callable[[str, int], dict[str, Any]]  # token, request id → the auth request
    authed: Callable[[dict[str, Any], int], bool]  # reply, request id → a success
    subscribe: dict[str, Any]  # to the profile's public channel
    is_data: Callable[[Any], bool]  # a data frame of that channel


WIRES = {
    "paradex": Wire(
        subprotocols=None,
        auth=paradex.auth_request,
        authed=lambda reply, rid: reply.get("id") == rid and "result" in reply,
        subscribe=paradex.subscribe_request(paradex.DEFAULT_PUBLIC_CHANNEL, SUBSCRIBE_ID),
        is_data=lambda message: paradex.is_data(message, paradex.DEFAULT_PUBLIC_CHANNEL),
    ),
    "zenith": Wire(
        subprotocols=[zenith.SUBPROTOCOL],
        auth=zenith.auth_token,
        authed=lambda reply, rid: (
            reply.get("TransactionID") == rid and zenith.result_of(reply) == zenith.SUCCESS
        ),
        subscribe=zenith.sub(zenith.PUBLIC_CHANNEL, SUBSCRIBE_ID),
        is_data=zenith.is_data(zenith.PUBLIC_CHANNEL),
    ),
}


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
    wire: Wire
    url: str = ""

    @property
    def pid(self) -> int:
        return self.process.pid

    def check_alive(self, when: str) -> None:
        if self.process.poll() is not None:
            raise BenchError(f"the mock exited (status {self.process.returncode}) {when}")


@contextlib.contextmanager
def mock_process(profile: str, key_file: Path, code: Path) -> Iterator[MockProcess]:
    """`wsconform mock PROFILE --port 0 --key-file KEY`, running the code in `code`, until it is
    ready; terminated after."""
    env = without_settings(os.environ)  # no WSCONFORM_* settings of the caller's
    env["PYTHONPATH"] = str(code)
    process = subprocess.Popen(
        [*WSCONFORM, "mock", profile, "--port", "0", "--key-file", str(key_file)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=env,
        cwd=code,  # `python -c` puts its working directory before PYTHONPATH
        start_new_session=True,  # a Ctrl-C reaches us only: the clients close before it stops
    )
    assert process.stdout is not None
    mock = MockProcess(process, MockLog(process.stdout), WIRES[profile])
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
    mock: MockProcess, token: str, request_id: int, steps: Steps | None = None
) -> ClientConnection:
    """A connection to the mock, authenticated with `token` (which is never shown)."""
    wire = mock.wire
    started = time.perf_counter()
    # No keepalive pings: they would add load to the figure; the mock pings by itself.
    ws = await within(
        OP_TIMEOUT,
        "opening handshake",
        connect(
            mock.url,
            subprotocols=wire.subprotocols,  # type: ignore[arg-type]
            compression=None,
            ping_interval=None,
            open_timeout=None,
            proxy=None,
        ),
    )
    try:
        shaken = time.perf_counter()
        request = json.dumps(wire.auth(token, request_id))
        await within(OP_TIMEOUT, "send of the auth request", ws.send(request))
        reply: Any = json.loads(await within(OP_TIMEOUT, "auth reply", ws.recv()))
        if not isinstance(reply, dict) or not wire.authed(reply, request_id):
            raise AuthRefused(f"auth answered with no success: {str(reply)[:100]}")
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


async def open_many(
    mock: MockProcess, tokens: list[str], first_id: int, concurrency: int, held: Held
) -> float:
    """Every token's session opened and kept in `held` (bounded handshakes in flight, so the
    listen backlog never overflows into SYN retries); the seconds it took."""

    async def one(index: int) -> None:
        try:
            held.sessions.append(await open_session(mock, tokens[index], first_id + index))
        except SESSION_ERRORS as exc:
            held.failures[describe(exc)] += 1

    started = time.perf_counter()
    await pool(range(len(tokens)), concurrency, one)
    return time.perf_counter() - started


async def first_data(ws: ClientConnection, wire: Wire) -> None:
    """Frames read (the subscription's reply among them) until one is data on the channel."""
    while not wire.is_data(json.loads(await ws.recv())):
        pass


async def subscribe_all(mock: MockProcess, held: Held) -> list[ClientConnection]:
    """Every held session subscribed to the public channel: those whose data came."""
    flowing: list[ClientConnection] = []
    request = json.dumps(mock.wire.subscribe)

    async def one(ws: ClientConnection) -> None:
        try:
            await within(OP_TIMEOUT, "send of the subscription", ws.send(request))
            await within(OP_TIMEOUT, "a data frame", first_data(ws, mock.wire))
            flowing.append(ws)
        except SESSION_ERRORS as exc:
            held.failures[describe(exc)] += 1

    await pool(held.sessions, SUBSCRIBING, one)
    return flowing


@dataclass
class Received:
    frames: int = 0


async def read_all(ws: ClientConnection, received: Received) -> None:
    """Frames counted as they come, until the connection closes (or the task is cancelled)."""
    with contextlib.suppress(*SESSION_ERRORS):
        async for _ in ws:
            received.frames += 1


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


async def window(mock: MockProcess) -> tuple[float, float, float]:
    """CpuMeter.shares over IDLE_WINDOW seconds."""
    meter = CpuMeter(mock.pid)
    await asyncio.sleep(IDLE_WINDOW)  # a measuring window, not a wait for anything
    return meter.shares()


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
            ws = await open_session(mock, tokens[index], index + 1, result.steps)
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


def mint(issuer: TokenIssuer, count: int) -> list[str]:
    """`count` valid tokens, as `wsconform mint PROFILE valid` makes them, minted before each
    figure so that signing is in none, and no token expires during a long run."""
    return [issuer.issue() for _ in range(count)]


def failures_line(failures: Counter[str]) -> str:
    kinds = "; ".join(f"{n} x {what}" for what, n in failures.most_common(3))
    return f"  failed: {sum(failures.values())} ({kinds})"


def goal(reached: bool, why_not: str = "") -> str:
    return "reached" if reached else f"NOT reached{': ' + why_not if why_not else ''}"


def cpu_line(shares: tuple[float, float, float]) -> str:
    mock_cpu, client_cpu, other_cpu = shares
    return f"mock {mock_cpu:.1%} of a core (clients {client_cpu:.1%}, others {other_cpu:.1%})"


async def idle_cost(mock: MockProcess, tokens: list[str], concurrency: int, held: Held) -> int:
    """Figure 1: the mock's CPU with no session, then with `tokens`' sessions open, authenticated
    and subscribed to nothing (left open in `held`); the mock's RSS before them, KiB."""
    rss_none = rss_kib(mock.pid)
    alone = await window(mock)
    seconds = await open_many(mock, tokens, 1, concurrency, held)
    mock.check_alive("while idle sessions were opened")
    rss_idle = rss_kib(mock.pid)
    with_idle = await window(mock)
    count = len(held.sessions)
    print(f"idle cost over {IDLE_WINDOW:g} s, in % of a core:")
    print(f"  no session: {cpu_line(alone)}")
    print(
        f"  {count} idle authenticated sessions (opened in {seconds:.1f} s, "
        f"{count / seconds:.0f}/s): {cpu_line(with_idle)}; "
        f"{(rss_idle - rss_none) / max(count, 1):.1f} KiB per session"
    )
    return rss_none


async def hold(
    mock: MockProcess, tokens: list[str], concurrency: int, held: Held, rss_none: int, capped: str
) -> None:
    """Figure 2: the sessions of `held` and one per token open at once and subscribed, with data
    flowing, and what the mock needs for them; all closed after."""
    first_id, wanted = len(held.sessions) + 1, len(held.sessions) + len(tokens)
    fds_none = open_fds(mock.pid) - len(held.sessions)
    readers: list[asyncio.Task[None]] = []
    try:
        await open_many(mock, tokens, first_id, concurrency, held)
        mock.check_alive("while sessions were opened")
        started = time.perf_counter()
        flowing = await subscribe_all(mock, held)
        subscribed = time.perf_counter() - started
        mock.check_alive("while sessions subscribed")
        received = Received()
        readers = [asyncio.create_task(read_all(ws, received)) for ws in flowing]
        before = received.frames
        shares = await window(mock)
        frames = received.frames - before
        rss_full, fds_full = rss_kib(mock.pid), open_fds(mock.pid)
        alive = await still_open(flowing, concurrency)
    finally:
        for reader in readers:
            reader.cancel()
        await asyncio.gather(*readers, return_exceptions=True)
        # Closed before the churn, which then runs on an otherwise idle mock.
        await pool(held.sessions, concurrency, close_session)
    mock.check_alive("while sessions were held")
    short = capped or (f"only {wanted} asked for" if wanted < GOAL_SESSIONS else "")
    print(
        f"concurrent authenticated sessions with data flowing: {alive} of {wanted} "
        f"(goal {GOAL_SESSIONS:,}): {goal(alive >= GOAL_SESSIONS, short or 'some failed')}"
    )
    print(
        f"  {len(flowing)} subscribed and got data in {subscribed:.1f} s; then over "
        f"{IDLE_WINDOW:g} s {frames / IDLE_WINDOW:.0f} data frames/s in all "
        f"({frames / IDLE_WINDOW / max(len(flowing), 1):.2f}/s per session); {cpu_line(shares)}"
    )
    print(f"  mock open files {fds_none} with no session, {fds_full} with them")
    if held.failures:
        print(failures_line(held.failures))
    per_session = (rss_full - rss_none) / max(len(held.sessions), 1)
    print(
        f"mock RSS: {rss_none / KIB:.1f} MiB with no session, {rss_full / KIB:.1f} MiB with "
        f"{len(held.sessions)} sessions and their data: {per_session:.1f} KiB per session"
    )


async def rate(mock: MockProcess, tokens: list[str], concurrency: int) -> None:
    """Figure 3: new authenticated sessions per second, and where their time went."""
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
    mock: MockProcess,
    issuer: TokenIssuer,
    sessions: int,
    idle: int,
    churned: int,
    concurrency: int,
    capped: str,
) -> None:
    held = Held()
    rss_none = await idle_cost(mock, mint(issuer, idle), concurrency, held)
    more = mint(issuer, sessions - len(held.sessions))
    await hold(mock, more, concurrency, held, rss_none, capped)
    await rate(mock, mint(issuer, churned), concurrency)


def on_sigterm(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt  # so the clients close and the mock is stopped, as on Ctrl-C


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--profile", choices=sorted(WIRES), default="paradex", help="(paradex)")
    ap.add_argument(
        "--sessions", type=int, default=GOAL_SESSIONS, help="sessions held at once (19000)"
    )
    ap.add_argument(
        "--idle", type=int, default=IDLE_SESSIONS, help="idle sessions of the idle cost (10000)"
    )
    ap.add_argument("--churn", type=int, default=5000, help="sessions opened and closed (5000)")
    ap.add_argument(
        "--concurrency", type=int, default=100, help="handshakes in flight at once (100)"
    )
    ap.add_argument(
        "--mock-code",
        type=Path,
        default=CHECKOUT,
        help="the checkout whose wsconform the mock runs (this one)",
    )
    args = ap.parse_args()
    if min(args.sessions, args.idle, args.churn, args.concurrency) < 1:
        ap.error("--sessions, --idle, --churn and --concurrency must be at least 1")
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
    idle = min(args.idle, sessions)  # the idle sessions are the first of those held
    print(f"profile {args.profile}; the mock runs {args.mock_code.resolve()}")

    with tempfile.TemporaryDirectory() as scratch:
        key_file = Path(scratch) / "mock-key.pem"
        lifetime = get_profile(args.profile).token_lifetime
        # Creates the key the mock then loads.
        issuer = TokenIssuer.from_key_file(MockClock(), key_file, lifetime=lifetime)
        started = time.perf_counter()
        with mock_process(args.profile, key_file, args.mock_code) as mock:
            try:
                asyncio.run(measure(mock, issuer, sessions, idle, args.churn, concurrency, capped))
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
