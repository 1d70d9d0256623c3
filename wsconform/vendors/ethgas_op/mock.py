"""ETHGas reference mock, official `op`/`args` dialect (profile "ethgas-op").

The documented protocol, and what python-ethgas (the SDK the docs link) adds to it, is
wsconform.vendors.ethgas_op.protocol; the channels, shared with the `cmd` dialect, are in
wsconform.vendors.ethgas.common. Close 4000 is final for python-ethgas (docs/facts/ethgas.md
§python-ethgas).

Where the docs are silent the mock chooses [INF]:
- login failure `{"event":"login","code":1001,"msg":"Authentication failed","connId":…}`; a
  login without an object holding a string accessToken fails the same way; a failed login
  leaves the identity in force (from the header or an earlier login) unchanged.
- an invalid or non-Bearer Authorization header: variant "bad-header-token"
  (upgrade-unauthenticated | refuse-401, HTTP 401 at the upgrade).
- acks `{"event":"subscribe","arg":<arg>}` / `{"event":"unsubscribe","arg":<arg>}`, one per arg:
  variant "subscribe-ack" (yes | no). Errors per arg: `{"event":"error","code":1002,"msg":
  "Invalid channel","arg":<arg>}` for an arg naming no known channel, `{"event":"error","code":
  1001,"msg":"Authentication failed","arg":<arg>}` for a private channel or query without a
  session that may read private data (unauthenticated, or a token without the private right).
  An unsubscribe needs no auth and is acked whether or not the arg was subscribed.
- subscriptions are keyed by the whole arg (channel + marketType etc.): one data frame per arg
  per pump, the docs' example frame of its channel with E from the mock clock (payloads.py).
- currentSlot is the Ethereum mainnet slot at the mock clock (genesis 1606824023, 12 s slots);
  every other documented query answers its example's P (payloads.py), whatever its parameters
  (the docs do not say what a missing or unknown parameter gets).
- only the channels and queryTypes the docs list are served; any other name (python-ethgas's
  userOrder, userTrade, currentPositions, blockSpaceSale among them) is refused with 1002, the
  one code the docs give for it: "Invalid channel" for a channel, "Operation Failed" (the
  general table's 1002) for a queryType, each with the arg.
- logout (listed by the docs, shape unshown): `{"event":"logout","code":0,"msg":"","connId":…}`
  and the identity is cleared.
- the text "ping" is answered with the text "pong"; a text "pong" is ignored; any other non-JSON
  frame, a non-object, an unknown op, args that are not a list (or an empty list for subscribe,
  unsubscribe, query) is `{"event":"error","code":1002,"msg":"Operation Failed"}`. Errors never
  close the connection.
- at expiry: variant "at-expiry": continue (the server never looks at exp after login; private
  data and new private subscribes go on) | stop (private data stops silently; private subscribes
  and queries are refused 1001) | close (close code 4000 "token expired"). A later login with a
  fresh token restores private data.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import weakref
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from websockets.asyncio.server import Request, Response, ServerConnection

from wsconform.mock.http import Routes
from wsconform.mock.issuer import ALL_RIGHTS, Identity, Rejected
from wsconform.mock.server import Connection, MockApp
from wsconform.vendors.ethgas.common import (
    ANY_TOKEN_LIFETIME,
    CHANNELS,
    dumps,
    is_private,
    reads_private,
)
from wsconform.vendors.ethgas_op import defects, payloads, protocol, rest
from wsconform.vendors.ethgas_op.protocol import (
    AUTH_FAILED,
    AUTH_FAILED_MSG,
    INVALID_CHANNEL,
    INVALID_CHANNEL_MSG,
    OPERATION_FAILED,
    OPERATION_FAILED_MSG,
    PRIVATE_QUERIES,
    PUBLIC_QUERIES,
    SYNC_QUERY,
    Message,
)

GENESIS = 1606824023  # Ethereum mainnet beacon chain genesis (Unix seconds)
SLOT_SECONDS = 12
CLOSE_EXPIRED = 4000  # python-ethgas logs it as "normally closed by EthGas" and stays closed
OPS_WITH_ARGS = (protocol.SUBSCRIBE, protocol.UNSUBSCRIBE, protocol.QUERY)


@dataclass
class OpState:
    conn_id: str  # the login ack's connId: 8 hex characters, one per connection
    closing: bool = False  # at-expiry=close: the close 4000 has gone out


class EthgasOpMock(MockApp):
    profile = "ethgas-op"
    path = protocol.PATH
    DEFECTS = defects.DEFECTS
    VARIANTS = defects.VARIANTS

    def __init__(self, ctx: Any) -> None:
        super().__init__(ctx)
        # Handshake header auth → the identity serve_connection starts with.
        self._handshake: weakref.WeakKeyDictionary[ServerConnection, Identity] = (
            weakref.WeakKeyDictionary()
        )
        self.states: dict[Connection, OpState] = {}
        self._closing: set[asyncio.Task[None]] = set()

    def http_routes(self) -> Routes:
        return rest.routes(self.issuer)

    # -- handshake -----------------------------------------------------------------------------

    def process_request(self, ws: ServerConnection, request: Request) -> Response | None:
        header = request.headers.get("Authorization")
        if header is None:
            return None
        scheme, _, token = header.partition(" ")
        try:
            if scheme.lower() != "bearer":
                raise Rejected(f"scheme {scheme!r} is not Bearer", malformed=True)
            identity = self.verify(token.strip())
        except Rejected:
            if self.variant("bad-header-token") == "refuse-401":
                return ws.respond(HTTPStatus.UNAUTHORIZED, "Unauthorized\n")
            return None
        if not self.defect("session-header-ignored"):
            self._handshake[ws] = identity
        return None

    # -- connection ----------------------------------------------------------------------------

    async def serve_connection(self, conn: Connection) -> None:
        conn.identity = self._handshake.pop(conn.ws, None)
        self.states[conn] = OpState(secrets.token_hex(4))
        try:
            async for raw in conn.ws:
                for message in self.handle(conn, raw):
                    await conn.ws.send(message if isinstance(message, str) else dumps(message))
        finally:
            del self.states[conn]

    def verify(self, token: object) -> Identity:
        if self.defect("accept-any-token") and isinstance(token, str):
            return Identity("anyone", ALL_RIGHTS, self.clock.now() + ANY_TOKEN_LIFETIME)
        return super().verify(token)

    def reads_private(self, conn: Connection) -> bool:
        if self.defect("private-without-login"):
            return True
        ignore_expiry = self.variant("at-expiry") == "continue"
        return reads_private(conn.identity, self.clock.now(), ignore_expiry=ignore_expiry)

    # -- expiry --------------------------------------------------------------------------------

    def close_expired(self) -> None:
        """at-expiry=close: close 4000 every connection whose identity has expired."""
        if self.variant("at-expiry") != "close":
            return
        now = self.clock.now()
        for conn in list(self.connections):
            state = self.states.get(conn)
            identity: Identity | None = conn.identity
            if state is None or state.closing or identity is None or identity.expires_at > now:
                continue
            state.closing = True
            # A task, so the loop is free to read the client's close frame; it writes ours at once.
            task = asyncio.ensure_future(conn.ws.close(CLOSE_EXPIRED, "token expired"))
            self._closing.add(task)
            task.add_done_callback(self._closing.discard)

    async def clock_advanced(self) -> None:
        self.close_expired()
        await asyncio.sleep(0)  # let the close tasks put their frames on the wire

    async def pump(self) -> None:
        self.close_expired()  # the standalone mock's tokens expire in real time
        await super().pump()

    # -- requests ------------------------------------------------------------------------------

    def handle(self, conn: Connection, raw: str | bytes) -> list[Message | str]:
        """The frames one client frame causes, in order. Errors never close the connection."""
        if raw == protocol.TEXT_PING:
            return [] if self.defect("text-ping-unanswered") else [protocol.TEXT_PONG]
        if raw == protocol.TEXT_PONG:
            return []
        try:
            request = json.loads(raw) if isinstance(raw, str) else None
        except (ValueError, RecursionError):  # too deep to parse is not JSON
            request = None
        if not isinstance(request, dict):
            return (
                ["invalid request"] if self.defect("non-json-error-text") else [operation_failed()]
            )
        op, args = request.get("op"), request.get("args", [])
        if not isinstance(args, list) or (op in OPS_WITH_ARGS and not args):
            return [operation_failed()]
        if op == protocol.LOGIN:
            return [self.login(conn, args)]
        if op == protocol.LOGOUT:
            conn.identity = None
            return [self.ack(protocol.LOGOUT, conn, protocol.SUCCESS)]
        if op == protocol.SUBSCRIBE:
            return self.subscribe(conn, args)
        if op == protocol.UNSUBSCRIBE:
            return self.unsubscribe(conn, args)
        if op == protocol.QUERY:
            return [self.query(conn, arg) for arg in args]
        return [operation_failed()]

    def ack(self, event: str, conn: Connection, code: int, msg: str = "") -> Message:
        return protocol.ack(event, code, msg, self.states[conn].conn_id)

    def login(self, conn: Connection, args: list[Any]) -> Message:
        arg = args[0] if args else None
        token = arg.get("accessToken") if isinstance(arg, dict) else None
        expired = conn.identity is not None and conn.identity.expires_at <= self.clock.now()
        try:
            identity = self.verify(token)
            if expired and self.defect("relogin-after-expiry-refused"):
                raise Rejected("this connection's login has expired", malformed=False)
        except Rejected:
            return self.ack(protocol.LOGIN, conn, AUTH_FAILED, AUTH_FAILED_MSG)
        conn.identity = identity
        state = self.states[conn]
        state.closing = False
        event = "auth" if self.defect("login-ack-renamed") else protocol.LOGIN
        code = 99 if self.defect("success-nonzero-code") else protocol.SUCCESS
        return self.ack(event, conn, code)

    def subscribe(self, conn: Connection, args: list[Any]) -> list[Message]:
        out: list[Message] = []
        for index, arg in enumerate(args):
            error = self.refusal(conn, arg)
            if error is not None:
                out.append(error)
                continue
            if index == 0 or not self.defect("multi-arg-subscribe-first-only"):
                conn.subscriptions[key_of(arg)] = arg
            if self.variant("subscribe-ack") == "yes":
                out.append(protocol.arg_ack(protocol.SUBSCRIBE, arg))
        return out

    def unsubscribe(self, conn: Connection, args: list[Any]) -> list[Message]:
        out: list[Message] = []
        for arg in args:
            if channel_of(arg) is None:
                out.append(protocol.error_event(INVALID_CHANNEL, INVALID_CHANNEL_MSG, arg=arg))
                continue
            if not self.defect("unsubscribe-keeps-data"):
                conn.subscriptions.pop(key_of(arg), None)
            if self.variant("subscribe-ack") == "yes":
                out.append(protocol.arg_ack(protocol.UNSUBSCRIBE, arg))
        return out

    def refusal(self, conn: Connection, arg: Any) -> Message | None:
        """The error one subscribe arg gets, or None when it may be subscribed."""
        channel = channel_of(arg)
        if channel is None:  # in no ETHGas document (python-ethgas's userOrder): refused, 1002
            return protocol.error_event(INVALID_CHANNEL, INVALID_CHANNEL_MSG, arg=arg)
        if is_private(channel) and not self.reads_private(conn):
            return protocol.error_event(AUTH_FAILED, AUTH_FAILED_MSG, arg=arg)
        if self.defect("public-channels-need-login") and conn.identity is None:
            return protocol.error_event(AUTH_FAILED, AUTH_FAILED_MSG, arg=arg)
        return None

    def query(self, conn: Connection, arg: Any) -> Message:
        query_type = arg.get("queryType") if isinstance(arg, dict) else None
        if query_type == SYNC_QUERY:
            slot = int(self.clock.now() - GENESIS) // SLOT_SECONDS
            return protocol.query_reply(SYNC_QUERY, {"s": slot})
        if query_type in PUBLIC_QUERIES:
            return protocol.query_reply(query_type, payloads.query_payload(query_type))
        if query_type in PRIVATE_QUERIES:
            if not self.reads_private(conn):
                return protocol.error_event(AUTH_FAILED, AUTH_FAILED_MSG, arg=arg)
            payload = payloads.query_payload(query_type)
            if self.defect("private-query-payload-as-data"):
                return {"q": query_type, "data": payload}
            return protocol.query_reply(query_type, payload)
        # Not a documented queryType: refused, never guessed at (module docstring).
        return protocol.error_event(OPERATION_FAILED, OPERATION_FAILED_MSG, arg=arg)

    # -- frames --------------------------------------------------------------------------------

    def data_frame(self, conn: Connection, channel: str) -> str | None:
        arg = conn.subscriptions.get(channel)
        name = channel_of(arg)
        if name is None or (is_private(name) and not self.reads_private(conn)):
            return None
        if is_private(name) and self.defect("private-channels-silent"):
            return None
        frame = payloads.data_frame(name, int(self.clock.now() * 1000))
        if self.defect("data-without-timestamp"):
            del frame["E"]
        return dumps(frame)


def channel_of(arg: Any) -> str | None:
    """The documented channel an arg names, or None: undocumented names are refused 1002."""
    channel = arg.get("channel") if isinstance(arg, dict) else None
    return channel if isinstance(channel, str) and channel in CHANNELS else None


def key_of(arg: Message) -> str:
    """A subscription's key: the whole arg, so marketType and the like tell two apart."""
    return json.dumps(arg, sort_keys=True, separators=(",", ":"))


def operation_failed() -> Message:
    return protocol.error_event(OPERATION_FAILED, OPERATION_FAILED_MSG)
