"""The reference-mock core: an asyncio websockets server, its clock, issuer, data pump and defect.

A vendor module subclasses MockApp (protocol handling only); MockServer runs it either on a
background thread (the embedded mock of a pytest run) or in the foreground (`wsconform mock`).
With TLS it can serve wss:// and plain ws:// side by side, one app behind both listeners, and
each Connection says which it came over (some vendors grant rights only over TLS).
Control calls from the tests (advance the clock, pump now) run *on the mock's loop* and return
only once the mock has acted, so frames they cause are on the wire before the call returns.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import ssl as ssl_module
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any, ClassVar

from websockets.asyncio.server import Request, Response, Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed
from websockets.protocol import State

from wsconform import pongs
from wsconform.mock.clock import MockClock
from wsconform.mock.issuer import TokenIssuer

log = logging.getLogger("wsconform.mock")


class UnknownDefect(ValueError):
    pass


@dataclass
class MockContext:
    clock: MockClock = field(default_factory=MockClock)
    issuer: TokenIssuer | None = None
    defect: str | None = None
    variant: dict[str, str] = field(
        default_factory=dict
    )  # conforming choices where docs allow several

    def __post_init__(self) -> None:
        if self.issuer is None:
            self.issuer = TokenIssuer(self.clock)


@dataclass(frozen=True)
class Heartbeat:
    """A vendor's documented server heartbeat, on the mock's clock: a ping every `ping_every`
    seconds, and a connection that has answered no ping for `close_silent_after` seconds closed
    with `close_code`. The clock may jump (tests), so a ping also counts as unanswered only once
    `pong_grace` seconds of wall time have passed without its pong."""

    ping_every: float
    close_silent_after: float
    close_code: int = 1008
    pong_grace: float = 1.0  # wall seconds: a responsive client answers in milliseconds


@dataclass(eq=False)
class Connection:
    """What a mock knows about one client connection."""

    ws: ServerConnection
    secure: bool = False  # came over TLS: vendor mocks may grant some rights only then
    subscriptions: dict[str, Any] = field(default_factory=dict)  # channel → vendor data, in order
    identity: Any = None
    seq: int = 0
    # Heartbeat state, on the mock's clock (set when the connection opens).
    last_ping: float = 0.0
    last_alive: float = 0.0  # when the connection last answered a ping (or opened)
    unanswered: tuple[asyncio.Future[float], float] | None = None  # pong waiter, wall time sent


def withhold_pongs(conn: Connection) -> None:
    """Defect mode: drop the pongs websockets sends by itself (RFC 6455 §5.5.2 violated)."""
    pongs.withhold_pongs(conn.ws)


class MockApp:
    """One vendor's protocol. Subclasses define DEFECTS and implement `serve_connection`."""

    profile: ClassVar[str]
    DEFECTS: ClassVar[dict[str, str]] = {}
    VARIANTS: ClassVar[dict[str, tuple[str, ...]]] = {}  # conforming choices; first is the default
    subprotocols: ClassVar[list[str] | None] = None
    path: ClassVar[str] = "/v1"  # the URL path MockServer advertises
    HEARTBEAT: ClassVar[Heartbeat | None] = None  # the documented server pings, if any

    def __init__(self, ctx: MockContext) -> None:
        if ctx.defect is not None and ctx.defect not in self.DEFECTS:
            raise UnknownDefect(
                f"{self.profile} has no defect {ctx.defect!r}; "
                f"defects: {', '.join(sorted(self.DEFECTS))}"
            )
        for key, value in ctx.variant.items():
            if value not in self.VARIANTS.get(key, ()):
                raise UnknownDefect(f"{self.profile} has no variant {key}={value}")
        self.ctx = ctx
        self.clock = ctx.clock
        assert ctx.issuer is not None
        self.issuer: TokenIssuer = ctx.issuer
        self.connections: set[Connection] = set()
        self._closing: set[asyncio.Future[None]] = set()  # heartbeat closes under way

    def defect(self, name: str) -> bool:
        assert name in self.DEFECTS, (
            f"defect {name!r} is not declared"
        )  # typos must not pass silently
        return self.ctx.defect == name

    async def handler(self, ws: ServerConnection) -> None:
        conn = Connection(ws, secure=ws.transport.get_extra_info("ssl_object") is not None)
        conn.last_ping = conn.last_alive = self.clock.now()
        self.connections.add(conn)
        try:
            await self.serve_connection(conn)
        except ConnectionClosed:
            pass
        finally:
            self.connections.discard(conn)

    async def serve_connection(self, conn: Connection) -> None:
        raise NotImplementedError

    def process_request(self, ws: ServerConnection, request: Request) -> Response | None:
        """Handshake hook: return a Response to refuse the upgrade."""
        return None

    def geo_blocked_url(self, url: str) -> str | None:
        """Where this mock refuses every client as geo-blocked, if the protocol has such a rule."""
        return None

    def data_frame(self, conn: Connection, channel: str) -> str | None:
        """The synthetic frame for one subscription, or None when the connection may not have it."""
        return None

    async def pump(self) -> None:
        """Push one synthetic frame to every active subscription."""
        for conn in list(self.connections):
            for channel in list(conn.subscriptions):
                frame = self.data_frame(conn, channel)
                if frame is not None:
                    conn.seq += 1
                    with contextlib.suppress(ConnectionClosed):
                        await conn.ws.send(frame)

    async def heartbeat(self) -> None:
        """Ping what is due, and close what has stayed silent (HEARTBEAT); called on each pump
        and each clock jump."""
        beat = self.HEARTBEAT
        if beat is None:
            return
        now = self.clock.now()
        for conn in list(self.connections):
            if conn.ws.state is not State.OPEN:
                continue  # closing already
            if conn.unanswered is not None:
                waiter, sent = conn.unanswered
                if waiter.done():
                    conn.unanswered, conn.last_alive = None, now
                elif (
                    now - conn.last_alive >= beat.close_silent_after
                    and time.monotonic() - sent >= beat.pong_grace
                ):
                    # Not awaited: the closing handshake needs the client, which may be the
                    # very thread waiting for this clock jump to return.
                    closing = asyncio.ensure_future(conn.ws.close(beat.close_code, "no pong"))
                    self._closing.add(closing)
                    closing.add_done_callback(self._closing.discard)
                    continue
            if now - conn.last_ping >= beat.ping_every and conn.unanswered is None:
                conn.last_ping = now
                with contextlib.suppress(ConnectionClosed):
                    waiter = await conn.ws.ping()
                    waiter.add_done_callback(lambda f: f.cancelled() or f.exception())
                    conn.unanswered = (waiter, time.monotonic())

    async def clock_advanced(self) -> None:
        """Called on the mock's loop after the clock moved (expiry events go out from here)."""


