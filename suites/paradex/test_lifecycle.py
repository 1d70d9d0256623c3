"""The Paradex authentication lifecycle as a hypothesis state machine (issue 8).

The model, from requirements.toml, the vendor page and vendor-facts §3.3 and §3.5:

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

Not modelled: re-authenticating an authenticated connection (undocumented, and no INFO
requirement covers it), a handshake-header path and a limited token (neither documented).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import initialize, invariant, precondition, rule

from wsconform import jwt_forge
from wsconform.checks import none_of
from wsconform.lifecycle import LifecycleEnv, LifecycleMachine, run_lifecycle
from wsconform.session import Frame, PeerClosed
from wsconform.tokens import Token
from wsconform.vendors.paradex import protocol
from wsconform.vendors.paradex.checks import (
    auth_succeeded,
    channel_confirmed,
    documented_auth_result,
    error_code_in,
    is_error_response,
    is_result_response,
)
from wsconform.vendors.paradex.client import ParadexClient

LIFETIME = 5  # seconds: short-lived JWTs, so that a live run waits little (like test_expiry.py)
SKEW = 1.0  # seconds either side of exp where either outcome of an auth is allowed
MAX_CONNECTIONS = 2  # enough for isolation (PDX-AUTH-07); each costs every example
PICK = st.integers(min_value=0, max_value=MAX_CONNECTIONS - 1)  # which eligible connection

# Bearers the server must refuse: malformed ones with 40110 (PDX-REJ-01), forged JWTs with 40111
# (PDX-REJ-02).
MALFORMED = {"malformed": "not-a-jwt", "two-segments": "eyJhbGciOiJFUzI1NiJ9.e30"}
FORGED: dict[str, Callable[[str], str]] = {
    "bad-signature": jwt_forge.bad_signature,
    "alg-none": jwt_forge.alg_none,
    "wrong-key": jwt_forge.wrong_key,
}
# JWTs are judged by the clock. Good ones: mostly short-lived, so that an authenticated
# connection's JWT often expires in an example. Stale ones: an expired JWT, and "reused", the
# example's latest short-lived JWT sent again (refused once past its exp).
GOOD_KINDS = ("short-lived", "short-lived", "valid")
STALE_KINDS = ("expired", "reused")


@dataclass
class Conn:
    """The model of one connection: the JWT that authenticated it and its subscriptions."""

    client: ParadexClient
    token: Token | None = None
    subs: set[str] = field(default_factory=set)
    unsubscribed: set[str] = field(default_factory=set)  # no data may arrive on these any more

    @property
    def authed(self) -> bool:
        return self.token is not None


def describe(frame: Frame) -> str:
    """A stable summary of a frame that is not subscription data (for INFO records)."""
    if not frame.is_json or not isinstance(frame.json, dict):
        return "a non-JSON frame"
    obj = frame.obj
    if "method" in obj:
        return f"a {obj['method']!r} notification"
    if "error" in obj:
        return f"an error {protocol.error_code(obj)}"
    return "a response"


class TokenPool:
    """The tokens of one run, shared by its examples while they are fit for use. Minting one per
    use would register thousands of secrets with the run's redactor, which scans them all for
    every frame (a shrinking run has hundreds of examples)."""

    def __init__(self, env: LifecycleEnv) -> None:
        self.env = env
        self._valid: Token | None = None
        self._expired: Token | None = None
        self._short: Token | None = None
        self._forged: dict[str, str] = {}

    def valid(self) -> Token:
        """A JWT that stays valid for the rest of an example (reminted a minute before exp)."""
        token = self._valid
        exp = token.expires_at if token is not None else None
        if token is None or (exp is not None and self.env.target.clock() > exp - 60):
            token = self._valid = self.env.tokens.get("valid")
            self._forged = {}
        return token

    def short_lived(self) -> Token:
        """A JWT that expires in a few seconds (reused while 3 s or more are left)."""
        token = self._short
        if token is None or self.env.target.clock() > (token.expires_at or 0.0) - 3:
            token = self._short = self.env.tokens.get("short-lived", LIFETIME)
        return token

    def expired(self) -> Token:
        if self._expired is None:
            self._expired = self.env.tokens.get("expired")
        return self._expired

    def forged(self, kind: str) -> str:
        base = self.valid().value
        if kind not in self._forged:
            self._forged[kind] = FORGED[kind](base)
        return self._forged[kind]


class ParadexLifecycle(LifecycleMachine):
    """Connections (≤2), authenticated or not, their subscriptions, and JWTs that expire."""

    def __init__(self, env: LifecycleEnv, pool: TokenPool) -> None:
        super().__init__(env)
        self.pool = pool
        self.check = env.check
        self.public = env.target.public_channel
        self.private = env.target.private_channel
        self.conns: list[Conn] = []
        self.short_lived: list[Token] = []  # used in this example, to reuse and let expire

    def model_state(self) -> str:
        def one(conn: Conn) -> str:
            auth = (
                "anonymous"
                if conn.token is None
                else "expired"
                if self._expired(conn.token)
                else "authed"
            )
            subs = "+".join(
                "private" if ch == self.private else "public" for ch in sorted(conn.subs)
            )
            return f"{auth}[{subs}]"

        return " ".join(sorted(one(c) for c in self.conns)) or "no connection"

    # -- helpers -----------------------------------------------------------------------------

    def _new_conn(self) -> Conn:
        conn = Conn(ParadexClient(self.open()))
        self.conns.append(conn)
        return conn

    def _retire(self, conn: Conn) -> None:
        """Drop a connection the model no longer knows (closed, or past a missed SHOULD)."""
        conn.client.session.close()
        self.conns.remove(conn)

    @staticmethod
    def _pick(candidates: list[Conn], pick: int) -> Conn:
        return candidates[pick % len(candidates)]

    def _expired(self, token: Token) -> bool:
        """Surely past exp on the target's clock."""
        exp = token.expires_at
        return exp is not None and self.env.target.clock() > exp + SKEW

    def _fresh(self, token: Token) -> bool:
        """Surely before exp on the target's clock."""
        exp = token.expires_at
        return exp is None or self.env.target.clock() < exp - SKEW

    def _jwt(self, kind: str) -> Token:
        if kind == "valid":
            return self.pool.valid()
        if kind == "expired":
            return self.pool.expired()
        if kind == "reused" and self.short_lived:
            return self.short_lived[-1]
        token = self.pool.short_lived()
        if token not in self.short_lived:
            self.short_lived.append(token)
        return token

    def _data_req(self, conn: Conn, channel: str) -> str:
        """The requirement that entitles `conn` to data on `channel`."""
        if channel != self.private:
            return "PDX-SUB-01" if conn.authed else "PDX-AUTH-04"
        assert conn.token is not None
        return "PDX-EXP-01" if self._expired(conn.token) else "PDX-AUTH-05"

    def _refusal_req(self) -> str:
        """A private channel refused: PDX-AUTH-07 when another connection is authenticated."""
        return "PDX-AUTH-07" if any(c.authed for c in self.conns) else "PDX-AUTH-03"

    def _data_follows(self, req: str, conn: Conn, channel: str, what: str) -> None:
        """Data on `channel` arrives after a subscribe (what must have come: no wait on the
        embedded mock, the op timeout live)."""
        with self.check.scope(req, what):  # no data, a closed connection, a lost pong
            data = self.expect_settled(
                conn.client.session, protocol.data_frame(channel), f"data on {channel!r}"
            )
        self.check.passed(req, what)
        self.check.schema("PDX-SUB-01", data.obj, "subscription-notification")

    def _no_data(self, req: str, conn: Conn, channel: str, what: str) -> bool:
        """The target publishes once more; no data on `channel` reached `conn`."""
        self.env.target.settle(conn.client.session)
        leaked = conn.client.session.pending(protocol.data_frame(channel))
        return none_of(self.check, req, leaked, what, expected="no data")

    def _accepted(self, conn: Conn, token: Token, reply: dict[str, Any]) -> None:
        auth_succeeded(self.check, "PDX-AUTH-01", reply, "a valid JWT authenticates")
        documented_auth_result(self.check, "PDX-AUTH-02", reply)
        conn.token = token

    def _refused(self, conn: Conn, reply: dict[str, Any], req: str, code: int, what: str) -> None:
        is_error_response(self.check, req, reply, what)
        self.check.schema("PDX-REJ-04", reply, "error", what="a rejection is a valid error reply")
        error_code_in(
            self.check, "PDX-REJ-07", reply, protocol.BEARER_REFUSED, f"{what}: an auth code"
        )
        error_code_in(self.check, req, reply, (code,), f"{what}: error code")
        usable = False
        with self.check.scope("PDX-REJ-05", "the connection stays open after a rejected auth"):
            conn.client.session.barrier()
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
            if conn in self.conns:  # a SHOULD missed may have retired it
                self._subscribe(conn, private)

    @precondition(lambda self: len(self.conns) < MAX_CONNECTIONS)
    @rule()
    def connect(self) -> None:
        self._new_conn()

    @precondition(lambda self: any(not c.authed for c in self.conns))
    @rule(pick=PICK, kind=st.sampled_from(GOOD_KINDS))
    def authenticate(self, pick: int, kind: str) -> None:
        """`auth` with a fresh JWT on a connection not yet authenticated (re-auth is
        undocumented)."""
        self._auth(self._pick([c for c in self.conns if not c.authed], pick), kind)

    # One rule per documented refusal (page § Authentication Errors), so that each comes up; a
    # rule sends every bearer of its kind in turn (the connection stays usable: PDX-REJ-05).
    @precondition(lambda self: any(not c.authed for c in self.conns))
    @rule(pick=PICK)
    def authenticate_with_malformed_bearers(self, pick: int) -> None:
        conn = self._pick([c for c in self.conns if not c.authed], pick)
        for kind in MALFORMED:
            if conn in self.conns:  # not retired after a missed PDX-REJ-05
                self._auth(conn, kind)

    @precondition(lambda self: any(not c.authed for c in self.conns))
    @rule(pick=PICK)
    def authenticate_with_forged_jwts(self, pick: int) -> None:
        conn = self._pick([c for c in self.conns if not c.authed], pick)
        for kind in FORGED:
            if conn in self.conns:
                self._auth(conn, kind)

    @precondition(lambda self: any(not c.authed for c in self.conns))
    @rule(pick=PICK, kind=st.sampled_from(STALE_KINDS))
    def authenticate_with_a_stale_jwt(self, pick: int, kind: str) -> None:
        """An expired JWT, or this example's short-lived one again: refused once past exp."""
        self._auth(self._pick([c for c in self.conns if not c.authed], pick), kind)

    def _auth(self, conn: Conn, kind: str) -> None:
        if kind in MALFORMED:
            reply = conn.client.auth(MALFORMED[kind])
            self._refused(
                conn, reply, "PDX-REJ-01", protocol.MALFORMED_BEARER, f"a malformed bearer ({kind})"
            )
            return
        if kind in FORGED:
            reply = conn.client.auth(self.pool.forged(kind))
            self._refused(
                conn, reply, "PDX-REJ-02", protocol.INVALID_BEARER, f"a forged JWT ({kind})"
            )
            return
        token = self._jwt(kind)
        reply = conn.client.auth(token.value)
        if self._expired(token):
            self._refused(
                conn, reply, "PDX-REJ-03", protocol.INVALID_BEARER, f"a JWT past its exp ({kind})"
            )
        elif self._fresh(token) or "error" not in reply:
            self._accepted(conn, token, reply)
        else:  # within SKEW of exp: a refusal is allowed, and it is the expired one's
            self._refused(
                conn, reply, "PDX-REJ-03", protocol.INVALID_BEARER, f"a JWT at its exp ({kind})"
            )

    @precondition(lambda self: self.conns)
    @rule(pick=PICK, private=st.booleans())
    def subscribe(self, pick: int, private: bool) -> None:
        self._subscribe(self._pick(self.conns, pick), private)

    def _subscribe(self, conn: Conn, private: bool) -> None:
        channel = self.private if private else self.public
        reply = conn.client.subscribe(channel)
        if channel in conn.subs:
            what = f"a second subscribe to {channel!r} is an error"
            is_error_response(self.check, "PDX-SUB-04", reply, what)
            self.check.schema("PDX-SUB-04", reply, "error")
            self.check.info(
                "PDX-SUB-08", f"duplicate subscribe: error {protocol.error_code(reply)}"
            )
            return
        if private and not conn.authed:
            req = self._refusal_req()
            is_error_response(
                self.check, req, reply, f"private {channel!r} is refused without auth"
            )
            # The error is undocumented: what it is, and whether it is a valid error reply, INFO.
            invalid = self.check.schemas.errors(self.check.vendor, "error", reply)
            self.check.info(
                "PDX-AUTH-06",
                f"private subscribe before auth: error {protocol.error_code(reply)}"
                + (f", not a valid error reply: {invalid[0]}" if invalid else ""),
            )
            self._no_data(req, conn, channel, "no private data without auth")
            return
        req = self._data_req(conn, channel)
        state = "authenticated" if conn.authed else "unauthenticated"
        is_result_response(
            self.check, req, reply, f"subscribe to {channel!r} on an {state} connection"
        )
        channel_confirmed(self.check, "PDX-SUB-01", reply, channel, schema="subscribe-result")
        conn.subs.add(channel)
        conn.unsubscribed.discard(channel)
        self._data_follows(req, conn, channel, f"data follows the subscribe to {channel!r}")

    @precondition(lambda self: self.conns)
    @rule(pick=PICK, private=st.booleans())
    def unsubscribe(self, pick: int, private: bool) -> None:
        conn = self._pick(self.conns, pick)
        channel = self.private if private else self.public
        reply = conn.client.unsubscribe(channel)
        if channel not in conn.subs:
            what = f"unsubscribe from {channel!r}, not subscribed"
            is_error_response(self.check, "PDX-SUB-05", reply, what)
            self.check.schema("PDX-SUB-05", reply, "error")
            self.check.info(
                "PDX-SUB-08", f"unsubscribe when not subscribed: error {protocol.error_code(reply)}"
            )
            return
        is_result_response(
            self.check, "PDX-SUB-02", reply, f"unsubscribe from {channel!r} succeeds"
        )
        channel_confirmed(self.check, "PDX-SUB-02", reply, channel, schema="unsubscribe-result")
        conn.subs.discard(channel)
        conn.unsubscribed.add(channel)
        conn.client.session.barrier()  # data sent before the reply may still have been in flight
        conn.client.session.take(protocol.data_frame(channel))
        if not self._no_data("PDX-SUB-03", conn, channel, "no data after the unsubscribe reply"):
            self._retire(conn)  # a SHOULD missed (WARN): what the server holds is unknown now

    @precondition(lambda self: any(not self._expired(t) for t in self.short_lived) and self.conns)
    @rule()
    def let_a_jwt_expire(self) -> None:
        """Time passes beyond the example's short-lived JWTs' exp."""
        exp = max(t.expires_at or 0.0 for t in self.short_lived)
        for conn in self.conns:  # what is pending now was sent before exp
            conn.client.session.barrier()
            conn.client.session.drain()
        self.let_time_pass(exp + SKEW)
        for conn in list(self.conns):
            self._after_expiry(conn)

    def _after_expiry(self, conn: Conn) -> None:
        session = conn.client.session
        with contextlib.suppress(PeerClosed):  # judged below, by what it was entitled to
            session.barrier()
        # Sent around the jump: data among it may predate exp (the mock also publishes on its
        # own), so only the publication at settle, surely after exp, counts as data after it.
        around = session.drain()
        with contextlib.suppress(PeerClosed):
            self.env.target.settle(session)
        expired = conn.token is not None and self._expired(conn.token)
        if expired:
            frames = [*around, *session.pending()]
            others = sorted({describe(f) for f in frames if not protocol.any_data_frame(f)})
            got = ", ".join(others) or "no frame but subscription data"
            state = "was closed" if session.closed else "stayed open"
            self.check.info(
                "PDX-EXP-02", f"at the JWT's exp an authenticated connection got {got}, and {state}"
            )
        for channel in sorted(conn.subs):
            req = self._data_req(conn, channel)
            gone = f" (connection closed, code {session.close_code})" if session.closed else ""
            self.check.true(
                req,
                bool(session.pending(protocol.data_frame(channel))),
                f"data on {channel!r} still arrives after time passed"
                + (" beyond the JWT's exp" if expired else ""),
                expected="subscription data",
                actual="no data" + gone,
            )
        if session.closed:
            self._retire(conn)

    @precondition(lambda self: any(c.authed and c.subs for c in self.conns))
    @rule(pick=PICK)
    def reconnect_with_a_fresh_jwt(self, pick: int) -> None:
        """A client's reconnect: close, connect, auth with a fresh JWT, subscribe again."""
        old = self._pick([c for c in self.conns if c.authed and c.subs], pick)
        channels = sorted(old.subs)
        self._retire(old)
        conn = self._new_conn()
        token = self.pool.valid()
        reply = conn.client.auth(token.value)
        auth_succeeded(self.check, "PDX-AUTH-01", reply, "a fresh JWT authenticates")
        conn.token = token
        self.env.target.settle(conn.client.session)
        replayed = [ch for ch in channels if conn.client.session.pending(protocol.data_frame(ch))]
        self.check.info(
            "PDX-SUB-07",
            "new connection got data without subscribing: "
            + ("yes (subscriptions replayed)" if replayed else "no (subscriptions per connection)"),
        )
        for channel in channels:
            reply = conn.client.subscribe(channel)
            if channel not in replayed:  # replayed: a second subscribe may well be an error
                is_result_response(
                    self.check, "PDX-SUB-06", reply, f"subscribing again to {channel!r}"
                )
                self.check.schema("PDX-SUB-01", reply, "subscribe-result")
            conn.subs.add(channel)
            self._data_follows("PDX-SUB-06", conn, channel, f"data on {channel!r} is back")

    # -- invariants --------------------------------------------------------------------------

    @invariant()
    def no_data_without_entitlement(self) -> None:
        """Private data only on authenticated connections; none after an unsubscribe."""
        for conn in list(self.conns):
            pending = conn.client.session.pending
            if not conn.authed:
                leaked = pending(protocol.data_frame(self.private))
                what = "no private data on a connection not authenticated"
                none_of(self.check, self._refusal_req(), leaked, what, expected="no data")
            for channel in sorted(conn.unsubscribed):
                late = pending(protocol.data_frame(channel))
                what = f"no data on {channel!r} after its unsubscribe"
                if not none_of(self.check, "PDX-SUB-03", late, what, expected="no data"):
                    self._retire(conn)
                    break


@pytest.mark.req(
    "PDX-AUTH-01",
    "PDX-AUTH-02",
    "PDX-AUTH-03",
    "PDX-AUTH-04",
    "PDX-AUTH-05",
    "PDX-AUTH-06",
    "PDX-AUTH-07",
    "PDX-REJ-01",
    "PDX-REJ-02",
    "PDX-REJ-03",
    "PDX-REJ-04",
    "PDX-REJ-05",
    "PDX-REJ-07",
    "PDX-EXP-01",
    "PDX-EXP-02",
    "PDX-SUB-01",
    "PDX-SUB-02",
    "PDX-SUB-03",
    "PDX-SUB-04",
    "PDX-SUB-05",
    "PDX-SUB-06",
    "PDX-SUB-07",
    "PDX-SUB-08",
)
def test_the_auth_lifecycle_follows_the_documented_model(lifecycle_env: LifecycleEnv) -> None:
    pool = TokenPool(lifecycle_env)
    run_lifecycle(lifecycle_env, lambda: ParadexLifecycle(lifecycle_env, pool))
