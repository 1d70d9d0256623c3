"""An independent Zenith WebSocket server (ZenithJson), written from the documents alone.

Sources: the documents the zenith catalogue names and the project's account of the rest
(docs/facts/zenith.md). It shares no code with wsconform/mock (aiohttp, not
`websockets`); see common.py for the interface (key file, JWT claims sub/exp/rights).

    .venv/bin/python tests/independent/zenith_server.py --port 0 --key-file K \
        [--tls --ca-out CA --plain-port 0]

Serves /Zenith (any query, e.g. ?version=2.0). Rights: "public" grants Zenith/Market and
Zenith/News; "private" grants Zenith/Trading and Zenith/OrderPad, over TLS only (per connection).

Choices where the documents are silent (and how they differ from the mock, where known):
- The AuthToken reply's Topic is "AuthToken" (what Motif needs), not "Identify"; it has no
  Action member. Scope strings are in the Zenith/<Right> style. A success carries every optional
  field (AccessToken = Base-64 of the token, DisplayName, UserID, ExpiryDate in extended ISO
  form with milliseconds, Scope) and Motif's undocumented ExpiresIn.
- The Base-64 rule (strict, standard alphabet, padded) applies to the handshake header too. A
  header with another scheme than Bearer, or a refused token, gets HTTP 403 before the upgrade.
- A rejected AuthToken (Result "Reject") leaves an earlier authentication in place; an
  AccessToken that is not a string, or a Provider other than "Bearer", is also a Reject.
- QueryIdentify on a session without a live authority gets an Error "Authority" (with its TID).
- Data may come before the Sub confirmation: a first snapshot frame is sent at once, then
  the server task publishes every ~200 ms (jittered) on its own schedule.
- A refused Sub gets an Error, then (with Confirm) the Sub reply without Confirm; unknown
  controllers get "Controller", unknown topics "Operation.Unknown", other Publish topics
  "Operation.Unknown"; an Unsub of nothing gets Error "Operation.NoResult"; undecodable frames
  get Error "Data.Deserialise". Errors carry a suffix after one space where there is context.
- At expiry nothing is sent and the socket stays open; data stops; Subs are remembered and
  resume after a successful AuthToken. New Subs while expired are refused ("Authority").
- On re-auth, each Sub that lost its right gets an Error "Authority" then one server Unsub
  (Confirm true) per reference, after the AuthToken reply; then Identify subscribers get the
  new authority as a data frame. Auth/Identify needs no right; Sub to it while authenticated
  pushes the current authority at once.
- Switchable (INDEPENDENT_CHOICES="leeway=5,publish-every=2.5,plain-ws-private=reject";
  defaults 0, 0.2, reduce): a clock-skew leeway on exp (RFC 7519 §4.1.4), the publisher's
  period, and whether a token with the private right over ws:// authenticates without
  Trading/OrderPad (reduce) or is rejected outright (reject: "all authentication that requires
  the Trading or Ordering scopes requires an SSL WebSocket connection").
- Heartbeat: a ping every 30 s; nothing received for 60 s closes with 1008. Client pings are
  answered in order with other replies. Replies come after a random 0-30 ms latency.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import datetime as dt
import json
import random
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import WSMsgType, web
from common import Claims, Keys, Refused, arguments, choices, serve

PATH = "/Zenith"
CHOICES = choices({"leeway": "0", "publish-every": "0.2", "plain-ws-private": "reduce"})
LEEWAY, PUBLISH_EVERY = float(CHOICES["leeway"]), float(CHOICES["publish-every"])
PING_EVERY, SILENT_FOR = 30.0, 60.0
RIGHT_OF = {"Market": "Zenith/Market", "News": "Zenith/News", "Trading": "Zenith/Trading"}
TOPICS = {
    "Market": {"Trades", "Depth", "DepthShort", "Levels", "Security", "Symbols", "Markets"},
    "News": {"News", "Headlines"},
    "Trading": {"Orders", "Balances", "Holdings", "Transactions", "Audit", "Requests", "Accounts"},
}
TLS_ONLY = {"Zenith/Trading", "Zenith/OrderPad"}
Key = tuple[str, str]


def access_token(value: Any) -> str | None:
    """The documented rule: Base-64 input is decoded, anything else is used raw."""
    if not isinstance(value, str):
        return None
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return value
    try:
        return raw.decode("ascii")
    except UnicodeDecodeError:
        return None


@dataclass(eq=False)
class Session:
    ws: web.WebSocketResponse
    tls: bool
    claims: Claims | None = None
    token: str = ""
    subs: dict[Key, int] = field(default_factory=dict)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    heard: float = field(default_factory=time.monotonic)

    def rights(self) -> set[str]:
        if self.claims is None or time.time() >= self.claims.expires_at + LEEWAY:
            return set()
        granted = set()
        if "public" in self.claims.rights:
            granted |= {"Zenith/Market", "Zenith/News"}
        if "private" in self.claims.rights:
            granted |= {"Zenith/Trading", "Zenith/OrderPad"}
        return granted if self.tls else granted - TLS_ONLY

    def identity(self) -> dict[str, Any]:
        assert self.claims is not None
        expiry = dt.datetime.fromtimestamp(self.claims.expires_at, dt.UTC)
        left = max(0.0, self.claims.expires_at - time.time())
        hours, rest = divmod(left, 3600)
        return {
            "Result": "Success",
            "AccessToken": base64.b64encode(self.token.encode()).decode("ascii"),
            "DisplayName": f"Independent {self.claims.subject}",
            "UserID": self.claims.subject,
            "ExpiryDate": expiry.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "ExpiresIn": f"{int(hours):02}:{int(rest // 60):02}:{rest % 60:010.7f}",
            "Scope": sorted(self.rights()),
        }

    async def send(self, obj: dict[str, Any]) -> None:
        async with self.lock:
            if not self.ws.closed:
                await self.ws.send_str(json.dumps(obj, separators=(",", ":")))


def frame(controller: str, topic: str, **members: Any) -> dict[str, Any]:
    return {"Controller": controller, "Topic": topic, **members}


class Server:
    def __init__(self, keys: Keys) -> None:
        self.keys = keys
        self.sessions: set[Session] = set()
        self.sequence = 0
        self.publisher: asyncio.Task[None] | None = None

    def check(self, value: Any, tls: bool) -> tuple[Claims, str] | None:
        token = access_token(value)
        if token is None:
            return None
        try:
            claims = self.keys.check(token, at=time.time() - LEEWAY)
        except Refused:
            return None
        if not tls and "private" in claims.rights and CHOICES["plain-ws-private"] == "reject":
            return None  # "authentication that requires the Trading ... scopes requires an SSL"
        return claims, token

    async def handle(self, request: web.Request) -> web.StreamResponse:
        if self.publisher is None:
            self.publisher = asyncio.create_task(self.publish())
        tls = request.transport is not None and bool(request.transport.get_extra_info("ssl_object"))
        header = request.headers.get("Authorization")
        accepted = None
        if header is not None:
            scheme, _, value = header.strip().partition(" ")
            accepted = self.check(value.strip(), tls) if scheme.lower() == "bearer" else None
            if accepted is None:
                raise web.HTTPForbidden(text="the access token was not accepted")
        ws = web.WebSocketResponse(protocols=("ZenithJson",), autoping=False)
        await ws.prepare(request)
        session = Session(ws, tls)
        if accepted is not None:
            session.claims, session.token = accepted
        self.sessions.add(session)
        heartbeat = asyncio.create_task(self.heartbeat(session))
        try:
            async for msg in ws:
                session.heard = time.monotonic()
                if msg.type is WSMsgType.PING:
                    async with session.lock:
                        await ws.pong(msg.data)
                elif msg.type in (WSMsgType.TEXT, WSMsgType.BINARY):
                    await asyncio.sleep(random.uniform(0.0, 0.03))
                    await self.on_frame(session, msg.data)
        finally:
            heartbeat.cancel()
            self.sessions.discard(session)
        return ws

    async def heartbeat(self, session: Session) -> None:
        while not session.ws.closed:
            await asyncio.sleep(PING_EVERY)
            if time.monotonic() - session.heard > SILENT_FOR:
                await session.ws.close(code=1008, message=b"no activity for a minute")
                return
            async with session.lock:
                await session.ws.ping()

    async def on_frame(self, session: Session, data: str | bytes) -> None:
        try:
            message = json.loads(data)
        except (ValueError, UnicodeDecodeError):
            message = None
        if not isinstance(message, dict):
            await session.send({"Action": "Error", "Data": "Data.Deserialise"})
            return
        controller = message.get("Controller", "Zenith")
        action, topic = message.get("Action", "Publish"), message.get("Topic")
        tid = message.get("TransactionID")
        echo = {} if tid is None else {"TransactionID": tid}
        if not isinstance(controller, str) or not isinstance(topic, str):
            await session.send({"Action": "Error", **echo, "Data": "Data.Deserialise Topic"})
            return
        if tid is not None and (not isinstance(tid, int) or isinstance(tid, bool)):
            error = frame(controller, topic, Action="Error", Data="Data.Deserialise TransactionID")
            await session.send(error)
            return
        if action == "Publish":
            await self.on_publish(session, controller, topic, message.get("Data"), echo)
        elif action == "Sub":
            await self.on_sub(session, controller, topic, message.get("Confirm") is True)
        elif action == "Unsub":
            await self.on_unsub(session, controller, topic, message.get("Confirm") is True)
        elif action not in ("Cancel", "Error"):
            await session.send(frame(controller, topic, Action="Error", Data="Operation.Unknown"))

    async def on_publish(
        self, session: Session, controller: str, topic: str, data: Any, echo: dict[str, Any]
    ) -> None:
        if (controller, topic) == ("Auth", "AuthToken"):
            await self.auth_token(session, data, echo)
        elif (controller, topic) == ("Auth", "QueryIdentify"):
            if session.rights():
                await session.send(frame("Auth", topic, **echo, Data=session.identity()))
            else:
                await session.send(frame("Auth", topic, Action="Error", **echo, Data="Authority"))
        else:
            error = frame(controller, topic, Action="Error", **echo, Data="Operation.Unknown")
            await session.send(error)

    async def auth_token(self, session: Session, data: Any, echo: dict[str, Any]) -> None:
        fields = data if isinstance(data, dict) else {}
        accepted = None
        if fields.get("Provider") == "Bearer":
            accepted = self.check(fields.get("AccessToken"), session.tls)
        if accepted is None:
            await session.send(frame("Auth", "AuthToken", **echo, Data={"Result": "Reject"}))
            return
        session.claims, session.token = accepted
        await session.send(frame("Auth", "AuthToken", **echo, Data=session.identity()))
        rights = session.rights()
        for (controller, topic), count in list(session.subs.items()):
            if controller in RIGHT_OF and RIGHT_OF[controller] not in rights:
                del session.subs[(controller, topic)]
                await session.send(frame(controller, topic, Action="Error", Data="Authority"))
                for _ in range(count):
                    await session.send(frame(controller, topic, Action="Unsub", Confirm=True))
        if ("Auth", "Identify") in session.subs:
            await session.send(frame("Auth", "Identify", Data=session.identity()))

    def refusal(self, session: Session, controller: str, topic: str) -> str | None:
        if controller == "Auth":
            return None if topic == "Identify" else "Operation.Unknown"
        if controller not in TOPICS:
            return f"Controller {controller}"
        if topic.partition("!")[0] not in TOPICS[controller]:
            return f"Operation.Unknown {topic}"
        return None if RIGHT_OF[controller] in session.rights() else "Authority"

    async def on_sub(self, session: Session, controller: str, topic: str, confirm: bool) -> None:
        refused = self.refusal(session, controller, topic)
        if refused is not None:
            await session.send(frame(controller, topic, Action="Error", Data=refused))
            if confirm:
                await session.send(frame(controller, topic, Action="Sub"))
            return
        key = (controller, topic)
        session.subs[key] = session.subs.get(key, 0) + 1
        first = session.subs[key] == 1
        if first and controller != "Auth":
            await session.send(frame(controller, topic, Data=self.data(controller, topic)))
        if confirm:
            await session.send(frame(controller, topic, Action="Sub", Confirm=True))
        if first and controller == "Auth" and session.rights():
            await session.send(frame("Auth", "Identify", Data=session.identity()))

    async def on_unsub(self, session: Session, controller: str, topic: str, confirm: bool) -> None:
        key = (controller, topic)
        if key not in session.subs:
            await session.send(frame(controller, topic, Action="Error", Data="Operation.NoResult"))
            return
        session.subs[key] -= 1
        if session.subs[key] == 0:
            del session.subs[key]
        if confirm:
            await session.send(frame(controller, topic, Action="Unsub"))

    async def publish(self) -> None:
        while True:
            await asyncio.sleep(PUBLISH_EVERY * random.uniform(0.8, 1.2))
            self.sequence += 1
            for session in list(self.sessions):
                rights = session.rights()
                for controller, topic in list(session.subs):
                    if controller in RIGHT_OF and RIGHT_OF[controller] in rights:
                        data = self.data(controller, topic)
                        try:
                            await session.send(frame(controller, topic, Data=data))
                        except (ConnectionError, RuntimeError):
                            break

    def data(self, controller: str, topic: str) -> list[dict[str, Any]]:
        argument = topic.partition("!")[2]
        now = dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        if controller == "Trading":
            return [{"O": "U", "ID": f"ORD{self.sequence}", "Account": argument, "Time": now}]
        price = f"{45 + (self.sequence % 20) / 100:.2f}"
        return [{"O": "A", "ID": self.sequence, "Code": argument, "Price": price, "Time": now}]


def main() -> None:
    args = arguments("An independent Zenith WebSocket server (documents only).")
    server = Server(Keys(Path(args.key_file)))
    listing = "choices: " + " ".join(f"{k}={v}" for k, v in CHOICES.items())
    serve("zenith", PATH, server.handle, args, extra_lines=lambda url: [listing])


if __name__ == "__main__":
    main()
