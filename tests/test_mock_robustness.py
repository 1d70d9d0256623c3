"""The reference mocks against hostile clients, run as client developers run them: `wsconform
mock <profile>` in a process of its own (issue 7).

Per profile, one mock goes through everything below. Every test ends by checking that the mock
is still what a client developer relies on (`assert_healthy`): a normal client logs in and gets
data from a private subscription, its memory has grown by less than RSS_BOUND, and it has
printed nothing. When the mock exits, the whole of its output must still be empty: hostile
clients must not fill a developer's terminal with tracebacks.
"""

from __future__ import annotations

import asyncio
import json
import os
import resource
import socket
import struct
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from mock_dialects import MIB, Dialect, Frame
from standalone import StandaloneMock, standalone_mock
from vendors.ethgas.dialect import ETHGAS
from vendors.ethgas_op.dialect import ETHGAS_OP
from vendors.graphql_ws.dialect import GRAPHQL_WS
from vendors.paradex.dialect import PARADEX
from vendors.zenith.dialect import ZENITH
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from wsconform.mock.clock import MockClock
from wsconform.mock.issuer import TokenIssuer
from wsconform.profiles import get_profile, installed

pytestmark = pytest.mark.system

OP_TIMEOUT = 5.0  # any one awaited reply, as the suite's default --op-timeout
# Growth over the warmed-up mock: ~3x the most seen (20 MiB, after 40 MB of megabyte messages:
# the allocator keeps some); kept sockets show in the descriptor count first.
RSS_BOUND = 64 * MIB
FD_SLACK = 4  # file descriptors the mock may hold beyond its warmed-up count
STORM = 1000  # connections dropped mid-handshake
STORM_TIMEOUT = 20.0
MEGABYTE = 1_000_000  # "1 MB": under the mocks' 1 MiB frame limit, which must still take it
BIG_CLIENTS = 8  # connections sending megabyte messages at once
STALL_ECHOES = 12  # megabyte answers a non-reading client leaves the mock holding: more than
# the kernel buffers of a loopback connection take (tcp_wmem's 4 MiB ceiling)

# Each vendor's Dialect lives beside its tests (tests/vendors/<v>/dialect.py).
DIALECTS = {d.profile: d for d in (PARADEX, ZENITH, ETHGAS, ETHGAS_OP, GRAPHQL_WS)}


@dataclass
class Mock:
    """One profile's standalone mock, its dialect, and what it looked like once warmed up."""

    dialect: Dialect
    standalone: StandaloneMock
    issuer: TokenIssuer  # shares the mock's key file: a `wsconform mint` in-process
    rss_before: int = 0
    fds_before: int = 0

    @property
    def url(self) -> str:
        return self.standalone.url

    @property
    def pid(self) -> int:
        return self.standalone.pid


@pytest.fixture(scope="module", params=sorted(installed()))
def mock(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Mock]:
    profile: str = request.param
    key = tmp_path_factory.mktemp(profile) / "key.pem"
    with standalone_mock(profile, "--key-file", str(key)) as standalone:
        lifetime = get_profile(profile).token_lifetime
        issuer = TokenIssuer.from_key_file(MockClock(), key, lifetime=lifetime)
        m = Mock(DIALECTS[profile], standalone, issuer)
        run(round_trip(m))  # the baseline is a mock that has served a client
        m.rss_before, m.fds_before = rss(m.pid), open_fds(m.pid)
        yield m
        print(
            f"{profile}: RSS {m.rss_before / MIB:.1f} MiB warmed up, {rss(m.pid) / MIB:.1f} at end"
        )
    printed = standalone.printed_since_ready(until_exit=OP_TIMEOUT)
    assert not printed, f"the {profile} mock printed:\n" + "\n".join(printed[-40:])


# -- the tests ---------------------------------------------------------------------------------


def test_hostile_frames_get_the_protocols_answers(mock: Mock) -> None:
    """Non-JSON text, binary frames, JSON of every type but an object, nesting no parser takes,
    and, in each request, every field the protocol reads given each wrong JSON type (or left
    out): each answered as the protocol says, on one connection that stays open throughout."""
    failures = run(answer_every_case(mock))
    assert not failures, f"{len(failures)} wrong answers:\n" + "\n".join(failures)
    assert_healthy(mock)


def test_megabyte_messages_are_answered_and_bigger_ones_refused(mock: Mock) -> None:
    """Clients sending 1 MB messages at once (garbage text, garbage binary, a request with a
    megabyte token) get the protocol's answers; a message over the 1 MiB limit closes its own
    connection with 1009 (RFC 6455 §7.4.1), and no other."""
    run(megabyte_clients(mock))
    run(oversized_message(mock))
    assert_healthy(mock)


