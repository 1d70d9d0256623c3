"""The Paradex authentication lifecycle as a hypothesis state machine (issue 8): rules that act on
the target and move the model (wsconform/vendors/paradex/model.py), which is, from
requirements.toml, its documents and docs/facts/paradex.md §Subscriptions, §Expired JWT:

- one `auth` with a JWT not yet expired authenticates the connection (PDX-AUTH-01/02); a
  malformed bearer gets 40110, a forged one 40111, an expired one 40111, as a schema-valid error
  (PDX-REJ-01..04, PDX-REJ-07), and the connection stays usable (PDX-REJ-05, SHOULD);
- authentication belongs to its connection (PDX-AUTH-07) and lasts as long as the connection,
  past the JWT's exp (PDX-EXP-01); nothing is documented as sent at exp (PDX-EXP-02, INFO);
- private channels need authentication, public ones do not (PDX-AUTH-03..06);
- subscribe answers {channel} and data follows; unsubscribe answers {channel} and the data stops
  (PDX-SUB-01..03); a duplicate subscribe and an unknown unsubscribe are errors (PDX-SUB-04/05,
  codes recorded under PDX-SUB-08);
- subscriptions are per connection: after reconnecting with a fresh JWT, subscribing again brings
  the data back (PDX-SUB-06); whether the server replays them unasked is recorded (PDX-SUB-07).
"""

from __future__ import annotations

import contextlib
from typing import Any

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import initialize, invariant, precondition, rule

from wsconform import jwt_forge
from wsconform import lifecycle_kit as kit
from wsconform.checks import none_of
from wsconform.lifecycle import LifecycleEnv, LifecycleMachine, TokenPool, run_lifecycle
from wsconform.session import PeerClosed
from wsconform.tokens import Token
from wsconform.vendors.paradex import checks, model, protocol
from wsconform.vendors.paradex.client import ParadexClient

PICK = st.integers(min_value=0, max_value=model.MAX_CONNECTIONS - 1)  # which eligible connection


# A valid JWT is kept until a minute before its exp: Paradex JWTs live 5 minutes, less than the
# kit's REUSE_MARGIN, under which the pool would mint one for every use.
KEEP_FOR = 60.0


