"""The ETHGas `cmd`-dialect authentication lifecycle as a hypothesis state machine (issue 8).

The model, from requirements.toml, the seed page (vendor-docs/ethgas-websocket-authentication.md)
and its companion page (vendor-facts.md Addendum). Each connection is in one of three phases:

- never logged in (ANONYMOUS): public data is served (ETH-AUTH-05), private data never
  (ETH-AUTH-06), whatever another connection did (ETH-AUTH-10);
- logged in (AUTHENTICATED): a valid token in `data` logs in with the documented success
  (ETH-AUTH-01/02), in `args` too (ETH-AUTH-04, SHOULD); a private subscribe brings private data
  (ETH-AUTH-07), unless the token lacks the private permission: 403 and no data (ETH-AUTH-08);
- expired (EXPIRED): at the token's exp a token_expired event in the documented shape arrives
  (ETH-EXP-01); after it no private data (ETH-EXP-02); a login with a fresh token on the same
  socket succeeds (ETH-EXP-03), and private data flows again once subscribed (ETH-SUB-01).

Invalid, malformed and expired tokens get 401 (ETH-REJ-01/02/03); repeated failures 401 or a
documented 429 (ETH-REJ-04). After an unsubscribe no data arrives on the channel (ETH-SUB-04).
Every frame is held, in arrival order, against the phase the connection was in when it came.

Where the pages are silent, every behaviour passes and which was seen is recorded (INFO): the
subscribe and unsubscribe answers (ETH-SUB-03), whether subscriptions survive expiry or a login
(ETH-SUB-02), public data and the connection at expiry (ETH-EXP-04), what a private subscribe
without login gets (ETH-AUTH-09), whether the connection stays open after a refused login
(ETH-REJ-07), when the server rate-limits (ETH-REJ-05: once a login failed, a good token may get
a documented 429 on any connection).

Not modelled: a second login on an authenticated connection (undocumented, and no INFO
requirement covers it); a good token after a refused login on the same connection (ETH-REJ-07
leaves its outcome open: such a connection is only replaced); a re-login after expiry in `args`
(the seed page re-authenticates in `data`); a handshake-header path (none is documented). A
connection whose login gets an answer that is neither a success nor a refusal (a SHOULD missed,
WARN) leaves the model: what it may read can no longer be told.
"""

from __future__ import annotations

import contextlib
import enum
import weakref
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import note
from hypothesis import strategies as st
from hypothesis.stateful import initialize, invariant, precondition, rule

from wsconform import jwt_forge
from wsconform.lifecycle import LifecycleEnv, LifecycleMachine, run_lifecycle
from wsconform.session import Frame, PeerClosed, Predicate
from wsconform.tokens import Token
from wsconform.vendors.ethgas.checks import (
    auth_succeeded,
    error_frames_shaped,
    login_refused,
    not_refused,
    refused_with,
    success_data,
)
from wsconform.vendors.ethgas.client import EthgasClient, is_data, is_error_frame, is_expiry_event
from wsconform.vendors.ethgas.protocol import (
    COMPANION_MEMBER,
    INSUFFICIENT_PERMISSIONS,
    INVALID_TOKEN,
    RATE_LIMITED,
    SEED_MEMBER,
    error_code,
    errors_in,
    is_refusal,
)

if TYPE_CHECKING:
    from wsconform.tokens import Tokens

LIFETIME = 5  # seconds: short-lived tokens, so that a live run waits little (like test_expiry.py)
SKEW = 1.0  # seconds: a token_expired event this much before exp is still "at expiry"
MAX_CONNECTIONS = 3
FAILED_LOGINS = 12  # as test_rejection.py: past any small per-connection limit
PICK = st.integers(min_value=0, max_value=MAX_CONNECTIONS - 1)  # which eligible choice

