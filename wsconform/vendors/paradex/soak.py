"""Paradex under load (`wsconform soak paradex`): JSON-RPC auth with the bearer, a public and a
private subscription, and at expiry nothing to do: "After the initial authentication, you do not
need to re-authenticate your WebSocket connection for the lifetime of the connection" (PAGE),
so private data must go on (PDX-EXP-01). Bad tokens are refused with 40111 (PDX-REJ-02/03)."""

from __future__ import annotations

from typing import Any, ClassVar

from wsconform.soak.flow import Flow
from wsconform.soak.wire import Wire
from wsconform.vendors.paradex import protocol


def _reply(request_id: int) -> Any:
    return lambda m: protocol.is_response(m) and m.get("id") == request_id


def _private(channel: str) -> Any:
    return lambda m: protocol.is_data(m, channel)


class ParadexSoak(Flow):
    REFUSED_BY: ClassVar[dict[str, str]] = {"forged": "PDX-REJ-02", "expired": "PDX-REJ-03"}
    NOT_REFUSED = "not refused with 40111"
    WHAT: ClassVar[dict[str, str]] = {
        "PDX-AUTH-01": "auth with a valid JWT",
        "PDX-SUB-01": "subscribe answered",
        "PDX-AUTH-05": "private data after auth",
        "PDX-EXP-01": "private data goes on past the JWT's exp",
        "PDX-REJ-02": "a forged token refused with 40111",
        "PDX-REJ-03": "an expired token refused with 40111",
    }

    def auth(self, wire: Wire, token: str) -> Any:
        request_id = next(self.ids)
        return wire.request(protocol.auth_request(token, request_id), _reply(request_id), "auth")

    def start(self) -> None:
        self.wire = wire = self.connect()
        token = self.ctx.token("valid").value
        self.judge(
            "PDX-AUTH-01", "auth", lambda: self.auth(wire, token), protocol.is_result, "refused"
        )
        since = wire.mark()
        for channel in (self.ctx.public_channel, self.ctx.private_channel):
            request_id = next(self.ids)
            request = protocol.subscribe_request(channel, request_id)
            self.judge(
                "PDX-SUB-01",
                "subscribe",
                lambda: wire.request(request, _reply(request_id), "subscribe"),  # noqa: B023
                protocol.is_result,
            )
        private = _private(self.ctx.private_channel)
        self.resumes("PDX-AUTH-05", "first private frame", wire, private, since, timely=False)

    def after_expiry(self) -> None:
        assert self.wire is not None
        wire = self.wire
        self.resumes(
            "PDX-EXP-01",
            "private frame after expiry",
            wire,
            _private(self.ctx.private_channel),
            wire.mark(),
        )

    def present(self, wire: Wire, token: str) -> Any:
        return self.auth(wire, token)

    def refused(self, answer: Any) -> bool:
        return protocol.error_code(answer) == protocol.INVALID_BEARER
