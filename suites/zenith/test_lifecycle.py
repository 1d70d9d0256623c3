"""The Zenith authentication lifecycle as a hypothesis state machine (issue 8): rules act on the
target, move the model of what the documents entitle each connection to (Model, in
wsconform/vendors/zenith/model.py, which says it in full), and hold the target to it.

Where the documents are silent either behaviour passes and is recorded (INFO: ZEN-SUB-09,
ZEN-AUTH-03, ZEN-REJ-07); so that it never asserts what they do not say, the machine does not
Sub or Unsub on an expired session, and sends a bad token on a connection of its own. Not
modelled (optional): Trading over plain ws://, the Identify subscription.
"""

from __future__ import annotations

import functools

import pytest
from hypothesis import note
from hypothesis import strategies as st
from hypothesis.stateful import initialize, precondition, rule

from wsconform import lifecycle_kit as kit
from wsconform.lifecycle import LifecycleEnv, LifecycleMachine, TokenPool, at_most, run_lifecycle
from wsconform.session import PeerClosed
from wsconform.vendors.zenith import checks, model
from wsconform.vendors.zenith.client import ZenithClient, frames, is_action, is_data
from wsconform.vendors.zenith.model import GOOD, Conn, Model, Returned, Status, ends_any, token_kind
from wsconform.vendors.zenith.protocol import (
    HEADER_AUTH,
    SUB,
    action_of,
    base64_of,
    bearer_header,
)

PICK = st.integers(min_value=0, max_value=5)  # which eligible connection (or pair)


