"""The Zenith authentication lifecycle as a hypothesis state machine (issue 8).

The model, from requirements.toml, zenith-authentication.md, zenith-auth-token-action.txt and
vendor-facts §1.2-1.8:

- each connection is one session (ZEN-AUTH-09); it is authenticated by AuthToken with a valid
  token, raw or Base-64 (ZEN-AUTH-01/06), with the AccessToken a success reply returned
  (ZEN-AUTH-08), or by a Bearer token in the handshake's Authorization header (ZEN-AUTH-04); a
  forged or expired token gets Reject (ZEN-REJ-01/02/04) and, in the header, HTTP 403
  (ZEN-REJ-03);
- a session has the rights of its token: Market and Trading for a valid token over TLS, Market
  only for the limited one. A Sub with Confirm is confirmed where the right is held
  (ZEN-SUB-06); otherwise it gets an Error, and a Sub reply without Confirm if Confirm was asked
  for (ZEN-AUTH-10, ZEN-SUB-10). Data frames carry no Action (ZEN-SUB-08); a client Unsub's
  reply carries no Confirm (ZEN-SUB-07);
- when the token in force expires, data stops (ZEN-EXP-01) and nothing is documented as sent
  (ZEN-EXP-02, INFO); subscriptions are remembered: AuthToken on the same connection succeeds
  (ZEN-EXP-03) and their data resumes unasked (ZEN-SUB-01); AuthToken before expiry extends the
  session (ZEN-EXP-04);
- every re-auth ends exactly the subscriptions that lost their right (ZEN-SUB-05), each with an
  Error, then a server Unsub with Confirm true (ZEN-SUB-02/03/04).

Rules: two clients connect (one with a bad token), connect or reconnect (plain, by header, by
restoring a returned AccessToken), authenticate, re-authenticate with fewer rights, subscribe,
unsubscribe, observe the data, and let a token expire: refreshed before, refreshed after, or not.

Where the documents are silent the model allows either behaviour and records it (INFO): data
before the Sub confirmation (ZEN-SUB-09), the AuthToken reply's Topic (ZEN-AUTH-03), the
connection after Reject (ZEN-REJ-07). So that it never asserts what they do not say, the model
does not Sub or Unsub on an expired session, sends a bad token on a connection of its own, and
does not judge data past an instant where replace-or-extend is undocumented (a re-auth with a
token expiring sooner than the one in force; the returned AccessToken past the original's
expiry). Not modelled (optional): Trading over plain ws://, the Identify subscription.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, TypeVar, cast

import pytest
from hypothesis import note
from hypothesis import strategies as st
from hypothesis.stateful import initialize, precondition, rule

from wsconform import jwt_forge
from wsconform.lifecycle import LifecycleEnv, LifecycleMachine, run_lifecycle
from wsconform.session import (
    Frame,
    HandshakeRejected,
    PeerClosed,
    ProbeSession,
)
from wsconform.tokens import Token
from wsconform.vendors.zenith.client import ZenithClient, is_action, is_data, is_error
from wsconform.vendors.zenith.protocol import (
    SUB,
    UNSUB,
    action_of,
    base64_of,
    bearer_header,
    controller_of,
    result_of,
)

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., None])
LIFETIME = 5  # seconds: short-lived tokens, so that a live run waits little (like test_expiry)
MAX_CONNECTIONS = 3
PICK = st.integers(min_value=0, max_value=5)  # which eligible connection (or pair)
MARKET, TRADING = frozenset({"Market"}), frozenset({"Market", "Trading"})

# AuthToken kinds that must succeed (ZEN-AUTH-01/06) and tokens that must be rejected. Base-64 is
# of a short-lived token, which is as valid as any.
GOOD = ("base64", "short-lived", "valid", "limited")
SHORT_LIVED = ("base64", "short-lived")
# How an example's first connection is authenticated: with a short-lived token in half the
# examples (the first, simplest one included), as expiry is where the lifecycle has the most to
# show.
STARTS = ("base64", "short-lived", "short-lived", "header", "limited", "none")
FORGED: dict[str, Callable[[str], str]] = {
    "garbage": lambda t: "mF_9.B5f-4.1JqM",  # the docs' own placeholder token
    "bad-signature": jwt_forge.bad_signature,
    "alg-none": jwt_forge.alg_none,
    "wrong-key": jwt_forge.wrong_key,
}
BAD = (*FORGED, "expired")
REUSE_MARGIN = 600.0  # seconds: a cached token this close to its expiry is replaced
_TOKENS: dict[tuple[int, str], Token] = {}  # (token source, kind) → the token reused
_FORGED: dict[tuple[str, str], str] = {}  # (valid token, forgery) → the forged token


def at_most(times: int) -> Callable[[F], F]:
    """A rule that runs at most `times` in an example. Hypothesis likes to repeat a rule, and
    an example's dozen steps should reach different parts of the lifecycle."""

    def budgeted(rule_function: F) -> F:
        name = rule_function.__name__

        @functools.wraps(rule_function)
        def counted(self: ZenithLifecycle, *args: Any, **kwargs: Any) -> None:
            self.used[name] += 1
            rule_function(self, *args, **kwargs)

        within_budget = precondition(lambda self: self.used[name] < times)
        return cast(F, within_budget(counted))

    return budgeted


