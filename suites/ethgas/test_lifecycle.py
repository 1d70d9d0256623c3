"""The ETHGas `cmd`-dialect authentication lifecycle as a hypothesis state machine (issue 8): rules
that act on the target and move the model of wsconform.vendors.ethgas.model (from
requirements.toml, the seed page and its companion page; what it leaves out is said there).

Each connection is in one of three phases (model.Phase says what each is entitled to): never
logged in, logged in (with a token in `data` or `args`, with or without the private permission),
expired (a token_expired event came; a fresh login on the same socket brings it back). Invalid,
malformed and expired tokens get 401 (ETH-REJ-01/02/03); repeated failures 401 or a documented
429 (ETH-REJ-04). After an unsubscribe no data arrives on the channel (ETH-SUB-04). Every frame
is held, in arrival order, against the phase the connection was in when it came. Where the pages
are silent, every behaviour passes and which was seen is recorded (INFO, model.Model says which).
"""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import note
from hypothesis.stateful import initialize, invariant, precondition, rule
from hypothesis.strategies import integers, sampled_from

from wsconform.checks import none_of
from wsconform.lifecycle import LifecycleEnv, LifecycleMachine, TokenPool, run_lifecycle
from wsconform.lifecycle_kit import pick
from wsconform.session import Frame, PeerClosed, Predicate
from wsconform.vendors.ethgas import checks, model, protocol
from wsconform.vendors.ethgas.client import EthgasClient, is_data, is_error_frame, is_expiry_event
from wsconform.vendors.ethgas.model import ANY, DATA, FORBIDDEN, REFUSED, Conn, Model, Phase

MAX_CONNECTIONS = 3
TIMES = (1, 12)  # a bad token's logins in a row: 12 as test_rejection.py, past any small limit
PICK = integers(min_value=0, max_value=MAX_CONNECTIONS - 1)  # which eligible one (shrinks to 0)


