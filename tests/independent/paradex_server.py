"""An independent Paradex WebSocket server (JSON-RPC 2.0), written from the documents alone.

Sources: the Paradex authentication page and the project's account of the rest
(docs/facts/paradex.md). It shares no code with wsconform/mock (aiohttp, not `websockets`); see
common.py for the interface.

    .venv/bin/python tests/independent/paradex_server.py --port 0 --key-file K

Serves ws://HOST:PORT/v1, and /v1/geo-blocked, an endpoint that answers every auth with 40112.

Choices where the documents are silent (and how they differ from the mock, where known):
- auth result is {"node_id": "<16 hex>"}, one id per server process (the docs' newer shape).
- Error messages are the page's Title Case texts ("Invalid Bearer Token"), not the live lower
  case; every error also carries `data`, a short human reason (the error object allows it).
- Undocumented errors: a private subscribe before auth gets 40111 with data "authenticate
  before subscribing to a private channel"; duplicate subscribe and unsubscribe-when-not-
  subscribed get code 100 "Method error"; an unknown channel gets -32602.
- A bearer that is not a string (or no bearer) gets -32602, not 40110.
- Every reply carries usIn, usOut and usDiff (microseconds) and an extra member "server":
  "independent"; replies come after a random 0-30 ms latency (in request order).
- A JSON array (a batch) gets one -32600 with id null: batches are not supported.
- A request without an id is a notification: it is carried out but never answered.
- Auth on an already authenticated connection re-authenticates (the newest token counts).
- A rejected auth leaves an earlier successful authentication in place.
- The token's exp only matters at auth time: the connection keeps its rights (documented).
- Switchable (INDEPENDENT_CHOICES="leeway=5,publish-every=2.5"; defaults 0 and 0.2): a
  clock-skew leeway on exp (RFC 7519 §4.1.4 allows "some small leeway"), and the period of
  the publisher.
- Data is published by one server task every ~200 ms of real time (jittered), to every
  subscriber of the channel, starting after the subscribe reply; unsubscribe stops it before
  its reply is sent.
- Heartbeat: a ping every 55 s; a connection that has not ponged within 5 s is closed with
  1008 (close code undocumented). Client pings are answered in order with other replies.
- permessage-deflate is offered (aiohttp's default).
"""

from __future__ import annotations

import asyncio
import json
import random
import re
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import WSMsgType, web
from common import Keys, Refused, arguments, choices, parses_as_jwt, serve

PATH = "/v1"
GEO_PATH = "/v1/geo-blocked"
NODE_ID = secrets.token_hex(8)
CHOICES = choices({"leeway": "0", "publish-every": "0.2"})
LEEWAY, PUBLISH_EVERY = float(CHOICES["leeway"]), float(CHOICES["publish-every"])
PING_EVERY, PONG_WITHIN = 55.0, 5.0

MESSAGES = {
    -32700: "Parse error",
    -32600: "Invalid request",
    -32601: "Method not found",
    -32602: "Invalid parameters",
    -32603: "Internal error",
    100: "Method error",
    40110: "Malformed Bearer Token",
    40111: "Invalid Bearer Token",
    40112: "Geo IP blocked",
}

MARKET = r"[A-Za-z0-9]+(-[A-Za-z0-9]+)*"
PUBLIC = re.compile(
    rf"^(bbo\.({MARKET})|trades\.({MARKET})|markets_summary(\.{MARKET})?|markets(\.{MARKET})?"
    rf"|funding_data\.({MARKET})|order_book\.({MARKET})\.(snapshot|deltas|interactive)"
    rf"@15@(50|100)ms(@[0-9.]+)?)$"
)
PRIVATE = re.compile(
    rf"^(account|balance_events|positions|tradebusts|transaction|transfers|block_trades"
    rf"|fills\.({MARKET})|orders\.({MARKET})|funding_payments\.({MARKET})|rfq(\.[\w-]+)?)$"
)


class RpcError(Exception):
    def __init__(self, code: int, data: str) -> None:
        super().__init__(data)
        self.code, self.data = code, data


@dataclass(eq=False)
class Connection:
    ws: web.WebSocketResponse
    geo_blocked: bool
    subject: str | None = None
    channels: set[str] = field(default_factory=set)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    last_pong: float = field(default_factory=time.monotonic)

    async def send(self, obj: dict[str, Any]) -> None:
        async with self.lock:
            if not self.ws.closed:
                await self.ws.send_str(json.dumps(obj, separators=(",", ":")))


