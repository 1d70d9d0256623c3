"""Paradex reference mock: JSON-RPC 2.0 over WebSocket, `auth` with a JWT bearer.

As documented (vendor-docs/paradex-websocket-authentication.txt, facts §3): 40110 for a malformed
bearer, 40111 for an invalid one (bad signature, wrong algorithm, expired); `id` echoed with its
JSON type; usIn/usOut/usDiff on replies; private channels need auth; a JWT that expires after
auth does not end the connection's private data. Where the docs are silent the mock picks the
behaviour the fact sheet calls likely, and the suite records rather than asserts it.
"""

from __future__ import annotations

import json
import re
import secrets
import time
from typing import Any, ClassVar

from wsconform.mock.defects import Defect, accept_expired, pong_withheld
from wsconform.mock.issuer import PRIVATE_RIGHT, Rejected
from wsconform.mock.server import Connection, MockApp
from wsconform.profiles.base import Heartbeat

PUBLIC_CHANNEL = re.compile(
    r"^(bbo|trades)\.[A-Za-z0-9_-]+$|^markets_summary(\.[A-Za-z0-9_-]+)?$|^markets(\.[A-Za-z0-9_-]+)?$"
    r"|^funding_data\.[A-Za-z0-9_-]+$|^order_book\.[A-Za-z0-9_-]+\.(snapshot|deltas|interactive)@15@(50|100)ms(@[0-9.]+)?$"
)
PRIVATE_CHANNEL = re.compile(
    r"^(account|balance_events|positions|tradebusts|transaction|transfers|block_trades)$"
    r"|^(fills|orders|funding_payments)\.[A-Za-z0-9_-]+$|^rfq(\.[A-Za-z0-9_-]+)?$"
)

GEO_BLOCKED_PATH = "/geo-blocked/v1"  # every auth here is refused 40112, as from a blocked region

# Lower case, as the live server sends them (facts §3.2: paradex-py issue #116).
MESSAGES = {
    -32700: "parse error",
    -32600: "invalid request",
    -32601: "method not found",
    -32602: "invalid method parameters",
    -32603: "internal error",
    40110: "malformed bearer token",
    40111: "invalid bearer token",
    40112: "geo ip blocked",
}


