"""The graphql-ws reference mock: GraphQL over WebSocket (`graphql-transport-ws`) with this
profile's bearer-token agreement (protocol.py), as PROTOCOL.md describes the server's side.

It executes no GraphQL: it knows the suite's operations (protocol.py) and answers any other
with an Error message, as a server does a query its schema does not validate. The
ConnectionInit wait and token expiry run on the mock's clock, checked on each pump and clock
jump, so that the embedded mock's 4408 and expiry never wait on wall time.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from dataclasses import dataclass, field
from typing import Any

from websockets.exceptions import ConnectionClosed

from wsconform.mock.issuer import Identity, Rejected
from wsconform.mock.server import Connection, MockApp, MockContext
from wsconform.vendors.graphql_ws import defects, protocol

ANONYMOUS = Identity("anonymous", (), float("inf"))


@dataclass
class Socket:
    """What the mock knows of one socket beyond the core's Connection."""

    init_deadline: float  # on the mock's clock: no ConnectionInit by then closes it 4408
    initialised: bool = False
    acknowledged: bool = False
    completed: set[str] = field(default_factory=set)  # ids done (id-not-reusable remembers)


class GraphqlWsMock(MockApp):
    profile = "graphql-ws"
    path = protocol.PATH
    DEFECTS = defects.DEFECTS
    VARIANTS = defects.VARIANTS

    def __init__(self, ctx: MockContext) -> None:
        super().__init__(ctx)
        # An instance attribute: MockServer reads it when it listens.
        self.subprotocols = None if self.defect("no-subprotocol") else [protocol.SUBPROTOCOL]
        self.sockets: dict[Connection, Socket] = {}

    async def serve_connection(self, conn: Connection) -> None:
        self.sockets[conn] = Socket(self.clock.now() + protocol.INIT_WAIT)
        try:
            async for raw in conn.ws:
                if not await self.handle(conn, raw):
                    return
        finally:
            del self.sockets[conn]

    async def handle(self, conn: Connection, raw: str | bytes) -> bool:
        """Act on one message; False once the socket is being closed."""
        socket = self.sockets[conn]
        message = _parsed(raw)
        kind = protocol.type_of(message)
        if message is None or kind not in protocol.CLIENT_TYPES or not _well_formed(message):
            if self.defect("invalid-message-ignored"):
                return True
            return await self.close(conn, protocol.BAD_REQUEST, "Invalid message received")
        if kind == protocol.CONNECTION_INIT:
            return await self.connection_init(conn, socket, message.get("payload"))
        if kind == protocol.PING:
            return await self.ping(conn, socket, message)
        if kind == protocol.SUBSCRIBE:
            return await self.subscribe(conn, socket, message["id"], message["payload"])
        ending = kind == protocol.COMPLETE and not self.defect("complete-ignored")
        if ending and conn.subscriptions.pop(message["id"], None) is not None:
            socket.completed.add(message["id"])
        return True  # a Pong, or a Complete of an unknown id: ignored, as permitted

    async def connection_init(self, conn: Connection, socket: Socket, payload: Any) -> bool:
        if socket.initialised and not self.defect("second-init-acked"):
            return await self.close(conn, protocol.TOO_MANY_INITS)
        socket.initialised = True
        identity = self.authenticate(conn, payload)
        if identity is None:
            if self.defect("reject-closes-1008"):
                return await self.close(conn, 1008, "Forbidden")
            return await self.close(conn, protocol.FORBIDDEN)
        conn.identity, socket.acknowledged = identity, True
        ack: dict[str, Any] = {"type": protocol.CONNECTION_ACK}
        if self.defect("ack-renamed"):
            ack["type"] = "connection_acknowledged"
        if self.variant("ack-payload") == "object":
            ack["payload"] = {"subject": identity.subject}
        if self.defect("ack-payload-not-object"):
            ack["payload"] = identity.subject
        await self.send(conn, ack)
        return True

    def authenticate(self, conn: Connection, payload: Any) -> Identity | None:
        """The identity the agreed token proves (payload first, then the upgrade's header)."""
        if protocol.carries_credential(payload):
            credential, from_header = payload["Authorization"], False
        elif self.defect("header-ignored") or conn.ws.request is None:
            credential, from_header = None, False
        else:  # a header repeated is no agreed credential: refused, as a malformed one
            values = conn.ws.request.headers.get_all("Authorization")
            credential, from_header = (values[0] if len(values) == 1 else values or None), True
        if credential is None and not protocol.carries_credential(payload):
            return ANONYMOUS if self.variant("anonymous") == "acked" else None
        token = protocol.token_of(credential)
        if token is None and not self.defect("accept-any-token"):
            return None  # a credential not in the agreed form: malformed
        if self.defect("accept-any-token") or (
            from_header and self.defect("header-token-unchecked")
        ):
            return Identity("anyone", (), float("inf"))
        try:
            return self.verify(
                token,
                accept_alg_none=self.defect("accept-alg-none"),
                check_signature=not self.defect("accept-forged-signature"),
            )
        except Rejected:
            return None

    async def ping(self, conn: Connection, socket: Socket, message: dict[str, Any]) -> bool:
        if not socket.initialised and self.defect("ping-before-init-closes"):
            return await self.close(conn, protocol.UNAUTHORIZED)
        if self.defect("ping-unanswered"):
            return True
        pong: dict[str, Any] = {"type": protocol.PONG}
        if self.variant("pong-payload") == "echo" and "payload" in message:
            pong["payload"] = message["payload"]
        await self.send(conn, pong)
        return True

    async def subscribe(
        self, conn: Connection, socket: Socket, op_id: str, payload: dict[str, Any]
    ) -> bool:
        if not socket.acknowledged and not self.defect("subscribe-before-ack-served"):
            return await self.close(conn, protocol.UNAUTHORIZED)
        reused = op_id in socket.completed and self.defect("id-not-reusable")
        active = op_id in conn.subscriptions and not self.defect("duplicate-id-accepted")
        if reused or active:
            return await self.close(
                conn, protocol.SUBSCRIBER_EXISTS, f"Subscriber for {op_id} already exists"
            )
        query = payload.get("query")
        if query == protocol.STREAMING:
            conn.subscriptions[op_id] = query
            return True
        if query == protocol.SINGLE_RESULT:
            await self.send(conn, _next(op_id, {"__typename": "Query"}))
            if not self.defect("single-result-without-complete"):
                await self.send(conn, protocol.complete(op_id))
        else:
            errors = [{"message": f"Cannot execute {query!r}: not in this server's schema"}]
            await self.send(conn, {"id": op_id, "type": protocol.ERROR, "payload": errors})
            if self.defect("error-then-complete"):
                await self.send(conn, protocol.complete(op_id))
        socket.completed.add(op_id)
        return True

    # -- frames and closes -----------------------------------------------------------------

    async def send(self, conn: Connection, message: dict[str, Any]) -> None:
        await conn.ws.send(json.dumps(message))

    async def close(self, conn: Connection, code: int, reason: str | None = None) -> bool:
        # Its operations end first: the pump must not send to a socket that is closing (a send
        # then waits for the close, and so would every other client's data).
        conn.subscriptions.clear()
        with contextlib.suppress(ConnectionClosed):
            await conn.ws.close(code, reason or protocol.CLOSE_REASONS.get(code, ""))
        return False

    def data_frame(self, conn: Connection, channel: str) -> str | None:
        """The next tick of subscription `channel` (an operation id)."""
        message = _next(channel, {"ticks": conn.seq})
        if self.defect("next-without-id"):
            del message["id"]
        return json.dumps(message)

    # -- the clock ---------------------------------------------------------------------------

    async def pump(self) -> None:
        await self.on_clock()
        await super().pump()

    async def clock_advanced(self) -> None:
        await self.on_clock()

    async def on_clock(self) -> None:
        """Close what the clock has made due: a socket without ConnectionInit (4408), and, in
        the close-4403 variant, one whose token has expired."""
        now = self.clock.now()
        for conn, socket in list(self.sockets.items()):
            if not socket.initialised and now >= socket.init_deadline:
                socket.initialised = True  # closed once
                code = (
                    protocol.BAD_REQUEST
                    if self.defect("init-timeout-closes-4400")
                    else protocol.INIT_TIMEOUT
                )
                self.close_soon(conn, code)
            expired = conn.identity is not None and conn.identity.expires_at <= now
            if expired and self.variant("at-expiry") == "close-4403":
                conn.identity = None
                self.close_soon(conn, protocol.FORBIDDEN)

    def close_soon(self, conn: Connection, code: int) -> None:
        """Start a close without waiting for the client's half (it may be the thread waiting
        for this clock jump to return)."""
        closing = asyncio.ensure_future(self.close(conn, code))
        self._closing.add(closing)  # type: ignore[arg-type]
        closing.add_done_callback(self._closing.discard)  # type: ignore[arg-type]


def _parsed(raw: str | bytes) -> dict[str, Any] | None:
    if isinstance(raw, bytes):
        return None  # "Messages are represented through the JSON structure" (text)
    try:
        message = json.loads(raw)
    except (ValueError, RecursionError):
        return None
    return message if isinstance(message, dict) else None


def _well_formed(message: dict[str, Any]) -> bool:
    """The shape PROTOCOL.md gives each client message (ids and payloads where required)."""
    kind = message["type"]
    payload = message.get("payload")
    operation = kind in (protocol.SUBSCRIBE, protocol.COMPLETE)
    if operation and (not isinstance(message.get("id"), str) or not message["id"]):
        return False
    if kind == protocol.SUBSCRIBE:
        return isinstance(payload, dict) and isinstance(payload.get("query"), str)
    if kind in (protocol.CONNECTION_INIT, protocol.PING, protocol.PONG):
        return payload is None or isinstance(payload, dict)
    return True


def _next(op_id: str, data: dict[str, Any]) -> dict[str, Any]:
    return {"id": op_id, "type": protocol.NEXT, "payload": {"data": data}}