# Tokens the server must accept: mostly short-lived, so that a login often expires in an example.
GOOD_KINDS = ("short-lived", "valid", "short-lived", "limited")
# The seed page's spelling (MUST) more often than the companion page's (SHOULD).
MEMBERS = (SEED_MEMBER, COMPANION_MEMBER, SEED_MEMBER)
FORGED: dict[str, Callable[[str], str]] = {
    "bad-signature": jwt_forge.bad_signature,
    "alg-none": jwt_forge.alg_none,
    "wrong-key": jwt_forge.wrong_key,
}
MALFORMED = {"not-a-jwt": "not-a-jwt", "empty": "", "two-segments": "eyJhbGciOiJFUzI1NiJ9.e30"}
# Tokens the server must refuse with 401: forged (ETH-REJ-01), malformed (ETH-REJ-02) and expired
# (ETH-REJ-03), each requirement a third of the draws.
BAD_KINDS = (
    *("bad-signature", "not-a-jwt", "expired"),
    *("alg-none", "empty", "expired"),
    *("wrong-key", "two-segments", "expired"),
)
CHANNELS = ("public", "private")
# How the first connection starts: no login, a forged token (first, so that a server taking any
# token shrinks to ETH-REJ-01, not to the expiry that its tokens then lack), or a good one.
FIRST_KINDS = (None, "bad-signature", "short-lived", "limited", "valid", "short-lived", "limited")
REUSE_HORIZON = 600.0  # seconds: a kept token with less life left than this is replaced
# Per test (its Tokens): tokens of the kinds that stay good, and forgeries of them (see fetch).
TOKENS: weakref.WeakKeyDictionary[Tokens, dict[str, Token]] = weakref.WeakKeyDictionary()
FORGERIES: weakref.WeakKeyDictionary[Tokens, dict[tuple[str, str], str]] = (
    weakref.WeakKeyDictionary()
)


class Phase(enum.Enum):
    ANONYMOUS = "without login"
    AUTHENTICATED = "after login"
    EXPIRED = "after expiry"


@dataclass(eq=False)
class Conn:
    """The model of one connection."""

    number: int  # for the notes of a failing example: #1, #2, ...
    client: EthgasClient
    phase: Phase = Phase.ANONYMOUS
    token: Token | None = None
    private_right: bool = False  # the token carries the private permission (not `limited`)
    subscribed: set[str] = field(default_factory=set)  # data flows while the phase allows it
    unsure: set[str] = field(default_factory=set)  # the server may or may not still have them
    unsubscribed: set[str] = field(default_factory=set)  # no data may arrive on these
    refused: bool = False  # a login was refused here: later ones may be too (ETH-REJ-07)
    refused_subs: set[str] = field(default_factory=set)  # refused in this phase: not tried again
    expired_before: bool = False  # went through an expiry: private data is ETH-SUB-01's

    def can_log_in(self) -> bool:
        """Not logged in, and no login refused yet: after a refusal the server may refuse any
        login there (ETH-REJ-07, INFO), so the model spends its steps on fresh connections."""
        return self.phase is not Phase.AUTHENTICATED and not self.refused

    def spent(self) -> bool:
        """No login is tried on it any more (a login was refused there): a reconnect replaces it."""
        return self.refused

    def free(self, channel: str) -> bool:
        return channel not in self.subscribed | self.unsure | self.refused_subs


def summary(answers: list[dict[str, Any]]) -> str:
    """A stable summary of a command's answers (for INFO records)."""
    parts = {
        f"{a.get('cmd')} {error_code(a)}" if a in errors_in(answers) else f"{a.get('cmd')}"
        for a in answers
    }
    return ", ".join(sorted(parts)) or "nothing"


