"""The probe session: one WebSocket connection as a conformance test drives it.

Synchronous to the test, asynchronous underneath: the websockets asyncio client runs on one event
loop per process, driven by run_until_complete for each operation (bench/client_choice.py: as fast
as the sync client, and free of its TLS 1.3 handshake deadlock). A reader task files every
incoming frame in the transcript and in a pending list that `expect` searches, so replies and
data frames can arrive in any order without being lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import ssl as ssl_module
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus
from websockets.frames import Frame as WireFrame
from websockets.frames import Opcode

from wsconform import __version__, pongs, progress
from wsconform.pacing import Pacer
from wsconform.transcript import Transcript

USER_AGENT = f"wsconform/{__version__} (+conformance suite)"
# Four times websockets' default: room for a vendor's largest snapshot. A bigger frame fails the
# connection at once with 1009 (message too big), rather than being held whole in the transcript.
MAX_FRAME_BYTES = 4 * 2**20
WITHHOLDS_PONGS = "this client withholds pongs"  # the transcript's note of answer_pings=False

_NOT_JSON = object()
_loop: asyncio.AbstractEventLoop | None = None


def event_loop() -> asyncio.AbstractEventLoop:
    """The process's probe loop (each pytest-xdist worker is a process of its own)."""
    global _loop
    if _loop is None or _loop.is_closed():
        _loop = asyncio.new_event_loop()
    return _loop


class ExpectTimeout(TimeoutError):
    """What was awaited did not come in time, though the target still answers (a pong, or other
    frames meanwhile): a verdict on the target where a check names the requirement."""


class TargetSilent(ExpectTimeout):
    """What was awaited did not come, and the target answered nothing else meanwhile, not even
    a ping: it stopped answering. The test could not finish (ERROR), whichever check waited."""


# How long a time-out's liveness ping waits: the target has had the whole op timeout already.
LIVENESS_TIMEOUT = 2.0


class PeerClosed(ConnectionError):
    pass


class ConnectionFailed(PeerClosed):
    """This client failed the connection (RFC 6455 §7.1.7): the server sent what it must not,
    such as a frame over MAX_FRAME_BYTES."""


class TargetUnreachable(ConnectionError):
    """The connection could not be opened at all (refused, DNS, TLS, handshake timeout)."""

    def __init__(self, message: str, cause: BaseException | None = None) -> None:
        super().__init__(message)
        self.cause = cause  # what went wrong underneath: refused, certificate, timeout...


class HandshakeRejected(ConnectionError):
    def __init__(self, status: int, headers: dict[str, str], body: bytes) -> None:
        super().__init__(f"handshake refused with HTTP {status}")
        self.status = status
        self.headers = headers
        self.body = body


@dataclass(frozen=True)
class Frame:
    index: int
    at: float
    data: str | bytes
    _parsed: Any = field(default=_NOT_JSON, repr=False)

    @property
    def is_json(self) -> bool:
        return self._parsed is not _NOT_JSON

    @property
    def json(self) -> Any:
        if self._parsed is _NOT_JSON:
            raise ValueError(f"frame {self.index} is not JSON")
        return self._parsed

    @property
    def obj(self) -> dict[str, Any]:
        """The frame as a JSON object, or {} for anything else (so predicates stay simple)."""
        return self._parsed if isinstance(self._parsed, dict) else {}


def _parse(data: str | bytes) -> Any:
    if isinstance(data, bytes):
        return _NOT_JSON
    try:
        return json.loads(data)
    except ValueError:
        return _NOT_JSON


Predicate = Callable[[Frame], bool]