class MockServer:
    """Runs one MockApp: wss:// on `port` when `ssl` is given (else ws://), and with `ssl` and
    `plain_port` plain ws:// on that port too, both on the same loop with the same app."""

    def __init__(
        self,
        app_factory: Callable[[MockContext], MockApp],
        ctx: MockContext | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        ssl: ssl_module.SSLContext | None = None,
        plain_port: int | None = None,
        pump_interval: float = 0.02,
        compression: str | None = None,
    ) -> None:
        self.ctx = ctx or MockContext()
        self.app = app_factory(self.ctx)
        if plain_port is not None and ssl is None:
            raise ValueError("plain_port is a second, plain listener beside TLS: it needs ssl")
        self.host, self.port, self.ssl = host, port, ssl
        self.plain_port = plain_port
        self.pump_interval = pump_interval
        self.compression = compression
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

    def _listen(self, port: int, ssl: ssl_module.SSLContext | None) -> Server:
        """One listener for the app (enter it to bind); wss and plain ws share everything else."""
        return serve(
            self.app.handler,
            self.host,
            port,
            ssl=ssl,
            process_request=self.app.process_request,
            subprotocols=self.app.subprotocols,  # type: ignore[arg-type]
            compression=self.compression,
            max_size=2**20,
            backlog=2048,
            ping_interval=None,
        )

    async def serve(self, on_ready: Callable[[], None] = lambda: None) -> None:
        self._stop = asyncio.Event()
        async with contextlib.AsyncExitStack() as listeners:
            server = await listeners.enter_async_context(self._listen(self.port, self.ssl))
            self.port = server.sockets[0].getsockname()[1]
            if self.ssl is not None and self.plain_port is not None:
                plain = await listeners.enter_async_context(self._listen(self.plain_port, None))
                self.plain_port = plain.sockets[0].getsockname()[1]
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

    def advance(self, seconds: float) -> None:
        async def advance() -> None:
            self.ctx.clock.advance(seconds)
            await self.app.heartbeat()
            await self.app.clock_advanced()

        self.call(advance())

    def pump_now(self) -> None:
        self.call(self.app.pump())

    def stop(self) -> None:
        if self._loop is None or self._stop is None or self._loop.is_closed():
            return
        self._loop.call_soon_threadsafe(self._stop.set)
        if self._thread is not None:
            self._thread.join(10)
