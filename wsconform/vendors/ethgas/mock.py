"""ETHGas reference mock, `cmd` dialect: the seed page's protocol (profile "ethgas").

The documented protocol is wsconform.vendors.ethgas.protocol: the seed page's login in `data`
(the companion page's `args` accepted the same way), its success and error replies, the
token_expired event, the companion page's commands, error frames and data frames. Unauthenticated
connections read public data only; re-authentication is a new login on the same socket.

Where the docs are silent the mock chooses [INF]:
- username is the token's subject, as userId; permissions from the issuer's rights
  (ethgas_common.PERMISSIONS).
- a failed login leaves the identity in force unchanged; missing, non-string, malformed, invalid
  and expired tokens all get the same 401.
- more than RATE_LIMIT failed logins within RATE_WINDOW seconds of the mock clock on one
  connection: every later login is answered 429, unchecked, until the oldest failure leaves the
  window. A 429 is not itself a failure, and a success does not reset the count.
- a private subscribe without a live login is 401 "Authentication required", with a login that
  lacks the private right 403 "Insufficient permissions"; an unknown channel is 1002 "Invalid
  channel"; a subscribe without an object holding a string channel, non-JSON, a non-object, an
  unknown cmd (including the companion page's `query`, whose shape no page gives) is 400
  "Invalid request". Errors never close the connection.
- subscriptions are keyed by channel (a second subscribe replaces the first's extra args); an
  unsubscribe is acked whether or not the channel was subscribed, without an auth check.
- the subscribe/unsubscribe ack `{"cmd":"subscribe","data":{"channel":C}}`: variant
  "subscribe-ack" (yes | no).
- data `{"cmd":C,"data":{"channel":C,"seq":n,"timestamp":<ms on the mock clock>}}`, seq counting
  per connection.
- `{"cmd":"ping"}` → `{"cmd":"pong"}`; a client's `{"cmd":"pong"}` is ignored.
- `{"cmd":"logout"}` → `{"cmd":"logout","data":{}}`; the identity is cleared, subscriptions stay
  (private ones fall silent until the next login).
- token_expired goes out once per identity, from clock_advanced (tests) or the pump (standalone
  mock in real time), or ahead of the reply to the connection's next request. Private data then
  stops. Whether subscriptions survive: variant "subscriptions-at-expiry" (kept | dropped;
  "dropped" drops the private ones, which a re-login does not restore).
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass, field
from typing import Any

from websockets.exceptions import ConnectionClosed

from wsconform.mock.issuer import ALL_RIGHTS, PRIVATE_RIGHT, Identity, Rejected
from wsconform.mock.server import Connection, MockApp, backed_up
from wsconform.vendors.ethgas import defects, protocol
from wsconform.vendors.ethgas.common import (
    ANY_TOKEN_LIFETIME,
    CHANNELS,
    dumps,
    is_private,
    permissions,
    reads_private,
)
from wsconform.vendors.ethgas.protocol import Message

MISSING = object()
# The mock's answers where the pages show none [INF].
INVALID_REQUEST = 400
INVALID_REQUEST_MESSAGE = "Invalid request"
AUTH_REQUIRED_MESSAGE = "Authentication required"
INSUFFICIENT_MESSAGE = "Insufficient permissions"
INVALID_CHANNEL_MESSAGE = "Invalid channel"
RATE_LIMITED_MESSAGE = "Rate limited"
RENAMED_EXPIRY_EVENT = "session_expired"  # defect expiry-event-renamed


@dataclass
class LoginState:
    """What one connection's logins left behind, beyond the identity in force."""

    failures: list[float] = field(default_factory=list)  # mock-clock times of failed logins
    expiry_noticed: bool = False  # the identity in force has been found expired (event sent)
    ever_expired: bool = False  # some identity on this connection expired