class ZenithLifecycle(LifecycleMachine):
    """Connections, AuthToken/header authentication, Sub/Unsub, expiry and re-auth (Model)."""

    def __init__(self, env: LifecycleEnv) -> None:
        super().__init__(env)
        self.check, target = env.check, env.target
        self.pool = TokenPool.of(env.tokens, target.clock)
        # Live, the clock runs during a step: near an expiry either outcome is allowed.
        slack = 0.0 if target.embedded else target.observation_window + env.op_timeout
        tls = target.url.startswith("wss:")
        self.model = Model(target.public_channel, target.private_channel, tls, kit.LIFETIME, slack)
        self.clients: dict[str, ZenithClient] = {}  # connection name → its client

    def now(self) -> float:
        return self.env.target.clock()

    def model_state(self) -> str:
        return self.model.model_state(self.now())

    def status(self, conn: Conn) -> Status:
        return self.model.status(conn, self.now())

    @initialize(start=st.sampled_from(model.STARTS), bad=st.sampled_from(model.BAD))
    def two_clients_connect(self, start: str, bad: str) -> None:
        """Two clients. The neighbour tries a bad token and connects unauthenticated; its Subs of
        the public channel are refused. The other authenticates as `start` says (or not) and
        subscribes to every channel, so that the example's few steps reach expiry, re-auth and
        lost rights."""
        first = self.open_conn("header" if start == "header" else "plain")
        self.expect_bad_token_refused(bad)
        neighbour, channels = self.open_conn("plain"), self.model.channels
        self.subscribe_to(neighbour, channels[0], confirm=False)  # "only an Error action" is due
        if start in GOOD:
            self.authenticate_with(first, start)
        for channel in channels:
            self.subscribe_to(first, channel)
        self.subscribe_to(neighbour, channels[0])  # refused: a session is its connection's alone

    @rule(how=st.sampled_from(("restore", "plain", "header")))
    @at_most(2)
    def connect(self, how: str) -> None:
        """A plain, header or restored connection (Model.connected); with MAX_CONNECTIONS open,
        one is closed first: a reconnect."""
        if how == "restore" and not self.model.restorable(self.now()):
            return
        if len(self.model.conns) >= model.MAX_CONNECTIONS:  # the one with the least to show goes
            closing = self.model.by_interest(self.model.conns, self.now())[-1]
            self.clients.pop(closing.name).session.close()
            self.model.closed(closing)
        conn = self.open_conn("plain" if how == "restore" else how)
        if how == "restore":
            returned = self.model.restorable(self.now())[-1]
            self.auth_token(conn, "returned", returned.value, None, returned)

    def open_conn(self, how: str) -> Conn:
        if how == "plain" or not self.env.offers(HEADER_AUTH):
            session, conn = self.open(), self.model.connected()
        else:
            token = self.pool.valid()
            session = self.open(headers=[bearer_header(token.value)])
            conn = self.model.connected(via_header=True, expires_at=token.expires_at)
        settled = functools.partial(self.expect_settled, session)  # no wait on the embedded mock
        self.clients[conn.name] = ZenithClient(session, settled)
        return conn

    @precondition(lambda self: self.model.conns)
    @rule(pick=PICK, kind=st.sampled_from(GOOD))
    @at_most(3)
    def authenticate(self, pick: int, kind: str) -> None:
        """AuthToken with a good token, where it may go (Model.takers)."""
        takers = self.model.takers(kind, self.now())
        if takers:
            self.authenticate_with(kit.pick(takers, pick), kind)

    @precondition(lambda self: self.model.with_private_subscriptions(self.now()))
    @rule(pick=PICK)
    @at_most(1)
    def reauthenticate_with_fewer_rights(self, pick: int) -> None:
        """AuthToken with the limited token where a subscription needs the right it lacks."""
        conns = self.model.with_private_subscriptions(self.now())
        self.authenticate_with(kit.pick(conns, pick), "limited")

    def authenticate_with(self, conn: Conn, kind: str, lifetime: float = kit.LIFETIME) -> None:
        token = self.pool.get(token_kind(kind), lifetime)
        if token is not None:
            value = base64_of(token.value) if kind == "base64" else token.value
            self.auth_token(conn, kind, value, token.expires_at)

    def expect_bad_token_refused(self, kind: str) -> None:
        """A bad token, refused in the handshake header and by AuthToken, on a connection of its
        own: what is left of a connection after Reject is not documented (ZEN-REJ-07, INFO)."""
        token = model.GARBAGE if kind == "garbage" else self.pool.bad(kind)
        if token is None:  # the source has no expired token
            return
        if self.env.offers(HEADER_AUTH):
            headers, what = [bearer_header(token)], f"a {kind} header token"
            attempt = functools.partial(self.open, headers=headers, refusal_expected=True)
            checks.header_token_refused(self.check, "ZEN-REJ-03", attempt, what=what)
        client, req = ZenithClient(self.open()), model.rejection_req(kind)
        with self.check.scope(req, f"the reply to AuthToken with a {kind} token"):
            reply = client.auth(token)
        what = f"AuthToken with a {kind} token is rejected"
        checks.bad_token_refused(self.check, req, reply, what=what)
        # Closing after Reject is allowed (ZEN-REJ-07).
        state = "open" if client.still_open() else "closed"
        self.check.info("ZEN-REJ-07", f"after Reject the connection is {state}")
        client.session.close()

    def auth_token(
        self, conn: Conn, kind: str, value: str, expiry: float | None, back: Returned | None = None
    ) -> None:
        """AuthToken that must succeed (restoring the session `back` came from, if given),
        then what the re-auth does to the subscriptions (Model.authenticated)."""
        client, before = self.clients[conn.name], self.status(conn)
        req, what = self.model.auth_req(kind, before), f"AuthToken with a {kind} token"
        with self.check.scope(req, f"the reply to {what}"):
            reply = client.auth(value)
        checks.auth_token_succeeded(self.check, req, reply, what=what)
        reauth = self.model.authenticated(conn, kind, expiry, before, reply, back)
        for channel in reauth.lost:
            self.expect_ended(conn, channel)
        if reauth.kept:
            touched = client.pending_answered(frames(ends_any(reauth.kept)))
            checks.kept_untouched(self.check, reauth.keeping, touched)
        self.observe_data(conn)

    def expect_ended(self, conn: Conn, channel: str) -> None:
        """A subscription the new authentication has no right to ends (ZEN-SUB-02/03/04)."""
        client = self.clients[conn.name]
        with self.check.scope("ZEN-SUB-02", f"an Error and a server Unsub for {channel!r}"):
            error, unsub = client.ended(channel)
        checks.subscription_ended(self.check, error, unsub)
        client.take_answered(is_data(channel))  # sent before the Unsub
        self.model.ended(conn, channel)

    @precondition(lambda self: self.model.sub_pairs(self.now()))
    @rule(pick=PICK)
    @at_most(2)
    def subscribe(self, pick: int) -> None:
        self.subscribe_to(*kit.pick(self.model.sub_pairs(self.now()), pick))

    def subscribe_to(self, conn: Conn, channel: str, confirm: bool = True) -> None:
        status, client = self.status(conn), self.clients[conn.name]
        if status is Status.UNSURE:  # live, at the edge of an expiry: either answer may come
            note(f"{conn.name}: no Sub of {channel!r} this close to its token's expiry")
            return
        client.session.take(is_data(channel))  # left over from an earlier subscription
        if not self.model.may_sub(conn, channel, status):
            self.expect_refused(self.model.refusal_req(conn), conn, channel, confirm)
            return
        client.sub(channel)
        with self.check.scope("ZEN-SUB-06", f"Sub {channel!r} is answered"):
            answer = client.sub_answer(channel)
        req = self.model.confirmation_req(conn, refused=action_of(answer.obj) == "Error")
        checks.sub_confirmed(self.check, req, answer.obj, channel)
        early = client.session.pending(is_data(channel))
        checks.data_before_confirmation(self.check, "ZEN-SUB-09", early, answer)
        self.model.subscribed(conn, channel)
        self.observe_data(conn)

    def expect_refused(self, req: str, conn: Conn, channel: str, confirm: bool) -> None:
        """An Error with an Appendix D code, the Sub reply with Confirm omitted if Confirm was
        asked for (ZEN-SUB-10), and no data."""
        client = self.clients[conn.name]
        what = f"a Sub of {channel!r} without the right ({self.status(conn).value})"
        client.sub(channel, confirm)
        with self.check.scope(req, f"{what} is answered"):
            answer = client.sub_answer(channel, "Error")
        checks.sub_refused(self.check, req, answer.obj, what=what)
        if confirm:  # it must come, in no documented order with the Error or a later pong
            with self.check.scope("ZEN-SUB-10", "a refused Sub with Confirm gets a Sub reply"):
                reply = client.refused_sub_reply(channel)
            checks.failed_sub_reply_documented(self.check, "ZEN-SUB-10", reply)
        else:
            client.take_answered(is_action(channel, SUB))
        self.env.expect_no_data(req, client, channel, f"{what}: no data")

    @precondition(lambda self: self.model.unsub_pairs(self.now()))
    @rule(pick=PICK)
    @at_most(1)
    def unsubscribe(self, pick: int) -> None:
        conn, channel = kit.pick(self.model.unsub_pairs(self.now()), pick)
        client = self.clients[conn.name]
        client.unsub(channel)
        with self.check.scope("ZEN-SUB-07", f"the Unsub of {channel!r} is answered"):
            reply = client.unsub_reply(channel)
        checks.unsub_reply_documented(self.check, "ZEN-SUB-07", reply.obj)
        client.take_answered(is_data(channel))  # "data may keep arriving briefly" after it
        self.model.unsubscribed(conn, channel)

    @rule(pick=PICK)
    def observe(self, pick: int) -> None:
        """observe_data at any time: always possible (once the other rules' budgets are spent)."""
        if self.model.conns:
            self.observe_data(kit.pick(self.model.conns, pick))

    def observe_data(self, conn: Conn) -> None:
        """Data on every subscription while entitled (Model.data_req), none once expired."""
        status, client = self.status(conn), self.clients[conn.name]
        if not conn.subs or status is Status.UNSURE:
            return
        self.env.target.settle(client.session)
        for channel in conn.subs:
            if status is Status.EXPIRED:
                leaked = client.session.take(is_data(channel))
                checks.no_data_after_expiry(self.check, "ZEN-EXP-01", leaked, channel)
                continue
            req = self.model.data_req(conn, channel, self.now())
            with self.check.scope(req, f"data on {channel!r} while entitled"):
                frame = client.data_frame(channel)
            checks.data_frame_documented(self.check, "ZEN-SUB-08", frame.obj)
            client.session.take(is_data(channel))

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
                self.authenticate_with(conn, "short-lived", lifetime=2 * kit.LIFETIME)
        self.pass_time(instant)

    def pass_time(self, instant: float | None) -> None:
        """Past `instant`: data stops where the token expired (ZEN-EXP-01), nothing else is
        documented (ZEN-EXP-02, INFO), and data goes on elsewhere."""
        assert instant is not None  # the rule's precondition
        for conn in self.model.conns:
            self.clients[conn.name].take_answered()  # data so far was owed; not judged here
        self.let_time_pass(instant)
        for conn in list(self.model.conns):
            try:
                # What came before this barrier may have been sent before the jump: not judged.
                arrived = [f.obj for f in self.clients[conn.name].take_answered()]
            except PeerClosed:
                self.check.info("ZEN-EXP-02", "after expiry: the connection was closed")
                self.model.closed(conn)
                continue
            if self.status(conn) is Status.EXPIRED:
                self.check.info("ZEN-EXP-02", self.model.after_expiry(conn, arrived))
            self.observe_data(conn)


@pytest.mark.req(*model.JUDGED)
def test_the_auth_lifecycle_follows_the_documented_model(lifecycle_env: LifecycleEnv) -> None:
    run_lifecycle(lifecycle_env, lambda: ZenithLifecycle(lifecycle_env))