class ProbeSession:
    def __init__(
        self,
        url: str,
        transcript: Transcript,
        *,
        headers: Iterable[tuple[str, str]] = (),
        subprotocols: list[str] | None = None,
        ssl: ssl_module.SSLContext | None = None,
        op_timeout: float = 5.0,
        compression: str | None = None,
        pacer: Pacer | None = None,
        answer_pings: bool = True,
    ) -> None:
        self.url = url
        self.transcript = transcript
        self.headers = list(headers)
        self.subprotocols = subprotocols
        self.ssl = ssl
        self.op_timeout = op_timeout
        self.compression = compression
        self.pacer = pacer or Pacer()
        self.answer_pings = answer_pings  # False: a silent client, to see a server's idle close
        self.pings_received = 0  # the server's pings (websockets answers them by itself)
        self._pings_claimed = 0
        self.conn = transcript.new_connection()
        self.subprotocol: str | None = None
        self.close_code: int | None = None
        self.close_reason: str = ""
        self.close_detail = ""  # a close without the peer's close frame: a reset, a frame too big
        self._ws: ClientConnection | None = None
        self._reader: asyncio.Task[None] | None = None
        self._pending: list[Frame] = []
        self._arrived = asyncio.Event()
        self._received = 0
        self._closed = False

    # -- lifecycle -------------------------------------------------------------------------------

    def connect(self) -> ProbeSession:
        self.pacer.opened()  # may raise TooManyConnections: nothing was sent yet
        try:
            self.pacer.attempt()
            event_loop().run_until_complete(self._connect())
        except BaseException:
            self.pacer.closed()
            raise
        return self

    def auth_attempt(self) -> None:
        """Profile clients call this before sending credentials: --max-rate counts auth too."""
        self.pacer.attempt()

    async def _connect(self) -> None:
        self.transcript.record(self.conn, "connect", self.url)
        for name, value in self.headers:
            self.transcript.record(
                self.conn, "header", f"{name}: {self.transcript.redactor.header(name, value)}"
            )
        try:
            self._ws = await connect(
                self.url,
                additional_headers=self.headers,
                subprotocols=self.subprotocols,  # type: ignore[arg-type]
                ssl=self.ssl,
                open_timeout=self.op_timeout,
                close_timeout=min(self.op_timeout, 2.0),
                ping_interval=None,  # the suite pings when it means to (barrier), no keepalive
                user_agent_header=USER_AGENT,
                compression=self.compression,
                max_size=MAX_FRAME_BYTES,
            )
        except InvalidStatus as exc:
            response = exc.response
            headers = {
                k: self.transcript.redactor.header(k, v) for k, v in response.headers.raw_items()
            }
            self.transcript.record(self.conn, "handshake", f"HTTP {response.status_code} {headers}")
            self._closed = True
            raise HandshakeRejected(response.status_code, headers, response.body or b"") from None
        except (OSError, TimeoutError, InvalidHandshake) as exc:
            self.transcript.record(self.conn, "unreachable", f"{type(exc).__name__}: {exc}")
            self._closed = True
            raise TargetUnreachable(
                f"could not open {self.url} within {self.op_timeout:g} s: "
                f"{type(exc).__name__}: {exc}",
                exc,
            ) from None
        self.subprotocol = self._ws.subprotocol
        assert self._ws.request is not None
        request_headers = {
            k: self.transcript.redactor.header(k, v)
            for k, v in self._ws.request.headers.raw_items()
        }
        self.transcript.record(
            self.conn, "request", f"GET {self._ws.request.path} {request_headers}"
        )
        response_headers = {
            k: self.transcript.redactor.header(k, v)
            for k, v in self._ws.response.headers.raw_items()
        }
        self.transcript.record(
            self.conn, "handshake", f"HTTP {self._ws.response.status_code} {response_headers}"
        )
        self._note_server_pings(self._ws)
        if not self.answer_pings:
            pongs.withhold_pongs(self._ws)
            self.transcript.record(self.conn, "note", WITHHOLDS_PONGS)
        self._reader = asyncio.ensure_future(self._read())

    def _note_server_pings(self, ws: ClientConnection) -> None:
        """Count and record the server's pings, which websockets answers below the application.
        (Connection.process_event is internal; pinned by constraints.txt, as barrier is.)"""
        process_event = ws.process_event

        def noting_pings(event: Any) -> None:
            if isinstance(event, WireFrame) and event.opcode is Opcode.PING:
                self.pings_received += 1
                self.transcript.record(self.conn, "←", "<ping>")
                self._arrived.set()
            process_event(event)

        ws.process_event = noting_pings  # type: ignore[method-assign]

    async def _read(self) -> None:
        ws = self._ws  # close() clears self._ws while this task is still finishing
        assert ws is not None
        try:
            async for data in ws:
                self._file(data)
        except ConnectionClosed as exc:
            if exc.rcvd is None:  # no close frame from the peer: say what happened instead
                self.close_detail = _unclean_close(exc)
        finally:
            self._closed = True
            self.close_code = ws.close_code
            self.close_reason = ws.close_reason or ""
            detail = f" ({self.close_detail})" if self.close_detail else ""
            self.transcript.record(
                self.conn, "close", f"code={self.close_code} reason={self.close_reason!r}{detail}"
            )
            self._arrived.set()

    def _file(self, data: str | bytes) -> None:
        text = data if isinstance(data, str) else f"<binary {len(data)} bytes> {data[:64].hex()}"
        self.transcript.record(self.conn, "←", text)
        frame = Frame(self._received, self.transcript.entries[-1].at, data, _parse(data))
        self._received += 1
        self._pending.append(frame)
        self._arrived.set()

    def close(self) -> None:
        if self._ws is None:
            return
        ws, self._ws = self._ws, None
        try:
            event_loop().run_until_complete(self._close(ws))
        finally:
            self.pacer.closed()

    async def _close(self, ws: ClientConnection) -> None:
        with contextlib.suppress(Exception):
            await ws.close()
        if self._reader is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._reader, self.op_timeout)

    @property
    def closed(self) -> bool:
        return self._closed or self._failed()

    # -- traffic ---------------------------------------------------------------------------------

    def send(self, message: Any) -> None:
        """Send a JSON value (dict, list, number...) as text, or str/bytes as they are."""
        event_loop().run_until_complete(self._send(self._encoded(message)))

    @staticmethod
    def _encoded(message: Any) -> str | bytes:
        if isinstance(message, str | bytes):
            return message
        return json.dumps(message, ensure_ascii=False, separators=(",", ":"))

    async def _send(self, data: str | bytes) -> None:
        if self._ws is None or self.closed:
            raise self._gone("sending")
        text = data if isinstance(data, str) else f"<binary {len(data)} bytes>"
        self.transcript.record(self.conn, "→", text)
        try:
            async with asyncio.timeout(self.op_timeout):
                await self._ws.send(data)
        except ConnectionClosed:
            raise self._gone("sending") from None
        except TimeoutError:
            raise ExpectTimeout(
                f"the server did not accept a frame within {self.op_timeout:g} s"
            ) from None

    def expect(self, predicate: Predicate, what: str, timeout: float | None = None) -> Frame:
        """The first pending frame matching `predicate`, waiting up to `timeout` (op timeout)."""
        return event_loop().run_until_complete(self._expect(predicate, what, timeout))

    async def _expect(self, predicate: Predicate, what: str, timeout: float | None) -> Frame:
        found: list[Frame] = []
        checked = 0  # frames already tested: each is tested once

        def matched() -> bool:
            nonlocal checked
            for i in range(checked, len(self._pending)):
                if predicate(self._pending[i]):
                    found.append(self._pending.pop(i))
                    return True
            checked = len(self._pending)
            return False

        await self._until(matched, what, timeout)
        return found[0]

    def expect_ping(self, what: str, timeout: float | None = None) -> None:
        """Wait for a server ping not yet claimed by an earlier expect_ping."""
        event_loop().run_until_complete(
            self._until(lambda: self.pings_received > self._pings_claimed, what, timeout)
        )
        self._pings_claimed += 1

    def expect_received(self, count: int, what: str, timeout: float | None = None) -> None:
        """Wait until `count` frames have come on this connection in all (pings not counted)."""
        event_loop().run_until_complete(self._until(lambda: self._received >= count, what, timeout))

    def wait_closed(self, what: str, timeout: float | None = None) -> int | None:
        """Wait until the server closes the connection; its close code."""
        event_loop().run_until_complete(self._until(lambda: self._closed, what, timeout))
        return self.close_code

    async def _until(self, done: Callable[[], bool], what: str, timeout: float | None) -> None:
        timeout = self.op_timeout if timeout is None else timeout
        with progress.waiting(what):
            await self._until_done(done, what, timeout)

    async def _until_done(self, done: Callable[[], bool], what: str, timeout: float) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        heard = self._heard()
        while not done():
            if self.closed:
                raise self._gone(f"waiting for {what}")
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise await self._timed_out(f"no {what} within {timeout:g} s", heard)
            self._arrived.clear()
            # asyncio.timeout, not wait_for: no extra task per wait (3.11), on the hot path.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(remaining):
                    await self._arrived.wait()

    def _heard(self) -> int:
        """How much the target has sent so far (frames and pings): did a wait hear anything?"""
        return self._received + self.pings_received

    async def _timed_out(self, message: str, heard: int) -> ExpectTimeout:
        """The error for a wait that timed out: TargetSilent when the target sent nothing during
        it and does not answer a ping either (it stopped answering), else ExpectTimeout."""
        if self._heard() != heard or self.closed or self._ws is None:
            return ExpectTimeout(message)
        try:
            pong = await self._ws.ping()
            async with asyncio.timeout(LIVENESS_TIMEOUT):
                await pong
        except (ConnectionClosed, TimeoutError):
            return TargetSilent(
                f"{message}; the target sent nothing meanwhile and no pong to a ping within "
                f"{LIVENESS_TIMEOUT:g} s: it stopped answering"
            )
        return ExpectTimeout(f"{message} (the target still answers pings)")

    def listen(self, seconds: float) -> None:
        """Keep reading for `seconds`: frames that come meanwhile are pending afterwards (a live
        target's observation window: what it publishes on its own schedule)."""
        event_loop().run_until_complete(asyncio.sleep(max(0.0, seconds)))

    def request(
        self,
        message: Any,
        reply: Predicate,
        what: str,
        timeout: float | None = None,
        ahead: Sequence[Any] = (),
    ) -> Frame:
        """Send `message` and expect its `reply`: one entry into the loop, not two. `ahead`:
        messages sent first, back to back with it, so that the server reads them together and
        nothing it schedules meanwhile falls between them."""
        return event_loop().run_until_complete(
            self._request([*ahead, message], reply, what, timeout)
        )

    async def _request(
        self, messages: list[Any], reply: Predicate, what: str, timeout: float | None
    ) -> Frame:
        for message in messages:
            await self._send(self._encoded(message))
        return await self._expect(reply, what, timeout)

    def pending(self, predicate: Predicate | None = None) -> list[Frame]:
        """Frames received and not yet claimed by an expect (left in place)."""
        return [f for f in self._pending if predicate is None or predicate(f)]

    def take(self, predicate: Predicate) -> list[Frame]:
        """Claim and return every pending frame matching `predicate`, in order."""
        taken = [f for f in self._pending if predicate(f)]
        self._pending = [f for f in self._pending if not predicate(f)]
        return taken

    def drain(self) -> list[Frame]:
        """Claim and return every pending frame."""
        taken, self._pending = self._pending, []
        return taken

    def barrier(self, timeout: float | None = None) -> float:
        """Ping and wait for the pong: afterwards every frame the server sent before it is pending.

        TCP and RFC 6455 keep frames in order, so this is exact synchronisation with the server,
        never a guess. Returns the round-trip time in seconds.
        """
        return event_loop().run_until_complete(self._barrier(timeout))

    async def _barrier(self, timeout: float | None) -> float:
        timeout = self.op_timeout if timeout is None else timeout
        if self._ws is None or self.closed:
            raise self._gone("pinging")
        self.transcript.record(self.conn, "→", "<ping>")
        heard = self._heard()
        try:
            pong = await self._ws.ping()
            async with asyncio.timeout(timeout):
                latency = await pong
        except ConnectionClosed:
            raise self._gone("waiting for a pong") from None
        except TimeoutError:
            message = f"no pong to a ping within {timeout:g} s"
            if self._heard() == heard:  # nothing else came either: the target stopped answering
                raise TargetSilent(
                    f"{message}, and nothing else meanwhile: the target stopped answering"
                ) from None
            raise ExpectTimeout(message) from None
        self.transcript.record(self.conn, "←", "<pong>")
        # The pong was parsed after every earlier data frame; let the reader file those frames.
        # (websockets' assembler queue; the attribute is internal, pinned by constraints.txt.)
        queued = self._ws.recv_messages.frames
        while len(queued) and not self._closed:
            await asyncio.sleep(0)
        return latency

    def _failed(self) -> bool:
        """This client failed the connection (a frame over MAX_FRAME_BYTES, a protocol error):
        nothing more will be read, though websockets waits up to close_timeout for the TCP close."""
        protocol = self._ws.protocol if self._ws is not None else None
        return protocol is not None and protocol.close_sent is not None and not protocol.close_rcvd

    def _gone(self, doing: str) -> PeerClosed:
        """The error for a connection that is over: closed, or failed by this client."""
        if self._failed():
            assert self._ws is not None
            sent = self._ws.protocol.close_sent
            return ConnectionFailed(f"connection failed by this client (sent {sent}) while {doing}")
        if self.close_detail:
            return PeerClosed(f"connection closed ({self.close_detail}) while {doing}")
        return PeerClosed(
            f"connection closed by the peer (code={self.close_code}, "
            f"reason={self.close_reason!r}) while {doing}"
        )


def _unclean_close(exc: ConnectionClosed) -> str:
    """websockets' account of the close frames sent and received, and the socket error beneath
    (a reset), e.g. "sent 1009 (message too big) frame with ... bytes exceeds limit ..."."""
    cause = exc.__cause__
    beneath = f"; {type(cause).__name__}: {cause}" if isinstance(cause, OSError) else ""
    return f"{exc}{beneath}"
