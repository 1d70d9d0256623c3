"""The reference-mock core: an asyncio websockets server, its clock, issuer, data pump and defect.

A vendor module subclasses MockApp (protocol handling only); MockServer runs it either on a
background thread (the embedded mock of a pytest run) or in the foreground (`wsconform mock`).
With TLS it can serve wss:// and plain ws:// side by side, one app behind both listeners, and
each Connection says which it came over (some vendors grant rights only over TLS).
Control calls from the tests (advance the clock, pump now) run *on the mock's loop* and return
only once the mock has acted, so frames they cause are on the wire before the call returns (or,
under the reply-delay variant, queued in order behind everything sent before them).

Every profile accepts the core's own variants (CORE_VARIANTS) beside its vendor's VARIANTS:
`compression` (permessage-deflate off | deflate), `reply-delay` (0 | 25ms: every byte the mock
sends leaves that much later, in order, as from a distant venue) and `extra-member` (no | yes:
every JSON object the mock sends carries one more top-level member, which no document shows, as
a server adding a field in a release would).

A hostile client must not take the mock down for the others: a client that stops reading loses
its synthetic data (the pump never waits for one connection), and a handshake header a vendor
hook reads as one value but that came twice (Authorization) is refused 400, not a server error.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import json
import logging
import os
import ssl as ssl_module
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any, ClassVar, cast

from websockets.asyncio.server import Request, Response, Server, ServerConnection, serve
from websockets.datastructures import MultipleValuesError
from websockets.exceptions import ConnectionClosed
from websockets.protocol import State

from wsconform import pongs
from wsconform.mock.clock import MockClock
from wsconform.mock.control import developer_routes
from wsconform.mock.defects import ACCEPT_EXPIRED, PONG_WITHHELD, Defect, UnknownDefect
from wsconform.mock.http import Routes, serve_http
from wsconform.mock.issuer import Identity, TokenIssuer
from wsconform.mock.presets import Preset
from wsconform.profiles.base import Heartbeat
from wsconform.redact import Redactor

log = logging.getLogger("wsconform.mock")

# Conforming choices every profile offers, implemented here once; the first is the default.
CORE_VARIANTS: dict[str, tuple[str, ...]] = {
    "compression": ("off", "deflate"),  # permessage-deflate (RFC 7692) when the client offers it
    "reply-delay": ("0", "25ms"),  # well inside the suite's 5 s --op-timeout
    "extra-member": ("no", "yes"),
}
REPLY_DELAYS = {"0": 0.0, "25ms": 0.025}  # seconds
EXTRA_MEMBER = ("serverVersion", "undocumented")  # name, value: a member no document shows

# Flow control of every connection (websockets' own default high-water mark, made explicit):
# the pump sends a frame only while the buffer stays under WRITE_LIMIT_LOW, so no send of its
# ever waits for a client that has stopped reading.
WRITE_LIMIT_HIGH = 2**15
WRITE_LIMIT_LOW = 2**13
PING_BYTES = 16  # a heartbeat ping frame, with its 4-byte payload, and then some


class CannotListen(OSError):
    """A listener could not be bound (the port in use, no permission, a host not found)."""


@dataclass
class MockContext:
    clock: MockClock = field(default_factory=MockClock)
    issuer: TokenIssuer | None = None
    defect: str | None = None
    variant: dict[str, str] = field(
        default_factory=dict
    )  # conforming choices where docs allow several
    preset: str | None = None  # a client-compatibility preset (wsconform.mock.presets)

    def __post_init__(self) -> None:
        if self.issuer is None:
            self.issuer = TokenIssuer(self.clock)


class Subscriptions(dict[str, Any]):
    """A connection's subscriptions (channel → vendor data, in order): a dict that calls
    `on_change` after every change, so its app keeps the set of connections the pump visits
    without vendor mocks doing anything but use a dict."""

    def __init__(self) -> None:
        super().__init__()
        self.on_change: Callable[[], None] = lambda: None

    def __setitem__(self, key: str, value: Any) -> None:
        super().__setitem__(key, value)
        self.on_change()

    def __delitem__(self, key: str) -> None:
        super().__delitem__(key)
        self.on_change()

    def __ior__(self, other: Any) -> Subscriptions:
        super().__ior__(other)
        self.on_change()
        return self

    def pop(self, *args: Any) -> Any:
        value = super().pop(*args)
        self.on_change()
        return value

    def popitem(self) -> tuple[str, Any]:
        item = super().popitem()
        self.on_change()
        return item

    def setdefault(self, key: str, default: Any = None) -> Any:
        value = super().setdefault(key, default)
        self.on_change()
        return value

    def update(self, *args: Any, **kwargs: Any) -> None:
        super().update(*args, **kwargs)
        self.on_change()

    def clear(self) -> None:
        super().clear()
        self.on_change()


@dataclass(eq=False)
class Connection:
    """What a mock knows about one client connection."""

    ws: ServerConnection
    secure: bool = False  # came over TLS: vendor mocks may grant some rights only then
    subscriptions: Subscriptions = field(default_factory=Subscriptions)
    identity: Any = None
    seq: int = 0
    # Heartbeat state, on the mock's clock (set when the connection opens).
    last_ping: float = 0.0
    last_alive: float = 0.0  # when the connection last answered a ping (or opened)
    unanswered: tuple[asyncio.Future[float], float] | None = None  # pong waiter, wall time sent
    beat_entry: int = -1  # its one valid entry in the app's heartbeat queue (MockApp._beats)


def withhold_pongs(conn: Connection) -> None:
    """Defect mode: drop the pongs websockets sends by itself (RFC 6455 §5.5.2 violated)."""
    pongs.withhold_pongs(conn.ws)


def backed_up(conn: Connection, size: int = 0) -> bool:
    """Whether sending `size` more bytes now could make the send wait on this client's reading
    (flow control pauses past WRITE_LIMIT_HIGH and resumes only at WRITE_LIMIT_LOW)."""
    return conn.ws.transport.get_write_buffer_size() + size > WRITE_LIMIT_LOW


class MockApp:
    """One vendor's protocol. Subclasses define DEFECTS and implement `serve_connection`."""

    profile: ClassVar[str]
    DEFECTS: ClassVar[dict[str, Defect]] = {}
    VARIANTS: ClassVar[dict[str, tuple[str, ...]]] = {}  # conforming choices; first is the default
    # Behaviours no document shows that only a preset switches on: name → what the mock does.
    DEPARTURES: ClassVar[dict[str, str]] = {}
    PRESETS: ClassVar[dict[str, Preset]] = {}  # client-compatibility presets, by name
    subprotocols: ClassVar[list[str] | None] = None
    path: ClassVar[str] = "/v1"  # the URL path MockServer advertises
    HEARTBEAT: ClassVar[Heartbeat | None] = None  # the documented server pings, if any

    def __init__(self, ctx: MockContext) -> None:
        self.check_choices(ctx.defect, ctx.variant, ctx.preset)
        self.check_presets()
        self.ctx = ctx
        preset = self.PRESETS[ctx.preset] if ctx.preset else None
        self._variant = {**(preset.variant if preset else {}), **ctx.variant}  # explicit wins
        self._departures = frozenset(preset.departures if preset else ())
        self.clock = ctx.clock
        assert ctx.issuer is not None
        self.issuer: TokenIssuer = ctx.issuer
        self.connections: set[Connection] = set()
        self.subscribed: set[Connection] = set()  # those with a subscription: what pump visits
        self._closing: set[asyncio.Future[None]] = set()  # heartbeat closes under way
        # Heartbeat queue: (due on the mock's clock, entry, connection), soonest first. An entry
        # is valid while it is its connection's beat_entry; rescheduling leaves the old one stale.
        self._beats: list[tuple[float, int, Connection]] = []
        self._entries = itertools.count()
        self._beating = asyncio.Lock()  # one heartbeat at a time: a clock jump sees all due

    @classmethod
    def check_choices(
        cls, defect: str | None, variant: Mapping[str, str], preset: str | None = None
    ) -> None:
        """UnknownDefect, naming the known ones, for a defect, variant or preset this mock lacks."""
        if defect is not None and defect not in cls.DEFECTS:
            raise UnknownDefect(
                f"{cls.profile} has no defect {defect!r}; defects: {', '.join(sorted(cls.DEFECTS))}"
            )
        if preset is not None and preset not in cls.PRESETS:
            known = ", ".join(sorted(cls.PRESETS)) or "none"
            raise UnknownDefect(f"{cls.profile} has no preset {preset!r}; presets: {known}")
        choices = cls.variant_choices()
        for key, value in variant.items():
            if value not in choices.get(key, ()):
                offered = (
                    f"{key} is one of {' | '.join(choices[key])}"
                    if key in choices
                    else f"variants: {', '.join(choices)}"
                )
                raise UnknownDefect(f"{cls.profile} has no variant {key}={value}; {offered}")

    @classmethod
    def variant_choices(cls) -> dict[str, tuple[str, ...]]:
        """Every variant this profile accepts: the core's, then the vendor's own."""
        clash = CORE_VARIANTS.keys() & cls.VARIANTS.keys()
        assert not clash, f"{cls.__name__} redefines core variants {sorted(clash)}"
        return {**CORE_VARIANTS, **cls.VARIANTS}

    @classmethod
    def check_presets(cls) -> None:
        """AssertionError unless every preset selects declared variants and departures."""
        for name, preset in cls.PRESETS.items():
            cls.check_choices(None, preset.variant)
            unknown = set(preset.departures) - cls.DEFECTS.keys() - cls.DEPARTURES.keys()
            assert not unknown, f"{cls.profile} preset {name} departs by undeclared {unknown}"

    def variant(self, key: str) -> str:
        """The chosen value of a variant (the core's or the vendor's), or its default."""
        return self._variant.get(key, self.variant_choices()[key][0])

    def defect(self, name: str) -> bool:
        """Whether the mock breaks its documents this way: the defect switched on, or a
        departure of the preset that this defect's behaviour implements."""
        assert name in self.DEFECTS, (
            f"defect {name!r} is not declared"
        )  # typos must not pass silently
        return self.ctx.defect == name or name in self._departures

    def departs(self, name: str) -> bool:
        """Whether the preset switches on this preset-only behaviour (DEPARTURES)."""
        assert name in self.DEPARTURES, f"departure {name!r} is not declared"
        return name in self._departures

    async def handler(self, ws: ServerConnection) -> None:
        conn = Connection(ws, secure=ws.transport.get_extra_info("ssl_object") is not None)
        conn.last_ping = conn.last_alive = self.clock.now()
        conn.subscriptions.on_change = lambda: self._track_subscribed(conn)
        self.connections.add(conn)
        if self.HEARTBEAT is not None:
            self._beat_at(conn, conn.last_ping + self.HEARTBEAT.ping_every)
        if self.ctx.defect == PONG_WITHHELD:  # declared by each mock, with what it breaks
            withhold_pongs(conn)
        try:
            await self.serve_connection(conn)
        except ConnectionClosed:
            pass
        finally:
            self.connections.discard(conn)
            self.subscribed.discard(conn)

    def _track_subscribed(self, conn: Connection) -> None:
        # A connection that has left stays out, whatever its mock does to its subscriptions.
        if conn.subscriptions and conn in self.connections:
            self.subscribed.add(conn)
        else:
            self.subscribed.discard(conn)

    async def serve_connection(self, conn: Connection) -> None:
        raise NotImplementedError

    def verify(self, token: object, **switches: bool) -> Identity:
        """The identity a token proves, or Rejected: the issuer's check, which defect
        accept-expired skips the expiry of; `switches` are the issuer's other defect modes."""
        return self.issuer.verify(token, check_expiry=self.ctx.defect != ACCEPT_EXPIRED, **switches)

    def process_request(self, ws: ServerConnection, request: Request) -> Response | None:
        """Handshake hook: return a Response to refuse the upgrade."""
        return None

    def screen_request(self, ws: ServerConnection, request: Request) -> Response | None:
        """What MockServer calls: the vendor's hook, where a header it reads as one value (say
        Authorization) but that came more than once is a bad request (RFC 9110 §5.3: a field
        that is no list must not repeat), not a server error."""
        try:
            return self.process_request(ws, request)
        except MultipleValuesError as exc:
            return ws.respond(HTTPStatus.BAD_REQUEST, f"Repeated header {exc}\n")

    def extra_urls(self, url: str) -> dict[str, str]:
        """Where this mock, served at `url`, serves each of its profile's extra endpoints."""
        return {}

    def http_routes(self) -> Routes:
        """The HTTP side the vendor's real clients need ((method, path) → route), served on a
        port of its own (MockServer.http_url); none by default."""
        return {}

    def data_frame(self, conn: Connection, channel: str) -> str | None:
        """The synthetic frame for one subscription, or None when the connection may not have it."""
        return None

    async def pump(self) -> None:
        """Push one synthetic frame to every active subscription. A client that has stopped
        reading misses its frames: waiting for it would stop the data of every other client."""
        for conn in list(self.subscribed):
            for channel in list(conn.subscriptions):
                frame = self.data_frame(conn, channel)
                if frame is None or backed_up(conn, len(frame)):
                    continue
                conn.seq += 1
                with contextlib.suppress(ConnectionClosed):
                    await conn.ws.send(frame)

    async def heartbeat(self) -> None:
        """Ping what is due, and close what has stayed silent (HEARTBEAT); called on each pump
        and each clock jump. Only connections whose deadline has come are visited: each is in
        the queue at its next due instant, or at the current one while it must be looked at on
        every call (an answered ping, a client not reading, a pong grace running in wall time)."""
        beat = self.HEARTBEAT
        if beat is None:
            return
        async with self._beating:
            now = self.clock.now()
            for conn in self._due(now):
                if conn.ws.state is not State.OPEN:
                    continue  # closing already: never pinged again
                if await self._beat(conn, beat, now):
                    self._beat_at(conn, self._next_due(conn, beat, now))

    def _due(self, now: float) -> list[Connection]:
        """Every open connection whose entry is due at `now`, taken off the queue."""
        due = []
        while self._beats and self._beats[0][0] <= now:
            item = heapq.heappop(self._beats)
            if self._valid(*item):
                due.append(item[2])
        return due

    def _beat_at(self, conn: Connection, when: float) -> None:
        conn.beat_entry = next(self._entries)
        heapq.heappush(self._beats, (when, conn.beat_entry, conn))
        if len(self._beats) > 2 * len(self.connections) + 64:
            # Mostly stale (connections gone, rescheduled): rebuilt, so that it stays as small
            # as the connections and holds no closed one long.
            self._beats = [item for item in self._beats if self._valid(*item)]
            heapq.heapify(self._beats)

    def _valid(self, when: float, entry: int, conn: Connection) -> bool:
        return entry == conn.beat_entry and conn in self.connections

    async def _beat(self, conn: Connection, beat: Heartbeat, now: float) -> bool:
        """One connection's heartbeat at `now`: False when it is being closed as silent."""
        if conn.unanswered is not None:
            waiter, sent = conn.unanswered
            if waiter.done():
                conn.unanswered, conn.last_alive = None, now
            elif (
                now - conn.last_alive >= beat.close_silent_after
                and time.monotonic() - sent >= beat.pong_grace
            ):
                self._close_silent(conn, beat)
                return False
        if now - conn.last_ping >= beat.ping_every and conn.unanswered is None:
            if backed_up(conn, PING_BYTES):
                # Not reading: a ping would wait on it. Silent that long, it is closed.
                if now - conn.last_alive >= beat.close_silent_after:
                    self._close_silent(conn, beat)
                    return False
                return True
            conn.last_ping = now
            with contextlib.suppress(ConnectionClosed):
                waiter = await conn.ws.ping()
                waiter.add_done_callback(lambda f: self._answered(conn, f))
                conn.unanswered = (waiter, time.monotonic())
        return True

    def _answered(self, conn: Connection, waiter: asyncio.Future[float]) -> None:
        # Retrieve any exception (a connection closed before its pong), and let the next
        # heartbeat count the pong, as if it had visited every connection.
        if not waiter.cancelled():
            waiter.exception()
        self._beat_at(conn, self.clock.now())

    @staticmethod
    def _next_due(conn: Connection, beat: Heartbeat, now: float) -> float:
        """When the connection needs its next visit; `now` means on the next call."""
        if conn.unanswered is not None:  # a ping out: its pong (_answered) or silence is next
            return max(conn.last_alive + beat.close_silent_after, now)
        # Backed up when due: looked at on every call, as it may read again at any moment.
        return max(conn.last_ping + beat.ping_every, now)

    def _close_silent(self, conn: Connection, beat: Heartbeat) -> None:
        # Not awaited: the closing handshake needs the client, which may be the very thread
        # waiting for this clock jump to return (or a client that no longer reads at all).
        closing = asyncio.ensure_future(conn.ws.close(beat.close_code, "no pong"))
        self._closing.add(closing)
        closing.add_done_callback(self._closing.discard)

    async def clock_advanced(self) -> None:
        """Called on the mock's loop after the clock moved (expiry events go out from here)."""