class EthgasMock(MockApp):
    profile = "ethgas"
    path = protocol.PATH
    RATE_LIMIT = 5  # failed logins answered normally within the window; the next ones get 429
    RATE_WINDOW = 60.0  # seconds of the mock clock
    DEFECTS = defects.DEFECTS
    VARIANTS = defects.VARIANTS

    def __init__(self, ctx: Any) -> None:
        super().__init__(ctx)
        self.states: dict[Connection, LoginState] = {}

    # -- connection ----------------------------------------------------------------------------

    async def serve_connection(self, conn: Connection) -> None:
        self.states[conn] = LoginState()
        try:
            async for raw in conn.ws:
                for message in self.expiry_events(conn) + self.handle(conn, raw):
                    await conn.ws.send(dumps(message))
        finally:
            del self.states[conn]

    def live(self, conn: Connection) -> Identity | None:
        """The connection's identity while it is unexpired."""
        identity: Identity | None = conn.identity
        if identity is None or identity.expires_at <= self.clock.now():
            return None
        return identity

    def reads_private(self, conn: Connection, *, for_data: bool = False) -> bool:
        if self.defect("private-without-login"):
            return True
        identity: Identity | None = conn.identity
        if identity is not None and self.defect("limited-reads-private"):
            identity = Identity(
                identity.subject, (*identity.rights, PRIVATE_RIGHT), identity.expires_at
            )
        after_expiry = for_data and self.defect("private-data-after-expiry")
        return reads_private(identity, self.clock.now(), ignore_expiry=after_expiry)

    # -- expiry --------------------------------------------------------------------------------

    def expiry_events(self, conn: Connection) -> list[Message]:
        """The token_expired event, once, when the connection's identity has just expired."""
        state = self.states.get(conn)
        identity: Identity | None = conn.identity
        if state is None or identity is None or state.expiry_noticed:
            return []
        if identity.expires_at > self.clock.now():
            return []
        state.expiry_noticed = state.ever_expired = True
        if self.variant("subscriptions-at-expiry") == "dropped":
            for channel in [c for c in conn.subscriptions if is_private(c)]:
                del conn.subscriptions[channel]
        if self.defect("no-token-expired-event"):
            return []
        renamed = self.defect("expiry-event-renamed")
        return [protocol.expiry_event(RENAMED_EXPIRY_EVENT if renamed else protocol.TOKEN_EXPIRED)]

    async def send_expiry_events(self) -> None:
        for conn in list(self.connections):
            if backed_up(conn):  # its event waits until it reads again; the others' do not
                continue
            for message in self.expiry_events(conn):
                with contextlib.suppress(ConnectionClosed):
                    await conn.ws.send(dumps(message))

    async def clock_advanced(self) -> None:
        await self.send_expiry_events()

    async def pump(self) -> None:
        await self.send_expiry_events()  # the standalone mock's tokens expire in real time
        await super().pump()

    # -- requests ------------------------------------------------------------------------------

    def handle(self, conn: Connection, raw: str | bytes) -> list[Message]:
        """The frames one client frame causes, in order."""
        try:
            request = json.loads(raw) if isinstance(raw, str) else None
        except (ValueError, RecursionError):  # too deep to parse is not JSON
            request = None
        cmd = protocol.cmd_of(request)
        if not isinstance(request, dict) or not isinstance(cmd, str):
            return [self.invalid_request()]
        if cmd == protocol.LOGIN:
            return [self.login(conn, request)]
        if cmd == protocol.LOGOUT:
            conn.identity = None
            self.states[conn].expiry_noticed = False
            return [protocol.reply(protocol.LOGOUT, {})]
        if cmd in (protocol.SUBSCRIBE, protocol.UNSUBSCRIBE):
            return self.subscription(conn, cmd, request.get("args"))
        if cmd == protocol.PING:
            return [] if self.defect("cmd-ping-unanswered") else [protocol.bare(protocol.PONG)]
        if cmd == protocol.PONG:
            return []
        return [self.invalid_request()]

    def login(self, conn: Connection, request: Message) -> Message:
        state = self.states[conn]
        now = self.clock.now()
        state.failures = [t for t in state.failures if t > now - self.RATE_WINDOW]
        if len(state.failures) >= self.RATE_LIMIT:
            if self.defect("rate-limit-shape-undocumented"):
                return protocol.login_error("rate limited")
            return self.login_error(protocol.RATE_LIMITED, RATE_LIMITED_MESSAGE)
        try:
            if state.ever_expired and self.defect("relogin-after-expiry-refused"):
                raise Rejected("this connection saw a token expire", malformed=False)
            identity = self.verify(protocol.token_of(request, MISSING))
        except Rejected:
            state.failures.append(now)
            code = protocol.INVALID_TOKEN
            if self.defect("invalid-token-answered-403"):
                code = protocol.INSUFFICIENT_PERMISSIONS
            return self.login_error(code, protocol.INVALID_TOKEN_MESSAGE)
        conn.identity = identity
        state.expiry_noticed = False
        data: Message = {"userId": identity.subject, "username": identity.subject}
        if not self.defect("success-without-permissions"):
            data["permissions"] = permissions(identity.rights)
        status = "ok" if self.defect("status-ok") else protocol.SUCCESS
        return protocol.login_success(data, status)

    def verify(self, token: object) -> Identity:
        if token is MISSING:
            raise Rejected("no accessToken", malformed=True)
        if self.defect("accept-any-token") and isinstance(token, str):
            return Identity("anyone", ALL_RIGHTS, self.clock.now() + ANY_TOKEN_LIFETIME)
        return super().verify(token)

    def subscription(self, conn: Connection, cmd: str, args: Any) -> list[Message]:
        channel = args.get("channel") if isinstance(args, dict) else None
        if not isinstance(channel, str):
            return [self.invalid_request()]
        if channel not in CHANNELS:
            return [self.error(protocol.INVALID_CHANNEL, INVALID_CHANNEL_MESSAGE)]
        if cmd == protocol.SUBSCRIBE:
            refusal = self.refusal(conn, channel)
            if refusal is not None:
                return [refusal]
            conn.subscriptions[channel] = args
        elif not self.defect("unsubscribe-keeps-data"):
            conn.subscriptions.pop(channel, None)
        if self.variant("subscribe-ack") == "no":
            return []
        return [protocol.reply(cmd, {"channel": channel})]

    def refusal(self, conn: Connection, channel: str) -> Message | None:
        """The error frame a subscribe to a known channel gets, or None when it is allowed."""
        if not is_private(channel):
            if self.live(conn) is None and self.defect("public-needs-login"):
                return self.auth_required()
            return None
        if self.reads_private(conn):
            return None
        if self.live(conn) is None:
            return self.auth_required()
        return self.error(protocol.INSUFFICIENT_PERMISSIONS, INSUFFICIENT_MESSAGE)

    # -- frames --------------------------------------------------------------------------------

    def error_body(self, code: int, message: str) -> Message:
        if self.defect("error-without-code"):
            return {"message": message}
        return protocol.error_body(code, message)

    def error(self, code: int, message: str) -> Message:
        return protocol.error_frame(self.error_body(code, message))

    def invalid_request(self) -> Message:
        return self.error(INVALID_REQUEST, INVALID_REQUEST_MESSAGE)

    def auth_required(self) -> Message:
        return self.error(protocol.INVALID_TOKEN, AUTH_REQUIRED_MESSAGE)

    def login_error(self, code: int, message: str) -> Message:
        return protocol.login_error(self.error_body(code, message))

    def data_frame(self, conn: Connection, channel: str) -> str | None:
        if is_private(channel) and not self.reads_private(conn, for_data=True):
            return None
        data = {"channel": channel, "seq": conn.seq + 1, "timestamp": int(self.clock.now() * 1000)}
        if self.defect("data-payload-renamed"):
            return dumps({"cmd": channel, "payload": data})
        return dumps(protocol.reply(channel, data))
