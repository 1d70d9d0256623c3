"""The authentication lifecycle of the official op/args protocol, as a hypothesis state machine.

The model, from the catalogue (requirements.toml) and the docs (facts §2.1): each connection is
entitled to private data (YES), forbidden it (NO) or undecided (MAYBE).

- YES after a login with a valid token, acked {"event":"login","code":0} (EOP-AUTH-01/02, after
  an expiry EOP-EXP-03), or with a valid `Authorization: Bearer` session header (EOP-AUTH-03);
  it lasts until the token's exp.
- NO from the start without login or header (EOP-AUTH-04; EOP-AUTH-06 while another connection
  is logged in), and after a login or header with an invalid, expired or clock-expired token
  (EOP-REJ-01/02/03, EOP-EXP-02), which never gets the documented success. An invalid header may
  be refused at the upgrade instead (EOP-REJ-05 records which).
- MAYBE where the docs are silent: at and after a token's expiry (EOP-EXP-01: private data goes
  on, stops, or the connection closes), after logout (EOP-AUTH-08), after a failed login on an
  authenticated connection (EOP-REJ-08). The machine records what it sees, and a close drops the
  connection; a close at expiry makes the next new connection's login the re-login (EOP-EXP-03).

Every example starts as a client does, connected and subscribed to a public channel. Public
channels and currentSlot are served whatever the state (EOP-AUTH-05); each arg of a subscribe is
served (EOP-SUB-01), each arg of an unsubscribe ended and only those (EOP-SUB-02).
Acks and refusals are recorded (EOP-SUB-04, EOP-AUTH-07, EOP-REJ-04, EOP-SUB-05, EOP-EXP-04).
Every documented reply is schema-checked: login ack, query reply (EOP-ENV-01), data (EOP-SUB-03).
"""

from __future__ import annotations

import contextlib
import enum
import itertools
import json
import math
import weakref
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import initialize, precondition, rule

from wsconform import jwt_forge
from wsconform.checks import none_of
from wsconform.lifecycle import LifecycleEnv, LifecycleMachine, run_lifecycle
from wsconform.session import ExpectTimeout, HandshakeRejected, PeerClosed
from wsconform.tokens import Token
from wsconform.vendors.ethgas_op import protocol
from wsconform.vendors.ethgas_op.checks import (
    acks_recorded,
    login_acked,
    no_login_success,
    no_private_answer,
    private_answers,
)
from wsconform.vendors.ethgas_op.client import EthgasOpClient, is_data
from wsconform.vendors.ethgas_op.protocol import (
    PRIVATE_QUERIES,
    bearer,
    is_any_query_reply,
)

LIFETIME = 5  # seconds: a short-lived token, so a live run waits only this long (as test_expiry)
REUSE_MARGIN = 600.0  # seconds: a reused valid token still has at least this long to live
# The reused tokens of each test (its `tokens` fixture): kind → token.
REUSED: weakref.WeakKeyDictionary[Any, dict[str, Token]] = weakref.WeakKeyDictionary()
MAX_CONNECTIONS = 3
FORGED = {  # invalid tokens made from a valid one (as test_rejection)
    "bad-signature": jwt_forge.bad_signature,
    "alg-none": jwt_forge.alg_none,
    "wrong-key": jwt_forge.wrong_key,
}
GOOD_KINDS = ("valid", "short-lived")
# Sampled in this order: shrinking moves towards the first kind and the first path ("login"),
# so a server that takes any token shrinks to a forged one (EOP-REJ-01), not an expired one.
# Forged tokens are one kind (which forgery is drawn apart), so half the logins succeed.
KINDS = (*GOOD_KINDS, "forged", "expired")
PATHS = ("login", "header")
# The args of one subscribe frame, as indexes into the machine's three channels (public, another
# public, private): every ordered choice, singletons first (shrinking moves towards them), so
# most frames carry several args (EOP-SUB-01).
FRAMES = [list(p) for n in (1, 2, 3) for p in itertools.permutations(range(3), n)]


class Access(enum.Enum):
    YES = "entitled to private data"
    NO = "forbidden private data"
    MAYBE = "undocumented"


