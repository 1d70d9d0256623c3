"""ETHGas reference mock, `cmd` dialect: the seed page's protocol (profile "ethgas").

As documented by the seed page (vendor-docs/ethgas-websocket-authentication.md, a deleted draft:
facts §2.0, §2.2) and its companion overview page from the same draft set (facts Addendum):
- URL wss://ws.ethgas.com, so the path is "/".
- login `{"cmd":"login","data":{"accessToken":T}}`; the companion page's `"args"` spelling is
  accepted the same way. Success `{"cmd":"login","status":"success","data":{"userId","username",
  "permissions"}}`; failure `{"cmd":"login","status":"error","error":{"code":401,"message":
  "Invalid access token"}}`.
- error codes 401 invalid token, 403 insufficient permissions, 429 rate limited.
- at expiry the event `{"cmd":"token_expired","data":{"message":"Access token has expired"}}`;
  re-authentication is a new login on the same socket.
- requests `{"cmd":C,"args":{...}}`, replies `{"cmd":C,"data":{...}}`, errors `{"cmd":"error",
  "error":{"code","message"}}`; commands login, logout, subscribe, unsubscribe, ping/pong; data
  frames keyed by the channel: `{"cmd":<channel>,"data":{...}}` (companion page).
- unauthenticated connections read public data only.

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
from typing import Any, ClassVar

from websockets.exceptions import ConnectionClosed

from wsconform.mock.defects import Defect, accept_expired, pong_withheld
from wsconform.mock.issuer import ALL_RIGHTS, PRIVATE_RIGHT, Identity, Rejected
from wsconform.mock.server import Connection, MockApp, backed_up
from wsconform.vendors.ethgas.common import (
    ANY_TOKEN_LIFETIME,
    CHANNELS,
    is_private,
    permissions,
    reads_private,
)

Message = dict[str, Any]
MISSING = object()


@dataclass
class LoginState:
    """What one connection's logins left behind, beyond the identity in force."""

    failures: list[float] = field(default_factory=list)  # mock-clock times of failed logins
    expiry_noticed: bool = False  # the identity in force has been found expired (event sent)
    ever_expired: bool = False  # some identity on this connection expired


