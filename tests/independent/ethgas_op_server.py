"""An independent ETHGas server, official `op`/`args` protocol (profile "ethgas-op"), aiohttp.

Written from the official protocol's documents as docs/facts/ethgas.md gives them (§ Official
protocol, and § python-ethgas for what the SDK sends) alone; it shares no code with
wsconform/mock. Documented and followed: `{"op","args":[...]}` requests; login
`{"op":"login","args":[{"accessToken"}]}` answered `{"event":"login","code":0,"msg","connId"}`;
the session header `Authorization: Bearer <token>`; several topics per (un)subscribe frame; data
`{e, E, s, P}`; query replies `{q, P}`; public channels and currentSlot need no auth (only "a
private websocket session needs to include the access token"); private channels and the private
queries openOrders, accountPositions, preconfBundles need it; error codes from the two tables.

Choices where the documents are silent (and how they differ from the mock):
- a bad token in login gets `{"event":"error","code":1000,"msg":"Permission Denied: ..."}` (general
  table), not an event "login" with code 1001; the connection stays open;
- a bad or expired session header refuses the upgrade with HTTP 401 (the mock upgrades the
  session unauthenticated);
- subscribe and unsubscribe are never acked (the mock acks each arg);
- a private subscribe or private query without auth gets NO answer at all (the mock answers an
  error event 1001); a public arg in the same frame is still served;
- an unknown channel or queryType, non-JSON text, a JSON array, a missing op or args that is not a
  list get `{"event":"error","code":1001,"msg":"Validation Error: ..."}`; an unknown op gets code
  99 (Unexpected); the mock answers 1002 "Operation Failed"/"Invalid channel";
- at token expiry the session loses its private rights and private subscriptions and is told so
  by an error event (code 1001, "Authentication failed: access token expired"); the connection
  stays open and public data goes on (the mock lets private data continue by default);
- logout answers `{"event":"logout","code":0,"msg":"logged out"}` and ends private access;
- extra members: the login ack carries `expiresAt`, replies echo python-ethgas's `id`, data frames
  carry `a` and a sequence number in `P`; permessage-deflate is offered (aiohttp's default);
- every reply leaves after a random 0-30 ms; requests are handled in the order they arrive (set
  INDEPENDENT_CONCURRENT=1 to handle each on its own, so replies may overtake one another);
- data is published on the server's own schedule, about every 200 ms of real time;
- a text "ping" gets a text "pong" (python-ethgas's heartbeat); WebSocket pings get pongs.

Start: .venv/bin/python tests/independent/ethgas_op_server.py --port 0 --key-file K
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import secrets
import time
from pathlib import Path
from typing import Any

from aiohttp import WSMsgType, web
from common import Claims, Keys, Refused, arguments, serve
from ethgas_channels import PRIVATE, PUBLIC

PRIVATE_QUERIES = frozenset({"openOrders", "accountPositions", "preconfBundles"})
MARKET_TYPES = ("inclusionPreconf", "wholeBlock")
GENESIS = 1_606_824_023  # slots of 12 s since an Ethereum-like genesis
CONCURRENT = os.environ.get("INDEPENDENT_CONCURRENT") == "1"

Key = tuple[str, str | None]  # (channel, marketType)


def now_ms() -> int:
    return int(time.time() * 1000)


def current_slot() -> int:
    return int((time.time() - GENESIS) // 12)


class Session:
    """One connection: its identity, subscriptions, and the tasks that publish to it."""

    def __init__(self, ws: web.WebSocketResponse, keys: Keys, claims: Claims | None) -> None:
        self.ws, self.keys = ws, keys
        self.conn_id = secrets.token_hex(6)
        self.claims: Claims | None = None
        self.subs: dict[Key, dict[str, Any]] = {}
        self.expiry: asyncio.TimerHandle | None = None
        self.seq = 0
        self.tasks: set[asyncio.Future[None]] = set()
        if claims is not None:
            self.authenticate(claims)

    @property
    def private(self) -> bool:
        return self.claims is not None and self.claims.private

    def authenticate(self, claims: Claims) -> None:
        self.claims = claims
        if self.expiry is not None:
            self.expiry.cancel()
        delay = max(0.0, claims.expires_at - time.time())
        self.expiry = asyncio.get_running_loop().call_later(delay, self.expired)

    def revoke(self) -> None:
        self.claims = None
        if self.expiry is not None:
            self.expiry.cancel()
            self.expiry = None
        for key in [k for k in self.subs if k[0] in PRIVATE]:
            del self.subs[key]

    def expired(self) -> None:
        self.revoke()  # before the event: no private frame can follow it
        note = self.error(1001, "Authentication failed: access token expired")
        task = asyncio.ensure_future(self.send(note))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def send(self, obj: Any) -> None:
        if not self.ws.closed:
            await self.ws.send_str(obj if isinstance(obj, str) else json.dumps(obj))

    def error(self, code: int, msg: str, request: Any = None) -> dict[str, Any]:
        reply: dict[str, Any] = {"event": "error", "code": code, "msg": msg}
        if isinstance(request, dict) and "id" in request:
            reply["id"] = request["id"]
        return reply

    # -- requests ------------------------------------------------------------------------------

    async def handle(self, text: str) -> None:
        await asyncio.sleep(random.uniform(0.0, 0.03))
        if text == "ping":
            await self.send("pong")
            return
        try:
            request = json.loads(text)
        except ValueError:
            await self.send(self.error(1001, "Validation Error: the request is not JSON"))
            return
        if not isinstance(request, dict) or not isinstance(request.get("op"), str):
            await self.send(self.error(1001, "Validation Error: expected {op, args}", request))
            return
        op, args = request["op"], request.get("args", [])
        if not isinstance(args, list) or not all(isinstance(a, dict) for a in args):
            await self.send(
                self.error(1001, "Validation Error: args must be a list of objects", request)
            )
            return
        handler = {
            "login": self.login,
            "logout": self.logout,
            "subscribe": self.subscribe,
            "unsubscribe": self.unsubscribe,
            "query": self.query,
        }.get(op)
        if handler is None:
            await self.send(self.error(99, f"Unexpected: unknown op {op[:40]!r}", request))
            return
        for reply in handler(request, args):
            await self.send(reply)

    def login(self, request: dict[str, Any], args: list[dict[str, Any]]) -> list[dict[str, Any]]:
        token = args[0].get("accessToken") if args else None
        try:
            claims = self.keys.check(token)
        except Refused as exc:
            return [self.error(1000, f"Permission Denied: access token refused ({exc})", request)]
        self.authenticate(claims)
        ack: dict[str, Any] = {
            "event": "login",
            "code": 0,
            "msg": "",
            "connId": self.conn_id,
            "expiresAt": int(claims.expires_at * 1000),
        }
        if "id" in request:
            ack["id"] = request["id"]
        return [ack]

    def logout(self, request: dict[str, Any], args: list[dict[str, Any]]) -> list[dict[str, Any]]:
        self.revoke()
        reply: dict[str, Any] = {"event": "logout", "code": 0, "msg": "logged out"}
        if "id" in request:
            reply["id"] = request["id"]
        return [reply]

    def subscribe(
        self, request: dict[str, Any], args: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        unknown = []
        for arg in args:
            channel = arg.get("channel")
            if channel in PUBLIC or (channel in PRIVATE and self.private):
                market = arg.get("marketType")
                self.subs[(channel, market if market in MARKET_TYPES else None)] = dict(arg)
            elif channel not in PRIVATE:  # a private one without auth: silently not served
                unknown.append(arg)
        if unknown:
            return [self.error(1001, f"Validation Error: unknown channel in {unknown}", request)]
        return []

    def unsubscribe(
        self, request: dict[str, Any], args: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        for arg in args:
            channel, market = arg.get("channel"), arg.get("marketType")
            for key in [k for k in self.subs if k[0] == channel and market in (None, k[1])]:
                del self.subs[key]
        return []

    def query(self, request: dict[str, Any], args: list[dict[str, Any]]) -> list[dict[str, Any]]:
        replies: list[dict[str, Any]] = []
        for arg in args:
            kind = arg.get("queryType")
            if kind == "currentSlot":
                reply: dict[str, Any] = {"q": kind, "P": {"s": current_slot(), "t": now_ms()}}
            elif kind in PRIVATE_QUERIES:
                if not self.private:
                    continue  # no answer: the docs show none for an unauthenticated session
                reply = {"q": kind, "P": self.private_payload(kind)}
            else:
                replies.append(
                    self.error(1001, f"Validation Error: unknown queryType {kind!r}", request)
                )
                continue
            if "id" in request:
                reply["id"] = request["id"]
            replies.append(reply)
        return replies

    def private_payload(self, kind: str) -> Any:
        user = self.claims.subject if self.claims else ""
        if kind == "openOrders":
            return {"orders": [], "user": user}
        if kind == "accountPositions":
            return {"positions": [{"instrument": f"ETH-PC-{current_slot() + 2}", "quantity": "0"}]}
        return {"bundles": []}

    # -- data ----------------------------------------------------------------------------------

    async def publish(self) -> None:
        """About every 200 ms of real time, one frame per subscription."""
        while not self.ws.closed:
            await asyncio.sleep(random.uniform(0.15, 0.25))
            for key in list(self.subs):
                if key not in self.subs or (key[0] in PRIVATE and not self.private):
                    continue  # ended while an earlier frame was being written
                self.seq += 1
                await self.send(self.data_frame(*key))

    def data_frame(self, channel: str, market: str | None) -> dict[str, Any]:
        slot = current_slot()
        instrument = f"ETH-{'WB' if market == 'wholeBlock' else 'PC'}-{slot + 1}"
        payload: dict[str, Any] = {"seq": self.seq, "t": now_ms() - 1}
        if channel == "orderBookUpdate":
            payload.update(a=[], b=[{"p": "0.00000000005", "q": str(random.randint(1, 10**7))}])
        elif channel in PRIVATE:
            payload.update(user=self.claims.subject if self.claims else "", status="STATUS_OPEN")
        else:
            payload.update(slot=slot, price=f"{random.uniform(1, 9):.9f}e-9")
        return {"e": channel, "E": now_ms(), "s": instrument, "a": "update", "P": payload}


def bearer_claims(request: web.Request, keys: Keys) -> Claims | None:
    """The session header's claims; None without one; Refused for a bad one."""
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer":
        raise Refused("not a Bearer header", malformed=True)
    return keys.check(token.strip())