class DelayedTransport:
    """The reply-delay variant: a transport that does everything `delay` seconds late, in the
    order asked (writes, half-close, close), like a network path with that latency. Every byte
    the mock sends is delayed the same, pongs and closing handshakes too, so nothing overtakes
    anything (a pong still follows the data sent before it). The rest is the wrapped
    transport's, flow control included: bytes still waiting here are one delay's worth of
    output at most, and they pause nothing (no client can be slow to read them yet)."""

    def __init__(self, inner: asyncio.Transport, delay: float) -> None:
        self._inner = inner
        self._delay = delay
        self._loop = asyncio.get_running_loop()
        self._due: deque[tuple[float, Callable[[], None]]] = deque()  # when, what
        self._timer: asyncio.TimerHandle | None = None
        self._closing = False

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def write(self, data: bytes | bytearray | memoryview) -> None:
        chunk = bytes(data)  # the caller may reuse its buffer before the delay is over
        self._later(lambda: self._inner.write(chunk))

    def writelines(self, chunks: Any) -> None:
        self.write(b"".join(chunks))

    def write_eof(self) -> None:
        self._later(self._write_eof)

    def close(self) -> None:
        self._closing = True
        self._later(self._inner.close)

    def abort(self) -> None:
        self._closing = True
        self._due.clear()
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._inner.abort()

    def is_closing(self) -> bool:
        return self._closing or self._inner.is_closing()

    def _write_eof(self) -> None:
        with contextlib.suppress(OSError, RuntimeError):  # the peer may be gone by now
            self._inner.write_eof()

    def _later(self, action: Callable[[], None]) -> None:
        self._due.append((self._loop.time() + self._delay, action))
        if self._timer is None:
            self._timer = self._loop.call_at(self._due[0][0], self._run_due)

    def _run_due(self) -> None:
        self._timer = None
        now = self._loop.time()
        while self._due and self._due[0][0] <= now:
            _, action = self._due.popleft()
            if not self._inner.is_closing():  # the client went away meanwhile: drop the rest
                action()
        if self._due:
            self._timer = self._loop.call_at(self._due[0][0], self._run_due)