class EthgasMock(MockApp):
    profile = "ethgas"
    path = "/"
    RATE_LIMIT = 5  # failed logins answered normally within the window; the next ones get 429
    RATE_WINDOW = 60.0  # seconds of the mock clock
    DEFECTS: ClassVar[dict[str, Defect]] = {
        "invalid-token-answered-403": Defect(
            "a refused token is answered 403 instead of 401", "ETH-REJ-01", lifecycle=True
        ),
        "no-token-expired-event": Defect(
            "no token_expired event at expiry", "ETH-EXP-01", lifecycle=True
        ),
        "private-data-after-expiry": Defect(
            "private data keeps flowing after the token expired", "ETH-EXP-02", lifecycle=True
        ),
        "status-ok": Defect(
            'a successful login says "status": "ok", not "success"', "ETH-AUTH-01", lifecycle=True
        ),
        "private-without-login": Defect(
            "private channels are subscribed and served without login",
            "ETH-AUTH-06",
            lifecycle=True,
        ),
        "success-without-permissions": Defect(
            'the login success data lacks "permissions"', "ETH-AUTH-02", lifecycle=True
        ),
        "relogin-after-expiry-refused": Defect(
            "after a token_expired every later login there is 401", "ETH-EXP-03", lifecycle=True
        ),
        "error-without-code": Defect('login errors and error frames lack "code"', "ETH-ENV-01"),
        "accept-any-token": Defect(
            "any string accessToken logs in, with all permissions, for an hour",
            "ETH-REJ-01",
            lifecycle=True,
        ),
        "expiry-event-renamed": Defect(
            'the expiry event is "cmd": "session_expired"', "ETH-EXP-01", lifecycle=True
        ),
        "limited-reads-private": Defect(
            "a token without the private right reads private channels",
            "ETH-AUTH-08",
            lifecycle=True,
        ),
        "rate-limit-shape-undocumented": Defect(
            'the 429 is "error": "rate limited", not an object', "ETH-REJ-04", lifecycle=True
        ),
        "cmd-ping-unanswered": Defect('{"cmd": "ping"} gets no pong', "ETH-HB-02"),
        "public-needs-login": Defect(
            "a public subscribe before login is refused 401", "ETH-AUTH-05", lifecycle=True
        ),
        "unsubscribe-keeps-data": Defect(
            "data keeps flowing after an unsubscribe", "ETH-SUB-04", lifecycle=True
        ),
        "data-payload-renamed": Defect(
            'data frames carry their payload in "payload", not "data"', "ETH-ENV-03"
        ),
        **accept_expired("ETH-REJ-03", description="an expired token logs in"),
        **pong_withheld("ETH-HB-01"),
    }
    VARIANTS: ClassVar[dict[str, tuple[str, ...]]] = {
        "subscribe-ack": ("yes", "no"),  # undocumented: acks or silence
        "subscriptions-at-expiry": ("kept", "dropped"),  # undocumented
    }

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
        cmd = "session_expired" if self.defect("expiry-event-renamed") else "token_expired"
        return [{"cmd": cmd, "data": {"message": "Access token has expired"}}]

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
        cmd = request.get("cmd") if isinstance(request, dict) else None
        if not isinstance(request, dict) or not isinstance(cmd, str):
            return [self.error(400, "Invalid request")]
        if cmd == "login":
            return [self.login(conn, request)]
        if cmd == "logout":
            conn.identity = None
            self.states[conn].expiry_noticed = False
            return [{"cmd": "logout", "data": {}}]
        if cmd in ("subscribe", "unsubscribe"):
            return self.subscription(conn, cmd, request.get("args"))
        if cmd == "ping":
            return [] if self.defect("cmd-ping-unanswered") else [{"cmd": "pong"}]
        if cmd == "pong":
            return []
        return [self.error(400, "Invalid request")]

    def login(self, conn: Connection, request: Message) -> Message:
        state = self.states[conn]
        now = self.clock.now()
        state.failures = [t for t in state.failures if t > now - self.RATE_WINDOW]
        if len(state.failures) >= self.RATE_LIMIT:
            if self.defect("rate-limit-shape-undocumented"):
                return {"cmd": "login", "status": "error", "error": "rate limited"}
            return self.login_error(429, "Rate limited")
        try:
            if state.ever_expired and self.defect("relogin-after-expiry-refused"):
                raise Rejected("this connection saw a token expire", malformed=False)
            identity = self.verify(token_of(request))
        except Rejected:
            state.failures.append(now)
            code = 403 if self.defect("invalid-token-answered-403") else 401
            return self.login_error(code, "Invalid access token")
        conn.identity = identity
        state.expiry_noticed = False
        data: Message = {"userId": identity.subject, "username": identity.subject}
        if not self.defect("success-without-permissions"):
            data["permissions"] = permissions(identity.rights)
        status = "ok" if self.defect("status-ok") else "success"
        return {"cmd": "login", "status": status, "data": data}

    def verify(self, token: object) -> Identity:
        if token is MISSING:
            raise Rejected("no accessToken", malformed=True)
        if self.defect("accept-any-token") and isinstance(token, str):
            return Identity("anyone", ALL_RIGHTS, self.clock.now() + ANY_TOKEN_LIFETIME)
        return super().verify(token)

    def subscription(self, conn: Connection, cmd: str, args: Any) -> list[Message]:
        channel = args.get("channel") if isinstance(args, dict) else None
        if not isinstance(channel, str):
            return [self.error(400, "Invalid request")]
        if channel not in CHANNELS:
            return [self.error(1002, "Invalid channel")]
        if cmd == "subscribe":
            refusal = self.refusal(conn, channel)
            if refusal is not None:
                return [refusal]
            conn.subscriptions[channel] = args
        elif not self.defect("unsubscribe-keeps-data"):
            conn.subscriptions.pop(channel, None)
        if self.variant("subscribe-ack") == "no":
            return []
        return [{"cmd": cmd, "data": {"channel": channel}}]

    def refusal(self, conn: Connection, channel: str) -> Message | None:
        """The error frame a subscribe to a known channel gets, or None when it is allowed."""
        if not is_private(channel):
            if self.live(conn) is None and self.defect("public-needs-login"):
                return self.error(401, "Authentication required")
            return None
        if self.reads_private(conn):
            return None
        if self.live(conn) is None:
            return self.error(401, "Authentication required")
        return self.error(403, "Insufficient permissions")

    # -- frames --------------------------------------------------------------------------------

    def error_body(self, code: int, message: str) -> Message:
        if self.defect("error-without-code"):
            return {"message": message}
        return {"code": code, "message": message}

    def error(self, code: int, message: str) -> Message:
        return {"cmd": "error", "error": self.error_body(code, message)}

    def login_error(self, code: int, message: str) -> Message:
        return {"cmd": "login", "status": "error", "error": self.error_body(code, message)}

    def data_frame(self, conn: Connection, channel: str) -> str | None:
        if is_private(channel) and not self.reads_private(conn, for_data=True):
            return None
        data = {"channel": channel, "seq": conn.seq + 1, "timestamp": int(self.clock.now() * 1000)}
        return dumps(
            {"cmd": channel, "payload" if self.defect("data-payload-renamed") else "data": data}
        )


def token_of(request: Message) -> object:
    """The login's accessToken: under "data" (seed page) or "args" (companion page), or MISSING."""
    for key in ("data", "args"):
        body = request.get(key)
        if isinstance(body, dict) and "accessToken" in body:
            return body["accessToken"]
    return MISSING


def dumps(message: Message) -> str:
    return json.dumps(message, separators=(",", ":"))
