"""The authentication lifecycle of the official op/args protocol, as a hypothesis state machine.

The model (wsconform.vendors.ethgas_op.model, from the catalogue and the docs, docs/facts/ethgas.md
§Official protocol): each connection is entitled to private data (YES: after a valid login or
session header, until the token's exp), forbidden it (NO: without either, or after a bad token's) or
undecided (MAYBE: the docs are silent, as at expiry or after logout: what the server does is
recorded). Public channels and currentSlot are served in any state (EOP-AUTH-05); each arg of a
subscribe is served (EOP-SUB-01), each arg of an unsubscribe ended and only those (EOP-SUB-02). Acks
and refusals are recorded; every documented reply is schema-checked (EOP-ENV-01, EOP-SUB-03).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import initialize, precondition, rule

from wsconform.jwt_forge import FORGED
from wsconform.lifecycle import LifecycleEnv, LifecycleMachine, TokenPool, run_lifecycle
from wsconform.lifecycle_kit import pick
from wsconform.session import ExpectTimeout, HandshakeRejected, PeerClosed
from wsconform.tokens import Token
from wsconform.vendors.ethgas_op import checks, model, protocol
from wsconform.vendors.ethgas_op.client import EthgasOpClient, is_data
from wsconform.vendors.ethgas_op.model import GOOD_KINDS, MAX_CONNECTIONS, Access, Governs

Conn = model.Conn[EthgasOpClient]
INDEX = st.integers(0, MAX_CONNECTIONS - 1)


class OpLifecycle(LifecycleMachine):
    """Connections, logins (valid, short-lived, expired, forged, clock-expired) by the login op
    and the session header, subscribes, unsubscribes, logout, expiry, re-login, reconnects."""

    def __init__(self, env: LifecycleEnv) -> None:
        super().__init__(env)
        self.check, target, self.private = env.check, env.target, env.target.private_channel
        self.pool = TokenPool.of(env.tokens, target.clock)
        # How long before exp a token stops counting as valid: the longest step on the mock
        # (its clock only jumps in time_passes), a settle window and a timeout or two live.
        guard = 1.0 if target.embedded else env.op_timeout + 2 * target.observation_window
        self.model = model.Model[EthgasOpClient](target.public_channel, self.private, guard)

    def model_state(self) -> str:
        return self.model.state()

    def conn(self, index: int, among: list[Conn] | None = None) -> Conn:
        return pick(self.model.conns if among is None else among, index)

    def access(self, c: Conn) -> Access:
        return self.model.access(c, self.env.target.clock())

    def no_leak(self, c: Conn) -> None:
        """No private data has reached a NO connection (NO holds from its start: any is a leak)."""
        if c.access is Access.NO:
            req, what = self.model.forbidding(c), f"no private data ({c.note})"
            checks.no_private_data(self.check, req, c.client.session.pending(), self.private, what)

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
        checks.data_documented(self.check, frame, f"a {channel} data frame")

    @contextlib.contextmanager
    def acting(self, c: Conn, req: str, what: str, closing: str | None = None) -> Iterator[None]:
        """Act on `c`. A close by the server drops it: recorded (INFO `closing`, or the MAYBE
        state's requirement), else a failure of `req`; so is a timeout."""
        try:
            yield
        except PeerClosed as exc:
            info, s = self.model.closed(c, closing), c.client.session
            self.no_leak(c)
            if info is None:
                self.check.failed(req, f"{what}: the connection stays open", "open", f"{exc}")
            else:
                self.check.info(info, model.closed_by_server(c, what, s.close_code, s.close_reason))
        except ExpectTimeout as exc:
            self.check.failed(req, what, "the exchange to complete", f"{exc}")

    def record_answers(self, c: Conn, req: str, what: str, answers: list) -> None:
        """Record (INFO `req`) what `what` was answered and whether the connection stayed open;
        a close ends the step (acting records it)."""
        self.check.info(req, model.outcome(what, c.client.session.closed, answers))
        if c.client.session.closed:
            raise PeerClosed(f"closed after {what}")

    def probe(self, c: Conn) -> None:
        """The private queries: answered {q, P} on YES, unanswered on NO, recorded on MAYBE."""
        access, req = self.access(c), self.model.judging(c)
        with self.acting(c, req, "the private queries", self.model.refusal(access)):
            answers = c.client.ask(*protocol.PRIVATE_QUERIES)
            served = [a for a in answers if protocol.is_any_query_reply(a)]
            if access is Access.YES:
                checks.private_answers(self.check, req, served, f"{c.how} session")
            elif access is Access.NO:
                what = f"no private query is answered ({c.note})"
                checks.no_private_answer(self.check, req, answers, what)
                self.check.info("EOP-AUTH-07", model.queries_refused(c, answers))
            else:
                self.check.info(c.why, model.queries_seen(c, bool(served), answers))
            self.no_leak(c)

    def with_header(self, token: Token, kind: str, refused_by: str) -> None:
        """A new connection with the session header: YES for a good token; a bad one is refused
        at the upgrade or gives a NO connection (EOP-REJ-05 records which)."""
        try:
            session = self.open(headers=protocol.bearer(token.value), refusal_expected=True)
        except HandshakeRejected as exc:
            if kind in GOOD_KINDS:
                what = f"the session header, {kind} token"
                self.check.failed("EOP-AUTH-03", what, "an upgrade", f"{exc}")
            checks.header_refused(self.check, refused_by, kind, exc.status)
            return
        if kind not in GOOD_KINDS:
            self.check.info("EOP-REJ-05", f"session header, {kind} token: upgraded")
        self.probe(self.model.with_header(EthgasOpClient(session), token, kind, refused_by))

    def login(self, c: Conn, token: Token, kind: str) -> None:
        """A valid login: the documented ack, then YES (EOP-EXP-03's after an expiry)."""
        req = self.model.login_req(c)
        with self.acting(c, req, f"a login, {kind} token"):
            checks.login_acked(self.check, req, c.client.login(token.value))
            if self.model.logged_in(c, token):  # the same connection, subscribed before expiry
                self.settle(c, fresh=True)
                again = bool(c.client.session.pending(is_data(self.private)))
                checks.resumption_recorded(self.check, again)
        if c in self.model.conns:
            self.probe(c)

    def refused_login(self, c: Conn, token: Token, kind: str, req: str) -> None:
        """A login with a bad token: never the documented success; NO stays NO."""
        with self.acting(c, req, f"a login, {kind} token", closing="EOP-REJ-08"):
            replies = c.client.attempt_login(token.value)
            what = f"login, {kind} token: no documented success"
            checks.no_login_success(self.check, req, replies, what)
            self.record_answers(c, "EOP-REJ-04", f"login, {kind} token", replies)
            self.model.login_refused(c, kind, req, self.env.target.clock())
        if c in self.model.conns:
            self.probe(c)

    def use(self, token: Token, kind: str, path: str, pick: int) -> None:
        """A login on a connection, or a new connection with the session header (replacing
        one when there are already MAX_CONNECTIONS)."""
        header_req, login_req = model.refused_by(kind)
        if path == "header" and self.env.offers(protocol.SESSION_HEADER):
            if len(self.model.conns) >= MAX_CONNECTIONS:
                self.disconnect(pick)
            self.with_header(token, kind, header_req)
        elif self.model.conns and kind in GOOD_KINDS:
            self.login(self.conn(pick), token, kind)
        elif self.model.conns:
            self.refused_login(self.conn(pick), token, kind, login_req)

    @initialize()
    def first_connection(self) -> None:
        """Every example starts as a client does: connected, subscribed to a public channel."""
        self.connect()
        self.subscribe(0, [0])

    @precondition(lambda self: len(self.model.conns) < MAX_CONNECTIONS)
    @rule()
    def connect(self) -> None:
        self.model.connected(EthgasOpClient(self.open()))

    @precondition(lambda self: bool(self.model.conns))
    @rule(pick=INDEX)
    def disconnect(self, pick: int) -> None:
        self.model.disconnected(self.conn(pick)).session.close()

    @rule(
        pick=INDEX,
        path=st.sampled_from(model.PATHS),
        kind=st.sampled_from(model.KINDS),
        forgery=st.sampled_from(tuple(FORGED)),
    )
    def authenticate(self, pick: int, path: str, kind: str, forgery: str) -> None:
        """A token of the drawn kind (forged: a FORGED forgery), if the source can give it."""
        kind = forgery if kind == "forged" else kind
        if kind in FORGED:
            token: Token | None = Token(self.pool.forged(kind), kind, None)
        else:
            token = self.model.handed_out(kind, self.pool.get(kind))
        if token is not None:
            self.use(token, kind, path, pick)

    @precondition(lambda self: bool(self.model.relogins()))
    @rule(pick=INDEX)
    def relogin(self, pick: int) -> None:
        """After an expiry, a login with a refreshed token: on the connection if the server kept
        it open, else on a new one (EOP-EXP-03)."""
        self.login(self.conn(pick, self.model.relogins()), self.pool.valid(), "valid")

    @precondition(lambda self: bool(self.model.past_exp))
    @rule(pick=INDEX, path=st.sampled_from(model.PATHS))
    def authenticate_past_exp(self, pick: int, path: str) -> None:
        """A token that was valid, after the clock passed its exp (EOP-EXP-02)."""
        self.use(self.model.past_exp[-1], "clock-expired", path, pick)

    @precondition(lambda self: bool(self.model.conns))
    @rule(pick=INDEX)
    def private_queries(self, pick: int) -> None:
        self.probe(self.conn(pick))

    @precondition(lambda self: bool(self.model.conns))
    @rule(pick=INDEX, which=st.sampled_from(model.FRAMES))
    def subscribe(self, pick: int, which: list[int]) -> None:
        """One subscribe frame: public args served; a private arg served on YES, not on NO."""
        c = self.conn(pick)
        channels = [self.model.channels[i] for i in which]
        args = [{"channel": ch} for ch in channels]
        access = self.access(c)
        refusable, req, closing = self.model.subscribing(c, channels, access)
        with self.acting(c, req, "a subscribe", closing):
            self.settle(c, fresh=True)
            answers = c.client.subscribe(*args)
            if not refusable:  # a refusal's answers are EOP-AUTH-07's
                checks.acks_recorded(self.check, "EOP-SUB-04", protocol.SUBSCRIBE, answers, args)
            elif access is Access.NO:
                self.check.info("EOP-AUTH-07", model.private_refused(c, answers, self.private))
            self.settle(c)
            for i, channel in enumerate(channels):
                governs, req = self.model.governs(c, channels, i, access, refusable)
                flows = False
                if governs is Governs.DATA:
                    self.expect_data(c, channel, req, model.arg_what(channels, i, c.note))
                elif governs is not Governs.REFUSED:
                    flows = bool(c.client.session.pending(is_data(channel)))
                    self.check.info(req, model.arg_seen(governs, c.note, flows))
                self.model.subscribed(c, channel, governs, flows)

    @precondition(lambda self: any(c.subs for c in self.model.conns))
    @rule(pick=INDEX, mask=st.integers(1, 7))
    def unsubscribe(self, pick: int, mask: int) -> None:
        """One unsubscribe frame: its args' data ends, the other subscriptions' goes on."""
        c = self.conn(pick, [c for c in self.model.conns if c.subs])
        access, ended = self.access(c), self.model.unsubscribing(c, mask)
        args = [{"channel": ch} for ch in ended]
        with self.acting(c, "EOP-SUB-02", "an unsubscribe"):
            answers = c.client.unsubscribe(*args)
            checks.acks_recorded(self.check, "EOP-SUB-04", protocol.UNSUBSCRIBE, answers, args)
            self.no_leak(c)
            c.client.session.drain()  # data sent before the unsubscribe was handled
            self.settle(c)
            pending = c.client.session.pending()
            checks.nothing_after_unsubscribe(self.check, "EOP-SUB-02", pending, ended)
            self.model.unsubscribed(c, ended)
            for channel in self.model.still_flowing(c, access):
                what = f"data on {channel!r}, still subscribed, goes on"
                self.expect_data(c, channel, "EOP-SUB-02", what)

    @precondition(lambda self: bool(self.model.conns))
    @rule(pick=INDEX)
    def logout(self, pick: int) -> None:
        """Listed, never shown (EOP-AUTH-08): recorded; afterwards YES becomes MAYBE."""
        c = self.conn(pick)
        access = self.access(c)
        with self.acting(c, "EOP-AUTH-08", "a logout", closing="EOP-AUTH-08"):
            logout = protocol.op(protocol.LOGOUT)
            answers = c.client.op_frame(logout, (protocol.LOGOUT, protocol.ERROR), may_close=True)
            self.record_answers(c, "EOP-AUTH-08", f"logout, {c.note}", answers)
            self.model.logged_out(c, access)
        if c in self.model.conns:
            self.probe(c)

    @precondition(lambda self: bool(self.model.ticking))
    @rule()
    def time_passes(self) -> None:
        """Past the exp of every short-lived token handed out; what each connection they
        authenticated then does is recorded (EOP-EXP-01)."""
        instant = self.model.next_expiry()
        self.let_time_pass(instant)
        self.model.time_passed()
        for c in list(self.model.conns):
            if self.model.at_expiry(c, instant, self.env.target.clock()):
                with self.acting(c, "EOP-EXP-01", "at expiry"):
                    self.settle(c, fresh=True)
                    private = bool(c.client.session.pending(is_data(self.private)))
                    answers = c.client.ask(protocol.PRIVATE_QUERIES[0])
                    served = any(map(protocol.is_any_query_reply, answers))
                    self.check.info("EOP-EXP-01", model.after_expiry(c, private, served, answers))


@pytest.mark.req(*model.JUDGED)
def test_the_auth_lifecycle_follows_the_documented_model(lifecycle_env: LifecycleEnv) -> None:
    run_lifecycle(lifecycle_env, lambda: OpLifecycle(lifecycle_env))
