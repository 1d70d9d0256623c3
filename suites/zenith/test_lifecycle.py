"""The Zenith authentication lifecycle as a hypothesis state machine (issue 8): rules act on the
target, move the model of what the documents entitle each connection to (Model, in
wsconform/vendors/zenith/model.py, which says it in full), and hold the target to it:

- AuthToken with a valid token, raw or Base-64, or a returned AccessToken, and a Bearer header
  authenticate one connection (ZEN-AUTH-01/04/06/08/09); bad tokens are refused (ZEN-REJ-*);
- a Sub is confirmed where the token's right is held (ZEN-SUB-06), else refused (ZEN-AUTH-10,
  ZEN-SUB-10); data frames and Unsub replies are documented (ZEN-SUB-07/08);
- at expiry data stops (ZEN-EXP-01/02); a later AuthToken resumes the remembered subscriptions
  (ZEN-EXP-03, ZEN-SUB-01), an earlier one extends the session (ZEN-EXP-04); a re-auth ends
  exactly what lost its right, Error then server Unsub (ZEN-SUB-02..05).

Rules: two clients connect (one with a bad token), connect or reconnect (plain, by header, by
restoring a returned AccessToken), authenticate, re-authenticate with fewer rights, subscribe,
unsubscribe, observe the data, and let a token expire: refreshed before, refreshed after, or not.
Where the documents are silent either behaviour passes and is recorded (INFO: ZEN-SUB-09,
ZEN-AUTH-03, ZEN-REJ-07); so that it never asserts what they do not say, the machine does not
Sub or Unsub on an expired session, and sends a bad token on a connection of its own. Not
modelled (optional): Trading over plain ws://, the Identify subscription.
"""

from __future__ import annotations

import contextlib
import functools
from collections import Counter
from collections.abc import Callable
from typing import Any, TypeVar, cast

import pytest
from hypothesis import note
from hypothesis import strategies as st
from hypothesis.stateful import initialize, precondition, rule

from wsconform.checks import none_of
from wsconform.lifecycle import LifecycleEnv, LifecycleMachine, TokenPool, run_lifecycle
from wsconform.lifecycle_kit import FORGED, LIFETIME
from wsconform.lifecycle_kit import pick as chosen
from wsconform.session import Frame, PeerClosed, Predicate, ProbeSession
from wsconform.vendors.zenith import checks
from wsconform.vendors.zenith.client import ZenithClient, frames, is_action, is_data, is_error
from wsconform.vendors.zenith.model import Conn, Model, Returned, Status, ends_any, token_kind
from wsconform.vendors.zenith.protocol import SUB, UNSUB, action_of, base64_of, bearer_header

F = TypeVar("F", bound=Callable[..., None])
MAX_CONNECTIONS = 3
PICK = st.integers(min_value=0, max_value=5)  # which eligible connection (or pair)
GOOD = ("base64", "short-lived", "valid", "limited")  # AuthToken kinds that must succeed
# How an example's first connection is authenticated: with a short-lived token in half the
# examples (the first, simplest one included), as expiry is where the lifecycle has the most to
# show.
STARTS = ("base64", "short-lived", "short-lived", "header", "limited", "none")
GARBAGE = "mF_9.B5f-4.1JqM"  # the docs' own placeholder token, tried beside the kit's forgeries
BAD = ("garbage", *FORGED, "expired")  # tokens that must be rejected


def at_most(times: int) -> Callable[[F], F]:
    """A rule that runs at most `times` in an example. Hypothesis likes to repeat a rule, and
    an example's dozen steps should reach different parts of the lifecycle."""

    def budgeted(rule_function: F) -> F:
        name = rule_function.__name__

        @functools.wraps(rule_function)
        def counted(self: ZenithLifecycle, *args: Any, **kwargs: Any) -> None:
            self.used[name] += 1
            rule_function(self, *args, **kwargs)

        return cast(F, precondition(lambda self: self.used[name] < times)(counted))

    return budgeted


