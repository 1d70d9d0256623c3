"""Paradex reference mock: JSON-RPC 2.0 over WebSocket, `auth` with a JWT bearer.

As documented (requirements.toml documents; docs/facts/paradex.md): 40110 for a malformed
bearer, 40111 for an invalid one (bad signature, wrong algorithm, expired); `id` echoed with its
JSON type; usIn/usOut/usDiff on replies; private channels need auth; a JWT that expires after
auth does not end the connection's private data. Where the docs are silent the mock picks the
plausible behaviour, and the suite records rather than asserts it.

Channel data comes in the asyncapi document's shapes (channel_data.py), and the REST side a
client needs first (markets, system config, POST /v1/auth) is served too (rest.py).
"""

from __future__ import annotations

import json
import secrets
import time
from typing import Any

from wsconform.mock.http import Routes
from wsconform.mock.issuer import PRIVATE_RIGHT, Rejected
from wsconform.mock.server import Connection, MockApp
from wsconform.vendors.paradex import channel_data, defects, protocol, rest
from wsconform.vendors.paradex.protocol import is_private

GEO_BLOCKED_PATH = "/geo-blocked/v1"  # every auth here is refused 40112, as from a blocked region


class RpcError(Exception):
    def __init__(self, code: int, data: str | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.data = data


class ParadexMock(MockApp):
    profile = "paradex"
    HEARTBEAT = protocol.HEARTBEAT
    DEFECTS = defects.DEFECTS
    VARIANTS = defects.VARIANTS

    def __init__(self, ctx: Any) -> None:
        super().__init__(ctx)
        self.node_id = secrets.token_hex(8)
        # stale-subscription-after-disconnect: channels left subscribed by closed connections,
        # and the (connection, channel) subscriptions the stale entry swallows.
        self.orphaned: set[str] = set()
        self.swallowed: set[tuple[int, str]] = set()

    def http_routes(self) -> Routes:
        return rest.routes(self.issuer)

    def extra_urls(self, url: str) -> dict[str, str]:
        return {protocol.GEO_BLOCKED_ENDPOINT: url.rsplit("/", 1)[0] + GEO_BLOCKED_PATH}

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
            return self.error(None, RpcError(protocol.PARSE_ERROR)), False
        request_id = request.get("id") if isinstance(request, dict) else None
        if not protocol.valid_id(request_id):
            request_id = None  # an id that cannot be echoed is answered with null
        if not protocol.is_request(request):
            return self.error(request_id, RpcError(protocol.INVALID_REQUEST)), False
        method, params = request["method"], request.get("params", {})
        handlers = {
            protocol.AUTH: self.auth,
            protocol.SUBSCRIBE: self.subscribe,
            protocol.UNSUBSCRIBE: self.unsubscribe,
        }
        if method not in handlers:
            if self.defect("unknown-method-ignored"):
                return None, False
            return self.error(
                request_id, RpcError(protocol.METHOD_NOT_FOUND, f"method {method!r} does not exist")
            ), False
        try:
            if not isinstance(params, dict):
                raise RpcError(protocol.INVALID_PARAMS, "params must be an object")
            result = handlers[method](conn, params)
        except RpcError as exc:
            close = (
                method == protocol.AUTH
                and exc.code in protocol.BEARER_REFUSED
                and self.defect("close-after-rejected-auth")
            )
            return self.error(request_id, exc), close
        return self.degrade(protocol.result_reply(request_id, result)), False

    # -- methods -------------------------------------------------------------------------------

    def auth(self, conn: Connection, params: dict[str, Any]) -> Any:
        if "bearer" not in params:
            raise RpcError(protocol.INVALID_PARAMS, "params.bearer is required")
        bearer = params["bearer"]
        if not isinstance(bearer, str):
            raise RpcError(protocol.INVALID_PARAMS, "params.bearer must be a string")
        if len(bearer) > 16 * 1024 and self.defect("crash-on-huge-bearer"):
            for other in list(self.connections):
                if other is not conn:
                    other.ws.transport.abort()  # as if the worker serving them died
        geo_path = conn.ws.request is not None and conn.ws.request.path == GEO_BLOCKED_PATH
        if geo_path and not self.defect("geo-block-ignored"):
            raise RpcError(protocol.GEO_BLOCKED)
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
                raise RpcError(self.rejection_code(exc), str(exc)) from None
            conn.identity = (identity.subject, identity.rights, identity.expires_at)
        if self.defect("auth-result-not-object"):
            return True
        if self.variant("auth-result") == "empty":
            return {}
        if self.defect("auth-result-extra-fields"):
            return {"node_id": self.node_id, "session_ttl": 300}
        return {"node_id": self.node_id}

    def rejection_code(self, exc: Rejected) -> int:
        if not exc.malformed:
            return protocol.INVALID_BEARER
        if self.defect("string-token-as-invalid-params"):
            return protocol.INVALID_PARAMS
        if self.defect("malformed-as-invalid"):
            return protocol.INVALID_BEARER
        return protocol.MALFORMED_BEARER

    def subscribe(self, conn: Connection, params: dict[str, Any]) -> Any:
        channel = params.get("channel")
        if not isinstance(channel, str) or not channel:
            raise RpcError(
                protocol.INTERNAL_ERROR
                if self.defect("wrong-error-code-for-invalid-params")
                else protocol.INVALID_PARAMS,
                "params.channel must be a non-empty string",
            )
        base_asset = params.get("base_asset") if channel in protocol.BASE_ASSET_CHANNELS else None
        if channel in protocol.BASE_ASSET_CHANNELS and not isinstance(base_asset, str):
            raise RpcError(protocol.INVALID_PARAMS, f"{channel!r} needs a market or a base_asset")
        if not (protocol.is_public(channel) or is_private(channel) or base_asset):
            raise RpcError(protocol.INVALID_PARAMS, f"unknown channel {channel!r}")
        if not is_private(channel) and conn.identity is None and self.defect("public-needs-auth"):
            raise RpcError(protocol.INVALID_BEARER, f"channel {channel!r} requires authentication")
        if (
            is_private(channel)
            and conn.identity is None
            and not self.defect("private-without-auth")
        ):
            raise RpcError(protocol.INVALID_BEARER, f"channel {channel!r} requires authentication")
        if channel in conn.subscriptions and not self.defect("duplicate-subscribe-accepted"):
            raise RpcError(protocol.INVALID_PARAMS, f"already subscribed to {channel!r}")
        conn.subscriptions[channel] = base_asset
        if channel in self.orphaned:  # only ever filled by stale-subscription-after-disconnect
            self.swallowed.add((id(conn), channel))
        return {} if self.defect("subscribe-result-without-channel") else {"channel": channel}

    def unsubscribe(self, conn: Connection, params: dict[str, Any]) -> Any:
        channel = params.get("channel")
        if not isinstance(channel, str) or not channel:
            raise RpcError(protocol.INVALID_PARAMS, "params.channel must be a non-empty string")
        if channel not in conn.subscriptions:
            if not self.defect("unsubscribe-unknown-accepted"):
                raise RpcError(protocol.INVALID_PARAMS, f"not subscribed to {channel!r}")
        elif not self.defect("unsubscribe-keeps-data"):
            del conn.subscriptions[channel]
        return {} if self.defect("unsubscribe-result-without-channel") else {"channel": channel}

    # -- frames --------------------------------------------------------------------------------

    def degrade(self, reply: dict[str, Any]) -> dict[str, Any]:
        """The reply with the envelope defects switched on applied to it."""
        if self.defect("no-jsonrpc-member"):
            del reply["jsonrpc"]
        request_id = reply["id"]
        if (
            self.defect("id-coerced-to-int")
            and isinstance(request_id, str)
            and request_id.isdigit()
        ):
            reply["id"] = int(request_id)
        if self.defect("id-not-echoed"):
            del reply["id"]
        return reply

    def error(self, request_id: Any, exc: RpcError) -> dict[str, Any]:
        message = protocol.LIVE_MESSAGES[exc.code]
        if self.variant("error-messages") == "title":
            message = message.title()
        if self.defect("undocumented-error-messages"):
            message = f"request failed ({exc.code})"
        code: Any = str(exc.code) if self.defect("error-code-as-string") else exc.code
        return self.degrade(protocol.error_reply(request_id, code, message, exc.data))

    def data_frame(self, conn: Connection, channel: str) -> str | None:
        if (id(conn), channel) in self.swallowed:
            return None
        if is_private(channel):
            if conn.identity is None and not self.defect("private-without-auth"):
                return None
            expires_at = conn.identity[2] if conn.identity else float("inf")
            if self.defect("private-data-stops-at-expiry") and expires_at <= self.clock.now():
                return None
        subject = conn.identity[0] if conn.identity else None
        now_ms = int(self.clock.now() * 1000)
        base_asset = conn.subscriptions.get(channel)
        data = channel_data.data(channel, conn.seq, now_ms, subject, base_asset)
        if data is None:
            return None
        return json.dumps(protocol.notification(channel, data))