@dataclass
class Conn:
    """One connection as the model sees it."""

    client: EthgasOpClient
    access: Access
    # YES/NO: the requirement a private leak or a refusal breaks; MAYBE: the INFO one recording.
    why: str
    note: str = "unauthenticated"  # the state in words, for INFO texts (stable: no counters)
    how: str = ""  # "login" or "header": how it was last authenticated
    expires_at: float | None = None  # the authenticating token's exp
    relogin: bool = False  # a valid login here is the re-login after an expiry (EOP-EXP-03)
    watch: bool = False  # its token is expiring: record what the server does (EOP-EXP-01)
    private_before: bool = False  # a private subscription delivered when the token expired
    subs: dict[str, bool] = field(default_factory=dict)  # channel → is its data certain?


def shapes(answers: list[dict[str, Any]]) -> str:
    """Answers without connId (one per connection), de-duplicated: stable INFO texts."""
    seen: list[str] = []
    for answer in answers:
        text = json.dumps({k: v for k, v in answer.items() if k != "connId"}, sort_keys=True)
        if text not in seen:
            seen.append(text)
    return ", ".join(seen) or "no answer"


class OpLifecycle(LifecycleMachine):
    """Connections, logins (valid, short-lived, expired, forged, clock-expired) by the login op
    and the session header, subscribes, unsubscribes, logout, expiry, re-login, reconnects."""

    def __init__(self, env: LifecycleEnv) -> None:
        super().__init__(env)
        self.check = env.check
        target = env.target
        self.private = target.private_channel
        other = "blockBuilderUpdate"  # from the docs' subscribe example (facts §2.1)
        if target.public_channel == other:
            other = "inclusionPreconfSaleUpdate"
        self.channels = (target.public_channel, other, self.private)
        # How long before exp a token stops counting as valid: the longest step on the mock
        # (its clock only jumps in time_passes), a settle window and a timeout or two live.
        self.guard = 1.0 if target.embedded else env.op_timeout + 2 * target.observation_window
        self.conns: list[Conn] = []
        self.ticking: list[Token] = []  # short-lived tokens handed out, not yet let expire
        self.past_exp: list[Token] = []  # short-lived tokens the clock has been moved past
        self.closed_at_expiry = 0  # connections the server closed at expiry, not yet replaced
        self.unavailable: set[str] = set()  # token kinds the source cannot give

    def model_state(self) -> str:
        def one(conn: Conn) -> str:
            subs = "+".join(
                sorted("private" if ch == self.private else "public" for ch in conn.subs)
            )
            return f"{conn.access.name.lower()}[{subs}]"

        return " ".join(sorted(one(c) for c in self.conns)) or "no connection"

    # -- the model's helpers -------------------------------------------------------------------

    def token(self, kind: str) -> Token | None:
        """A token of `kind` (a token source's kind, or a FORGED forgery of a valid token), or
        None when the source cannot give it: the rule then does nothing.

        All but short-lived tokens are reused across the test's examples, as a client reuses
        its token: every new one is a secret the run's redactor then looks for in every text."""
        if kind in self.unavailable:
            return None
        tokens = self.env.tokens
        cache = REUSED.setdefault(tokens, {})
        cached = cache.get(kind)
        if cached and (cached.expires_at or math.inf) > self.env.target.clock() + REUSE_MARGIN:
            return cached
        try:
            if kind == "short-lived":
                token = tokens.get(kind, LIFETIME)
                self.ticking.append(token)
                return token
            if kind in FORGED:
                valid = self.token("valid")
                if valid is None:
                    return None
                token = Token(FORGED[kind](valid.value), kind, valid.expires_at)
            else:
                token = tokens.get(kind)
        except pytest.skip.Exception:
            self.unavailable.add(kind)
            return None
        if kind == "expired":
            token = Token(token.value, kind, None)  # reused whatever the clock says
        cache[kind] = token
        return token

    def pick(self, index: int, among: list[Conn] | None = None) -> Conn:
        among = self.conns if among is None else among
        return among[index % len(among)]

    def access(self, c: Conn) -> Access:
        """The model's verdict now: a token within `guard` of its exp no longer entitles."""
        expiring = c.expires_at is not None and self.env.target.clock() + self.guard > c.expires_at
        if c.access is Access.YES and expiring:
            c.private_before = c.subs.get(self.private, False)
            self.undecided(c, "EOP-EXP-01", f"a {c.how} session at its token's expiry")
            c.relogin = c.watch = True
        return c.access

    def undecided(self, c: Conn, why: str, note: str) -> None:
        """The docs say nothing of what follows: no data is certain any more either."""
        c.access, c.why, c.note = Access.MAYBE, why, note
        c.subs = dict.fromkeys(c.subs, False)

    def forbidding(self, c: Conn) -> str:
        """The requirement a private leak on a NO connection breaks."""
        logged_in = any(o.access is Access.YES and o.how == "login" for o in self.conns)
        return "EOP-AUTH-06" if c.why == "EOP-AUTH-04" and logged_in else c.why

    def no_leak(self, c: Conn) -> None:
        """No private data has reached a NO connection (NO holds from its start: any is a leak)."""
        if c.access is not Access.NO:
            return
        leaked = c.client.session.pending(
            lambda f: is_data(self.private)(f) or protocol.is_private_reply(f.obj)
        )
        none_of(
            self.check,
            self.forbidding(c),
            [f.data for f in leaked],
            f"no private data ({c.note})",
            expected="no private data, no private query reply",
        )

    def settle(self, c: Conn, *, fresh: bool = False) -> None:
        """Whatever the server would send now has arrived; with `fresh`, only what it sends from
        now on is pending."""
        session = c.client.session
        if fresh:
            session.barrier()
            self.no_leak(c)
            session.drain()
        self.env.target.settle(session)
        self.no_leak(c)

    def expect_data(self, c: Conn, channel: str, req: str, what: str) -> None:
        # After a settle on the embedded mock, data that has not come will not: no wait.
        timeout = 0.0 if self.env.target.embedded else None
        with self.check.scope(req, what):
            frame = c.client.data(channel, timeout)
        self.check.passed(req, what)
        self.check.schema("EOP-SUB-03", frame, "data-frame", what=f"a {channel} data frame")

    @contextlib.contextmanager
    def acting(self, c: Conn, req: str, what: str, closing: str | None = None) -> Iterator[None]:
        """Act on `c`. A close by the server drops it: recorded (INFO `closing`, or the MAYBE
        state's requirement), else a failure of `req`; so is a timeout."""
        try:
            yield
        except PeerClosed as exc:
            if c in self.conns:
                self.conns.remove(c)
            self.no_leak(c)
            info = c.why if c.access is Access.MAYBE else closing
            if info is None:
                self.check.failed(req, f"{what}: the connection stays open", "open", f"{exc}")
                return
            s = c.client.session
            self.check.info(
                info,
                f"{c.note}: {what}: the server closed the connection "
                f"(code {s.close_code}, reason {s.close_reason!r})",
            )
            if c.access is Access.MAYBE and c.why == "EOP-EXP-01":
                self.closed_at_expiry += 1
        except ExpectTimeout as exc:
            self.check.failed(req, what, "the exchange to complete", f"{exc}")

    def record_answers(self, c: Conn, req: str, what: str, answers: list[Any]) -> None:
        """Record (INFO `req`) what `what` was answered and whether the connection stayed open;
        a close ends the step (acting records it)."""
        closed = c.client.session.closed
        self.check.info(
            req,
            f"{what}: {shapes(answers)}; the connection " + ("closes" if closed else "stays open"),
        )
        if closed:
            raise PeerClosed(f"closed after {what}")

    def probe(self, c: Conn) -> None:
        """The private queries: answered {q, P} on YES, unanswered on NO, recorded on MAYBE."""
        access = self.access(c)
        req = self.forbidding(c) if access is Access.NO else c.why
        closing = "EOP-AUTH-07" if access is Access.NO else None
        with self.acting(c, req, "the private queries", closing):
            answers = c.client.ask(*PRIVATE_QUERIES)
            served = [a for a in answers if is_any_query_reply(a)]
            if access is Access.YES:
                private_answers(self.check, req, served, f"{c.how} session")
            elif access is Access.NO:
                no_private_answer(
                    self.check, req, answers, f"no private query is answered ({c.note})"
                )
                self.check.info("EOP-AUTH-07", f"the private queries, {c.note}: {shapes(answers)}")
            else:
                self.check.info(
                    c.why,
                    f"{c.note}: the private queries are "
                    + ("answered" if served else f"refused: {shapes(answers)}"),
                )
            self.no_leak(c)

    def plain(self) -> Conn:
        """A new connection without the session header: NO (the re-login's, after a close at
        expiry)."""
        c = Conn(EthgasOpClient(self.open()), Access.NO, "EOP-AUTH-04")
        if self.closed_at_expiry:
            self.closed_at_expiry -= 1
            c.relogin = True
        self.conns.append(c)
        return c

    def with_header(self, token: Token, kind: str, refused_by: str) -> None:
        """A new connection with the session header: YES for a good token; a bad one is refused
        at the upgrade or gives a NO connection (EOP-REJ-05 records which)."""
        good = kind in GOOD_KINDS
        try:
            session = self.open(headers=bearer(token.value), refusal_expected=True)
        except HandshakeRejected as exc:
            if good:
                self.check.failed(
                    "EOP-AUTH-03", f"the session header, {kind} token", "an upgrade", f"{exc}"
                )
            self.check.info("EOP-REJ-05", f"session header, {kind} token: HTTP {exc.status}")
            self.check.passed(refused_by, f"session header, {kind} token: upgrade refused")
            return
        client = EthgasOpClient(session)
        if good:
            c = Conn(client, Access.YES, "EOP-AUTH-03", how="header", expires_at=token.expires_at)
        else:
            self.check.info("EOP-REJ-05", f"session header, {kind} token: upgraded")
            c = Conn(client, Access.NO, refused_by, note=f"with the {kind} token in the header")
        self.conns.append(c)
        self.probe(c)

    def login(self, c: Conn, token: Token, kind: str) -> None:
        """A valid login: the documented ack, then YES (EOP-EXP-03's after an expiry)."""
        req = "EOP-EXP-03" if c.relogin else "EOP-AUTH-01"
        with self.acting(c, req, f"a login, {kind} token"):
            reply = c.client.login(token.value)
            login_acked(self.check, req, reply)
            resumed = c.relogin and c.private_before
            c.access, c.why = Access.YES, "EOP-EXP-03" if c.relogin else "EOP-AUTH-02"
            c.note, c.how, c.expires_at = "logged in", "login", token.expires_at
            c.relogin = c.watch = c.private_before = False
            if resumed:  # the same connection, with a private subscription from before expiry
                self.settle(c, fresh=True)
                again = bool(c.client.session.pending(is_data(self.private)))
                self.check.info(
                    "EOP-EXP-04",
                    "after the re-login, the earlier private subscription "
                    + ("delivers again" if again else "delivers nothing until subscribed anew"),
                )
        if c in self.conns:
            self.probe(c)

    def refused_login(self, c: Conn, token: Token, kind: str, req: str) -> None:
        """A login with a bad token: never the documented success; NO stays NO."""
        with self.acting(c, req, f"a login, {kind} token", closing="EOP-REJ-08"):
            replies = c.client.attempt_login(token.value)
            no_login_success(
                self.check, req, replies, f"login, {kind} token: no documented success"
            )
            self.record_answers(c, "EOP-REJ-04", f"login, {kind} token", replies)
            if self.access(c) is Access.NO:
                c.why, c.note = req, f"after a login with the {kind} token"
            elif c.access is Access.YES:
                self.undecided(c, "EOP-REJ-08", "an authenticated session after a failed login")
        if c in self.conns:
            self.probe(c)

    # -- rules -----------------------------------------------------------------------------------

    @initialize()
    def first_connection(self) -> None:
        """Every example starts as a client does: connected, subscribed to a public channel."""
        self.plain()
        self.subscribe(0, [0])

    @precondition(lambda self: len(self.conns) < MAX_CONNECTIONS)
    @rule()
    def connect(self) -> None:
        self.plain()

    @precondition(lambda self: bool(self.conns))
    @rule(pick=st.integers(0, MAX_CONNECTIONS - 1))
    def disconnect(self, pick: int) -> None:
        c = self.pick(pick)
        self.conns.remove(c)
        c.client.session.close()

    @rule(
        pick=st.integers(0, MAX_CONNECTIONS - 1),
        path=st.sampled_from(PATHS),
        kind=st.sampled_from(KINDS),
        forgery=st.sampled_from(tuple(FORGED)),
    )
    def authenticate(self, pick: int, path: str, kind: str, forgery: str) -> None:
        """A login on a connection, or a new connection with the session header (replacing
        one when there are already MAX_CONNECTIONS)."""
        kind = forgery if kind == "forged" else kind
        token = self.token(kind)
        if token is None:
            return
        refused_by = "EOP-REJ-02" if kind == "expired" else "EOP-REJ-01"
        if path == "header":
            if len(self.conns) >= MAX_CONNECTIONS:
                self.disconnect(pick)
            self.with_header(token, kind, "EOP-REJ-03")
        elif not self.conns:
            return
        elif kind in GOOD_KINDS:
            self.login(self.pick(pick), token, kind)
        else:
            self.refused_login(self.pick(pick), token, kind, refused_by)

    @precondition(lambda self: any(c.relogin for c in self.conns))
    @rule(pick=st.integers(0, MAX_CONNECTIONS - 1))
    def relogin(self, pick: int) -> None:
        """After an expiry, a login with a refreshed token: on the connection if the server kept
        it open, else on a new one (EOP-EXP-03)."""
        token = self.token("valid")
        if token is not None:
            self.login(self.pick(pick, [c for c in self.conns if c.relogin]), token, "valid")

    @precondition(lambda self: bool(self.past_exp))
    @rule(pick=st.integers(0, MAX_CONNECTIONS - 1), path=st.sampled_from(PATHS))
    def authenticate_past_exp(self, pick: int, path: str) -> None:
        """A token that was valid, after the clock passed its exp (EOP-EXP-02)."""
        token = self.past_exp[-1]
        if path == "header":
            if len(self.conns) >= MAX_CONNECTIONS:
                self.disconnect(pick)
            self.with_header(token, "clock-expired", "EOP-EXP-02")
        elif self.conns:
            self.refused_login(self.pick(pick), token, "clock-expired", "EOP-EXP-02")

    @precondition(lambda self: bool(self.conns))
    @rule(pick=st.integers(0, MAX_CONNECTIONS - 1))
    def private_queries(self, pick: int) -> None:
        self.probe(self.pick(pick))

    @precondition(lambda self: bool(self.conns))
    @rule(
        pick=st.integers(0, MAX_CONNECTIONS - 1),
        which=st.sampled_from(FRAMES),
    )
    def subscribe(self, pick: int, which: list[int]) -> None:
        """One subscribe frame: public args served; a private arg served on YES, not on NO."""
        c = self.pick(pick)
        channels = [self.channels[i] for i in which]
        access = self.access(c)
        refusable = self.private in channels and access is not Access.YES
        closing = "EOP-AUTH-07" if refusable and access is Access.NO else None
        req = "EOP-SUB-01" if access is Access.YES else "EOP-AUTH-05"
        if self.private in channels:
            c.private_before = False  # a re-login's private data would no longer tell EXP-04
        with self.acting(c, req, "a subscribe", closing):
            self.settle(c, fresh=True)
            answers = c.client.subscribe(*({"channel": ch} for ch in channels))
            if not refusable:  # a refusal's answers are EOP-AUTH-07's
                args = [{"channel": ch} for ch in channels]
                acks_recorded(self.check, "EOP-SUB-04", protocol.SUBSCRIBE, answers, args)
            elif access is Access.NO:
                private = [a for a in answers if a.get("arg") == {"channel": self.private}]
                self.check.info("EOP-AUTH-07", f"a private subscribe, {c.note}: {shapes(private)}")
            self.settle(c)
            pending = c.client.session.pending
            for i, channel in enumerate(channels):
                what = f"data on {channel!r}, arg {i + 1} of {len(channels)}, {c.note}"
                if channel == self.private and access is Access.YES:
                    self.expect_data(c, channel, c.why if i == 0 else "EOP-SUB-01", what)
                    c.subs[channel] = True
                elif channel == self.private:
                    if access is Access.MAYBE:
                        flows = bool(pending(is_data(channel)))
                        self.check.info(
                            c.why,
                            f"{c.note}: a private subscribe "
                            + ("delivers" if flows else "delivers nothing"),
                        )
                    c.subs[channel] = False  # refused on NO: checked by no_leak
                elif refusable:  # a frame mixing public with a private arg refused (or maybe)
                    served = bool(pending(is_data(channel)))
                    self.check.info(
                        "EOP-SUB-05",
                        f"a public arg beside a private one, {c.note}: "
                        + ("served" if served else "no data"),
                    )
                    c.subs[channel] = served
                else:
                    self.expect_data(c, channel, "EOP-SUB-01" if i else req, what)
                    c.subs[channel] = True

    @precondition(lambda self: any(c.subs for c in self.conns))
    @rule(pick=st.integers(0, MAX_CONNECTIONS - 1), mask=st.integers(1, 7))
    def unsubscribe(self, pick: int, mask: int) -> None:
        """One unsubscribe frame: its args' data ends, the other subscriptions' goes on."""
        c = self.pick(pick, [c for c in self.conns if c.subs])
        subscribed = list(c.subs)
        ended = [ch for j, ch in enumerate(subscribed) if mask >> j & 1] or subscribed[:1]
        access = self.access(c)
        if self.private in ended:
            c.private_before = False
        with self.acting(c, "EOP-SUB-02", "an unsubscribe"):
            answers = c.client.unsubscribe(*({"channel": ch} for ch in ended))
            args = [{"channel": ch} for ch in ended]
            acks_recorded(self.check, "EOP-SUB-04", protocol.UNSUBSCRIBE, answers, args)
            self.no_leak(c)
            c.client.session.drain()  # data sent before the unsubscribe was handled
            self.settle(c)
            for channel in ended:
                none_of(
                    self.check,
                    "EOP-SUB-02",
                    [f.data for f in c.client.session.pending(is_data(channel))],
                    f"no data on {channel!r} after unsubscribing it",
                    expected="no data",
                )
                del c.subs[channel]
            for channel, certain in c.subs.items():
                if certain and (channel != self.private or access is Access.YES):
                    what = f"data on {channel!r}, still subscribed, goes on"
                    self.expect_data(c, channel, "EOP-SUB-02", what)

    @precondition(lambda self: bool(self.conns))
    @rule(pick=st.integers(0, MAX_CONNECTIONS - 1))
    def logout(self, pick: int) -> None:
        """Listed, never shown (EOP-AUTH-08): recorded; afterwards YES becomes MAYBE."""
        c = self.pick(pick)
        access = self.access(c)
        with self.acting(c, "EOP-AUTH-08", "a logout", closing="EOP-AUTH-08"):
            logout = protocol.op(protocol.LOGOUT)
            answers = c.client.op_frame(logout, (protocol.LOGOUT, protocol.ERROR), may_close=True)
            self.record_answers(c, "EOP-AUTH-08", f"logout, {c.note}", answers)
            if access is not Access.NO:  # a logout grants nothing: NO stays NO
                self.undecided(c, "EOP-AUTH-08", "after logout")
        if c in self.conns:
            self.probe(c)

    @precondition(lambda self: bool(self.ticking))
    @rule()
    def time_passes(self) -> None:
        """Past the exp of every short-lived token handed out; what each connection they
        authenticated then does is recorded (EOP-EXP-01)."""
        instant = max(t.expires_at or 0.0 for t in self.ticking)
        self.let_time_pass(instant)
        self.past_exp += self.ticking
        self.ticking = []
        for c in list(self.conns):
            self.access(c)
            if c.watch and c.expires_at is not None and c.expires_at <= instant:
                c.watch = False
                self.at_expiry(c)

    def at_expiry(self, c: Conn) -> None:
        with self.acting(c, "EOP-EXP-01", "at expiry"):
            self.settle(c, fresh=True)
            private = bool(c.client.session.pending(is_data(self.private)))
            answers = c.client.ask(PRIVATE_QUERIES[0])
            served = any(map(is_any_query_reply, answers))
            self.check.info(
                "EOP-EXP-01",
                f"{c.note}: the connection stays open; private data "
                + (("goes on" if private else "stops") if c.private_before else "not subscribed")
                + "; openOrders is "
                + ("answered" if served else f"refused: {shapes(answers)}"),
            )


@pytest.mark.req(
    "EOP-AUTH-01",
    "EOP-AUTH-02",
    "EOP-AUTH-03",
    "EOP-AUTH-04",
    "EOP-AUTH-05",
    "EOP-AUTH-06",
    "EOP-AUTH-07",
    "EOP-AUTH-08",
    "EOP-REJ-01",
    "EOP-REJ-02",
    "EOP-REJ-03",
    "EOP-REJ-04",
    "EOP-REJ-05",
    "EOP-REJ-08",
    "EOP-EXP-01",
    "EOP-EXP-02",
    "EOP-EXP-03",
    "EOP-EXP-04",
    "EOP-SUB-01",
    "EOP-SUB-02",
    "EOP-SUB-03",
    "EOP-SUB-04",
    "EOP-SUB-05",
    "EOP-ENV-01",
)
def test_the_auth_lifecycle_follows_the_documented_model(lifecycle_env: LifecycleEnv) -> None:
    run_lifecycle(lifecycle_env, lambda: OpLifecycle(lifecycle_env))