class EthgasLifecycle(LifecycleMachine):
    """Connections, logins with each kind of token, subscriptions and expiry, against the
    model of the module docstring."""

    def __init__(self, env: LifecycleEnv) -> None:
        super().__init__(env)
        self.check = env.check
        self.target = env.target
        self.public, self.private = env.target.public_channel, env.target.private_channel
        self.conns: list[Conn] = []
        self.opened = 0
        self.failed_logins = False  # some login failed in this example: a 429 may follow
        # How long before exp a token still counts as live for a wait: the embedded mock's
        # clock only jumps; a live wait may last the op timeout.
        self.margin = 1.0 if env.target.embedded else env.op_timeout + 1.0

    # -- the model's view --------------------------------------------------------------------------

    def channel(self, which: str) -> str:
        return self.public if which == "public" else self.private

    def label(self, channel: str) -> str:
        return "private" if channel == self.private else "public"

    def live(self, conn: Conn) -> bool:
        """Logged in, with a token that outlives any wait that follows."""
        if conn.phase is not Phase.AUTHENTICATED or conn.token is None:
            return False
        exp = conn.token.expires_at
        return exp is None or self.target.clock() + self.margin < exp

    def private_refusal(self, conn: Conn) -> tuple[str, str] | None:
        """The requirement that forbids private data on `conn` now, and why; None if entitled."""
        if conn.phase is Phase.ANONYMOUS:
            if any(c.phase is Phase.AUTHENTICATED and c.private_right for c in self.conns):
                return "ETH-AUTH-10", "on a connection that never logged in (another one did)"
            return "ETH-AUTH-06", "on a connection that never logged in"
        if conn.phase is Phase.EXPIRED:
            return "ETH-EXP-02", "after the token_expired event"
        if not conn.private_right:
            return "ETH-AUTH-08", "with a token without the private permission"
        return None

    def expectation(self, conn: Conn, channel: str) -> tuple[str, str | None]:
        """What a subscribe to `channel` must get now: "data", "refused" (no data), "403" (and
        no data), or "any" (undocumented, or the token is about to expire); and the requirement."""
        if channel == self.public:
            if conn.phase is Phase.ANONYMOUS:
                return "data", "ETH-AUTH-05"
            if self.live(conn):
                return "data", "ETH-AUTH-07"  # "Full access to all data streams"
            return "any", None  # after expiry: ETH-EXP-04, INFO
        refusal = self.private_refusal(conn)
        if conn.phase is Phase.AUTHENTICATED and not self.live(conn):
            return "any", None
        if refusal is None:
            return "data", "ETH-SUB-01" if conn.expired_before else "ETH-AUTH-07"
        req = refusal[0]
        return ("403" if req == "ETH-AUTH-08" else "refused"), req

    def flowing(self, conn: Conn) -> list[tuple[str, str]]:
        """The subscribed channels whose data must arrive now, with their requirement."""
        found = []
        for channel in sorted(conn.subscribed):
            outcome, req = self.expectation(conn, channel)
            if outcome == "data" and req is not None:
                found.append((channel, req))
        return found

    def some(self, fits: Callable[[Conn], bool]) -> bool:
        return any(map(fits, self.conns))

    def pick(self, which: int, fits: Callable[[Conn], bool]) -> Conn:
        """The `which`-th connection that `fits` (`which` shrinks towards 0)."""
        candidates = [c for c in self.conns if fits(c)]
        return candidates[which % len(candidates)]

    def choices(self, fits: Callable[[Conn, str], bool]) -> list[tuple[Conn, str]]:
        return [(c, ch) for c in self.conns for ch in (self.public, self.private) if fits(c, ch)]

    # -- frames against the model ------------------------------------------------------------------

    def absorb(self, conn: Conn, frames: list[Frame]) -> None:
        """Hold each frame, in arrival order, against the phase the connection is in when it
        arrives; a token_expired event moves the phase on."""
        for frame in frames:
            obj = frame.obj
            if is_expiry_event(frame):
                self.on_expiry_event(conn, obj)
            elif is_data(self.private)(frame) or is_data(self.public)(frame):
                channel = obj["cmd"]
                self.check.schema("ETH-ENV-03", obj, "data-frame", what="a data frame")
                refusal = self.private_refusal(conn) if channel == self.private else None
                if refusal is not None:
                    req, why = refusal
                    self.check.failed(req, f"no private data {why}", "no data", str(frame.data))
                if channel in conn.unsubscribed:
                    self.check.failed(
                        "ETH-SUB-04",
                        f"no data on {channel!r} after its unsubscribe",
                        "no data",
                        str(frame.data),
                    )
            elif is_error_frame(frame):
                self.check.schema("ETH-ENV-02", obj, "error-frame", what="an error frame")

    def absorb_pending(self, conn: Conn) -> None:
        self.absorb(conn, conn.client.session.drain())

    def await_frames(self, conn: Conn, wanted: list[tuple[Predicate, str, str]]) -> None:
        """Wait for a frame of each (predicate, requirement, what): a failure of the requirement
        if none comes. Then hold them and every frame before them against the model, in order."""
        session = conn.client.session
        timeout = None
        if self.target.embedded:
            # The mock publishes when settled, and sends what a clock jump causes at the jump:
            # once settled, what must have come has come (expect_no_data relies on it too). No
            # wait then: a failing example, replayed many times as it shrinks, costs no timeout.
            with contextlib.suppress(PeerClosed):  # judged once the frames before are read
                self.target.settle(session)
            timeout = 0.0
        found = []
        for predicate, req, what in wanted:
            with self.check.scope(req, what):
                found.append(session.expect(predicate, what, timeout))
        last = max((f.index for f in found), default=-1)
        earlier = session.take(lambda f: f.index < last)
        self.absorb(conn, sorted([*earlier, *found], key=lambda f: f.index))

    def settle(self, conn: Conn) -> None:
        """Let the target publish (exact on the mock), then hold what came against the model.
        Unscoped, as expect_no_data: unanswered pings are the target's failure, not a
        requirement's."""
        self.target.settle(conn.client.session)
        self.absorb_pending(conn)

    def on_expiry_event(self, conn: Conn, event: dict[str, Any]) -> None:
        self.check.schema("ETH-EXP-01", event, "token-expired", what="the token_expired event")
        if conn.phase is not Phase.AUTHENTICATED or conn.token is None:
            self.check.info("ETH-EXP-04", "a token_expired event without a live login")
            return
        exp = conn.token.expires_at
        if exp is not None and self.target.clock() < exp - SKEW:
            self.check.info("ETH-EXP-04", "a token_expired event before the token's exp")
        conn.phase, conn.expired_before = Phase.EXPIRED, True
        conn.refused_subs = set()
        conn.unsure |= conn.subscribed  # whether they survive is not documented (ETH-SUB-02)
        conn.subscribed = set()

    @contextlib.contextmanager
    def guarded(self, req: str | None, what: str) -> Iterator[None]:
        if req is None:  # nothing documented: a timeout is the target's failure, shown as such
            yield
        else:
            with self.check.scope(req, what):
                yield

    # -- connections -------------------------------------------------------------------------------

    def model_state(self) -> str:
        def one(conn: Conn) -> str:
            subs = "+".join(sorted(self.label(ch) for ch in conn.subscribed))
            return f"{conn.phase.name.lower()}[{subs}]"

        return " ".join(sorted(one(c) for c in self.conns)) or "no connection"

    def new_conn(self) -> Conn:
        self.opened += 1
        return Conn(self.opened, EthgasClient(self.open()))

    def retire(self, conn: Conn) -> None:
        """Out of the model (closed): what it is entitled to can no longer be told."""
        self.absorb_pending(conn)
        conn.client.session.close()
        self.conns.remove(conn)

    @initialize(
        kind=st.sampled_from(FIRST_KINDS),
        channels=st.sampled_from(((), ("public", "private"), ("private",))),
    )
    def first_connection(self, kind: str | None, channels: tuple[str, ...]) -> None:
        """One connection to start with, in most examples logged in (with a `kind` token, or
        refused one) and subscribed to `channels`: expiry and re-login, the lifecycle's later
        steps, are then steps closer (swarm testing leaves few examples all the rules)."""
        self.conns.append(self.new_conn())
        if kind in BAD_KINDS:
            self.log_in_refused(0, kind, 1)
        elif kind is not None:
            self.log_in(0, kind, SEED_MEMBER)
        for channel in channels:
            if self.choices(Conn.free):  # the login may have retired the connection
                self.subscribe(0, channel)

    @precondition(lambda self: len(self.conns) < MAX_CONNECTIONS or self.some(Conn.spent))
    @rule(which=PICK)
    def connect(self, which: int) -> None:
        """A new connection; with MAX_CONNECTIONS open, in place of a spent one (a reconnect)."""
        if len(self.conns) < MAX_CONNECTIONS:
            self.conns.append(self.new_conn())
            note(f"#{self.conns[-1].number} connects")
            return
        old = self.pick(which, Conn.spent)
        self.retire(old)
        self.conns.append(new := self.new_conn())
        note(f"#{old.number} closed; #{new.number} connects in its place")

    # -- tokens and logins -------------------------------------------------------------------------

    def fetch(self, kind: str) -> Token | None:
        """A token of `kind`; None when the source cannot give it (that step does nothing). A
        source without valid tokens SKIPs the test, as every other test of the suite.

        Tokens that stay good are shared by the test's examples: each new one is one more
        secret the run's redactor scans every transcript line for (hundreds of examples run
        when a failure is shrunk). Short-lived ones are always fresh: their exp is the point."""
        cache = TOKENS.setdefault(self.env.tokens, {})
        kept = cache.get(kind)
        if kept is not None and (
            kind == "expired"
            or kept.expires_at is None
            or kept.expires_at - self.target.clock() > REUSE_HORIZON
        ):
            return kept
        try:
            token = self.env.tokens.get(kind, LIFETIME if kind == "short-lived" else None)
        except pytest.skip.Exception:
            if kind == "valid":
                raise
            return None
        if kind != "short-lived":
            cache[kind] = token
        return token

    def send_login(self, conn: Conn, token: str, member: str, req: str) -> dict[str, Any]:
        """The login and its answer; what came before the answer is held against the old phase."""
        session = conn.client.session
        self.absorb_pending(conn)
        with self.check.scope(req, "the login is answered"):
            reply = conn.client.login_frame(token, member=member)
        self.absorb(conn, session.take(lambda f: f.index < reply.index))
        return reply.obj

    def expect_refusal(
        self, req: str, reply: dict[str, Any], what: str, codes: tuple[int, ...]
    ) -> Any:
        """The seed page's login error (ETH-ENV-01; a 429's shape is ETH-REJ-04's), with one of
        `codes` (`req`). Returns the code."""
        # Once 429 is allowed, the shape is ETH-REJ-04's: a 429 in another shape lacks its code.
        shape_req = "ETH-REJ-04" if RATE_LIMITED in codes else "ETH-ENV-01"
        self.failed_logins = True
        return login_refused(self.check, req, reply, what, codes, shape_req)

    def after_refusal(self, conn: Conn) -> None:
        """Whether the connection stays open after a refused login is not documented."""
        conn.refused = True
        try:
            conn.client.session.barrier()  # after the refusal: has the server closed?
        except PeerClosed:
            self.check.info("ETH-REJ-07", "the connection closed after a refused login")
            self.conns.remove(conn)
            return
        self.check.info("ETH-REJ-07", "the connection stayed open after a refused login")
        self.absorb_pending(conn)

    def rate_limited(self, conn: Conn, kind: str, reply: dict[str, Any]) -> bool:
        """Once logins have failed (on any connection: where the server counts them is not
        documented), a good token may get 429 too (ETH-REJ-04, ETH-REJ-05)."""
        if not (self.failed_logins and is_refusal(reply) and error_code(reply) == RATE_LIMITED):
            return False
        self.check.schema("ETH-REJ-04", reply, "login-error", what="the 429's shape")
        self.check.info("ETH-REJ-05", f"a {kind} login after failed ones elsewhere: 429")
        conn.refused = True
        return True

    @precondition(lambda self: self.some(Conn.can_log_in))
    @rule(which=PICK, kind=st.sampled_from(GOOD_KINDS), member=st.sampled_from(MEMBERS))
    def log_in(self, which: int, kind: str, member: str) -> None:
        """A good token; where a connection's token expired, there (the documented re-login).
        `member` is for a first login: a re-login after expiry is the seed page's
        § Re-authenticate, in `data` (ETH-EXP-03), since a refused `args` one (a SHOULD, WARN)
        would leave that connection unfit for it."""
        expired = [c for c in self.conns if c.phase is Phase.EXPIRED and c.can_log_in()]
        conn = expired[which % len(expired)] if expired else self.pick(which, Conn.can_log_in)
        token = self.fetch(kind)
        if token is None:
            return
        after_expiry = conn.phase is Phase.EXPIRED
        member = SEED_MEMBER if after_expiry else member
        note(f"#{conn.number} logs in {conn.phase.value} with a {kind} token in {member!r}")
        req = "ETH-EXP-03" if after_expiry else "ETH-AUTH-01"
        req = "ETH-AUTH-04" if member == COMPANION_MEMBER else req  # the companion page's: SHOULD
        reply = self.send_login(conn, token.value, member, req)
        if self.rate_limited(conn, kind, reply):
            return
        what = f"a {kind} token in {member!r} logs in {conn.phase.value}"
        if not auth_succeeded(self.check, req, reply, what):
            # A SHOULD missed (WARN), and the run goes on. A refusal leaves the connection as
            # it was; any other answer leaves the model unable to say what it may read.
            if is_refusal(reply):
                conn.refused = True
            else:
                self.retire(conn)
            return
        self.check_success_data(kind, reply)
        conn.phase, conn.token, conn.refused_subs = Phase.AUTHENTICATED, token, set()
        conn.private_right = kind != "limited"
        self.carry_subscriptions(conn, after_expiry)

    def check_success_data(self, kind: str, reply: dict[str, Any]) -> None:
        data = reply.get("data") or {}
        form = "seed page" if "status" in reply else "companion page"
        permissions = data.get("permissions")
        self.check.info("ETH-AUTH-03", f"a {kind} token: {form} form, permissions {permissions}")
        if form == "seed page":  # the companion page's shows userId only (checked by the schema)
            success_data(self.check, "ETH-AUTH-02", reply)

    def carry_subscriptions(self, conn: Conn, after_expiry: bool) -> None:
        """Whether subscriptions survive a login (first, or after expiry) is not documented:
        see which data resumes (ETH-SUB-02). After expiry, private data must flow again once
        subscribed (ETH-SUB-01): subscribe again when it did not resume."""
        carried = conn.subscribed | conn.unsure
        conn.subscribed, conn.unsure = set(), set()
        when = "at the login after expiry" if after_expiry else "at a first login"
        if carried:
            session = conn.client.session
            self.target.settle(session)
            resumed = {ch for ch in carried if session.pending(is_data(ch))}
            self.absorb_pending(conn)  # private data with a `limited` token fails here
            for channel in sorted(carried):
                if channel == self.private and not conn.private_right:
                    continue  # its data is forbidden: whether it was kept cannot be seen
                kept = "kept" if channel in resumed else "not kept"
                self.check.info("ETH-SUB-02", f"{self.label(channel)} subscription {kept} {when}")
            conn.subscribed |= resumed
        if not (after_expiry and self.private in carried and self.live(conn)):
            return
        if self.private in conn.subscribed:
            self.check.passed("ETH-SUB-01", "private data resumed at the new login")
        elif conn.private_right:
            self.subscribe_to(conn, self.private)

    def bad_token(self, kind: str) -> tuple[str | None, str]:
        """A token the server must refuse, and the requirement that says so."""
        if kind in MALFORMED:
            return MALFORMED[kind], "ETH-REJ-02"
        token = self.fetch("expired" if kind == "expired" else "valid")
        if token is None:
            return None, "ETH-REJ-03" if kind == "expired" else "ETH-REJ-01"
        if kind == "expired":
            return token.value, "ETH-REJ-03"
        forged = FORGERIES.setdefault(self.env.tokens, {})  # as in fetch: fewer new secrets
        if (kind, token.value) not in forged:
            forged[kind, token.value] = FORGED[kind](token.value)
        return forged[kind, token.value], "ETH-REJ-01"

    @precondition(lambda self: self.some(Conn.can_log_in))
    @rule(which=PICK, kind=st.sampled_from(BAD_KINDS), times=st.sampled_from((1, FAILED_LOGINS)))
    def log_in_refused(self, which: int, kind: str, times: int) -> None:
        """A bad token, once or many times in a row: the first refusal is its kind's (401, or
        429 once logins have failed), the repeated ones ETH-REJ-04's (401 or 429)."""
        conn = self.pick(which, Conn.can_log_in)
        value, req = self.bad_token(kind)
        if value is None:
            return
        note(f"#{conn.number} logs in {conn.phase.value} with a {kind} token, {times}x")
        codes = set()
        for attempt in range(times):
            if attempt:
                req, allowed = "ETH-REJ-04", (INVALID_TOKEN, RATE_LIMITED)
            else:
                allowed = (INVALID_TOKEN, RATE_LIMITED) if self.failed_logins else (INVALID_TOKEN,)
            reply = self.send_login(conn, value, SEED_MEMBER, req)
            codes.add(self.expect_refusal(req, reply, f"a {kind} token", allowed))
        if times > 1:
            limited = "a 429 among the answers" if RATE_LIMITED in codes else "no 429"
            self.check.info("ETH-REJ-05", f"{times} failed logins on one connection: {limited}")
        self.after_refusal(conn)

    # -- subscriptions -----------------------------------------------------------------------------

    def subscribe_to(self, conn: Conn, channel: str) -> None:
        session = conn.client.session
        self.absorb_pending(conn)
        outcome, req = self.expectation(conn, channel)
        label = self.label(channel)
        with self.guarded(req, f"the answer to a {label} subscribe"):
            answers = conn.client.subscribe(channel, refusal_expected=outcome in ("403", "refused"))
        errors = errors_in(answers)
        error_frames_shaped(self.check, answers)
        codes = [error_code(e) for e in errors]
        conn.unsubscribed.discard(channel)
        what = f"a {label} subscribe {conn.phase.value}"
        self.check.info("ETH-SUB-03", f"{what} answered: {summary(answers)}")
        if outcome == "data" and req is not None:
            not_refused(self.check, req, answers, what)
            conn.subscribed.add(channel)
            self.expect_flowing(conn)  # its data, and that of the others
            return
        if outcome == "403" and req is not None:
            refused_with(
                self.check,
                req,
                codes,
                INSUFFICIENT_PERMISSIONS,
                f"{what} with a limited token is refused with 403 (Insufficient permissions)",
            )
        elif outcome == "refused" and req is not None:
            info_req = "ETH-AUTH-09" if conn.phase is Phase.ANONYMOUS else "ETH-EXP-04"
            self.check.info(info_req, f"{what}: error codes {codes or 'none'}")
        if errors:
            conn.refused_subs.add(channel)
        else:  # accepted: the server may hold it, data or not (undocumented)
            conn.unsure.add(channel)
        self.target.settle(session)  # what a refusal must not bring has come (exact on mock)
        if outcome == "any" and conn.phase is Phase.EXPIRED:
            data = "data follows" if session.pending(is_data(channel)) else "no data"
            self.check.info("ETH-EXP-04", f"{what}: {data}")
        self.absorb_pending(conn)  # private data here fails `req`
        if outcome in ("refused", "403") and req is not None:
            self.check.passed(req, f"no private data after {what}")

    @precondition(lambda self: bool(self.choices(Conn.free)))
    @rule(which=PICK, channel=st.sampled_from(CHANNELS))
    def subscribe(self, which: int, channel: str) -> None:
        """`channel` where some connection is free to subscribe to it (else the other one),
        logged-in connections first."""
        free = self.choices(Conn.free)
        options = [o for o in free if o[1] == self.channel(channel)] or free
        options.sort(key=lambda o: o[0].phase is not Phase.AUTHENTICATED)
        conn, channel = options[which % len(options)]
        note(f"#{conn.number} subscribes to {self.label(channel)} {conn.phase.value}")
        self.subscribe_to(conn, channel)

    @precondition(lambda self: bool(self.choices(lambda c, ch: ch in c.subscribed)))
    @rule(which=PICK)
    def unsubscribe(self, which: int) -> None:
        options = self.choices(lambda c, ch: ch in c.subscribed)
        conn, channel = options[which % len(options)]
        note(f"#{conn.number} unsubscribes from {self.label(channel)}")
        session = conn.client.session
        self.absorb_pending(conn)
        with self.check.scope("ETH-SUB-04", "the answer to the unsubscribe"):
            answers = conn.client.unsubscribe(channel)
        self.check.info("ETH-SUB-03", f"an unsubscribe answered: {summary(answers)}")
        session.take(is_data(channel))  # sent before the server handled the unsubscribe
        conn.subscribed.discard(channel)
        conn.unsubscribed.add(channel)
        self.settle(conn)  # data on the channel here fails ETH-SUB-04
        self.check.passed("ETH-SUB-04", f"no {self.label(channel)} data after its unsubscribe")
        self.expect_flowing(conn)

    def expect_flowing(self, conn: Conn) -> None:
        """Data flows on every subscription the phase allows: no other step stopped it."""
        flows = self.flowing(conn)
        if flows:
            self.await_frames(
                conn,
                [(is_data(ch), req, f"data on {ch!r} {conn.phase.value}") for ch, req in flows],
            )

    # -- time --------------------------------------------------------------------------------------

    def expiry(self, conn: Conn) -> float | None:
        """When the connection's login ends: its token's exp (None: not logged in, or unknown)."""
        if conn.phase is not Phase.AUTHENTICATED or conn.token is None:
            return None
        return conn.token.expires_at

    def expiring(self) -> list[tuple[float, Conn]]:
        """Logged-in connections whose token's exp the target's clock can reach: any on the
        embedded mock (its clock jumps), short-lived ones on a live target (a bounded wait)."""
        reachable = []
        for conn in self.conns:
            exp = self.expiry(conn)
            if exp is None:
                continue
            if (
                self.target.embedded
                or exp + 1.0 - self.target.clock() <= self.target.max_expiry_wait
            ):
                reachable.append((exp, conn))
        return reachable

    @precondition(lambda self: bool(self.expiring()))
    @rule()
    def let_the_token_expire(self) -> None:
        exp, soonest = min(self.expiring(), key=lambda e: e[0])
        note(f"time passes beyond the exp of #{soonest.number}'s token")
        for conn in self.conns:
            self.absorb_pending(conn)
        self.let_time_pass(exp)
        now = self.target.clock()
        for conn in list(self.conns):
            ends = self.expiry(conn)
            if ends is not None and ends <= now:
                self.expect_expiry(conn)
            else:
                self.expect_flowing(conn)

    def expect_expiry(self, conn: Conn) -> None:
        session = conn.client.session
        self.await_frames(
            conn, [(is_expiry_event, "ETH-EXP-01", "a token_expired event at expiry")]
        )
        public = self.public in conn.unsure
        if not self.target.embedded:  # on the mock, awaiting the event settled it
            with contextlib.suppress(PeerClosed):
                self.target.settle(session)
        if session.closed:
            self.check.info("ETH-EXP-04", "the connection closed at expiry")
            self.check.failed(
                "ETH-EXP-03",
                "the socket stays open at expiry, for a login with a fresh token",
                "an open connection",
                f"closed ({session.close_code})",
            )
        frames = session.drain()
        if public:
            flows = "continues" if any(map(is_data(self.public), frames)) else "stops"
            self.check.info("ETH-EXP-04", f"after the token_expired event public data {flows}")
        self.absorb(conn, frames)  # private data here fails ETH-EXP-02
        if self.private in conn.unsure:
            self.check.passed("ETH-EXP-02", "no private data after the token_expired event")

    # -- invariants --------------------------------------------------------------------------------

    @invariant()
    def every_frame_follows_the_model(self) -> None:
        for conn in self.conns:
            self.absorb_pending(conn)


@pytest.mark.req(
    "ETH-AUTH-01", "ETH-AUTH-02", "ETH-AUTH-03", "ETH-AUTH-04", "ETH-AUTH-05", "ETH-AUTH-06",
    "ETH-AUTH-07", "ETH-AUTH-08", "ETH-AUTH-09", "ETH-AUTH-10",
    "ETH-REJ-01", "ETH-REJ-02", "ETH-REJ-03", "ETH-REJ-04", "ETH-REJ-05", "ETH-REJ-07",
    "ETH-EXP-01", "ETH-EXP-02", "ETH-EXP-03", "ETH-EXP-04",
    "ETH-SUB-01", "ETH-SUB-02", "ETH-SUB-03", "ETH-SUB-04",
    "ETH-ENV-01", "ETH-ENV-02", "ETH-ENV-03",
)  # fmt: skip
def test_the_auth_lifecycle_follows_the_documented_model(lifecycle_env: LifecycleEnv) -> None:
    run_lifecycle(lifecycle_env, lambda: EthgasLifecycle(lifecycle_env))