def with_extra_member(message: Any) -> Any:
    """The extra-member variant: a text message that is a JSON object, with EXTRA_MEMBER added
    at its top level; any other message as it is."""
    if not isinstance(message, str):
        return message
    try:
        decoded = json.loads(message)
    except ValueError:
        return message
    if not isinstance(decoded, dict):
        return message
    name, value = EXTRA_MEMBER
    return json.dumps({**decoded, name: value}, separators=(",", ":"))


FRAME_SHOWN = 500  # characters of a logged frame


def frame_line(ws: ServerConnection, direction: str, message: Any, redactor: Redactor) -> str:
    """One frame as a log line: the connection, < received or > sent, the text with tokens
    masked (or a binary frame's size), cut at FRAME_SHOWN characters."""
    if isinstance(message, str):
        text = redactor.text(message)
        shown = text if len(text) <= FRAME_SHOWN else f"{text[:FRAME_SHOWN]}… ({len(text)} chars)"
    else:
        shown = f"<binary, {len(message)} bytes>"
    return f"{ws.id.hex[:8]} {direction} {shown}"


def connection_class(
    reply_delay: float, extra_member: bool, log: Callable[[str], None] | None = None
) -> type[ServerConnection]:
    """The websockets connection class to serve with: plain, or with the reply-delay variant's
    DelayedTransport, the extra-member variant's rewriting of what is sent, and `log` given
    every data frame received and sent (tokens masked)."""
    if reply_delay <= 0 and not extra_member and log is None:
        return ServerConnection
    redactor = Redactor()

    class VariantConnection(ServerConnection):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            if reply_delay > 0:
                inner = cast(asyncio.Transport, transport)
                transport = cast(asyncio.Transport, DelayedTransport(inner, reply_delay))
            super().connection_made(transport)

        async def send(self, message: Any, *, text: bool | None = None) -> None:
            message = with_extra_member(message) if extra_member else message
            if log is not None:
                log(frame_line(self, ">", message, redactor))
            await super().send(message, text=text)

        async def recv(self, decode: bool | None = None) -> Any:
            message = await super().recv(decode)
            if log is not None:
                log(frame_line(self, "<", message, redactor))
            return message

    return VariantConnection


