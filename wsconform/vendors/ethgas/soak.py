"""ETHGas, the seed page's `cmd` dialect, under load (`wsconform soak ethgas`): login with the
token in `data` (ETH-AUTH-01), a public and a private subscribe (no page shows an ack: none is
waited for), the first private frame (ETH-AUTH-07); the ping command answered by pong
(ETH-HB-02), once at the start and every KEEPALIVE seconds after.

At expiry the seed page sends `{"cmd":"token_expired",...}` (ETH-EXP-01) and the client sends "a
new login command with a fresh token" on the same socket (ETH-EXP-03); the flow then subscribes
to the private channel again (whether subscriptions survive expiry is undocumented, ETH-SUB-02)
and private data must flow (ETH-SUB-01). The event may come before the user hears of the expiry
from the master: it is looked for from the mark taken after the last login. Forged and expired
tokens are refused with 401 (ETH-REJ-01, ETH-REJ-03), each on a connection of its own."""

from __future__ import annotations

from typing import Any, ClassVar

from wsconform.soak.flow import Flow
from wsconform.soak.wire import Wire
from wsconform.vendors.ethgas import protocol

_login_answer = protocol.is_cmd(protocol.LOGIN, protocol.ERROR)  # a login reply or an error frame


def _succeeded(reply: Any) -> bool:
    return protocol.is_login_reply(reply) and protocol.status_of(reply) == protocol.SUCCESS


def _refused_401(reply: Any) -> bool:
    return protocol.is_login_refusal(reply) and protocol.error_code(reply) == protocol.INVALID_TOKEN


class EthgasSoak(Flow):
    REFUSED_BY: ClassVar[dict[str, str]] = {"forged": "ETH-REJ-01", "expired": "ETH-REJ-03"}
    NOT_REFUSED = "not refused with 401"
    WHAT: ClassVar[dict[str, str]] = {
        "ETH-AUTH-01": "login with a valid token: status success",
        "ETH-AUTH-07": "private data after login",
        "ETH-HB-02": "the ping command answered by pong",
        "ETH-EXP-01": "a token_expired event in the documented shape at expiry",
        "ETH-EXP-03": "login with a fresh token on the same socket after expiry",
        "ETH-SUB-01": "private data again after re-login and a private subscribe",
        "ETH-REJ-01": "a forged token refused with 401",
        "ETH-REJ-03": "an expired token refused with 401",
    }
    KEEPALIVE: ClassVar[float | None] = 20.0  # [INF]: no page gives a heartbeat period

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.after_login = 0  # the mark after the last login's reply: token_expired is after it

    def login(self, wire: Wire, token: str) -> Any:
        return wire.request(protocol.login(token), _login_answer, "login")

    def subscribe(self, wire: Wire, *channels: str) -> None:
        """Subscribe requests only: no page shows an ack, so none is waited for."""
        for channel in channels:
            self.ctx.timed("subscribe", lambda: wire.send(protocol.subscribe(channel)))  # noqa: B023

    def start(self) -> None:
        self.wire = wire = self.connect()
        token = self.ctx.token("valid").value
        self.judge("ETH-AUTH-01", "login", lambda: self.login(wire, token), _succeeded, "refused")
        self.after_login = since = wire.mark()
        self.subscribe(wire, self.ctx.public_channel, self.ctx.private_channel)
        private = protocol.is_data(self.ctx.private_channel)
        self.resumes("ETH-AUTH-07", "first private frame", wire, private, since, timely=False)
        self.keepalive()  # the first at once: a run shorter than KEEPALIVE still has one

    def keepalive(self) -> None:
        assert self.wire is not None
        wire = self.wire
        self.judge(
            "ETH-HB-02",
            "ping",
            lambda: wire.request(protocol.bare(protocol.PING), protocol.is_pong, "pong"),
            protocol.is_pong,
        )

    def after_expiry(self) -> None:
        assert self.wire is not None
        wire = self.wire
        self.judge(
            "ETH-EXP-01",
            "token_expired event",
            lambda: wire.expect(protocol.is_expiry_event, "token_expired", self.after_login),
            protocol.is_expiry_event_shaped,
            wrong="not in the documented shape",
        )
        token = self.ctx.token("valid").value  # fresh: on the mock's clock, past the expiry
        reply = self.judge(
            "ETH-EXP-03", "re-login", lambda: self.login(wire, token), _succeeded, "refused"
        )
        if reply is None or not _succeeded(reply):
            self.ctx.tally.record("ETH-SUB-01", "no re-login")  # ETH-EXP-03 counted why
            return
        self.after_login = since = wire.mark()
        self.subscribe(wire, self.ctx.private_channel)
        private = protocol.is_data(self.ctx.private_channel)
        self.resumes("ETH-SUB-01", "private frame after re-login", wire, private, since)

    def present(self, wire: Wire, token: str) -> Any:
        return self.login(wire, token)

    def refused(self, answer: Any) -> bool:
        return _refused_401(answer)