class EthgasLifecycle(LifecycleMachine):
    """Connections, logins with each kind of token, subscriptions and expiry, against the model."""

    def __init__(self, env: LifecycleEnv) -> None:
        super().__init__(env)
        self.check, self.target = env.check, env.target
        self.tokens = TokenPool.of(env.tokens, env.target.clock)
        live = None if env.target.embedded else (env.op_timeout, env.target.max_expiry_wait)
        self.model = Model.of(env.target.public_channel, env.target.private_channel, live)

    def model_state(self) -> str:
        return self.model.state()

    def absorb(self, conn: Conn, frames: list[Frame] | None = None) -> None:
        """Hold each frame (by default those pending), in arrival order, against the phase the
        connection is in when it arrives; a token_expired event moves the phase on."""
        for frame in conn.client.session.drain() if frames is None else frames:
            if is_expiry_event(frame):
                checks.expiry_event_shaped(self.check, frame.obj)
                if odd := conn.expire(self.target.clock()):
                    self.check.info("ETH-EXP-04", odd)
            elif is_data(self.model.private)(frame) or is_data(self.model.public)(frame):
                checks.data_frame_shaped(self.check, frame.obj)
                for req, what in self.model.forbids(conn, frame.obj["cmd"]):
                    none_of(self.check, req, [frame], what, expected="no data")
            elif is_error_frame(frame):
                checks.error_frames_shaped(self.check, [frame.obj])

    def await_frames(self, conn: Conn, wanted: list[tuple[Predicate, str, str]]) -> None:
        """Wait for a frame of each (predicate, requirement, what): a failure of the requirement
        if none comes. Then hold them and every frame before them against the model, in order."""
        session, timeout = conn.client.session, None
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

    def expect_flowing(self, conn: Conn) -> None:
        """Data flows on every subscription the phase allows: no other step stopped it."""
        if flows := self.model.flowing(conn, self.target.clock()):
            self.await_frames(conn, [(is_data(c), req, what) for c, req, what in flows])

    def retire(self, conn: Conn) -> None:
        """Out of the model (closed): what it is entitled to can no longer be told."""
        self.absorb(conn)
        conn.client.session.close()
        self.model.conns.remove(conn)

    @initialize(kind=sampled_from(model.FIRST_KINDS), channels=sampled_from(model.FIRST_CHANNELS))
    def first_connection(self, kind: str | None, channels: tuple[str, ...]) -> None:
        """One connection to start with, in most examples logged in (with a `kind` token, or
        refused one) and subscribed to `channels`: expiry and re-login, the lifecycle's later
        steps, are then steps closer (swarm testing leaves few examples all the rules)."""
        self.model.connect(EthgasClient(self.open()))
        if kind in model.BAD_KINDS:
            self.log_in_refused(0, kind, 1)
        elif kind is not None:
            self.log_in(0, kind, protocol.SEED_MEMBER)
        for channel in channels:
            if self.model.choices(Conn.free):  # the login may have retired the connection
                self.subscribe(0, channel)

    @precondition(lambda self: self.model.can_connect(MAX_CONNECTIONS))
    @rule(which=PICK)
    def connect(self, which: int) -> None:
        """A new connection; with MAX_CONNECTIONS open, in place of a spent one (a reconnect)."""
        if len(self.model.conns) >= MAX_CONNECTIONS:
            self.retire(old := pick(self.model.eligible(Conn.spent), which))
            note(f"#{old.number} closed; #{self.model.opened + 1} connects in its place")
        else:
            note(f"#{self.model.opened + 1} connects")
        self.model.connect(EthgasClient(self.open()))

    def send_login(self, conn: Conn, token: str, member: str, req: str) -> protocol.Message:
        """The login and its answer; what came before the answer is held against the old phase."""
        self.absorb(conn)
        with self.check.scope(req, "the login is answered"):
            reply = conn.client.login_frame(token, member=member)
        self.absorb(conn, conn.client.session.take(lambda f: f.index < reply.index))
        return reply.obj

    @precondition(lambda self: self.model.some(Conn.can_log_in))
    @rule(which=PICK, kind=sampled_from(model.GOOD_KINDS), member=sampled_from(model.MEMBERS))
    def log_in(self, which: int, kind: str, member: str) -> None:
        """A good token, where Model.to_log_in says, in the member Conn.login says."""
        conn = pick(self.model.to_log_in(), which)
        if (token := self.tokens.get(kind)) is None:
            return
        after_expiry = conn.phase is Phase.EXPIRED
        member, req = conn.login(member)
        note(f"#{conn.number} logs in {conn.phase.value} with a {kind} token in {member!r}")
        reply = self.send_login(conn, token.value, member, req)
        if self.model.rate_limited(conn, reply):
            self.check.schema("ETH-REJ-04", reply, "login-error", what="the 429's shape")
            self.check.info("ETH-REJ-05", f"a {kind} login after failed ones elsewhere: 429")
            return
        what = f"a {kind} token in {member!r} logs in {conn.phase.value}"
        if not checks.auth_succeeded(self.check, req, reply, what):
            # A SHOULD missed (WARN), and the run goes on. A refusal leaves the connection as
            # it was; any other answer leaves the model unable to say what it may read.
            conn.refused = protocol.is_refusal(reply)
            if not conn.refused:
                self.retire(conn)
            return
        self.check.info("ETH-AUTH-03", model.success_form(kind, reply))
        if "status" in reply:  # the companion page's form shows userId only (the schema checks)
            checks.success_data(self.check, "ETH-AUTH-02", reply)
        self.carry_subscriptions(conn, conn.log_in(token, kind), after_expiry)

    def carry_subscriptions(self, conn: Conn, carried: set[str], after_expiry: bool) -> None:
        """See which `carried` subscriptions' data resumes (ETH-SUB-02, INFO); subscribe again
        to private data where it must flow (Model.must_resume) and did not resume."""
        if carried:
            session = conn.client.session
            self.target.settle(session)
            kept = {ch for ch in carried if session.pending(is_data(ch))}
            self.absorb(conn)  # private data with a `limited` token fails here
            for seen in self.model.resumed(conn, carried, kept, after_expiry):
                self.check.info("ETH-SUB-02", seen)
        if self.model.must_resume(conn, carried, after_expiry, self.target.clock()):
            if self.model.private in conn.subscribed:
                self.check.passed("ETH-SUB-01", "private data resumed at the new login")
            elif conn.private_right:
                self.subscribe_to(conn, self.model.private)

    @precondition(lambda self: self.model.some(Conn.can_log_in))
    @rule(which=PICK, kind=sampled_from(model.BAD_KINDS), times=sampled_from(TIMES))
    def log_in_refused(self, which: int, kind: str, times: int) -> None:
        """A bad token, once or many times in a row (Model.refusal says what each must get)."""
        conn = pick(self.model.eligible(Conn.can_log_in), which)
        value = model.MALFORMED[kind] if kind in model.MALFORMED else self.tokens.bad(kind)
        if value is None:
            return
        note(f"#{conn.number} logs in {conn.phase.value} with a {kind} token, {times}x")
        codes = set()
        for attempt in range(times):
            req, allowed = self.model.refusal(kind, attempt)
            reply = self.send_login(conn, value, protocol.SEED_MEMBER, req)
            shape, what = self.model.refused(allowed), f"a {kind} token"
            codes.add(checks.login_refused(self.check, req, reply, what, allowed, shape))
        if times > 1:
            self.check.info("ETH-REJ-05", model.repeated_refusals(times, codes))
        # Whether the connection stays open after a refused login is not documented.
        conn.refused = True
        try:
            conn.client.session.barrier()  # after the refusal: has the server closed?
        except PeerClosed:
            self.check.info("ETH-REJ-07", "the connection closed after a refused login")
            self.model.conns.remove(conn)
            return
        self.check.info("ETH-REJ-07", "the connection stayed open after a refused login")
        self.absorb(conn)

    def subscribe_to(self, conn: Conn, channel: str) -> None:
        self.absorb(conn)
        outcome, req = self.model.expectation(conn, channel, self.target.clock())
        label = self.model.label(channel)
        what = f"a {label} subscribe {conn.phase.value}"
        # Nothing documented (req None): a timeout is the target's failure, shown as such.
        scope = self.check.scope(req, f"the answer to a {label} subscribe") if req else None
        refusal = outcome in (FORBIDDEN, REFUSED)
        with scope or contextlib.nullcontext():
            answers = conn.client.subscribe(channel, refusal_expected=refusal)
        errors = protocol.errors_in(answers)
        checks.error_frames_shaped(self.check, answers)
        for info_req, seen in self.model.subscribe_seen(conn, what, outcome, answers):
            self.check.info(info_req, seen)
        conn.subscribe(channel, outcome, refused=bool(errors))
        if outcome == DATA and req is not None:
            checks.not_refused(self.check, req, answers, what)
            self.expect_flowing(conn)  # its data, and that of the others
            return
        if outcome == FORBIDDEN and req is not None:
            codes = [protocol.error_code(e) for e in errors]
            checks.insufficient_permissions(self.check, req, codes, f"{what} with a limited token")
        # What a refusal must not bring has come (exact on the mock).
        self.target.settle(conn.client.session)
        if outcome == ANY and conn.phase is Phase.EXPIRED:
            data = "data follows" if conn.client.session.pending(is_data(channel)) else "no data"
            self.check.info("ETH-EXP-04", f"{what}: {data}")
        self.absorb(conn)  # private data here fails `req`
        if refusal and req is not None:
            self.check.passed(req, f"no private data after {what}")

    @precondition(lambda self: bool(self.model.choices(Conn.free)))
    @rule(which=PICK, channel=sampled_from(("public", "private")))
    def subscribe(self, which: int, channel: str) -> None:
        conn, channel = pick(self.model.to_subscribe(channel), which)
        note(f"#{conn.number} subscribes to {self.model.label(channel)} {conn.phase.value}")
        self.subscribe_to(conn, channel)

    @precondition(lambda self: bool(self.model.choices(lambda c, ch: ch in c.subscribed)))
    @rule(which=PICK)
    def unsubscribe(self, which: int) -> None:
        conn, channel = pick(self.model.choices(lambda c, ch: ch in c.subscribed), which)
        label = self.model.label(channel)
        note(f"#{conn.number} unsubscribes from {label}")
        self.absorb(conn)
        with self.check.scope("ETH-SUB-04", "the answer to the unsubscribe"):
            answers = conn.client.unsubscribe(channel)
        self.check.info("ETH-SUB-03", f"an unsubscribe answered: {model.summary(answers)}")
        conn.client.session.take(is_data(channel))  # sent before the server handled it
        conn.unsubscribe(channel)
        # Let the target publish (exact on the mock): data on the channel fails ETH-SUB-04.
        # Unscoped, as expect_no_data: unanswered pings are the target's failure, not ETH-SUB-04's.
        self.target.settle(conn.client.session)
        self.absorb(conn)
        self.check.passed("ETH-SUB-04", f"no {label} data after its unsubscribe")
        self.expect_flowing(conn)

    @precondition(lambda self: bool(self.model.expiring(self.target.clock())))
    @rule()
    def let_the_token_expire(self) -> None:
        exp, soonest = min(self.model.expiring(self.target.clock()), key=lambda e: e[0])
        note(f"time passes beyond the exp of #{soonest.number}'s token")
        self.every_frame_follows_the_model()
        self.let_time_pass(exp)
        now = self.target.clock()
        for conn in list(self.model.conns):
            if conn.ended(now):
                self.expect_expiry(conn)
            else:
                self.expect_flowing(conn)

    def expect_expiry(self, conn: Conn) -> None:
        session = conn.client.session
        wanted = [(is_expiry_event, "ETH-EXP-01", "a token_expired event at expiry")]
        self.await_frames(conn, wanted)
        public = self.model.public in conn.unsure
        if not self.target.embedded:  # on the mock, awaiting the event settled it
            with contextlib.suppress(PeerClosed):
                self.target.settle(session)
        if session.closed:
            self.check.info("ETH-EXP-04", "the connection closed at expiry")
            checks.closed_at_expiry(self.check, session.close_code)
        frames = session.drain()
        if public:
            flows = "continues" if any(map(is_data(self.model.public), frames)) else "stops"
            self.check.info("ETH-EXP-04", f"after the token_expired event public data {flows}")
        self.absorb(conn, frames)  # private data here fails ETH-EXP-02
        if self.model.private in conn.unsure:
            self.check.passed("ETH-EXP-02", "no private data after the token_expired event")

    @invariant()
    def every_frame_follows_the_model(self) -> None:
        for conn in self.model.conns:
            self.absorb(conn)


@pytest.mark.req(*model.REQUIREMENTS)
def test_the_auth_lifecycle_follows_the_documented_model(lifecycle_env: LifecycleEnv) -> None:
    run_lifecycle(lifecycle_env, lambda: EthgasLifecycle(lifecycle_env))