class ZenithLifecycle(LifecycleMachine):
    """Connections, AuthToken/header authentication, Sub/Unsub, expiry and re-auth, against the
    documented model of what each connection is entitled to."""

    def __init__(self, env: LifecycleEnv) -> None:
        super().__init__(env)
        self.check, target = env.check, env.target
        self.used: Counter[str] = Counter()  # rule → runs in this example (at_most)
        self.pool = TokenPool.of(env.tokens, target.clock)
        # Live, the clock runs during a step: near an expiry either outcome is allowed.
        slack = 0.0 if target.embedded else target.observation_window + env.op_timeout
        tls = target.url.startswith("wss:")
        self.model = Model(target.public_channel, target.private_channel, tls, LIFETIME, slack)
        self.clients: dict[str, ZenithClient] = {}  # connection name → its client

    def now(self) -> float:
        return self.env.target.clock()

    def model_state(self) -> str:
        return self.model.model_state(self.now())

    def status(self, conn: Conn) -> Status:
        return self.model.status(conn, self.now())

    def session(self, conn: Conn) -> ProbeSession:
        return self.clients[conn.name].session

    def awaited(self, req: str, what: str, conn: Conn, match: Predicate, awaited: str) -> Frame:
        """The frame `match` finds, which must have come (a miss fails `req`)."""
        with self.check.scope(req, what):
            return self.expect_settled(self.session(conn), match, awaited)

    # -- connections -----------------------------------------------------------------------------

    @initialize(start=st.sampled_from(STARTS), bad=st.sampled_from(BAD))
    def two_clients_connect(self, start: str, bad: str) -> None:
        """Every example starts with two clients. One, the neighbour, tries a forged or expired
        token: refused in the handshake header with HTTP 403 (ZEN-REJ-03) and by AuthToken
        (ZEN-REJ-01/04), it connects unauthenticated, and its Sub of the public channel,
        without Confirm, gets only an Error (ZEN-AUTH-10). The other authenticates as `start`
        says (or not) and subscribes to every channel, so that the example's few steps reach
        expiry, re-auth and lost rights. The neighbour's Sub, with Confirm this time, is
        refused again: a session is its connection's alone (ZEN-AUTH-09)."""
        first = self.open_conn("header" if start == "header" else "plain")
        self.expect_bad_token_refused(bad)
        neighbour, channels = self.open_conn("plain"), self.model.channels
        self.subscribe_to(neighbour, channels[0], confirm=False)  # "only an Error action" is due
        if start in GOOD:
            self.authenticate_with(first, start)
        for channel in channels:
            self.subscribe_to(first, channel)
        self.subscribe_to(neighbour, channels[0])

    @rule(how=st.sampled_from(("restore", "plain", "header")))
    @at_most(2)
    def connect(self, how: str) -> None:
        """A plain connection; one with a valid Bearer header (ZEN-AUTH-04); or one restored
        with an AccessToken a success reply returned (ZEN-AUTH-08; nothing happens while there
        is none). With MAX_CONNECTIONS open, one is closed first: a reconnect."""
        if how == "restore" and not self.model.restorable(self.now()):
            return
        if len(self.model.conns) >= MAX_CONNECTIONS:  # the one with the least to show goes
            closing = self.model.by_interest(self.model.conns, self.now())[-1]
            self.clients.pop(closing.name).session.close()
            self.model.closed(closing)
        conn = self.open_conn("plain" if how == "restore" else how)
        if how == "restore":
            returned = self.model.restorable(self.now())[-1]
            self.auth_token(conn, "returned", returned.value, None, returned)

    def open_conn(self, how: str) -> Conn:
        if how == "plain":
            session, conn = self.open(), self.model.connected()
        else:
            token = self.pool.valid()
            session = self.open(headers=[bearer_header(token.value)])
            conn = self.model.connected(via_header=True, expires_at=token.expires_at)
        self.clients[conn.name] = ZenithClient(session)
        return conn

    # -- authentication --------------------------------------------------------------------------

    @precondition(lambda self: self.model.conns)
    @rule(pick=PICK, kind=st.sampled_from(GOOD))
    @at_most(3)
    def authenticate(self, pick: int, kind: str) -> None:
        """AuthToken with a good token, where it may go (Model.takers)."""
        takers = self.model.takers(kind, self.now())
        if takers:
            self.authenticate_with(chosen(takers, pick), kind)

    @precondition(lambda self: self.model.with_private_subscriptions(self.now()))
    @rule(pick=PICK)
    @at_most(1)
    def reauthenticate_with_fewer_rights(self, pick: int) -> None:
        """AuthToken with the limited token where a subscription needs the right it lacks:
        that one gets an Error and a server Unsub, the others go on (ZEN-SUB-02..05)."""
        conns = self.model.with_private_subscriptions(self.now())
        self.authenticate_with(chosen(conns, pick), "limited")

    def authenticate_with(self, conn: Conn, kind: str, lifetime: float = LIFETIME) -> None:
        token = self.pool.get(token_kind(kind), lifetime)
        if token is not None:
            value = base64_of(token.value) if kind == "base64" else token.value
            self.auth_token(conn, kind, value, token.expires_at)

    def expect_bad_token_refused(self, kind: str) -> None:
        """A forged or expired token: HTTP 403 in the handshake header (ZEN-REJ-03), Reject (or
        an Error) to AuthToken, on a connection of its own: what is left of a connection after
        Reject is not documented (ZEN-REJ-07, INFO)."""
        if kind == "expired":
            expired = self.pool.get("expired")
            if expired is None:
                return
            token = expired.value
        else:
            token = GARBAGE if kind == "garbage" else self.pool.forged(kind)
        headers, what = [bearer_header(token)], f"a {kind} header token"
        attempt = functools.partial(self.open, headers=headers, refusal_expected=True)
        checks.header_token_refused(self.check, "ZEN-REJ-03", attempt, what=what)
        client = ZenithClient(self.open())
        req = "ZEN-REJ-04" if kind == "expired" else "ZEN-REJ-01"
        with self.check.scope(req, f"the reply to AuthToken with a {kind} token"):
            reply = client.auth(token)
        what = f"AuthToken with a {kind} token is rejected"
        checks.bad_token_refused(self.check, req, reply, what=what)
        with contextlib.suppress(PeerClosed):  # closing after Reject is allowed (ZEN-REJ-07)
            client.session.barrier()
        state = "closed" if client.session.closed else "open"
        self.check.info("ZEN-REJ-07", f"after Reject the connection is {state}")
        client.session.close()

    def auth_token(
        self, conn: Conn, kind: str, value: str, expiry: float | None, back: Returned | None = None
    ) -> None:
        """AuthToken that must succeed (restoring the session `back` came from, if given),
        then what the re-auth does to the subscriptions."""
        before, what = self.status(conn), f"AuthToken with a {kind} token"
        req = self.model.auth_req(kind, before)
        with self.check.scope(req, f"the reply to {what}"):
            reply = self.clients[conn.name].auth(value)
        checks.auth_token_succeeded(self.check, req, reply, what=what)
        reauth = self.model.authenticated(conn, kind, expiry, before, reply, back)
        for ch in reauth.lost:
            self.expect_ended(conn, ch)
        if reauth.kept:
            self.session(conn).barrier()
            touched = self.session(conn).pending(frames(ends_any(reauth.kept)))
            what = "a subscription that keeps its right gets no Error and no Unsub on re-auth"
            none_of(self.check, reauth.keeping, touched, what, expected="nothing")
        self.observe_data(conn)

    def expect_ended(self, conn: Conn, channel: str) -> None:
        """ZEN-SUB-02/03/04: an Error, then a server Unsub with Confirm true, for a subscription
        the new authentication has no right to."""
        session, what = self.session(conn), f"an Error and a server Unsub for {channel!r}"
        with self.check.scope("ZEN-SUB-02", what):
            error = self.expect_settled(session, is_error(channel), f"Error for {channel!r}")
            unsub = self.expect_settled(
                session, is_action(channel, UNSUB), f"server Unsub ({channel!r})"
            )
        self.check.schema("ZEN-ENV-02", error.obj, "error-frame", what="the Error of a lost Sub")
        checks.error_before_server_unsub(self.check, "ZEN-SUB-03", error, unsub)
        checks.server_unsub_documented(self.check, "ZEN-SUB-04", unsub)
        session.barrier()
        session.take(is_data(channel))  # sent before the Unsub
        self.model.ended(conn, channel)

    # -- subscriptions ---------------------------------------------------------------------------

    @precondition(lambda self: self.model.sub_pairs(self.now()))
    @rule(pick=PICK)
    @at_most(2)
    def subscribe(self, pick: int) -> None:
        self.subscribe_to(*chosen(self.model.sub_pairs(self.now()), pick))

    def subscribe_to(self, conn: Conn, channel: str, confirm: bool = True) -> None:
        status = self.status(conn)
        if status is Status.UNSURE:  # live, at the edge of an expiry: either answer may come
            note(f"{conn.name}: no Sub of {channel!r} this close to its token's expiry")
            return
        self.session(conn).take(is_data(channel))  # left over from an earlier subscription
        if not self.model.may_sub(conn, channel, status):
            self.expect_refused(self.model.refusal_req(conn), conn, channel, confirm)
            return
        self.clients[conn.name].sub(channel)
        what, awaited = f"Sub {channel!r} is answered", "Sub confirmation or Error"
        answer = self.sub_answer("ZEN-SUB-06", what, conn, channel, awaited)
        req = self.model.confirmation_req(conn, refused=action_of(answer.obj) == "Error")
        checks.sub_confirmed(self.check, req, answer.obj, channel)
        early = [f for f in self.session(conn).pending(is_data(channel)) if f.index < answer.index]
        did = "did" if early else "did not"
        self.check.info("ZEN-SUB-09", f"data {did} arrive before the Sub confirmation")
        self.model.subscribed(conn, channel)
        self.observe_data(conn)

    def sub_answer(self, req: str, what: str, conn: Conn, channel: str, awaited: str) -> Frame:
        """The Sub's confirmation or the Error refusing it, whichever comes."""
        confirmed, error = is_action(channel, SUB, confirm=True), is_error(channel)
        awaited = f"{awaited} for {channel!r}"
        return self.awaited(req, what, conn, lambda f: confirmed(f) or error(f), awaited)

    def expect_refused(self, req: str, conn: Conn, channel: str, confirm: bool) -> None:
        """An Error with an Appendix D code, the Sub reply with Confirm omitted if Confirm was
        asked for (ZEN-SUB-10), and no data."""
        client = self.clients[conn.name]
        what = f"a Sub of {channel!r} without the right ({self.status(conn).value})"
        client.sub(channel, confirm)
        answer = self.sub_answer(req, f"{what} is answered", conn, channel, "Error")
        checks.sub_refused(self.check, req, answer.obj, what=what)
        if confirm:  # it must come, in no documented order with the Error or a later pong
            scope = "a refused Sub with Confirm gets a Sub reply"
            awaited = f"the Sub reply to the refused {channel!r}"
            reply = self.awaited("ZEN-SUB-10", scope, conn, is_action(channel, SUB), awaited)
            checks.failed_sub_reply_documented(self.check, "ZEN-SUB-10", reply)
        else:
            client.session.barrier()
            client.session.take(is_action(channel, SUB))
        self.env.expect_no_data(req, client, channel, f"{what}: no data")

    @precondition(lambda self: self.model.unsub_pairs(self.now()))
    @rule(pick=PICK)
    @at_most(1)
    def unsubscribe(self, pick: int) -> None:
        conn, channel = chosen(self.model.unsub_pairs(self.now()), pick)
        self.clients[conn.name].unsub(channel)
        what, awaited = f"the Unsub of {channel!r} is answered", f"Unsub reply ({channel!r})"
        reply = self.awaited("ZEN-SUB-07", what, conn, is_action(channel, UNSUB), awaited)
        checks.unsub_reply_documented(self.check, "ZEN-SUB-07", reply.obj)
        self.session(conn).barrier()
        self.session(conn).take(is_data(channel))  # "data may keep arriving briefly" after it
        self.model.unsubscribed(conn, channel)

    @rule(pick=PICK)
    def observe(self, pick: int) -> None:
        """Data on every subscription while entitled, none once expired: at any time, and
        always possible (once the other rules' budgets are spent)."""
        if self.model.conns:
            self.observe_data(chosen(self.model.conns, pick))

    def observe_data(self, conn: Conn) -> None:
        """Data on every subscription while entitled (owed under Model.data_req), none once
        expired."""
        status, session = self.status(conn), self.session(conn)
        if not conn.subs or status is Status.UNSURE:
            return
        self.env.target.settle(session)
        for channel in conn.subs:
            if status is Status.EXPIRED:
                what = f"no data on {channel!r} after the access token expired"
                leaked = session.take(is_data(channel))
                none_of(self.check, "ZEN-EXP-01", leaked, what, expected="no data")
                continue
            req, what = self.model.data_req(conn, channel, self.now()), f"data on {channel!r}"
            frame = self.awaited(req, f"{what} while entitled", conn, is_data(channel), what)
            checks.data_frame_documented(self.check, "ZEN-SUB-08", frame.obj)
            session.take(is_data(channel))

    # -- time --------------------------------------------------------------------------------------

    @precondition(lambda self: self.model.next_instant(self.now()) is not None)
    @rule()
    @at_most(1)
    def a_token_expires(self) -> None:
        """The next expiry (or moved expiry) passes, and the client does nothing."""
        self.pass_time(self.model.next_instant(self.now()))

    @precondition(lambda self: self.model.next_expiry(self.now()) is not None)
    @rule(kind=st.sampled_from(("short-lived", "valid", "limited")))
    @at_most(2)
    def a_token_expires_and_is_refreshed_late(self, kind: str) -> None:
        """The next expiry passes; then the client "pass[es] it on to Zenith by calling the
        AuthToken action" on each expired connection (ZEN-EXP-03, ZEN-SUB-01)."""
        self.pass_time(self.model.next_expiry(self.now()))
        for conn in self.model.open_conns(self.now(), Status.EXPIRED):
            self.authenticate_with(conn, kind)

    # Named to sort first: hypothesis's first, simplest example runs it (a client that refreshes
    # its token on time), and a shrink moves towards it.
    @precondition(lambda self: self.model.next_expiry(self.now()) is not None)
    @rule()
    @at_most(2)
    def a_refresh_before_the_token_expires(self) -> None:
        """The client "should reauthenticate ... before the expiry date arrives": with a token
        that outlives it (twice as long, so that it too expires in the example), the session
        lasts past it (ZEN-EXP-04)."""
        instant = self.model.next_expiry(self.now())
        for conn in self.model.open_conns(self.now(), Status.ENTITLED):
            if conn.expires_at == instant:
                self.authenticate_with(conn, "short-lived", lifetime=2 * LIFETIME)
        self.pass_time(instant)

    def pass_time(self, instant: float | None) -> None:
        """Past `instant`: data stops where the token expired (ZEN-EXP-01), nothing else is
        documented (ZEN-EXP-02, INFO), and data goes on elsewhere."""
        assert instant is not None  # the rule's precondition
        for conn in self.model.conns:
            self.session(conn).barrier()
            self.session(conn).drain()  # data so far was owed; it is not what is judged here
        self.let_time_pass(instant)
        for conn in list(self.model.conns):
            try:
                self.session(conn).barrier()
            except PeerClosed:
                self.check.info("ZEN-EXP-02", "after expiry: the connection was closed")
                self.model.closed(conn)
                continue
            # What came before this barrier may have been sent before the jump: not judged.
            arrived = [f.obj for f in self.session(conn).drain()]
            if self.status(conn) is Status.EXPIRED:
                self.check.info("ZEN-EXP-02", self.model.after_expiry(conn, arrived))
            self.observe_data(conn)


@pytest.mark.req(
    "ZEN-AUTH-01", "ZEN-AUTH-02", "ZEN-AUTH-03", "ZEN-AUTH-04", "ZEN-AUTH-06", "ZEN-AUTH-08",
    "ZEN-AUTH-09", "ZEN-AUTH-10",
    "ZEN-REJ-01", "ZEN-REJ-02", "ZEN-REJ-03", "ZEN-REJ-04", "ZEN-REJ-07",
    "ZEN-EXP-01", "ZEN-EXP-02", "ZEN-EXP-03", "ZEN-EXP-04",
    "ZEN-SUB-01", "ZEN-SUB-02", "ZEN-SUB-03", "ZEN-SUB-04", "ZEN-SUB-05", "ZEN-SUB-06",
    "ZEN-SUB-07", "ZEN-SUB-08", "ZEN-SUB-09", "ZEN-SUB-10",
    "ZEN-ENV-02",
)  # fmt: skip
def test_the_auth_lifecycle_follows_the_documented_model(lifecycle_env: LifecycleEnv) -> None:
    run_lifecycle(lifecycle_env, lambda: ZenithLifecycle(lifecycle_env))