class ParadexLifecycle(LifecycleMachine):
    """Connections (≤2), authenticated or not, their subscriptions, and JWTs that expire."""

    def __init__(self, env: LifecycleEnv, pool: TokenPool) -> None:
        super().__init__(env)
        self.pool = pool
        self.check = env.check
        self.model = model.Model(env.target.public_channel, env.target.private_channel)
        self.clients: dict[model.Connection, ParadexClient] = {}  # the target's side of each

    def now(self) -> float:
        return self.env.target.clock()

    def model_state(self) -> str:
        return self.model.state(self.now())

    def _new_conn(self) -> model.Connection:
        conn = self.model.open()
        self.clients[conn] = ParadexClient(self.open())
        return conn

    def _retire(self, conn: model.Connection) -> None:
        """Drop a connection the model no longer knows (closed, or past a missed SHOULD)."""
        self.clients.pop(conn).session.close()
        self.model.retire(conn)

    def _jwt(self, kind: str) -> Token | None:
        """A JWT of a model.GOOD_KINDS or STALE_KINDS kind; None if the source has none."""
        if kind in ("valid", "expired"):
            return self.pool.get(kind)
        token = (self.model.reused() if kind == "reused" else None) or self.pool.get("short-lived")
        return token and self.model.used_short_lived(token)

    def _data_follows(self, req: str, conn: model.Connection, channel: str, what: str) -> None:
        """Data on `channel` arrives after a subscribe (what must have come: no wait on the
        embedded mock, the op timeout live)."""
        with self.check.scope(req, what):  # no data, a closed connection, a lost pong
            data = self.expect_settled(
                self.clients[conn].session, protocol.data_frame(channel), f"data on {channel!r}"
            )
        self.check.passed(req, what)
        self.check.schema("PDX-SUB-01", data.obj, "subscription-notification")

    def _no_data(self, req: str, conn: model.Connection, channel: str, what: str) -> bool:
        """The target publishes once more; no data on `channel` reached `conn`."""
        session = self.clients[conn].session
        self.env.target.settle(session)
        leaked = session.pending(protocol.data_frame(channel))
        return none_of(self.check, req, leaked, what, expected="no data")

    def _refused(
        self, conn: model.Connection, reply: dict[str, Any], refusal: model.Refusal
    ) -> None:
        checks.bearer_refused(self.check, refusal.req, reply, refusal.code, refusal.what)
        usable = False
        with self.check.scope("PDX-REJ-05", "the connection stays open after a rejected auth"):
            self.clients[conn].session.barrier()
            usable = True
        if not usable:  # a SHOULD missed (WARN): the connection is gone
            self._retire(conn)

    # -- rules -------------------------------------------------------------------------------

    @initialize(
        kind=st.sampled_from(("short-lived", "valid", None)),
        channels=st.sampled_from(((True, False), (True,), (False,), ())),
    )
    def first_connection(self, kind: str | None, channels: tuple[bool, ...]) -> None:
        """A client's first connection, authenticated or not, subscribed (private?) or not: a
        start from which the later states (expiry, reconnect) are a few steps away."""
        conn = self._new_conn()
        if kind is not None:
            self._auth(conn, kind)
        for private in channels:
            if conn in self.clients:  # a SHOULD missed may have retired it
                self._subscribe(conn, private)

    @precondition(lambda self: len(self.model.conns) < model.MAX_CONNECTIONS)
    @rule()
    def connect(self) -> None:
        self._new_conn()

    @precondition(lambda self: self.model.anonymous())
    @rule(pick=PICK, kind=st.sampled_from(model.GOOD_KINDS))
    def authenticate(self, pick: int, kind: str) -> None:
        """`auth` with a fresh JWT on a connection not yet authenticated (re-auth: undocumented)."""
        self._auth(kit.pick(self.model.anonymous(), pick), kind)

    # One rule per documented refusal (page § Authentication Errors), so that each comes up; a
    # rule sends every bearer of its kind in turn (the connection stays usable: PDX-REJ-05).
    @precondition(lambda self: self.model.anonymous())
    @rule(pick=PICK)
    def authenticate_with_malformed_bearers(self, pick: int) -> None:
        conn = kit.pick(self.model.anonymous(), pick)
        for kind in model.MALFORMED:
            if conn in self.clients:  # not retired after a missed PDX-REJ-05
                self._auth(conn, kind)

    @precondition(lambda self: self.model.anonymous())
    @rule(pick=PICK)
    def authenticate_with_forged_jwts(self, pick: int) -> None:
        conn = kit.pick(self.model.anonymous(), pick)
        for kind in jwt_forge.FORGED:
            if conn in self.clients:
                self._auth(conn, kind)

    @precondition(lambda self: self.model.anonymous())
    @rule(pick=PICK, kind=st.sampled_from(model.STALE_KINDS))
    def authenticate_with_a_stale_jwt(self, pick: int, kind: str) -> None:
        """An expired JWT, or this example's short-lived one again: refused once past exp."""
        self._auth(kit.pick(self.model.anonymous(), pick), kind)

    def _auth(self, conn: model.Connection, kind: str) -> None:
        if kind in model.MALFORMED or kind in jwt_forge.FORGED:
            token, bearer = None, model.MALFORMED.get(kind) or self.pool.forged(kind)
        elif (token := self._jwt(kind)) is None:  # the token source has none: nothing to do
            return
        else:
            bearer = token.value
        reply = self.clients[conn].auth(bearer)
        refusal, may_succeed = model.expect_auth(kind, token, self.now())
        if refusal is None or (may_succeed and "error" not in reply):
            checks.auth_succeeded(self.check, "PDX-AUTH-01", reply, "a valid JWT authenticates")
            checks.documented_auth_result(self.check, "PDX-AUTH-02", reply)
            self.model.authenticated(conn, token)
        else:  # within SKEW of exp a refusal is allowed, and it is the expired one's
            self._refused(conn, reply, refusal)

    @precondition(lambda self: self.model.conns)
    @rule(pick=PICK, private=st.booleans())
    def subscribe(self, pick: int, private: bool) -> None:
        self._subscribe(kit.pick(self.model.conns, pick), private)

    def _subscribe(self, conn: model.Connection, private: bool) -> None:
        channel = self.model.channel(private)
        reply = self.clients[conn].subscribe(channel)
        expected = self.model.subscribe(conn, channel)
        if expected is model.Subscribe.DUPLICATE:
            what = f"a second subscribe to {channel!r} is an error"
            checks.subscription_error(
                self.check, "PDX-SUB-04", reply, what, situation="duplicate subscribe"
            )
            return
        if expected is model.Subscribe.REFUSED:
            req = self.model.refusal_req()
            what = f"private {channel!r} is refused without auth"
            checks.private_refused(self.check, req, reply, what)
            self._no_data(req, conn, channel, "no private data without auth")
            return
        req = self.model.data_req(conn, channel, self.now())
        state = "authenticated" if conn.authed else "unauthenticated"
        what = f"subscribe to {channel!r} on an {state} connection"
        checks.subscribe_succeeded(self.check, req, reply, what, channel=channel)
        self.model.subscribed(conn, channel)
        self._data_follows(req, conn, channel, f"data follows the subscribe to {channel!r}")

    @precondition(lambda self: self.model.conns)
    @rule(pick=PICK, private=st.booleans())
    def unsubscribe(self, pick: int, private: bool) -> None:
        conn = kit.pick(self.model.conns, pick)
        channel, session = self.model.channel(private), self.clients[conn].session
        reply = self.clients[conn].unsubscribe(channel)
        if channel not in conn.subs:
            what = f"unsubscribe from {channel!r}, not subscribed"
            situation = "unsubscribe when not subscribed"
            checks.subscription_error(self.check, "PDX-SUB-05", reply, what, situation=situation)
            return
        checks.unsubscribe_succeeded(self.check, reply, channel)
        self.model.unsubscribed(conn, channel)
        session.barrier()  # data sent before the reply may still have been in flight
        session.take(protocol.data_frame(channel))
        if not self._no_data("PDX-SUB-03", conn, channel, "no data after the unsubscribe reply"):
            self._retire(conn)  # a SHOULD missed (WARN): what the server holds is unknown now

    @precondition(lambda self: self.model.expiry_ahead(self.now()) is not None and self.model.conns)
    @rule()
    def let_a_jwt_expire(self) -> None:
        """Time passes beyond the example's short-lived JWTs' exp."""
        instant = self.model.expiry_ahead(self.now())
        assert instant is not None
        for client in self.clients.values():  # what is pending now was sent before exp
            client.session.barrier()
            client.session.drain()
        self.let_time_pass(instant)
        for conn in list(self.model.conns):
            self._after_expiry(conn)

    def _after_expiry(self, conn: model.Connection) -> None:
        session = self.clients[conn].session
        with contextlib.suppress(PeerClosed):  # judged below, by what it was entitled to
            session.barrier()
        # Sent around the jump: data among it may predate exp (the mock also publishes on its
        # own), so only the publication at settle, surely after exp, counts as data after it.
        around = session.drain()
        with contextlib.suppress(PeerClosed):
            self.env.target.settle(session)
        expired = conn.expired(self.now())
        if expired:
            frames = [*around, *session.pending()]
            self.check.info("PDX-EXP-02", model.at_exp(frames, session.closed))
        beyond = " beyond the JWT's exp" if expired else ""
        for channel in sorted(conn.subs):
            what = f"data on {channel!r} still arrives after time passed{beyond}"
            req = self.model.data_req(conn, channel, self.now())
            checks.data_still_arrives(self.check, req, session, channel, what)
        if session.closed:
            self._retire(conn)

    @precondition(lambda self: self.model.reconnectable())
    @rule(pick=PICK)
    def reconnect_with_a_fresh_jwt(self, pick: int) -> None:
        """A client's reconnect: close, connect, auth with a fresh JWT, subscribe again."""
        old = kit.pick(self.model.reconnectable(), pick)
        channels = sorted(old.subs)
        self._retire(old)
        conn = self._new_conn()
        session, token = self.clients[conn].session, self.pool.valid()
        reply = self.clients[conn].auth(token.value)
        checks.auth_succeeded(self.check, "PDX-AUTH-01", reply, "a fresh JWT authenticates")
        self.model.authenticated(conn, token)
        self.env.target.settle(session)
        replayed = [ch for ch in channels if session.pending(protocol.data_frame(ch))]
        checks.replay_recorded(self.check, "PDX-SUB-07", bool(replayed))
        for channel in channels:
            reply = self.clients[conn].subscribe(channel)
            if channel not in replayed:  # replayed: a second subscribe may well be an error
                what = f"subscribing again to {channel!r}"
                checks.subscribe_succeeded(self.check, "PDX-SUB-06", reply, what)
            self.model.subscribed(conn, channel)
            self._data_follows("PDX-SUB-06", conn, channel, f"data on {channel!r} is back")

    # -- invariants --------------------------------------------------------------------------

    @invariant()
    def no_data_without_entitlement(self) -> None:
        """Private data only on authenticated connections; none after an unsubscribe."""
        for conn in list(self.model.conns):
            pending = self.clients[conn].session.pending
            if not conn.authed:
                leaked = pending(protocol.data_frame(self.model.private))
                what = "no private data on a connection not authenticated"
                none_of(self.check, self.model.refusal_req(), leaked, what, expected="no data")
            for channel in sorted(conn.unsubscribed):
                late = pending(protocol.data_frame(channel))
                what = f"no data on {channel!r} after its unsubscribe"
                if not none_of(self.check, "PDX-SUB-03", late, what, expected="no data"):
                    self._retire(conn)
                    break


@pytest.mark.req(*model.JUDGED)
def test_the_auth_lifecycle_follows_the_documented_model(lifecycle_env: LifecycleEnv) -> None:
    pool = TokenPool.of(lifecycle_env.tokens, lifecycle_env.target.clock, KEEP_FOR)
    run_lifecycle(lifecycle_env, lambda: ParadexLifecycle(lifecycle_env, pool))