class Server:
    def __init__(self, keys: Keys) -> None:
        self.keys = keys
        self.connections: set[Connection] = set()
        self.sequence = 0

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=False, max_msg_size=1 << 20)
        await ws.prepare(request)
        conn = Connection(ws, geo_blocked=request.path.rstrip("/") == GEO_PATH)
        self.connections.add(conn)
        heartbeat = asyncio.create_task(self.heartbeat(conn))
        try:
            async for msg in ws:
                if msg.type is WSMsgType.PING:
                    async with conn.lock:
                        await ws.pong(msg.data)
                elif msg.type is WSMsgType.PONG:
                    conn.last_pong = time.monotonic()
                elif msg.type in (WSMsgType.TEXT, WSMsgType.BINARY):
                    await self.on_frame(conn, msg.data)
        finally:
            heartbeat.cancel()
            self.connections.discard(conn)
        return ws

    async def heartbeat(self, conn: Connection) -> None:
        while not conn.ws.closed:
            await asyncio.sleep(PING_EVERY)
            sent = time.monotonic()
            async with conn.lock:
                await conn.ws.ping()
            await asyncio.sleep(PONG_WITHIN)
            if conn.last_pong < sent:
                await conn.ws.close(code=1008, message=b"no pong")

    async def on_frame(self, conn: Connection, data: str | bytes) -> None:
        received = time.time()
        await asyncio.sleep(random.uniform(0.0, 0.03))
        try:
            message = json.loads(data)
        except (ValueError, UnicodeDecodeError):
            await self.reply(conn, None, received, error=RpcError(-32700, "not valid JSON"))
            return
        if not isinstance(message, dict):
            why = "batches are not supported" if isinstance(message, list) else "not an object"
            await self.reply(conn, None, received, error=RpcError(-32600, why))
            return
        has_id = "id" in message
        request_id = message.get("id")
        valid_id = request_id is None or (
            isinstance(request_id, int | float | str) and not isinstance(request_id, bool)
        )
        try:
            if not valid_id:
                request_id = None
                raise RpcError(-32600, "id must be a number, a string or null")
            if message.get("jsonrpc") != "2.0":
                raise RpcError(-32600, 'jsonrpc must be "2.0"')
            method = message.get("method")
            if not isinstance(method, str):
                raise RpcError(-32600, "method must be a string")
            result = await self.call(conn, method, message.get("params"))
        except RpcError as exc:
            if has_id or not valid_id:
                await self.reply(conn, request_id, received, error=exc)
            return
        if has_id:
            await self.reply(conn, request_id, received, result=result)
        if method == "subscribe":
            conn.channels.add(result["channel"])

    async def reply(
        self,
        conn: Connection,
        request_id: Any,
        received: float,
        *,
        result: Any = None,
        error: RpcError | None = None,
    ) -> None:
        out = time.time()
        frame: dict[str, Any] = {"jsonrpc": "2.0"}
        if error is None:
            frame["result"] = result
        else:
            frame["error"] = {"code": error.code, "message": MESSAGES[error.code]}
            frame["error"]["data"] = error.data
        us_in, us_out = int(received * 1e6), int(out * 1e6)
        frame.update(usIn=us_in, usOut=us_out, usDiff=us_out - us_in, id=request_id)
        frame["server"] = "independent"
        await conn.send(frame)

    async def call(self, conn: Connection, method: str, params: Any) -> dict[str, Any]:
        if method == "auth":
            return self.auth(conn, params)
        if method in ("subscribe", "unsubscribe"):
            if not isinstance(params, dict) or not isinstance(params.get("channel"), str):
                raise RpcError(-32602, "params.channel (a string) is required")
            channel = params["channel"]
            if method == "unsubscribe":
                if channel not in conn.channels:
                    raise RpcError(100, f"not subscribed to {channel}")
                conn.channels.discard(channel)
                return {"channel": channel}
            if not (PUBLIC.match(channel) or PRIVATE.match(channel)):
                raise RpcError(-32602, f"unknown channel {channel}")
            if PRIVATE.match(channel) and conn.subject is None:
                raise RpcError(40111, "authenticate before subscribing to a private channel")
            if channel in conn.channels:
                raise RpcError(100, f"already subscribed to {channel}")
            return {"channel": channel}  # the channel is added once the reply is sent
        raise RpcError(-32601, f"method {method!r} does not exist")

    def auth(self, conn: Connection, params: Any) -> dict[str, Any]:
        if conn.geo_blocked:
            raise RpcError(40112, "this endpoint geo-blocks every client")
        if not isinstance(params, dict) or not isinstance(params.get("bearer"), str):
            raise RpcError(-32602, "params.bearer (a string) is required")
        bearer = params["bearer"]
        try:
            claims = self.keys.check(bearer, at=time.time() - LEEWAY)
        except Refused as exc:
            malformed = exc.malformed and not parses_as_jwt(bearer)
            raise RpcError(40110 if malformed else 40111, str(exc)) from None
        conn.subject = claims.subject or "anonymous"
        return {"node_id": NODE_ID}

    async def publish(self) -> None:
        while True:
            await asyncio.sleep(PUBLISH_EVERY * random.uniform(0.8, 1.2))
            self.sequence += 1
            for conn in list(self.connections):
                for channel in sorted(conn.channels):
                    frame = {
                        "jsonrpc": "2.0",
                        "method": "subscription",
                        "params": {"channel": channel, "data": self.data(conn, channel)},
                    }
                    try:
                        await conn.send(frame)
                    except (ConnectionError, RuntimeError):
                        break

    def data(self, conn: Connection, channel: str) -> dict[str, Any]:
        now_ms = int(time.time() * 1000)
        market = channel.split(".", 1)[1] if "." in channel else "ALL"
        if PRIVATE.match(channel):
            return {"account": conn.subject, "seq_no": self.sequence, "updated_at": now_ms}
        if channel.startswith("bbo."):
            bid = 3000 + (self.sequence % 50) / 10
            return {
                "market": market,
                "bid": f"{bid:.1f}",
                "bid_size": "1.5",
                "ask": f"{bid + 0.1:.1f}",
                "ask_size": "2",
                "last_updated_at": now_ms,
                "seq_no": self.sequence,
            }
        return {"market": market, "seq_no": self.sequence, "created_at": now_ms}


def main() -> None:
    args = arguments("An independent Paradex WebSocket server (documents only).")
    server = Server(Keys(Path(args.key_file)))
    tasks: list[asyncio.Task[None]] = []

    async def handler(request: web.Request) -> web.WebSocketResponse:
        if not tasks:  # the publisher starts with the first connection, on the server's loop
            tasks.append(asyncio.create_task(server.publish()))
        return await server.handle(request)

    serve(
        "paradex",
        PATH,
        handler,
        args,
        extra_lines=lambda url: [
            f"geo-blocked endpoint: {url.rstrip('/')}/geo-blocked",
            "choices: " + " ".join(f"{k}={v}" for k, v in CHOICES.items()),
        ],
    )


if __name__ == "__main__":
    main()