def handler(keys: Keys) -> Any:
    async def websocket(request: web.Request) -> web.StreamResponse:
        try:
            claims = bearer_claims(request, keys)
        except Refused as exc:
            return web.Response(status=401, text=f"unauthorized: {exc}\n")
        ws = web.WebSocketResponse(autoping=True, max_msg_size=1 << 20)
        await ws.prepare(request)
        session = Session(ws, keys, claims)
        publisher = asyncio.ensure_future(session.publish())
        pending: set[asyncio.Task[None]] = set()
        try:
            async for msg in ws:
                if msg.type == WSMsgType.TEXT:
                    if CONCURRENT:
                        task = asyncio.ensure_future(session.handle(msg.data))
                        pending.add(task)
                        task.add_done_callback(pending.discard)
                    else:
                        await session.handle(msg.data)
                elif msg.type == WSMsgType.BINARY:
                    await session.send(session.error(1001, "Validation Error: binary frame"))
        finally:
            publisher.cancel()
            for task in pending:
                task.cancel()
            session.revoke()
        return ws

    return websocket


def main() -> None:
    args = arguments("An independent ETHGas server, official op/args protocol (aiohttp).")
    keys = Keys(Path(args.key_file))
    serve("ethgas-op", "/ws", handler(keys), args)


if __name__ == "__main__":
    main()
