"""The model of the Paradex authentication lifecycle: what the documents entitle each connection
to (requirements.toml, its documents, docs/facts/paradex.md §Subscriptions, §Expired JWT), and
which requirement a reply or a frame is judged by in each state.

Pure: no I/O. It takes the target's time (`now`, seconds on the target's clock) and tokens as
arguments; suites/paradex/test_lifecycle.py acts on the target and moves this model.

Not modelled: re-authenticating an authenticated connection (undocumented, and no INFO
requirement covers it), a handshake-header path and a limited token (neither documented).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING

from wsconform.jwt_forge import FORGED
from wsconform.lifecycle_kit import surely_expired, surely_fresh
from wsconform.vendors.paradex import protocol

if TYPE_CHECKING:
    from collections.abc import Iterable

    from wsconform.session import Frame
    from wsconform.tokens import Token

SKEW = 1.0  # seconds either side of exp where either outcome of an auth is allowed
MAX_CONNECTIONS = 2  # enough for isolation (PDX-AUTH-07); each costs every example
JUDGED = (  # every requirement the model judges a target by, or records (INFO)
    "PDX-AUTH-01", "PDX-AUTH-02", "PDX-AUTH-03", "PDX-AUTH-04", "PDX-AUTH-05", "PDX-AUTH-06",
    "PDX-AUTH-07", "PDX-REJ-01", "PDX-REJ-02", "PDX-REJ-03", "PDX-REJ-04", "PDX-REJ-05",
    "PDX-REJ-07", "PDX-EXP-01", "PDX-EXP-02", "PDX-SUB-01", "PDX-SUB-02", "PDX-SUB-03",
    "PDX-SUB-04", "PDX-SUB-05", "PDX-SUB-06", "PDX-SUB-07", "PDX-SUB-08",
)  # fmt: skip

# Bearers the server must refuse: malformed ones with 40110 (PDX-REJ-01), forged JWTs (the kit's
# FORGED) with 40111 (PDX-REJ-02).
MALFORMED = {"malformed": "not-a-jwt", "two-segments": "eyJhbGciOiJFUzI1NiJ9.e30"}
# Real JWTs are judged by the clock. Good ones: mostly short-lived, so that an authenticated
# connection's JWT often expires in an example. Stale ones: an expired JWT, and "reused", the
# example's latest short-lived JWT sent again (refused once past its exp).
GOOD_KINDS = ("short-lived", "short-lived", "valid")
STALE_KINDS = ("expired", "reused")


@dataclass(frozen=True)
class Refusal:
    """A bearer the documents say is refused: the requirement, the code, and what it is."""

    req: str
    code: int
    what: str


def bearer_refusal(kind: str) -> Refusal | None:
    """The refusal a malformed bearer or a forged JWT of `kind` gets; None for a real JWT (judged
    by its exp: `auth_outcome`)."""
    if kind in MALFORMED:
        return Refusal("PDX-REJ-01", protocol.MALFORMED_BEARER, f"a malformed bearer ({kind})")
    if kind in FORGED:
        return Refusal("PDX-REJ-02", protocol.INVALID_BEARER, f"a forged JWT ({kind})")
    return None


class Status(Enum):
    """A connection's authentication, as the model sees it at a time."""

    ANONYMOUS = "anonymous"  # never authenticated
    AUTHED = "authed"  # authenticated, its JWT not surely past exp
    EXPIRED = "expired"  # authenticated, its JWT surely past exp: still authenticated (PDX-EXP-01)


class AuthOutcome(Enum):
    """What an `auth` with a real JWT may get, by the JWT's exp on the target's clock."""

    ACCEPTED = "accepted"  # surely before exp (PDX-AUTH-01/02)
    REFUSED = "refused"  # surely past exp: 40111 (PDX-REJ-03)
    EITHER = "either"  # within SKEW of exp: a refusal is allowed, and it is the expired one's


def auth_outcome(token: Token, now: float) -> AuthOutcome:
    if surely_expired(token, now, SKEW):
        return AuthOutcome.REFUSED
    if surely_fresh(token, now, SKEW):
        return AuthOutcome.ACCEPTED
    return AuthOutcome.EITHER


def expect_auth(kind: str, token: Token | None, now: float) -> tuple[Refusal | None, bool]:
    """What an `auth` with a bearer of `kind` (`token`, for a real JWT) may get at `now`: the
    refusal it is judged by (None: it must succeed), and whether a success is allowed."""
    refusal = bearer_refusal(kind)
    if refusal is not None:
        return refusal, False
    assert token is not None  # a real JWT is judged by its exp
    outcome = auth_outcome(token, now)
    if outcome is AuthOutcome.ACCEPTED:
        return None, True
    at = "past" if outcome is AuthOutcome.REFUSED else "at"
    refusal = Refusal("PDX-REJ-03", protocol.INVALID_BEARER, f"a JWT {at} its exp ({kind})")
    return refusal, outcome is AuthOutcome.EITHER


