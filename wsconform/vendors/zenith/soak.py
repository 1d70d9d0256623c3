"""Zenith under load (`wsconform soak zenith`): AuthToken over the ZenithJson subprotocol, a
confirmed Sub of a public and a private channel, an AuthToken with a fresh token before expiry
("clients should reauthenticate … before the expiry date arrives", AUTH), and at expiry what AUTH
says: data stops arriving (ZEN-EXP-01) and subscriptions are remembered, so after an AuthToken
with a fresh token on the same connection (ZEN-EXP-03) their data resumes unasked (ZEN-SUB-01).
Bad tokens get Reject (ZEN-REJ-01, ZEN-REJ-04)."""

from __future__ import annotations

from typing import Any, ClassVar

from wsconform.soak.flow import Flow
from wsconform.soak.wire import Wire
from wsconform.vendors.zenith import protocol

# Frames sent just before the expiry may still be on their way when a user hears of it: the
# watch for data that must have stopped begins this long after.
IN_FLIGHT = 0.5  # seconds


def _accepted(reply: Any) -> bool:
    return protocol.result_of(reply) == protocol.SUCCESS


class ZenithSoak(Flow):
    REFUSED_BY: ClassVar[dict[str, str]] = {"forged": "ZEN-REJ-01", "expired": "ZEN-REJ-04"}
    SUBPROTOCOLS: ClassVar[list[str] | None] = [protocol.SUBPROTOCOL]
    WHAT: ClassVar[dict[str, str]] = {
        "ZEN-AUTH-01": "AuthToken with a valid token",
        "ZEN-SUB-06": "a permitted Sub confirmed",
        "ZEN-AUTH-05": "private data after AuthToken",
        "ZEN-EXP-04": "AuthToken with a fresh token before expiry",
        "ZEN-EXP-01": "private data stops at expiry",
        "ZEN-EXP-03": "AuthToken with a fresh token after expiry",
        "ZEN-SUB-01": "private data resumes unasked after re-auth",
        "ZEN-REJ-01": "a forged token rejected",
        "ZEN-REJ-04": "an expired token rejected",
    }

    def auth(self, wire: Wire, token: str) -> Any:
        tid = next(self.ids)
        return wire.request(protocol.auth_token(token, tid), protocol.is_auth_reply, "AuthToken")

    def reauth(self, req: str, step: str) -> None:
        assert self.wire is not None
        wire, token = self.wire, self.ctx.token("valid").value
        self.judge(req, step, lambda: self.auth(wire, token), _accepted, wrong="rejected")

    def start(self) -> None:
        self.wire = wire = self.connect()
        token = self.ctx.token("valid").value
        self.judge("ZEN-AUTH-01", "auth", lambda: self.auth(wire, token), _accepted, "rejected")
        since = wire.mark()
        for channel in (self.ctx.public_channel, self.ctx.private_channel):
            confirmed = protocol.is_action(channel, protocol.SUB, confirm=True)
            request = protocol.sub(channel, next(self.ids))
            self.judge(
                "ZEN-SUB-06",
                "subscribe",
                lambda: wire.request(request, confirmed, "Sub confirmation"),  # noqa: B023
                lambda _: True,
            )
        private = protocol.is_data(self.ctx.private_channel)
        self.resumes("ZEN-AUTH-05", "first private frame", wire, private, since, timely=False)

    def before_expiry(self) -> None:
        self.reauth("ZEN-EXP-04", "re-auth before expiry")

    def after_expiry(self) -> None:
        assert self.wire is not None
        wire, private = self.wire, protocol.is_data(self.ctx.private_channel)
        self.settle(IN_FLIGHT)
        self.stays_quiet("ZEN-EXP-01", wire, private)
        since = wire.mark()
        self.reauth("ZEN-EXP-03", "re-auth after expiry")
        self.resumes("ZEN-SUB-01", "private frame after re-auth", wire, private, since)

    def present(self, wire: Wire, token: str) -> Any:
        return self.auth(wire, token)

    def refused(self, answer: Any) -> bool:
        return protocol.is_refusal(answer)