def test_a_client_that_stops_reading_does_not_stop_the_others(mock: Mock) -> None:
    """A subscribed client that stops reading while it asks for megabyte answers: the mock's
    data to every other client goes on (its pump must not wait for the stalled one)."""
    if mock.dialect.echoes is None:
        pytest.skip(f"no {mock.dialect.profile} answer echoes a request: nothing to pile up")
    run(stalled_client_beside_a_normal_one(mock))
    assert_healthy(mock)


def test_hostile_handshakes_get_an_http_answer(mock: Mock) -> None:
    """Upgrade requests with bad Authorization headers (repeated, not Bearer, no token, 8 KB of
    garbage), oversized or too many header lines, a wrong version or method, and bytes that are
    no HTTP at all: each gets the status the protocol (or RFC 6455) gives, never a 5xx."""
    wrong = run(answer_every_handshake(mock))
    assert not wrong, "\n".join(wrong)
    assert_healthy(mock)


def test_a_storm_of_dropped_handshakes_leaves_nothing_behind(mock: Mock) -> None:
    """1,000 connections, up to `socket_cap()` at a time, each dropped during the opening
    handshake: right after TCP connect, halfway through the HTTP upgrade (closed, or reset), or
    after the whole upgrade request, before reading the answer. The mock lets every socket go."""
    run(storm(mock))
    wait_until(
        lambda: open_fds(mock.pid) <= mock.fds_before + FD_SLACK,
        OP_TIMEOUT,
        lambda: f"the mock holds {open_fds(mock.pid)} descriptors, {mock.fds_before} before",
    )
    assert_healthy(mock)


# -- health ------------------------------------------------------------------------------------


def assert_healthy(m: Mock) -> None:
    run(round_trip(m))
    grown = rss(m.pid) - m.rss_before
    assert grown < RSS_BOUND, f"RSS grew {grown / MIB:.1f} MiB (bound {RSS_BOUND / MIB:.0f})"
    printed = m.standalone.printed_since_ready()
    assert not printed, "the mock printed:\n" + "\n".join(printed[-40:])


async def round_trip(m: Mock) -> None:
    """A normal client: login with a valid token, a private subscription, its data."""
    async with opened(m) as ws:
        await log_in_and_subscribe(m, ws)
        await until(ws, m.dialect.is_data, "a data frame of the private subscription")


async def log_in_and_subscribe(m: Mock, ws: ClientConnection) -> None:
    d = m.dialect
    await ws.send(json.dumps(d.login(m.issuer.mint("valid"))))
    await until(ws, d.logged_in, "the login's success")
    await ws.send(json.dumps(d.subscribe))
    if d.subscribed is not None:
        await until(ws, d.subscribed, "the subscription's ack")


def rss(pid: int) -> int:
    """The process's resident set, in bytes (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError(f"no VmRSS in /proc/{pid}/status")


def open_fds(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


def wait_until(condition: Callable[[], bool], timeout: float, what: Callable[[], str]) -> None:
    """Poll until the condition holds; nothing signals the test when the mock closes a socket."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"after {timeout:g} s: {what()}")
        time.sleep(0.01)


# -- talking to the mock -----------------------------------------------------------------------


def run(coroutine: Awaitable[Any]) -> Any:
    async def bounded() -> Any:
        async with asyncio.timeout(STORM_TIMEOUT + OP_TIMEOUT):
            return await coroutine

    return asyncio.run(bounded())


@asynccontextmanager
async def opened(m: Mock, **kw: Any) -> Any:
    ws = await connect(
        m.url,
        subprotocols=m.dialect.subprotocols,  # type: ignore[arg-type]
        open_timeout=OP_TIMEOUT,
        close_timeout=1.0,
        max_size=None,
        **kw,
    )
    try:
        yield ws
    finally:
        ws.transport.abort()  # a clean close is not under test; an abort never waits


def parsed(raw: str | bytes) -> Frame:
    try:
        return json.loads(raw)
    except ValueError:
        return raw


async def until(ws: ClientConnection, wanted: Callable[[Frame], bool], what: str) -> list[Frame]:
    """The frames that arrive before one the predicate wants (within OP_TIMEOUT)."""
    seen: list[Frame] = []
    try:
        async with asyncio.timeout(OP_TIMEOUT):
            while True:
                frame = parsed(await ws.recv())
                if frame_wanted(wanted, frame):
                    return seen
                seen.append(frame)
    except TimeoutError:
        raise AssertionError(f"no {what} within {OP_TIMEOUT:g} s; got {seen!r:.600}") from None
    except ConnectionClosed as exc:
        raise AssertionError(f"closed ({exc}) waiting for {what}; got {seen!r:.600}") from None


