"""An independent ETHGas server, the seed page's `cmd` dialect (profile "ethgas"), aiohttp.

Written from the seed page (the ethgas catalogue's PAGE) and its companion page (docs/facts/
ethgas.md § Companion page) alone; it shares no code with
wsconform/mock. Documented and followed: login `{"cmd":"login","data":{"accessToken"}}` (and the
companion page's `args` spelling), answered `{"cmd":"login","status":"success","data":{userId,
username, permissions}}` or `{"cmd":"login","status":"error","error":{code,message}}` with the
table's codes (401 invalid token, 403 insufficient permissions, 429 rate limited); public data
without login, private data only after it; `{"cmd":"token_expired","data":{"message"}}` when the
token expires, after which the session is unauthenticated; a new login on the same socket; the
companion page's subscribe/unsubscribe `{"cmd","args":{"channel"}}`, data frames
`{"cmd":<channel>,"data":{...}}`, error frames `{"cmd":"error","error":{code,message}}` with 1002
for an invalid channel, and the ping command answered by `{"cmd":"pong"}`.

Choices where the documents are silent (and how they differ from the mock):
- subscribe and unsubscribe are never acked (the mock acks them);
- a private subscribe without login gets the companion page's error frame with code 1001
  "Authentication failed" (the mock: 401); with a token lacking the private permission, a reply
  in the login error's shape, `{"cmd":"subscribe","status":"error","error":{"code":403,...}}`
  (the mock: an error frame 403);
- at expiry the private subscriptions are dropped and must be made again after the new login
  (the mock keeps them); public data goes on, the connection stays open;
- rate limiting counts failed logins per connection: from the 9th on they are answered 429 (the
  mock: from the 6th); a valid token still logs in;
- an `accessToken` that is not a string, or a login without one, gets the error frame 1001 (the
  companion page's form; the mock: a 401 login error); a string that is no valid token gets 401
  with the table's wording "Invalid token";
- a malformed request (non-JSON, no cmd, unknown cmd, args not an object) gets an error frame with
  code 1000 (the mock: 400); a subscribe without a channel gets 1002; the connection stays open;
- logout answers `{"cmd":"logout","data":{"status":"success"}}` and ends private access;
- extra members: the login success carries `data.expiresAt` and `data.status`, data frames a
  top-level `seq`, the pong `data.time`; permessage-deflate is offered (aiohttp's default);
- every reply leaves after a random 0-30 ms, in the order the requests came (set
  INDEPENDENT_CONCURRENT=1 to handle each request on its own, so replies may overtake);
- data is published on the server's own schedule, about every 200 ms of real time.

Start: .venv/bin/python tests/independent/ethgas_server.py --port 0 --key-file K
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import time
from pathlib import Path
from typing import Any

from aiohttp import WSMsgType, web
from common import Claims, Keys, Refused, arguments, serve
from ethgas_channels import PRIVATE, PUBLIC

RATE_LIMIT_AFTER = 8  # failed logins per connection answered 401; later ones get 429
CONCURRENT = os.environ.get("INDEPENDENT_CONCURRENT") == "1"


def now_ms() -> int:
    return int(time.time() * 1000)


def error_frame(code: int, message: str) -> dict[str, Any]:
    return {"cmd": "error", "error": {"code": code, "message": message}}


def login_error(code: int, message: str) -> dict[str, Any]:
    return {"cmd": "login", "status": "error", "error": {"code": code, "message": message}}


class Session:
    """One connection: its identity, subscriptions, failed logins and publisher."""

    def __init__(self, ws: web.WebSocketResponse, keys: Keys) -> None:
        self.ws, self.keys = ws, keys
        self.claims: Claims | None = None
        self.subs: set[str] = set()
        self.failures = 0
        self.seq = 0
        self.expiry: asyncio.TimerHandle | None = None
        self.tasks: set[asyncio.Future[None]] = set()

    @property
    def private(self) -> bool:
        return self.claims is not None and self.claims.private

    async def send(self, obj: dict[str, Any]) -> None:
        if not self.ws.closed:
            await self.ws.send_str(json.dumps(obj))

    def spawn(self, coro: Any) -> None:
        task = asyncio.ensure_future(coro)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    def unauthenticate(self) -> None:
        self.claims = None
        self.subs -= PRIVATE
        if self.expiry is not None:
            self.expiry.cancel()
            self.expiry = None

    def expired(self) -> None:
        self.unauthenticate()  # first: no private frame can follow the event
        self.spawn(
            self.send({"cmd": "token_expired", "data": {"message": "Access token has expired"}})
        )

    # -- requests ------------------------------------------------------------------------------

    async def handle(self, text: str) -> None:
        await asyncio.sleep(random.uniform(0.0, 0.03))
        try:
            request = json.loads(text)
        except ValueError:
            await self.send(error_frame(1000, "Bad request: not JSON"))
            return
        if not isinstance(request, dict) or not isinstance(request.get("cmd"), str):
            await self.send(error_frame(1000, "Bad request: expected {cmd, args}"))
            return
        cmd = request["cmd"]
        handler = {
            "login": self.login,
            "logout": self.logout,
            "subscribe": self.subscribe,
            "unsubscribe": self.unsubscribe,
            "ping": self.ping,
        }.get(cmd)
        if handler is None:
            await self.send(error_frame(1000, f"Bad request: unknown command {cmd[:40]!r}"))
            return
        for reply in handler(request):
            await self.send(reply)

    def login(self, request: dict[str, Any]) -> list[dict[str, Any]]:
        body = request.get("data", request.get("args"))
        token = body.get("accessToken") if isinstance(body, dict) else None
        if not isinstance(token, str):
            return [error_frame(1001, "Authentication failed - accessToken must be a string")]
        try:
            claims = self.keys.check(token)
        except Refused:
            self.failures += 1
            if self.failures > RATE_LIMIT_AFTER:
                return [login_error(429, "Rate limited - wait before retrying")]
            return [login_error(401, "Invalid token")]
        if self.expiry is not None:
            self.expiry.cancel()
        self.claims = claims
        if not claims.private:
            self.subs -= PRIVATE
        delay = max(0.0, claims.expires_at - time.time())
        self.expiry = asyncio.get_running_loop().call_later(delay, self.expired)
        permissions = ["market_data"]
        if claims.private:
            permissions += ["account_updates", "trading"]
        data = {
            "status": "success",
            "userId": claims.subject,
            "username": claims.subject.replace("-", "_"),
            "permissions": permissions,
            "expiresAt": int(claims.expires_at),
        }
        return [{"cmd": "login", "status": "success", "data": data}]

    def logout(self, request: dict[str, Any]) -> list[dict[str, Any]]:
        self.unauthenticate()
        return [{"cmd": "logout", "data": {"status": "success"}}]

    def ping(self, request: dict[str, Any]) -> list[dict[str, Any]]:
        return [{"cmd": "pong", "data": {"time": now_ms()}}]

    def channel_of(self, request: dict[str, Any]) -> str | dict[str, Any]:
        """The request's channel, or the error frame that answers it."""
        args = request.get("args", request.get("data"))
        if not isinstance(args, dict):
            return error_frame(1000, "Bad request: args must be an object")
        channel = args.get("channel")
        if not isinstance(channel, str) or channel not in PUBLIC | PRIVATE:
            return error_frame(1002, f"Invalid channel: {str(channel)[:60]!r}")
        return channel

    def subscribe(self, request: dict[str, Any]) -> list[dict[str, Any]]:
        channel = self.channel_of(request)
        if isinstance(channel, dict):
            return [channel]
        if channel in PRIVATE and self.claims is None:
            return [error_frame(1001, "Authentication failed - login required")]
        if channel in PRIVATE and not self.private:
            error = {"code": 403, "message": "Insufficient permissions"}
            return [
                {"cmd": "subscribe", "status": "error", "error": error, "args": request["args"]}
            ]
        self.subs.add(channel)
        return []

    def unsubscribe(self, request: dict[str, Any]) -> list[dict[str, Any]]:
        channel = self.channel_of(request)
        if isinstance(channel, dict):
            return [channel]
        self.subs.discard(channel)
        return []

    # -- data ----------------------------------------------------------------------------------

    async def publish(self) -> None:
        """About every 200 ms of real time, one frame per subscribed channel."""
        while not self.ws.closed:
            await asyncio.sleep(random.uniform(0.15, 0.25))
            for channel in sorted(self.subs):
                if channel not in self.subs or (channel in PRIVATE and not self.private):
                    continue  # ended while an earlier frame was being written
                self.seq += 1
                await self.send({"cmd": channel, "data": self.payload(channel), "seq": self.seq})

    def payload(self, channel: str) -> dict[str, Any]:
        if channel in PRIVATE:
            user = self.claims.subject if self.claims else ""
            return {"orderId": str(self.seq), "status": "STATUS_OPEN", "userId": user}
        slot = int(time.time() // 12)
        return {
            "marketId": 1,
            "slotNumber": slot,
            "currentPrice": f"{random.uniform(1, 9):.9f}",
            "lastUpdate": int(time.time()),
        }


def handler(keys: Keys) -> Any:
    async def websocket(request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(autoping=True, max_msg_size=1 << 20)
        await ws.prepare(request)
        session = Session(ws, keys)
        session.spawn(session.publish())
        try:
            async for msg in ws:
                if msg.type == WSMsgType.TEXT:
                    if CONCURRENT:
                        session.spawn(session.handle(msg.data))
                    else:
                        await session.handle(msg.data)
                elif msg.type == WSMsgType.BINARY:
                    await session.send(error_frame(1000, "Bad request: binary frame"))
        finally:
            session.unauthenticate()
            for task in list(session.tasks):
                task.cancel()
        return ws

    return websocket


def main() -> None:
    args = arguments("An independent ETHGas server, the seed page's cmd dialect (aiohttp).")
    serve("ethgas", "/", handler(Keys(Path(args.key_file))), args)


if __name__ == "__main__":
    main()
