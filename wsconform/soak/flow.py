"""One soak user's session, in the words of one profile's documents: the base every vendor's
soak.py (wsconform/vendors/<v>/soak.py) fills in with its protocol core's frames.

A user connects, authenticates the documented way, subscribes to a public and a private channel
and waits for its first private frame (`start`); keeps the connection alive as documented
(`keepalive`); may re-authenticate before expiry (`before_expiry`); lives through its token's
expiry as the documents say (`after_expiry`); and, on connections of their own, presents bad
tokens (`bad_token`). Every outcome is counted under its requirement (Tally), every step timed in
Locust's statistics (`timed`)."""

from __future__ import annotations

import contextlib
import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeVar

from wsconform import jwt_forge
from wsconform.soak.tally import Tally
from wsconform.soak.wire import Predicate, TimedOut, Wire, WireError
from wsconform.tokens import Token

T = TypeVar("T")
BAD_KINDS = ("forged", "expired")  # the bad tokens presented: a bad signature, and expired


@dataclass
class SoakContext:
    """What a flow acts through (one per Locust worker, shared by its users)."""

    url: str
    token: Callable[[str], Token]  # a token of a kind: "valid", "expired"
    tally: Tally
    timed: Callable[[str, Callable[[], Any]], Any]  # runs and times a step in Locust's stats
    public_channel: str
    private_channel: str
    ca_file: str | None = None
    headers: list[str] = field(default_factory=list)
    op_timeout: float = 10.0
    resume_within: float = 1.0  # seconds: private data after re-authentication counts in time
    quiet_after_expiry: float = 2.0  # seconds watched for data that must have stopped


class Flow:
    WHAT: ClassVar[dict[str, str]]  # requirement → what the soak counts under it
    REFUSED_BY: ClassVar[dict[str, str]]  # bad kind (BAD_KINDS) → the requirement refusing it
    NOT_REFUSED: ClassVar[str] = "accepted"  # the failure's reason when a bad token is not
    SUBPROTOCOLS: ClassVar[list[str] | None] = None
    KEEPALIVE: ClassVar[float | None] = None  # seconds between documented keepalives, if any

    def __init__(self, ctx: SoakContext) -> None:
        self.ctx = ctx
        self.wire: Wire | None = None
        self.ids = itertools.count(1)

    # -- what a vendor fills in ------------------------------------------------------------------

    def start(self) -> None:
        raise NotImplementedError

    def keepalive(self) -> None:
        """The documented keepalive (none by default: the server's pings are answered)."""

    def before_expiry(self) -> None:
        """A re-authentication the documents ask for before expiry (none by default)."""

    def after_expiry(self) -> None:
        raise NotImplementedError

    def present(self, wire: Wire, token: str) -> Any:
        """The documented authentication with `token`, and its answer."""
        raise NotImplementedError

    def refused(self, answer: Any) -> bool:
        """Whether the answer to `present` is the documented refusal."""
        raise NotImplementedError

    def bad_token(self, kind: str) -> None:
        """A bad token of `kind` presented on a connection of its own, which must refuse it."""
        token = self.bad(kind)
        wire = self.connect()
        try:
            self.judge(
                self.REFUSED_BY[kind],
                f"{kind} token refused",
                lambda: self.present(wire, token),
                self.refused,
                self.NOT_REFUSED,
            )
        finally:
            wire.close()

    # -- what every flow uses --------------------------------------------------------------------

    def connect(self, headers: list[str] | None = None) -> Wire:
        return self.ctx.timed(
            "connect",
            lambda: Wire(
                self.ctx.url,
                subprotocols=self.SUBPROTOCOLS,
                headers=[*self.ctx.headers, *(headers or [])],
                ca_file=self.ctx.ca_file,
                timeout=self.ctx.op_timeout,
            ),
        )

    def bad(self, kind: str) -> str:
        """A token of a bad kind: a valid one with its signature broken, or an expired one."""
        if kind == "forged":
            return jwt_forge.bad_signature(self.ctx.token("valid").value)
        return self.ctx.token("expired").value

    def judge(
        self,
        req: str,
        step: str,
        act: Callable[[], T],
        ok: Callable[[T], bool],
        wrong: str = "wrong answer",
    ) -> T | None:
        """Run and time `act` as Locust's `step`; count it under `req`: a success when `ok`
        holds, else `wrong`; "timed out" or "connection lost" when the wire says so."""
        try:
            result = self.ctx.timed(step, act)
        except TimedOut:
            self.ctx.tally.record(req, "timed out")
            return None
        except WireError:
            self.ctx.tally.record(req, "connection lost")
            return None
        self.ctx.tally.record(req, None if ok(result) else wrong)
        return result

    def resumes(
        self, req: str, step: str, wire: Wire, match: Predicate, since: int, timely: bool = True
    ) -> None:
        """Private data comes again: in time (ctx.resume_within) counts under `req`, later is a
        failure "later than N s", none within the op time-out "timed out". Not `timely`: the
        first data after a subscribe, which comes when the server next publishes."""
        began = time.monotonic()
        try:
            self.ctx.timed(step, lambda: wire.expect(match, step, since))
        except TimedOut:
            self.ctx.tally.record(req, "timed out")
            return
        except WireError:
            self.ctx.tally.record(req, "connection lost")
            return
        late = timely and time.monotonic() - began > self.ctx.resume_within
        self.ctx.tally.record(req, f"later than {self.ctx.resume_within:g} s" if late else None)

    def settle(self, seconds: float) -> None:
        """Let frames already on their way arrive (read, not judged) for `seconds`."""
        assert self.wire is not None
        with contextlib.suppress(TimedOut):
            self.wire.expect(lambda _: False, "frames in flight", self.wire.mark(), seconds)

    def stays_quiet(self, req: str, wire: Wire, match: Predicate) -> None:
        """No frame `match` accepts comes for ctx.quiet_after_expiry seconds (data stopped)."""
        since = wire.mark()
        try:
            wire.expect(match, "data after expiry", since, timeout=self.ctx.quiet_after_expiry)
        except TimedOut:
            self.ctx.tally.record(req)
            return
        except WireError:
            self.ctx.tally.record(req, "connection lost")
            return
        self.ctx.tally.record(req, "data after expiry")

    def close(self) -> None:
        if self.wire is not None:
            self.wire.close()
            self.wire = None