class Subscribe(Enum):
    """What a subscribe gets (PDX-SUB-04, PDX-AUTH-03..07, PDX-SUB-01)."""

    DUPLICATE = "duplicate"  # already subscribed: an error (PDX-SUB-04)
    REFUSED = "refused"  # private, not authenticated: an error and no data
    SERVED = "served"  # a result naming the channel, then data


@dataclass(eq=False)  # one per connection, told apart by identity
class Connection:
    """The model of one connection: the JWT that authenticated it and its subscriptions."""

    token: Token | None = None
    subs: set[str] = field(default_factory=set)
    unsubscribed: set[str] = field(default_factory=set)  # no data may arrive on these any more

    @property
    def authed(self) -> bool:
        return self.token is not None

    def status(self, now: float) -> Status:
        if self.token is None:
            return Status.ANONYMOUS
        return Status.EXPIRED if self.expired(now) else Status.AUTHED

    def expired(self, now: float) -> bool:
        """Authenticated, and its JWT surely past exp on the target's clock."""
        return self.token is not None and surely_expired(self.token, now, SKEW)


@dataclass
class Model:
    """The connections of one example (at most MAX_CONNECTIONS) and its short-lived JWTs."""

    public: str
    private: str
    conns: list[Connection] = field(default_factory=list)
    # The short-lived JWTs used in this example, to reuse and let expire.
    short_lived: list[Token] = field(default_factory=list)

    def channel(self, private: bool) -> str:
        return self.private if private else self.public

    # -- moves ---------------------------------------------------------------------------------

    def open(self) -> Connection:
        conn = Connection()
        self.conns.append(conn)
        return conn

    def retire(self, conn: Connection) -> None:
        """Forget a connection (closed, or past a missed SHOULD: what the server holds is
        unknown)."""
        self.conns.remove(conn)

    def used_short_lived(self, token: Token) -> Token:
        if token not in self.short_lived:
            self.short_lived.append(token)
        return token

    def reused(self) -> Token | None:
        """The example's latest short-lived JWT, to send again (refused once past its exp)."""
        return self.short_lived[-1] if self.short_lived else None

    @staticmethod
    def authenticated(conn: Connection, token: Token) -> None:
        conn.token = token

    @staticmethod
    def subscribed(conn: Connection, channel: str) -> None:
        conn.subs.add(channel)
        conn.unsubscribed.discard(channel)

    @staticmethod
    def unsubscribed(conn: Connection, channel: str) -> None:
        conn.subs.discard(channel)
        conn.unsubscribed.add(channel)

    # -- what the documents entitle to ---------------------------------------------------------

    def anonymous(self) -> list[Connection]:
        return [c for c in self.conns if not c.authed]

    def reconnectable(self) -> list[Connection]:
        """Authenticated connections with subscriptions: a client's reconnect renews them."""
        return [c for c in self.conns if c.authed and c.subs]

    def subscribe(self, conn: Connection, channel: str) -> Subscribe:
        if channel in conn.subs:
            return Subscribe.DUPLICATE
        if channel == self.private and not conn.authed:
            return Subscribe.REFUSED
        return Subscribe.SERVED

    def data_req(self, conn: Connection, channel: str, now: float) -> str:
        """The requirement that entitles `conn` to data on `channel`."""
        if channel != self.private:
            return "PDX-SUB-01" if conn.authed else "PDX-AUTH-04"
        assert conn.token is not None
        return "PDX-EXP-01" if conn.expired(now) else "PDX-AUTH-05"

    def refusal_req(self) -> str:
        """A private channel refused: PDX-AUTH-07 when another connection is authenticated."""
        return "PDX-AUTH-07" if any(c.authed for c in self.conns) else "PDX-AUTH-03"

    def expiry_ahead(self, now: float) -> float | None:
        """The instant past which every short-lived JWT of the example is surely expired; None
        when all already are."""
        if all(surely_expired(t, now, SKEW) for t in self.short_lived):
            return None
        return max(t.expires_at or 0.0 for t in self.short_lived) + SKEW

    def state(self, now: float) -> str:
        """The model's state in a few words (the exploration's coverage)."""

        def one(conn: Connection) -> str:
            subs = "+".join(
                "private" if ch == self.private else "public" for ch in sorted(conn.subs)
            )
            return f"{conn.status(now).value}[{subs}]"

        return " ".join(sorted(one(c) for c in self.conns)) or "no connection"


# -- INFO records ------------------------------------------------------------------------------


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


def at_exp(frames: Iterable[Frame], closed: bool) -> str:
    """What an authenticated connection got at its JWT's exp besides subscription data
    (PDX-EXP-02), and whether it was closed."""
    others = {describe(f) for f in frames if not protocol.any_data_frame(f)}
    got = ", ".join(sorted(others)) or "no frame but subscription data"
    state = "was closed" if closed else "stayed open"
    return f"at the JWT's exp an authenticated connection got {got}, and {state}"