class MockServer:
    """Runs one MockApp: wss:// on `port` when `ssl` is given (else ws://), and with `ssl` and
    `plain_port` plain ws:// on that port too, both on the same loop with the same app; the
    app's HTTP routes, if it has any, on `http_port` (https:// with `ssl`), and with `developer`
    the controls and AsyncAPI document of wsconform.mock.control."""

    def __init__(
        self,
        app_factory: Callable[[MockContext], MockApp],
        ctx: MockContext | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        ssl: ssl_module.SSLContext | None = None,
        plain_port: int | None = None,
        http_port: int = 0,
        developer: bool = False,
        log_frames: Callable[[str], None] | None = None,
        pump_interval: float = 0.02,
    ) -> None:
        self.ctx = ctx or MockContext()
        self.app = app_factory(self.ctx)
        if plain_port is not None and ssl is None:
            raise ValueError("plain_port is a second, plain listener beside TLS: it needs ssl")
        self.host, self.port, self.ssl = host, port, ssl
        self.plain_port = plain_port
        # The vendor's HTTP side, and for a standalone mock the client developer's extras.
        self.routes = {**self.app.http_routes(), **(developer_routes(self) if developer else {})}
        self.log_frames = log_frames
        self.http_port = http_port
        self.pump_interval = pump_interval
        # The core's variants (the app has validated them): deflate, reply delay, extra member.
        deflate = self.app.variant("compression") == "deflate"
        self.compression: str | None = "deflate" if deflate else None
        self.reply_delay = REPLY_DELAYS[self.app.variant("reply-delay")]
        self.extra_member = self.app.variant("extra-member") == "yes"
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._stop: asyncio.Event | None = None
        self._ready = threading.Event()
        self._failure: BaseException | None = None

    @property
    def url(self) -> str:
        scheme = "wss" if self.ssl else "ws"
        return f"{scheme}://{self.host}:{self.port}{self.app.path}"

    @property
    def plain_url(self) -> str | None:
        """The plain ws:// URL served beside wss://, or None when there is no such listener."""
        if self.ssl is None or self.plain_port is None:
            return None
        return f"ws://{self.host}:{self.plain_port}{self.app.path}"

    @property
    def http_url(self) -> str | None:
        """Where the app's HTTP routes are served, or None when it has none."""
        if not self.routes:
            return None
        return f"{'https' if self.ssl else 'http'}://{self.host}:{self.http_port}"

    def _listen(self, port: int, ssl: ssl_module.SSLContext | None) -> Server:
        """One listener for the app (enter it to bind); wss and plain ws share everything else."""
        return serve(
            self.app.handler,
            self.host,
            port,
            ssl=ssl,
            process_request=self.app.screen_request,
            subprotocols=self.app.subprotocols,  # type: ignore[arg-type]
            compression=self.compression,
            max_size=2**20,
            write_limit=(WRITE_LIMIT_HIGH, WRITE_LIMIT_LOW),
            backlog=2048,
            ping_interval=None,
            create_connection=connection_class(
                self.reply_delay, self.extra_member, self.log_frames
            ),
        )

    async def _bind(
        self, listeners: contextlib.AsyncExitStack, port: int, ssl: ssl_module.SSLContext | None
    ) -> Server:
        """Bind one listener; a failure says which address, in one line."""
        try:
            return await listeners.enter_async_context(self._listen(port, ssl))
        except OSError as exc:
            raise self._cannot_listen(port, exc) from exc

    async def _bind_http(self, listeners: contextlib.AsyncExitStack) -> None:
        try:
            server = await serve_http(self.routes, self.host, self.http_port, self.ssl)
        except OSError as exc:
            raise self._cannot_listen(self.http_port, exc) from exc
        listeners.push_async_callback(server.wait_closed)
        listeners.callback(server.close)
        self.http_port = server.sockets[0].getsockname()[1]

    def _cannot_listen(self, port: int, exc: OSError) -> CannotListen:
        # asyncio's bind error repeats the address in a long text; errno's own words suffice.
        reason = os.strerror(exc.errno) if (exc.errno or 0) > 0 else exc.strerror or str(exc)
        return CannotListen(f"cannot listen on {self.host}:{port}: {reason}")

    async def serve(self, on_ready: Callable[[], None] = lambda: None) -> None:
        self._stop = asyncio.Event()
        async with contextlib.AsyncExitStack() as listeners:
            server = await self._bind(listeners, self.port, self.ssl)
            self.port = server.sockets[0].getsockname()[1]
            if self.ssl is not None and self.plain_port is not None:
                plain = await self._bind(listeners, self.plain_port, None)
                self.plain_port = plain.sockets[0].getsockname()[1]
            if self.routes:
                await self._bind_http(listeners)
            pump = asyncio.create_task(self._pump_forever())
            on_ready()
            await self._stop.wait()
            pump.cancel()

    async def _pump_forever(self) -> None:
        while True:
            await asyncio.sleep(
                self.pump_interval
            )  # the mock's own data rate, not test synchronisation
            await self.app.heartbeat()
            await self.app.pump()

    # -- embedded (background thread) --------------------------------------------------------

    def start(self, timeout: float = 10.0) -> MockServer:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._run_thread, name=f"mock-{self.app.profile}", daemon=True
        )
        self._thread.start()
        if not self._ready.wait(timeout):
            raise RuntimeError(f"{self.app.profile} mock did not start within {timeout} s")
        if self._failure is not None:
            raise RuntimeError(f"{self.app.profile} mock failed to start: {self._failure}")
        return self

    def _run_thread(self) -> None:
        assert self._loop is not None
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_until_complete(self.serve(self._ready.set))
        except BaseException as exc:  # reported by start(); the thread must not die silently
            self._failure = exc
            self._ready.set()
        finally:
            self._loop.close()

    def call(self, coro: Any, timeout: float = 10.0) -> Any:
        """Run a coroutine on the mock's loop and wait for it."""
        assert self._loop is not None, "the mock is not running on a background thread"
        future: Future[Any] = asyncio.run_coroutine_threadsafe(coro, self._loop)
        return future.result(timeout)

    async def advance_clock(self, seconds: float) -> None:
        """Move the mock's clock on, and let the app act on it (heartbeats, expiry)."""
        self.ctx.clock.advance(seconds)
        await self.app.heartbeat()
        await self.app.clock_advanced()

    def advance(self, seconds: float) -> None:
        self.call(self.advance_clock(seconds))

    def pump_now(self) -> None:
        self.call(self.app.pump())

    def stop(self) -> None:
        if self._loop is None or self._stop is None or self._loop.is_closed():
            return
        self._loop.call_soon_threadsafe(self._stop.set)
        if self._thread is not None:
            self._thread.join(10)
