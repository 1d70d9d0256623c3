"""The echo reference server on wsconform's mock core, and the defects that prove each check can
fail (each names the requirement it breaks)."""

from __future__ import annotations

import json
from typing import Any, ClassVar

from wsconform.mock.defects import Defect, accept_expired, pong_withheld
from wsconform.mock.issuer import Rejected
from wsconform.mock.server import Connection, MockApp
from wsconform_echo import protocol


class EchoMock(MockApp):
    profile = "echo"
    path = "/echo"
    DEFECTS: ClassVar[dict[str, Defect]] = {
        "accept-any-token": Defect(
            "any token string authenticates", "ECHO-REJ-01", also=("ECHO-REJ-02",)
        ),
        "auth-ok-renamed": Defect('a success says "success": true, not "ok": true', "ECHO-AUTH-01"),
        "private-without-auth": Defect("orders is served before authentication", "ECHO-SUB-01"),
        **accept_expired("ECHO-REJ-02"),
        **pong_withheld("ECHO-HB-01"),
    }

    async def serve_connection(self, conn: Connection) -> None:
        async for raw in conn.ws:
            try:
                request = json.loads(raw)
            except ValueError:
                continue  # PROTOCOL.md says nothing of other frames
            if isinstance(request, dict):
                await conn.ws.send(json.dumps(self.answer(conn, request)))

    def answer(self, conn: Connection, request: dict[str, Any]) -> dict[str, Any]:
        if request.get("op") == "auth":
            return self.authenticate(conn, request.get("token"))
        channel = request.get("channel")
        allowed = channel != protocol.PRIVATE_CHANNEL or conn.identity is not None
        if allowed or self.defect("private-without-auth"):
            return {"op": "subscribe", "channel": channel, "ok": True}
        return {"op": "subscribe", "channel": channel, "ok": False, "code": 403}

    def authenticate(self, conn: Connection, token: object) -> dict[str, Any]:
        try:
            if not (self.defect("accept-any-token") and isinstance(token, str)):
                self.verify(token)
        except Rejected:
            return {"op": "auth", "ok": False, "code": protocol.INVALID_TOKEN}
        conn.identity = token
        if self.defect("auth-ok-renamed"):
            return {"op": "auth", "success": True}
        return {"op": "auth", "ok": True}