class RpcError(Exception):
    def __init__(self, code: int, data: str | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.data = data


def is_private(channel: str) -> bool:
    return bool(PRIVATE_CHANNEL.match(channel))


class ParadexMock(MockApp):
    profile = "paradex"
    # facts §3.4: a ping every 55 s; "each pong extends the connection by 60 s". Close code [INF].
    HEARTBEAT = Heartbeat(ping_every=55.0, close_silent_after=60.0)
    DEFECTS: ClassVar[dict[str, Defect]] = {
        "accept-alg-none": Defect(
            "an unsigned token (alg none) authenticates", "PDX-REJ-02", lifecycle=True
        ),
        "accept-forged-signature": Defect(
            "the signature is not checked", "PDX-REJ-02", lifecycle=True
        ),
        "accept-any-bearer": Defect(
            "any bearer string authenticates",
            "PDX-REJ-01",
            also=(
                "PDX-REJ-02",
                "PDX-REJ-03",
            ),
            lifecycle=True,
        ),
        "malformed-as-invalid": Defect(
            "a malformed token is answered 40111 instead of 40110", "PDX-REJ-01", lifecycle=True
        ),
        "id-not-echoed": Defect("replies carry no id", "PDX-ENV-02"),
        "id-coerced-to-int": Defect("a string id comes back as an integer", "PDX-ENV-02"),
        "private-without-auth": Defect(
            "private channels are served without auth", "PDX-AUTH-03", lifecycle=True
        ),
        "private-data-stops-at-expiry": Defect(
            "private data stops when the JWT's exp passes", "PDX-EXP-01", lifecycle=True
        ),
        "auth-result-not-object": Defect(
            "the auth result is `true`, not an object", "PDX-AUTH-01", lifecycle=True
        ),
        "no-jsonrpc-member": Defect('replies lack "jsonrpc": "2.0"', "PDX-ENV-01"),
        "close-on-non-json": Defect("the socket is closed on non-JSON input", "PDX-ENV-03"),
        "duplicate-subscribe-accepted": Defect(
            "subscribing twice to a channel succeeds", "PDX-SUB-04", lifecycle=True
        ),
        "unsubscribe-unknown-accepted": Defect(
            "unsubscribing from a channel never subscribed succeeds", "PDX-SUB-05", lifecycle=True
        ),
        "unsubscribe-keeps-data": Defect(
            "data keeps flowing after an unsubscribe", "PDX-SUB-03", lifecycle=True
        ),
        "no-parse-error": Defect(
            "non-JSON input is ignored instead of answered -32700", "PDX-ENV-03"
        ),
        "unknown-method-ignored": Defect("an unknown method gets no reply", "PDX-ENV-05"),
        "wrong-error-code-for-invalid-params": Defect(
            "invalid params are answered -32603", "PDX-ENV-06"
        ),
        "close-after-rejected-auth": Defect(
            "the connection is closed after a rejected auth", "PDX-REJ-05", lifecycle=True
        ),
        "auth-result-extra-fields": Defect(
            "the auth result carries members no document shows", "PDX-AUTH-02", lifecycle=True
        ),
        "undocumented-error-messages": Defect(
            "error messages are texts no document shows", "PDX-ENV-07"
        ),
        "public-needs-auth": Defect(
            "public channels are refused without auth", "PDX-AUTH-04", lifecycle=True
        ),
        "geo-block-ignored": Defect("a geo-blocked client is authenticated", "PDX-REJ-09"),
        "subscribe-result-without-channel": Defect(
            "the subscribe result omits the channel", "PDX-SUB-01", lifecycle=True
        ),
        "unsubscribe-result-without-channel": Defect(
            "the unsubscribe result omits the channel", "PDX-SUB-02", lifecycle=True
        ),
        "error-code-as-string": Defect(
            "error codes are sent as JSON strings", "PDX-REJ-04", lifecycle=True
        ),
        "string-token-as-invalid-params": Defect(
            "a malformed string token is answered -32602, not 40110", "PDX-REJ-07", lifecycle=True
        ),
        "crash-on-huge-bearer": Defect(
            "a bearer over 16 KiB drops every other connection", "PDX-REJ-08"
        ),
        "stale-subscription-after-disconnect": Defect(
            "a channel subscribed on a connection that closed is confirmed to the next "
            "subscriber but publishes nothing to it",
            "PDX-SUB-06",
            also=("PDX-AUTH-05",),
            lifecycle=True,
        ),
        **accept_expired("PDX-REJ-03"),
        **pong_withheld("PDX-HB-01"),
    }
    VARIANTS: ClassVar[dict[str, tuple[str, ...]]] = {
        "auth-result": ("node_id", "empty"),  # current docs / the seed page
        "error-messages": ("lower", "title"),  # the live server / the page's table
    }

    def __init__(self, ctx: Any) -> None:
        super().__init__(ctx)
        self.node_id = secrets.token_hex(8)
        # stale-subscription-after-disconnect: channels left subscribed by closed connections,
        # and the (connection, channel) subscriptions the stale entry swallows.
        self.orphaned: set[str] = set()
        self.swallowed: set[tuple[int, str]] = set()

    def geo_blocked_url(self, url: str) -> str | None:
        return url.rsplit("/", 1)[0] + GEO_BLOCKED_PATH

    # -- connection ----------------------------------------------------------------------------

    async def serve_connection(self, conn: Connection) -> None:
        try:
            await self.serve_requests(conn)
        finally:
            if self.defect("stale-subscription-after-disconnect"):
                self.orphaned.update(conn.subscriptions)
                self.swallowed = {(c, ch) for c, ch in self.swallowed if c != id(conn)}

    async def serve_requests(self, conn: Connection) -> None:
        async for raw in conn.ws:
            us_in = time.time_ns() // 1000
            reply, close_after = self.handle(conn, raw)
            if reply is not None:
                reply.setdefault("usIn", us_in)
                us_out = time.time_ns() // 1000
                reply.setdefault("usOut", us_out)
                reply.setdefault("usDiff", us_out - us_in)
                await conn.ws.send(json.dumps(reply))
            if close_after:
                await conn.ws.close(1008, "authentication failed")
                return

    def handle(self, conn: Connection, raw: str | bytes) -> tuple[dict[str, Any] | None, bool]:
        """The reply to one frame, and whether to close the connection afterwards."""
        try:
            request = json.loads(raw)
        except (ValueError, RecursionError):  # too deep to parse is a parse error
            if self.defect("close-on-non-json"):
                return None, True
            if self.defect("no-parse-error"):
                return None, False
            return self.error(None, RpcError(-32700)), False
        request_id = request.get("id") if isinstance(request, dict) else None
        # JSON-RPC 2.0 §4: an id is a String, a Number (finite) or Null; else the request is invalid
        bad_id = isinstance(request_id, bool | list | dict) or (
            isinstance(request_id, float) and not abs(request_id) < float("inf")
        )
        if bad_id:
            request_id = None
        if (
            bad_id
            or not isinstance(request, dict)
            or request.get("jsonrpc") != "2.0"
            or not isinstance(request.get("method"), str)
        ):
            return self.error(request_id, RpcError(-32600)), False
        method, params = request["method"], request.get("params", {})
        handlers = {"auth": self.auth, "subscribe": self.subscribe, "unsubscribe": self.unsubscribe}
        if method not in handlers:
            if self.defect("unknown-method-ignored"):
                return None, False
            return self.error(
                request_id, RpcError(-32601, f"method {method!r} does not exist")
            ), False
        try:
            if not isinstance(params, dict):
                raise RpcError(-32602, "params must be an object")
            result = handlers[method](conn, params)
        except RpcError as exc:
            close = (
                method == "auth"
                and exc.code in (40110, 40111)
                and self.defect("close-after-rejected-auth")
            )
            return self.error(request_id, exc), close
        return self.envelope(request_id, {"result": result}), False

    # -- methods -------------------------------------------------------------------------------

    def auth(self, conn: Connection, params: dict[str, Any]) -> Any:
        if "bearer" not in params:
            raise RpcError(-32602, "params.bearer is required")
        bearer = params["bearer"]
        if not isinstance(bearer, str):
            raise RpcError(-32602, "params.bearer must be a string")
        if len(bearer) > 16 * 1024 and self.defect("crash-on-huge-bearer"):
            for other in list(self.connections):
                if other is not conn:
                    other.ws.transport.abort()  # as if the worker serving them died
        geo_path = conn.ws.request is not None and conn.ws.request.path == GEO_BLOCKED_PATH
        if geo_path and not self.defect("geo-block-ignored"):
            raise RpcError(40112)
        if self.defect("accept-any-bearer"):
            conn.identity = ("anyone", (PRIVATE_RIGHT,), float("inf"))
        else:
            try:
                identity = self.verify(
                    bearer,
                    accept_alg_none=self.defect("accept-alg-none"),
                    check_signature=not self.defect("accept-forged-signature"),
                )
            except Rejected as exc:
                code = 40110 if exc.malformed else 40111
                if exc.malformed and self.defect("malformed-as-invalid"):
                    code = 40111
                if exc.malformed and self.defect("string-token-as-invalid-params"):
                    code = -32602
                raise RpcError(code, str(exc)) from None
            conn.identity = (identity.subject, identity.rights, identity.expires_at)
        if self.defect("auth-result-not-object"):
            return True
        if self.variant("auth-result") == "empty":
            return {}
        if self.defect("auth-result-extra-fields"):
            return {"node_id": self.node_id, "session_ttl": 300}
        return {"node_id": self.node_id}

    def subscribe(self, conn: Connection, params: dict[str, Any]) -> Any:
        channel = params.get("channel")
        if not isinstance(channel, str) or not channel:
            raise RpcError(
                -32602 if not self.defect("wrong-error-code-for-invalid-params") else -32603,
                "params.channel must be a non-empty string",
            )
        if not (PUBLIC_CHANNEL.match(channel) or is_private(channel)):
            raise RpcError(-32602, f"unknown channel {channel!r}")
        if not is_private(channel) and conn.identity is None and self.defect("public-needs-auth"):
            raise RpcError(40111, f"channel {channel!r} requires authentication")
        if (
            is_private(channel)
            and conn.identity is None
            and not self.defect("private-without-auth")
        ):
            raise RpcError(40111, f"channel {channel!r} requires authentication")
        if channel in conn.subscriptions and not self.defect("duplicate-subscribe-accepted"):
            raise RpcError(-32602, f"already subscribed to {channel!r}")
        conn.subscriptions[channel] = True
        if channel in self.orphaned:  # only ever filled by stale-subscription-after-disconnect
            self.swallowed.add((id(conn), channel))
        return {} if self.defect("subscribe-result-without-channel") else {"channel": channel}

    def unsubscribe(self, conn: Connection, params: dict[str, Any]) -> Any:
        channel = params.get("channel")
        if not isinstance(channel, str) or not channel:
            raise RpcError(-32602, "params.channel must be a non-empty string")
        if channel not in conn.subscriptions:
            if not self.defect("unsubscribe-unknown-accepted"):
                raise RpcError(-32602, f"not subscribed to {channel!r}")
        elif not self.defect("unsubscribe-keeps-data"):
            del conn.subscriptions[channel]
        return {} if self.defect("unsubscribe-result-without-channel") else {"channel": channel}

    # -- frames --------------------------------------------------------------------------------

    def envelope(self, request_id: Any, body: dict[str, Any]) -> dict[str, Any]:
        reply: dict[str, Any] = {} if self.defect("no-jsonrpc-member") else {"jsonrpc": "2.0"}
        reply.update(body)
        if (
            self.defect("id-coerced-to-int")
            and isinstance(request_id, str)
            and request_id.isdigit()
        ):
            request_id = int(request_id)
        if not self.defect("id-not-echoed"):
            reply["id"] = request_id
        return reply

    def error(self, request_id: Any, exc: RpcError) -> dict[str, Any]:
        message = MESSAGES[exc.code]
        if self.variant("error-messages") == "title":
            message = message.title()
        if self.defect("undocumented-error-messages"):
            message = f"request failed ({exc.code})"
        code: Any = str(exc.code) if self.defect("error-code-as-string") else exc.code
        error: dict[str, Any] = {"code": code, "message": message}
        if exc.data:
            error["data"] = exc.data
        return self.envelope(request_id, {"error": error})

    def data_frame(self, conn: Connection, channel: str) -> str | None:
        if (id(conn), channel) in self.swallowed:
            return None
        if is_private(channel):
            if conn.identity is None and not self.defect("private-without-auth"):
                return None
            expires_at = conn.identity[2] if conn.identity else float("inf")
            if self.defect("private-data-stops-at-expiry") and expires_at <= self.clock.now():
                return None
        data = {"seq": conn.seq, "channel": channel, "created_at": int(self.clock.now() * 1000)}
        return json.dumps(
            {
                "jsonrpc": "2.0",
                "method": "subscription",
                "params": {"channel": channel, "data": data},
            }
        )