def frame_wanted(wanted: Callable[[Frame], bool], frame: Frame) -> bool:
    """Predicates read JSON objects with .get; a frame that is none (ETHGas-op's text "pong")
    passes only a predicate that compares it whole."""
    try:
        return wanted(frame)
    except AttributeError:
        return False


async def exchange(m: Mock, ws: ClientConnection, message: str | bytes, n: int) -> list[Frame]:
    """What the mock answers one message, data frames left out: all that arrives before the
    answer to barrier n, sent right behind it (or, where the answer is a close, on a socket of
    its own: `closing_exchange`)."""
    d = m.dialect
    if d.answers_by_closing:
        return await closing_exchange(m, message)
    await ws.send(message)
    await ws.send(d.barrier(n))
    frames = await until(ws, lambda f: d.barrier_reply(f, n), f"the answer to barrier {n}")
    return [f for f in frames if not (isinstance(f, dict) and d.is_data(f))]


async def closing_exchange(m: Mock, message: str | bytes) -> list[Frame]:
    """What the mock answers one message on a new socket: the frames, then {"close": code}
    (nothing more when it does not close within OP_TIMEOUT)."""
    async with opened(m) as ws:
        await ws.send(message)
        seen: list[Frame] = []
        with suppress(TimeoutError):
            async with asyncio.timeout(OP_TIMEOUT):
                try:
                    while True:
                        seen.append(parsed(await ws.recv()))
                except ConnectionClosed as exc:
                    return [*seen, {"close": exc.rcvd.code if exc.rcvd else None}]
        return seen


# -- hostile frames ----------------------------------------------------------------------------


async def answer_every_case(m: Mock) -> list[str]:
    failures = []
    async with opened(m) as ws:
        for n, case in enumerate(m.dialect.cases()):
            answered = await exchange(m, ws, case.message, n)
            if not case.expect(answered):
                failures.append(f"{case.name}: got {answered!r:.300}; wanted {case.wanted}")
    return failures


async def megabyte_clients(m: Mock) -> None:
    d = m.dialect
    token = "A" * (MEGABYTE - len(json.dumps(d.big_string(""))))
    messages: list[tuple[str, str | bytes, tuple[Callable[[list[Frame]], bool], str]]] = [
        ("1 MB of non-JSON text", "x" * MEGABYTE, d.not_json),
        ("1 MB of binary garbage", b"\xff" * MEGABYTE, d.not_json),
        ("a request with a 1 MB token", json.dumps(d.big_string(token)), d.big_string_answer),
    ]
    assert len(messages[2][1]) == MEGABYTE

    async def client() -> None:
        async with opened(m) as ws:
            for n, (name, message, (expect, wanted)) in enumerate(messages):
                answered = await exchange(m, ws, message, n)
                assert expect(answered), f"{name}: got {answered!r:.300}; wanted {wanted}"

    await asyncio.gather(*(client() for _ in range(BIG_CLIENTS)))


async def oversized_message(m: Mock) -> None:
    async with opened(m) as ws, opened(m) as bystander:
        await ws.send("x" * (MIB + 1))
        with pytest.raises(ConnectionClosed) as closed:
            async with asyncio.timeout(OP_TIMEOUT):
                await ws.recv()
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 1009, closed.value
        answered = await exchange(m, bystander, "not json", 0)
        assert m.dialect.not_json[0](answered), f"the bystander got {answered!r:.300}"


# -- hostile handshakes ------------------------------------------------------------------------

CLOSED = 0  # no HTTP answer at all: the connection is closed
AUTH = "Authorization: Bearer "