class Status(Enum):
    NONE = "never authenticated"
    ENTITLED = "authenticated"
    EXPIRED = "expired"
    UNSURE = "not documented"  # data may or may not flow: nothing is judged


@dataclass
class Conn:
    """The model of one connection: the authentication in force and its subscriptions."""

    name: str
    client: ZenithClient
    authenticated: bool = False  # some authentication succeeded on it (it may have expired)
    rights: frozenset[str] = frozenset()
    expires_at: float | None = None  # the token in force; None: no expiry known
    unsure_after: float | None = None  # past this instant the docs do not say what holds
    superseded: float | None = None  # an expiry a re-auth moved later (ZEN-EXP-04)
    granted_by: str = ""  # the requirement whose success granted the rights
    via_header: bool = False  # authenticated by the handshake header, no AuthToken since
    subs: dict[str, str] = field(default_factory=dict)  # channel → req its data is owed under

    @property
    def session(self) -> ProbeSession:
        return self.client.session


def describe(frame: Frame) -> str:
    """A stable summary of a frame (for INFO records)."""
    obj = frame.obj
    return f"{controller_of(obj)}/{obj.get('Topic')} {action_of(obj)}"


class ZenithLifecycle(LifecycleMachine):
    """Connections, AuthToken/header authentication, Sub/Unsub, expiry and re-auth, against the
    documented model of what each connection is entitled to."""

    def __init__(self, env: LifecycleEnv) -> None:
        super().__init__(env)
        self.check = env.check
        self.conns: list[Conn] = []
        self.used: Counter[str] = Counter()  # rule → runs in this example (at_most)
        self.names = (f"c{i}" for i in itertools.count(1))
        self.authenticated_names: set[str] = set()  # connections authenticated in this example
        self.returned: list[tuple[str, frozenset[str], float | None]] = []  # AccessTokens
        target = env.target
        self.tls = target.url.startswith("wss:")
        # The private channel needs Trading, which is granted over TLS only (ZEN-AUTH-11).
        self.channels = [target.public_channel] + ([target.private_channel] if self.tls else [])
        # Live, the clock runs during a step: near an expiry either outcome is allowed.
        self.slack = 0.0 if target.embedded else target.observation_window + env.op_timeout

    # -- the model -------------------------------------------------------------------------------

    def now(self) -> float:
        return self.env.target.clock()

    def model_state(self) -> str:
        def one(conn: Conn) -> str:
            return f"{self.status(conn).name.lower()}[{len(conn.subs)} subscriptions]"

        return " ".join(sorted(one(c) for c in self.conns)) or "no connection"

    def status(self, conn: Conn) -> Status:
        if not conn.authenticated:
            return Status.NONE
        now = self.now()
        if conn.unsure_after is not None and now >= conn.unsure_after - self.slack:
            return Status.UNSURE
        if conn.expires_at is None:
            return Status.ENTITLED
        if abs(now - conn.expires_at) <= self.slack:
            return Status.UNSURE
        return Status.ENTITLED if now < conn.expires_at else Status.EXPIRED

    def right_of(self, channel: str) -> str:
        """Appendix A: the private channel needs Zenith/Trading, the public one Zenith/Market
        (which the limited token keeps)."""
        return "Trading" if channel == self.env.target.private_channel else "Market"

    def full_rights(self) -> frozenset[str]:
        return TRADING if self.tls else MARKET

    def token(self, kind: str, arg: float | None = None) -> Token | None:
        """A token of `kind`, or None where the source cannot give it: that step then does
        nothing, rather than SKIP the whole machine. Valid, limited and expired tokens are
        reused across the examples while far from expiry, as a client reuses its token: each
        new one is one more secret the redactor seeks in every frame, and a shrink runs
        hundreds of examples."""
        key = (id(self.env.tokens), kind)
        cached = _TOKENS.get(key)
        if kind == "short-lived" or cached is None or not self.far_from_expiry(cached):
            try:
                cached = _TOKENS[key] = self.env.tokens.get(kind, arg)
            except pytest.skip.Exception:
                return None
        return cached

    def far_from_expiry(self, token: Token) -> bool:
        return token.expires_at is None or token.expires_at > self.now() + REUSE_MARGIN

    def pick(self, choices: list[T], pick: int) -> T:
        return choices[pick % len(choices)]

    def by_interest(self, conns: list[Conn]) -> list[Conn]:
        """Expired connections first, then those with subscriptions: pick 0, where a shrink
        goes, is where a re-auth has the most to show (ZEN-EXP-03, ZEN-SUB-01/02)."""
        return sorted(conns, key=lambda c: (self.status(c) is not Status.EXPIRED, not c.subs))

    def open_conns(self, *wanted: Status) -> list[Conn]:
        return [c for c in self.conns if not wanted or self.status(c) in wanted]

    def sub_pairs(self) -> list[tuple[Conn, str]]:
        """Connections that may Sub (not expired: undocumented) and the channels they lack."""
        return [
            (c, ch)
            for c in self.open_conns(Status.NONE, Status.ENTITLED)
            for ch in self.channels
            if ch not in c.subs
        ]

    def unsub_pairs(self) -> list[tuple[Conn, str]]:
        return [(c, ch) for c in self.open_conns(Status.ENTITLED) for ch in c.subs]

    def short_lived_takers(self) -> list[Conn]:
        """Connections a short-lived token can authenticate without expiring sooner than the
        token in force (replace or extend would then be undocumented)."""
        horizon = self.now() + LIFETIME
        return [
            c
            for c in self.conns
            if self.status(c) in (Status.NONE, Status.EXPIRED)
            or (
                self.status(c) is Status.ENTITLED
                and c.unsure_after is None
                and c.expires_at is not None
                and c.expires_at <= horizon
            )
        ]

    def next_instant(self) -> float | None:
        """The next expiry (or moved expiry) within a short-lived token's lifetime."""
        now = self.now()
        instants = [
            i
            for c in self.conns
            for i in (c.expires_at, c.superseded)
            if i is not None and now < i <= now + LIFETIME + 1
        ]
        return min(instants, default=None)

    def next_expiry(self) -> float | None:
        """The next expiry of an entitled connection within a short-lived token's lifetime."""
        now = self.now()
        instants = [
            c.expires_at
            for c in self.open_conns(Status.ENTITLED)
            if c.expires_at is not None and c.expires_at <= now + LIFETIME + 1
        ]
        return min(instants, default=None)

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
        self.expect_refused_header(bad)
        self.expect_rejected(bad)
        neighbour = self.open_conn("plain")
        if neighbour is not None:  # no Confirm asked: "only an Error action" is due
            self.subscribe_to(neighbour, self.channels[0], confirm=False)
        if first is not None:
            if start in GOOD:
                self.authenticate_with(first, start)
            for channel in self.channels:
                self.subscribe_to(first, channel)
        if neighbour is not None:
            self.subscribe_to(neighbour, self.channels[0])

    @rule(how=st.sampled_from(("restore", "plain", "header")))
    @at_most(2)
    def connect(self, how: str) -> None:
        """A plain connection; one with a valid Bearer header (ZEN-AUTH-04); or one restored
        with an AccessToken a success reply returned (ZEN-AUTH-08; nothing happens while there
        is none). With MAX_CONNECTIONS open, one is closed first: a reconnect."""
        if how == "restore" and not self.restorable():
            return
        if len(self.conns) >= MAX_CONNECTIONS:  # the one with the least to show goes
            closing = self.by_interest(self.conns)[-1]
            closing.session.close()
            self.conns.remove(closing)
        conn = self.open_conn("plain" if how == "restore" else how)
        if conn is not None and how == "restore":
            self.restore(conn)

    def open_conn(self, how: str) -> Conn | None:
        if how == "plain":
            conn = Conn(next(self.names), ZenithClient(self.open()))
        else:
            token = self.token("valid")
            if token is None:
                return None
            session = self.open(headers=[bearer_header(token.value)])
            conn = Conn(next(self.names), ZenithClient(session))
            self.granted(conn, self.full_rights(), token.expires_at, "ZEN-AUTH-04", None)
            conn.via_header = True
        self.conns.append(conn)
        return conn

    def expect_refused_header(self, kind: str) -> None:
        token = self.bad_token(kind)
        if token is None:
            return
        try:
            session = self.open(headers=[bearer_header(token)], refusal_expected=True)
        except HandshakeRejected as exc:
            self.check.equal(
                "ZEN-REJ-03", exc.status, 403, what=f"HTTP status for a {kind} header token"
            )
            return
        session.close()
        self.check.failed(
            "ZEN-REJ-03",
            f"a {kind} header token",
            "HTTP 403 Forbidden",
            f"upgraded (subprotocol {session.subprotocol!r})",
        )

    # -- authentication --------------------------------------------------------------------------

    @precondition(lambda self: self.conns)
    @rule(pick=PICK, kind=st.sampled_from(GOOD))
    @at_most(3)
    def authenticate(self, pick: int, kind: str) -> None:
        """AuthToken with a good token; a short-lived one only where it does not expire
        before the token in force (replace or extend would be undocumented). A connection
        whose token expired is re-authenticated first: its remembered subscriptions are the
        point (ZEN-EXP-03, ZEN-SUB-01)."""
        takers = self.short_lived_takers() if kind in SHORT_LIVED else self.conns
        takers = self.open_conns(Status.EXPIRED) or takers
        if takers:
            self.authenticate_with(self.pick(self.by_interest(takers), pick), kind)

    @precondition(lambda self: self.with_private_subscriptions())
    @rule(pick=PICK)
    @at_most(1)
    def reauthenticate_with_fewer_rights(self, pick: int) -> None:
        """AuthToken with the limited token where a subscription needs the right it lacks:
        that one gets an Error and a server Unsub, the others go on (ZEN-SUB-02..05)."""
        self.authenticate_with(self.pick(self.with_private_subscriptions(), pick), "limited")

    def with_private_subscriptions(self) -> list[Conn]:
        return [
            c
            for c in self.open_conns(Status.ENTITLED)
            if any(self.right_of(ch) not in MARKET for ch in c.subs)
        ]

    def authenticate_with(self, conn: Conn, kind: str, lifetime: float = LIFETIME) -> None:
        if kind in SHORT_LIVED:
            token = self.token("short-lived", lifetime)
        else:
            token = self.token("limited" if kind == "limited" else "valid")
        if token is None:
            return
        value = base64_of(token.value) if kind == "base64" else token.value
        rights = MARKET if kind == "limited" else self.full_rights()
        self.auth_token(conn, kind, value, rights, token.expires_at)

    def restorable(self) -> list[tuple[str, frozenset[str], float | None]]:
        """Returned AccessTokens whose original token has not expired: past that, whether they
        still restore a session is not documented."""
        now = self.now() + self.slack
        return [r for r in self.returned if r[2] is None or now < r[2]]

    def restore(self, conn: Conn) -> None:
        """ZEN-AUTH-08: the reply's AccessToken restores the session on a new connection. Its
        own expiry is not documented: past the original's, nothing is judged."""
        value, rights, original_expiry = self.restorable()[-1]
        self.auth_token(conn, "returned", value, rights, None, unsure_after=original_expiry)

    def expect_rejected(self, kind: str) -> None:
        """Reject (or an Error) for a bad token, on a connection of its own: what is left of a
        connection after Reject is not documented (ZEN-REJ-07, INFO)."""
        token = self.bad_token(kind)
        if token is None:
            return
        client = ZenithClient(self.open())
        req = "ZEN-REJ-04" if kind == "expired" else "ZEN-REJ-01"
        with self.check.scope(req, f"the reply to AuthToken with a {kind} token"):
            reply = client.auth(token)
        result = result_of(reply)
        refused = result in ("Reject", "Rejected") or reply.get("Action") == "Error"
        self.check.true(
            req,
            refused,
            f"AuthToken with a {kind} token is rejected",
            expected='Result "Reject" (or an Error)',
            actual=reply,
        )
        if reply.get("Action") == "Error":
            self.check.schema("ZEN-ENV-02", reply, "error-frame", what="the rejecting Error")
        elif result != "Rejected":  # Motif's spelling is ZEN-REJ-02's (SHOULD), not a MUST
            self.check.schema("ZEN-AUTH-02", reply, "auth-token-reply", what="the Reject reply")
        if result == "Rejected":
            self.check.failed("ZEN-REJ-02", "the rejection's spelling", '"Reject"', '"Rejected"')
        elif result == "Reject":
            self.check.passed("ZEN-REJ-02", 'the rejection is spelled "Reject"')
        with contextlib.suppress(PeerClosed):  # closing after Reject is allowed (ZEN-REJ-07)
            client.session.barrier()
        closed = client.session.closed
        self.check.info(
            "ZEN-REJ-07", f"after Reject the connection is {'closed' if closed else 'open'}"
        )
        client.session.close()

    def bad_token(self, kind: str) -> str | None:
        if kind == "expired":
            token = self.token("expired")
            return None if token is None else token.value
        valid = self.token("valid")
        if valid is None:
            return None
        key = (valid.value, kind)  # forged once per valid token: wrong-key makes a new key
        if key not in _FORGED:
            _FORGED[key] = FORGED[kind](valid.value)
        return _FORGED[key]

    def auth_token(
        self,
        conn: Conn,
        kind: str,
        value: str,
        rights: frozenset[str],
        expires_at: float | None,
        unsure_after: float | None = None,
    ) -> None:
        """AuthToken that must succeed, then what the re-auth does to the subscriptions."""
        before = self.status(conn)
        was_expired = before is Status.EXPIRED
        paths = {"base64": "ZEN-AUTH-06", "returned": "ZEN-AUTH-08"}
        req = "ZEN-EXP-03" if was_expired else paths.get(kind, "ZEN-AUTH-01")
        with self.check.scope(req, f"the reply to AuthToken with a {kind} token"):
            reply = conn.client.auth(value)
        result = result_of(reply)
        if not isinstance(result, str):  # "Result ... Always": whichever way one authenticates
            self.check.true(
                "ZEN-AUTH-01", False, "the AuthToken reply's Result", expected="one", actual=reply
            )
        self.check.equal(req, result, "Success", what=f"AuthToken with a {kind} token")
        self.check.schema("ZEN-AUTH-02", reply, "auth-token-reply", what="the AuthToken reply")
        self.check.info("ZEN-AUTH-03", f"the AuthToken reply's Topic is {reply.get('Topic')!r}")
        returned = (reply.get("Data") or {}).get("AccessToken")
        if isinstance(returned, str) and kind != "returned":
            self.returned.append((returned, rights, expires_at))

        lost = [ch for ch in conn.subs if self.right_of(ch) not in rights]
        kept = [ch for ch in conn.subs if ch not in lost]
        self.granted(conn, rights, expires_at, req, unsure_after, before)
        conn.via_header = False
        for ch in lost:
            self.expect_ended(conn, ch)
        # Only the subscriptions that lost their right end; after expiry all are remembered.
        keeping = "ZEN-SUB-01" if was_expired else "ZEN-SUB-05"
        if kept:
            conn.session.barrier()
            touched = conn.session.pending(
                lambda f: any(is_error(ch)(f) or is_action(ch, UNSUB)(f) for ch in kept)
            )
            self.check.true(
                keeping,
                not touched,
                "a subscription that keeps its right gets no Error and no Unsub on re-auth",
                expected="nothing",
                actual=touched[0].data if touched else None,
            )
        for ch in kept:
            if was_expired:
                conn.subs[ch] = "ZEN-SUB-01"  # remembered: its data resumes unasked
            elif lost:
                conn.subs[ch] = "ZEN-SUB-05"  # fewer rights: its data continues
        self.observe_data(conn)

    def granted(
        self,
        conn: Conn,
        rights: frozenset[str],
        expires_at: float | None,
        req: str,
        unsure_after: float | None,
        before: Status = Status.NONE,
    ) -> None:
        """The model of a successful authentication."""
        in_force = before in (Status.ENTITLED, Status.UNSURE)
        old = conn.expires_at if before is Status.ENTITLED and conn.unsure_after is None else None
        conn.superseded = None
        if in_force and expires_at is not None and (old is None or expires_at < old):
            # Sooner than (or maybe sooner than) the authority in force: whether the re-auth
            # replaces it or keeps the later expiry is not documented.
            unsure_after, expires_at = expires_at, None
        elif old is not None and (expires_at is None or expires_at > old):
            conn.superseded = old  # ZEN-EXP-04: the session lasts past `old`
        conn.authenticated, conn.rights, conn.granted_by = True, rights, req
        conn.expires_at, conn.unsure_after = expires_at, unsure_after
        self.authenticated_names.add(conn.name)

    def expect_ended(self, conn: Conn, channel: str) -> None:
        """ZEN-SUB-02/03/04: an Error, then a server Unsub with Confirm true, for a subscription
        the new authentication has no right to."""
        session = conn.session
        what = f"an Error and a server Unsub for {channel!r}"
        with self.check.scope("ZEN-SUB-02", what):
            error = self.expect_settled(session, is_error(channel), f"Error for {channel!r}")
            unsub = self.expect_settled(
                session, is_action(channel, UNSUB), f"server Unsub ({channel!r})"
            )
        self.check.passed("ZEN-SUB-02", what)
        self.check.schema("ZEN-ENV-02", error.obj, "error-frame", what="the Error of a lost Sub")
        self.check.true(
            "ZEN-SUB-03",
            error.index < unsub.index,
            "the Error comes before the server Unsub",
            expected="Error, then Unsub",
            actual=[action_of(f.obj) for f in sorted((error, unsub), key=lambda f: f.index)],
        )
        self.check.schema("ZEN-SUB-04", unsub.obj, "server-unsub", what="the server Unsub")
        session.barrier()
        session.take(is_data(channel))  # sent before the Unsub
        del conn.subs[channel]

    # -- subscriptions ---------------------------------------------------------------------------

    @precondition(lambda self: self.sub_pairs())
    @rule(pick=PICK)
    @at_most(2)
    def subscribe(self, pick: int) -> None:
        self.subscribe_to(*self.pick(self.sub_pairs(), pick))

    def subscribe_to(self, conn: Conn, channel: str, confirm: bool = True) -> None:
        status = self.status(conn)
        if status is Status.UNSURE:  # live, at the edge of an expiry: either answer may come
            note(f"{conn.name}: no Sub of {channel!r} this close to its token's expiry")
            return
        conn.session.take(is_data(channel))  # left over from an earlier subscription
        if status is Status.ENTITLED and self.right_of(channel) in conn.rights:
            self.expect_confirmed(conn, channel)
        else:
            others = self.authenticated_names - {conn.name}
            req = "ZEN-AUTH-09" if not conn.authenticated and others else "ZEN-AUTH-10"
            self.expect_refused(req, conn, channel, confirm)

    def expect_confirmed(self, conn: Conn, channel: str) -> None:
        session = conn.session
        conn.client.sub(channel)
        confirmed, error = is_action(channel, SUB, confirm=True), is_error(channel)
        with self.check.scope("ZEN-SUB-06", f"Sub {channel!r} is answered"):
            answer = self.expect_settled(
                session,
                lambda f: confirmed(f) or error(f),
                f"Sub confirmation or Error for {channel!r}",
            )
        # An Error to a header-authenticated session's Sub: the header did not authenticate.
        refused = action_of(answer.obj) == "Error"
        req = "ZEN-AUTH-04" if conn.via_header and refused else "ZEN-SUB-06"
        self.check.schema(req, answer.obj, "sub-confirm", what=f"Sub {channel!r} is confirmed")
        early = [f for f in session.pending(is_data(channel)) if f.index < answer.index]
        self.check.info(
            "ZEN-SUB-09",
            f"data {'did' if early else 'did not'} arrive before the Sub confirmation",
        )
        conn.subs[channel] = conn.granted_by
        self.observe_data(conn)

    def expect_refused(self, req: str, conn: Conn, channel: str, confirm: bool) -> None:
        """An Error with an Appendix D code, the Sub reply with Confirm omitted if Confirm was
        asked for (ZEN-SUB-10), and no data."""
        what = f"a Sub of {channel!r} without the right ({self.status(conn).value})"
        conn.client.sub(channel, confirm)
        confirmed, error = is_action(channel, SUB, confirm=True), is_error(channel)
        with self.check.scope(req, f"{what} is answered"):
            answer = self.expect_settled(
                conn.session, lambda f: confirmed(f) or error(f), f"Error for {channel!r}"
            ).obj
        self.check.equal(req, answer.get("Action"), "Error", what=f"{what} gets an Error")
        self.check.schema("ZEN-ENV-02", answer, "error-frame", what="the refusal's Error")
        if confirm:  # it must come, in no documented order with the Error or a later pong
            with self.check.scope("ZEN-SUB-10", "a refused Sub with Confirm gets a Sub reply"):
                reply = self.expect_settled(
                    conn.session,
                    is_action(channel, SUB),
                    f"the Sub reply to the refused {channel!r}",
                )
            self.check.schema(
                "ZEN-SUB-10", reply.obj, "sub-failed-confirm", what="its Confirm is omitted"
            )
        else:
            conn.session.barrier()
            conn.session.take(is_action(channel, SUB))
        self.env.expect_no_data(req, conn.client, channel, f"{what}: no data")

    @precondition(lambda self: self.unsub_pairs())
    @rule(pick=PICK)
    @at_most(1)
    def unsubscribe(self, pick: int) -> None:
        conn, channel = self.pick(self.unsub_pairs(), pick)
        conn.client.unsub(channel)
        with self.check.scope("ZEN-SUB-07", f"the Unsub of {channel!r} is answered"):
            reply = self.expect_settled(
                conn.session, is_action(channel, UNSUB), f"Unsub reply ({channel!r})"
            )
        self.check.schema("ZEN-SUB-07", reply.obj, "unsub-reply", what="the client Unsub's reply")
        conn.session.barrier()
        conn.session.take(is_data(channel))  # "data may keep arriving briefly" after an Unsub
        del conn.subs[channel]

    @rule(pick=PICK)
    def observe(self, pick: int) -> None:
        """Data on every subscription while entitled, none once expired: at any time, and
        always possible (once the other rules' budgets are spent)."""
        if self.conns:
            self.observe_data(self.pick(self.conns, pick))

    def observe_data(self, conn: Conn) -> None:
        """Data on every subscription while entitled, none once expired."""
        status = self.status(conn)
        if not conn.subs or status is Status.UNSURE:
            return
        session = conn.session
        self.env.target.settle(session)
        for channel, owed in conn.subs.items():
            if status is Status.EXPIRED:
                leaked = session.take(is_data(channel))
                self.check.true(
                    "ZEN-EXP-01",
                    not leaked,
                    f"no data on {channel!r} after the access token expired",
                    expected="no data",
                    actual=leaked[0].data if leaked else None,
                )
                continue
            # Past an expiry that a re-auth moved, the data is owed to the extension.
            extended = conn.superseded is not None and self.now() > conn.superseded
            req = "ZEN-EXP-04" if extended else owed
            what = f"data on {channel!r} while entitled"
            with self.check.scope(req, what):
                frame = self.expect_settled(session, is_data(channel), f"data on {channel!r}")
            self.check.passed(req, what)
            self.check.schema(
                "ZEN-SUB-08", frame.obj, "data-frame", what="a data frame: no Action, no TID"
            )
            session.take(is_data(channel))

    # -- time --------------------------------------------------------------------------------------

    @precondition(lambda self: self.next_instant() is not None)
    @rule()
    @at_most(1)
    def a_token_expires(self) -> None:
        """The next expiry (or moved expiry) passes, and the client does nothing."""
        instant = self.next_instant()
        assert instant is not None
        self.pass_time(instant)

    @precondition(lambda self: self.next_expiry() is not None)
    @rule(kind=st.sampled_from(("short-lived", "valid", "limited")))
    @at_most(2)
    def a_token_expires_and_is_refreshed_late(self, kind: str) -> None:
        """The next expiry passes; then the client "pass[es] it on to Zenith by calling the
        AuthToken action" on each expired connection (ZEN-EXP-03, ZEN-SUB-01)."""
        instant = self.next_expiry()
        assert instant is not None
        self.pass_time(instant)
        for conn in self.open_conns(Status.EXPIRED):
            self.authenticate_with(conn, kind)

    # Named to sort first: hypothesis's first, simplest example runs it (a client that refreshes
    # its token on time), and a shrink moves towards it.
    @precondition(lambda self: self.next_expiry() is not None)
    @rule()
    @at_most(2)
    def a_refresh_before_the_token_expires(self) -> None:
        """The client "should reauthenticate ... before the expiry date arrives": with a token
        that outlives it (twice as long, so that it too expires in the example), the session
        lasts past it (ZEN-EXP-04)."""
        instant = self.next_expiry()
        assert instant is not None
        for conn in self.open_conns(Status.ENTITLED):
            if conn.expires_at == instant:
                self.authenticate_with(conn, "short-lived", lifetime=2 * LIFETIME)
        self.pass_time(instant)

    def pass_time(self, instant: float) -> None:
        """Past `instant`: data stops where the token expired (ZEN-EXP-01), nothing else is
        documented (ZEN-EXP-02, INFO), and data goes on elsewhere."""
        for conn in self.conns:
            conn.session.barrier()
            conn.session.drain()  # data so far was owed; it is not what is judged here
        self.let_time_pass(instant)
        for conn in list(self.conns):
            try:
                conn.session.barrier()
            except PeerClosed:
                self.check.info("ZEN-EXP-02", "after expiry: the connection was closed")
                self.conns.remove(conn)
                continue
            # What came before this barrier may have been sent before the jump: not judged.
            arrived = conn.session.drain()
            if self.status(conn) is Status.EXPIRED:
                subscribed = [is_data(ch) for ch in conn.subs]
                others = [describe(f) for f in arrived if not any(match(f) for match in subscribed)]
                self.check.info(
                    "ZEN-EXP-02",
                    f"after expiry: other frames {sorted(set(others)) or 'none'}, connection open",
                )
            self.observe_data(conn)


@pytest.mark.req(
    "ZEN-AUTH-01",
    "ZEN-AUTH-02",
    "ZEN-AUTH-03",
    "ZEN-AUTH-04",
    "ZEN-AUTH-06",
    "ZEN-AUTH-08",
    "ZEN-AUTH-09",
    "ZEN-AUTH-10",
    "ZEN-REJ-01",
    "ZEN-REJ-02",
    "ZEN-REJ-03",
    "ZEN-REJ-04",
    "ZEN-REJ-07",
    "ZEN-EXP-01",
    "ZEN-EXP-02",
    "ZEN-EXP-03",
    "ZEN-EXP-04",
    "ZEN-SUB-01",
    "ZEN-SUB-02",
    "ZEN-SUB-03",
    "ZEN-SUB-04",
    "ZEN-SUB-05",
    "ZEN-SUB-06",
    "ZEN-SUB-07",
    "ZEN-SUB-08",
    "ZEN-SUB-09",
    "ZEN-SUB-10",
    "ZEN-ENV-02",
)
def test_the_auth_lifecycle_follows_the_documented_model(lifecycle_env: LifecycleEnv) -> None:
    run_lifecycle(lifecycle_env, lambda: ZenithLifecycle(lifecycle_env))
