"""ETHGas, the official `op`/`args` protocol, under load (`wsconform soak ethgas-op`): the login
op and its documented ack, event login with code 0 (EOP-AUTH-01), a public and a private
subscribe (acks are undocumented, EOP-SUB-04: none is waited for), the first private frame
(EOP-AUTH-02); python-ethgas's text "ping" answered "pong" (EOP-HB-01), once at the start (the
SDK's first comes 2 s after connecting) and every KEEPALIVE seconds after.

At expiry the documents say nothing of a live session (EOP-EXP-01, INFO). The flow records what
it saw: after a text ping/pong (what the server sent before it handled the expiry is then in),
for ctx.quiet_after_expiry seconds, private data went on, stopped, or the connection closed (the
mock's variant "at-expiry": continue | stop | close). An INFO requirement has nothing to fail, so
each observation counts as a success, once under EOP-EXP-01 and once under the row of what was
seen, "EOP-EXP-01/continue", "/stop" or "/close" (no catalogue level: never judged); a failure
reason would misread as a miss. Then a login with a refreshed token gets the documented ack and
private access (EOP-EXP-03, "same connection if open": when the connection closed at expiry, on a
new one). A forged or an expired token gets no documented success (EOP-REJ-01, EOP-REJ-02): any
answer that is not the success ack, no answer within the op time-out, or a close, is a success."""

from __future__ import annotations

from typing import Any, ClassVar

from wsconform.soak.flow import Flow
from wsconform.soak.wire import TimedOut, Wire, WireError
from wsconform.vendors.ethgas_op import protocol

_login_answer = protocol.is_event(protocol.LOGIN, protocol.ERROR)  # the ack, or a failure
AT_EXPIRY = {  # what was seen at expiry → its row (the mock's "at-expiry" variant values)
    "continue": "EOP-EXP-01/continue",
    "stop": "EOP-EXP-01/stop",
    "close": "EOP-EXP-01/close",
}


class EthgasOpSoak(Flow):
    REFUSED_BY: ClassVar[dict[str, str]] = {"forged": "EOP-REJ-01", "expired": "EOP-REJ-02"}
    NOT_REFUSED = "the documented success"
    WHAT: ClassVar[dict[str, str]] = {
        "EOP-AUTH-01": "login op answered by the documented ack (event login, code 0)",
        "EOP-AUTH-02": "private data after login",
        "EOP-HB-01": 'text "ping" answered by text "pong"',
        "EOP-EXP-01": "what the session did at expiry, observed (INFO: each one a success)",
        AT_EXPIRY["continue"]: "private data went on past expiry",
        AT_EXPIRY["stop"]: "private data stopped at expiry, the connection open",
        AT_EXPIRY["close"]: "connection closed at expiry",
        "EOP-EXP-03": "login with a refreshed token after expiry: the ack, then private data",
        "EOP-REJ-01": "a forged token gets no documented success",
        "EOP-REJ-02": "an expired token gets no documented success",
    }
    KEEPALIVE: ClassVar[float | None] = 25.0  # python-ethgas's text ping period

    def login(self, wire: Wire, token: str) -> Any:
        return wire.request(protocol.login(token), _login_answer, "login reply")

    def subscribe(self, wire: Wire, *channels: str) -> None:
        """Subscribe ops only: no ack is documented, so none is waited for."""
        for channel in channels:
            request = protocol.op(protocol.SUBSCRIBE, {"channel": channel})
            self.ctx.timed("subscribe", lambda: wire.send(request))  # noqa: B023

    def authenticate(self, wire: Wire, req: str, step: str) -> bool:
        """Login with a valid token, counted under `req`: whether it got the documented ack."""
        token = self.ctx.token("valid").value
        reply = self.judge(
            req, step, lambda: self.login(wire, token), protocol.is_login_success, "no success ack"
        )
        return reply is not None and protocol.is_login_success(reply)

    def start(self) -> None:
        self.wire = wire = self.connect()
        self.authenticate(wire, "EOP-AUTH-01", "login")
        since = wire.mark()
        self.subscribe(wire, self.ctx.public_channel, self.ctx.private_channel)
        private = protocol.is_data(self.ctx.private_channel)
        self.resumes("EOP-AUTH-02", "first private frame", wire, private, since, timely=False)
        self.keepalive()  # the first at once: a run shorter than KEEPALIVE still has one

    def keepalive(self) -> None:
        wire = self.wire
        if wire is None:  # no new connection after a close at expiry (EOP-EXP-03 counted it)
            return
        self.judge(
            "EOP-HB-01",
            "ping",
            lambda: wire.request(protocol.TEXT_PING, protocol.is_text_pong, "text pong"),
            protocol.is_text_pong,
        )

    def at_expiry(self, wire: Wire) -> str:
        """What the session does now its token has expired: "continue", "stop" or "close"."""
        try:
            wire.send(protocol.TEXT_PING)  # a barrier: frames sent before it are in by its pong
            wire.expect(protocol.is_text_pong, "text pong", wire.mark(), self.ctx.op_timeout)
        except TimedOut:
            pass  # no pong (EOP-HB-01 counts it): look from here
        except WireError:
            return "close"
        private = protocol.is_data(self.ctx.private_channel)
        try:
            wire.expect(private, "private data", wire.mark(), self.ctx.quiet_after_expiry)
        except TimedOut:
            return "stop"
        except WireError:
            return "close"
        return "continue"

    def after_expiry(self) -> None:
        assert self.wire is not None
        seen = self.at_expiry(self.wire)
        self.ctx.tally.record("EOP-EXP-01")
        self.ctx.tally.record(AT_EXPIRY[seen])
        if seen == "close":
            self.wire.close()
            self.wire = None
            try:
                self.wire = self.connect()
            except WireError:
                self.ctx.tally.record("EOP-EXP-03", "no new connection after the close")
                return
        wire = self.wire
        if not self.authenticate(wire, "EOP-EXP-03", "re-login"):
            return
        since = wire.mark()
        self.subscribe(wire, self.ctx.private_channel)
        private = protocol.is_data(self.ctx.private_channel)
        self.resumes("EOP-EXP-03", "private frame after re-login", wire, private, since)

    def present(self, wire: Wire, token: str) -> Any:
        """The answer; None for no answer in time or a close (neither is a success)."""
        try:
            return self.login(wire, token)
        except WireError:  # TimedOut among them
            return None

    def refused(self, answer: Any) -> bool:
        return answer is None or not protocol.is_login_success(answer)