def handshakes(d: Dialect, path: str, host: str) -> list[tuple[str, str, set[int]]]:
    """(what, the raw request, the statuses that are right)."""

    offered = f"Sec-WebSocket-Protocol: {', '.join(d.subprotocols)}\r\n" if d.subprotocols else ""

    def upgrade(extra: str = "", version: str = "13", method: str = "GET") -> str:
        return raw_upgrade(path, host, offered + extra, version, method)

    bad = {d.bad_header_status}
    repeated = {400 if d.reads_header else 101}
    client_hello = "\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03\r\n\r\n"  # TLS on ws://
    return [
        ("a repeated Authorization", upgrade(f"{AUTH}a\r\n{AUTH}b\r\n"), repeated),
        ("a Basic Authorization", upgrade("Authorization: Basic Zm9vOmJhcg==\r\n"), bad),
        ("a Bearer with no token", upgrade("Authorization: Bearer\r\n"), bad),
        ("an empty Authorization", upgrade("Authorization: \r\n"), bad),
        ("8 KB of Bearer garbage", upgrade(f"{AUTH}{'%' * 8000}\r\n"), bad),
        ("a control byte in a header", upgrade(f"{AUTH}\x01\r\n"), {400, CLOSED}),
        ("a header line over 8 KiB", upgrade(f"X-Long: {'a' * 9000}\r\n"), {431}),
        ("200 header lines", upgrade("".join(f"X-{i}: v\r\n" for i in range(200))), {431}),
        ("Sec-WebSocket-Version 8", upgrade(version="8"), {400, 426}),
        ("a POST", upgrade(method="POST"), {405}),
        ("a TLS ClientHello", client_hello, {400, CLOSED}),
    ]


def raw_upgrade(path: str, host: str, extra: str, version: str = "13", method: str = "GET") -> str:
    return (
        f"{method} {path} HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\n"
        "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
        f"Sec-WebSocket-Version: {version}\r\n{extra}\r\n"
    )


async def answer_every_handshake(m: Mock) -> list[str]:
    parts = urlsplit(m.url)
    wrong = []
    for what, raw, right in handshakes(m.dialect, parts.path, parts.netloc):
        status = await http_status(m.url, raw.encode("latin-1"))
        if status not in right:
            wrong.append(f"{what}: HTTP {status or 'nothing'}; wanted one of {sorted(right)}")
    return wrong


async def http_status(url: str, request: bytes) -> int:
    """The status the mock answers a raw request with, or CLOSED."""
    parts = urlsplit(url)
    reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
    try:
        writer.write(request)
        async with asyncio.timeout(OP_TIMEOUT):
            line = await reader.readline()
    finally:
        writer.transport.abort()
    fields = line.split()
    return int(fields[1]) if len(fields) > 1 and fields[0].startswith(b"HTTP/") else CLOSED


# -- a client that stops reading ---------------------------------------------------------------


async def stalled_client_beside_a_normal_one(m: Mock) -> None:
    echoes = m.dialect.echoes
    assert echoes is not None
    # A 4 KiB receive window and a one-message queue: the stalled client stops reading at once,
    # so the megabyte answers pile up in the mock's own buffers.
    async with opened(m, sock=small_window_socket(m.url), max_queue=1) as stalled:
        await log_in_and_subscribe(m, stalled)  # the pump sends it data too
        big = json.dumps(echoes("E" * MEGABYTE))
        async with asyncio.timeout(OP_TIMEOUT):
            for _ in range(STALL_ECHOES):
                await stalled.send(big)
        await round_trip(m)


def small_window_socket(url: str) -> socket.socket:
    parts = urlsplit(url)
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # before connect: the window
    sock.settimeout(OP_TIMEOUT)
    sock.connect((parts.hostname, parts.port))
    sock.setblocking(False)
    return sock


# -- the handshake storm -----------------------------------------------------------------------


def socket_cap() -> int:
    """Sockets open at once: far below the open-file limit, which the mock shares (inherited)."""
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    return max(8, min(200, soft // 4))


async def drop(url: str, kind: int) -> None:
    """One connection dropped during the opening handshake; `kind` picks where."""
    parts = urlsplit(url)
    request = raw_upgrade(parts.path, parts.netloc, "").encode()
    _, writer = await asyncio.open_connection(parts.hostname, parts.port)
    if kind == 1 or kind == 2:
        writer.write(request[: len(request) // 2])  # halfway through a header line
    elif kind == 3:
        writer.write(request)  # the whole upgrade: the mock answers a socket already closed
    if kind == 2:  # a reset (SO_LINGER 0), not a FIN
        writer.get_extra_info("socket").setsockopt(
            socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
        )
        writer.transport.abort()
        return
    writer.close()
    with suppress(ConnectionError):  # the mock may have reset it first
        await writer.wait_closed()


async def storm(m: Mock) -> None:
    gate = asyncio.Semaphore(socket_cap())

    async def one(n: int) -> None:
        async with gate:
            await drop(m.url, n % 4)

    async with asyncio.timeout(STORM_TIMEOUT):
        await asyncio.gather(*(one(n) for n in range(STORM)))
