"""What Zenith's documents entitle each connection to, as a pure model: the lifecycle machine
(suites/zenith/test_lifecycle.py) acts on the target, moves this model, and holds the target to it.
No I/O: times (`now`, on the target's clock) and token expiries are arguments.

From requirements.toml and its documents (AUTH, AUTHTOKEN, EXCHANGING and the rest) and
docs/facts/zenith.md (§Message container to §Expiry):

- each connection is one session (ZEN-AUTH-09); it is authenticated by AuthToken with a valid
  token, raw or Base-64 (ZEN-AUTH-01/06), with the AccessToken a success reply returned
  (ZEN-AUTH-08), or by a Bearer token in the handshake's Authorization header (ZEN-AUTH-04);
- a session has the rights of its token: Market and Trading for a valid token over TLS, Market
  only for the limited one (`rights_of`, `right_of`). A Sub is confirmed where the right is held
  (ZEN-SUB-06), else refused (`refusal_req`);
- when the token in force expires, data stops (ZEN-EXP-01); subscriptions are remembered: their
  data resumes unasked after AuthToken on the same connection (ZEN-EXP-03, ZEN-SUB-01); AuthToken
  before expiry extends the session (ZEN-EXP-04: `superseded`, `data_req`);
- every re-auth ends exactly the subscriptions that lost their right (ZEN-SUB-05, `Reauth`).

Where the documents are silent nothing is judged (Status.UNSURE): past a re-auth with a token
expiring sooner than the one in force (replace or extend is undocumented), past the original
token's expiry for a session restored with a returned AccessToken, and live within `slack` of an
expiry.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import Enum

from wsconform.jwt_forge import FORGED
from wsconform.vendors.zenith.protocol import (
    UNSUB,
    Message,
    MessagePredicate,
    action_of,
    controller_of,
    is_action,
    is_data,
    is_error,
)

MARKET, TRADING = frozenset({"Market"}), frozenset({"Market", "Trading"})
# AuthToken kinds whose token is a short-lived one: Base-64 is of a short-lived token, which is
# as valid as any.
SHORT_LIVED = ("base64", "short-lived")
# The requirement an AuthToken's success is owed under, by the path it took (else ZEN-AUTH-01).
AUTH_PATHS = {"base64": "ZEN-AUTH-06", "returned": "ZEN-AUTH-08"}

MAX_CONNECTIONS = 3
GOOD = ("base64", "short-lived", "valid", "limited")  # AuthToken kinds that must succeed
# How an example's first connection is authenticated: with a short-lived token in half the
# examples (the first, simplest one included), as expiry is where the lifecycle has the most to
# show.
STARTS = ("base64", "short-lived", "short-lived", "header", "limited", "none")
GARBAGE = "mF_9.B5f-4.1JqM"  # the docs' own placeholder token, tried beside the kit's forgeries
BAD = ("garbage", *FORGED, "expired")  # tokens that must be rejected
# The requirements the lifecycle machine judges or records.
JUDGED = (
    "ZEN-AUTH-01", "ZEN-AUTH-02", "ZEN-AUTH-03", "ZEN-AUTH-04", "ZEN-AUTH-06", "ZEN-AUTH-08",
    "ZEN-AUTH-09", "ZEN-AUTH-10",
    "ZEN-REJ-01", "ZEN-REJ-02", "ZEN-REJ-03", "ZEN-REJ-04", "ZEN-REJ-07",
    "ZEN-EXP-01", "ZEN-EXP-02", "ZEN-EXP-03", "ZEN-EXP-04",
    "ZEN-SUB-01", "ZEN-SUB-02", "ZEN-SUB-03", "ZEN-SUB-04", "ZEN-SUB-05", "ZEN-SUB-06",
    "ZEN-SUB-07", "ZEN-SUB-08", "ZEN-SUB-09", "ZEN-SUB-10",
    "ZEN-ENV-02",
)  # fmt: skip


class Status(Enum):
    NONE = "never authenticated"
    ENTITLED = "authenticated"
    EXPIRED = "expired"
    UNSURE = "not documented"  # data may or may not flow: nothing is judged


@dataclass
class Conn:
    """The model of one connection: the authentication in force and its subscriptions."""

    name: str
    authenticated: bool = False  # some authentication succeeded on it (it may have expired)
    rights: frozenset[str] = frozenset()
    expires_at: float | None = None  # the token in force; None: no expiry known
    unsure_after: float | None = None  # past this instant the docs do not say what holds
    superseded: float | None = None  # an expiry a re-auth moved later (ZEN-EXP-04)
    granted_by: str = ""  # the requirement whose success granted the rights
    via_header: bool = False  # authenticated by the handshake header, no AuthToken since
    subs: dict[str, str] = field(default_factory=dict)  # channel → req its data is owed under


@dataclass(frozen=True)
class Returned:
    """An AccessToken a success reply returned, with the rights and expiry of the original."""

    value: str
    rights: frozenset[str]
    original_expiry: float | None


@dataclass(frozen=True)
class Reauth:
    """What a successful AuthToken does to a connection's subscriptions (ZEN-SUB-01/02/05)."""

    lost: list[str]  # subscriptions without the right now: an Error, then a server Unsub each
    kept: list[str]  # the others: no Error, no Unsub, under `keeping`
    keeping: str


def describe(frame: Message) -> str:
    """A stable summary of a frame (for INFO records)."""
    return f"{controller_of(frame)}/{frame.get('Topic')} {action_of(frame)}"


def ends_any(channels: list[str]) -> MessagePredicate:
    """An Error or a server Unsub on one of `channels`: what a re-auth must not send a
    subscription that keeps its right (ZEN-SUB-05)."""
    return lambda f: any(is_error(ch)(f) or is_action(ch, UNSUB)(f) for ch in channels)


def rejection_req(kind: str) -> str:
    """The requirement AuthToken with a bad token of `kind` is refused under."""
    return "ZEN-REJ-04" if kind == "expired" else "ZEN-REJ-01"


def token_kind(kind: str) -> str:
    """The kind of token an AuthToken of `kind` sends (Base-64 is of a short-lived one)."""
    return "short-lived" if kind in SHORT_LIVED else "limited" if kind == "limited" else "valid"


@dataclass
class Model:
    """The connections of one example and what each is entitled to.

    `slack`: live, the clock runs during a step, so within `slack` of an expiry either outcome
    is allowed (0 on the embedded mock). `lifetime`: a short-lived token's, the horizon within
    which an expiry is worth waiting for."""

    public_channel: str
    private_channel: str
    tls: bool
    lifetime: float
    slack: float = 0.0
    conns: list[Conn] = field(default_factory=list)
    authenticated_names: set[str] = field(default_factory=set)  # authenticated in this example
    returned: list[Returned] = field(default_factory=list)  # AccessTokens success replies gave
    names: Iterator[str] = field(default_factory=lambda: (f"c{i}" for i in itertools.count(1)))

    # -- rights ----------------------------------------------------------------------------------

    @property
    def channels(self) -> list[str]:
        """The private channel needs Trading, which is granted over TLS only (ZEN-AUTH-11)."""
        return [self.public_channel] + ([self.private_channel] if self.tls else [])

    def right_of(self, channel: str) -> str:
        """Appendix A: the private channel needs Zenith/Trading, the public one Zenith/Market
        (which the limited token keeps)."""
        return "Trading" if channel == self.private_channel else "Market"

    def full_rights(self) -> frozenset[str]:
        return TRADING if self.tls else MARKET

    def rights_of(self, kind: str) -> frozenset[str]:
        """The rights an AuthToken of `kind` grants: Market only for the limited token."""
        return MARKET if kind == "limited" else self.full_rights()

    # -- status ----------------------------------------------------------------------------------

    def status(self, conn: Conn, now: float) -> Status:
        if not conn.authenticated:
            return Status.NONE
        if conn.unsure_after is not None and now >= conn.unsure_after - self.slack:
            return Status.UNSURE
        if conn.expires_at is None:
            return Status.ENTITLED
        if abs(now - conn.expires_at) <= self.slack:
            return Status.UNSURE
        return Status.ENTITLED if now < conn.expires_at else Status.EXPIRED

    def model_state(self, now: float) -> str:
        def one(conn: Conn) -> str:
            return f"{self.status(conn, now).name.lower()}[{len(conn.subs)} subscriptions]"

        return " ".join(sorted(one(c) for c in self.conns)) or "no connection"

    def open_conns(self, now: float, *wanted: Status) -> list[Conn]:
        return [c for c in self.conns if not wanted or self.status(c, now) in wanted]

    def by_interest(self, conns: list[Conn], now: float) -> list[Conn]:
        """Expired connections first, then those with subscriptions: pick 0, where a shrink
        goes, is where a re-auth has the most to show (ZEN-EXP-03, ZEN-SUB-01/02)."""
        return sorted(conns, key=lambda c: (self.status(c, now) is not Status.EXPIRED, not c.subs))

    # -- what may be done ------------------------------------------------------------------------

    def sub_pairs(self, now: float) -> list[tuple[Conn, str]]:
        """Connections that may Sub (not expired: undocumented) and the channels they lack."""
        return [
            (c, ch)
            for c in self.open_conns(now, Status.NONE, Status.ENTITLED)
            for ch in self.channels
            if ch not in c.subs
        ]

    def unsub_pairs(self, now: float) -> list[tuple[Conn, str]]:
        return [(c, ch) for c in self.open_conns(now, Status.ENTITLED) for ch in c.subs]

    def with_private_subscriptions(self, now: float) -> list[Conn]:
        return [
            c
            for c in self.open_conns(now, Status.ENTITLED)
            if any(self.right_of(ch) not in MARKET for ch in c.subs)
        ]

    def takers(self, kind: str, now: float) -> list[Conn]:
        """Connections an AuthToken of `kind` may go to: a short-lived token only where it does
        not expire sooner than the token in force (replace or extend would then be
        undocumented). Expired connections come first: their remembered subscriptions are the
        point (ZEN-EXP-03, ZEN-SUB-01)."""
        takers = self.short_lived_takers(now) if kind in SHORT_LIVED else self.conns
        return self.by_interest(self.open_conns(now, Status.EXPIRED) or takers, now)

    def short_lived_takers(self, now: float) -> list[Conn]:
        horizon = now + self.lifetime
        return [
            c
            for c in self.conns
            if self.status(c, now) in (Status.NONE, Status.EXPIRED)
            or (
                self.status(c, now) is Status.ENTITLED
                and c.unsure_after is None
                and c.expires_at is not None
                and c.expires_at <= horizon
            )
        ]

    def restorable(self, now: float) -> list[Returned]:
        """Returned AccessTokens whose original token has not expired: past that, whether they
        still restore a session is not documented."""
        now += self.slack
        return [r for r in self.returned if r.original_expiry is None or now < r.original_expiry]

    # -- time ------------------------------------------------------------------------------------

    def next_instant(self, now: float) -> float | None:
        """The next expiry (or moved expiry) within a short-lived token's lifetime."""
        instants = [
            i
            for c in self.conns
            for i in (c.expires_at, c.superseded)
            if i is not None and now < i <= now + self.lifetime + 1
        ]
        return min(instants, default=None)

    def next_expiry(self, now: float) -> float | None:
        """The next expiry of an entitled connection within a short-lived token's lifetime."""
        instants = [
            c.expires_at
            for c in self.open_conns(now, Status.ENTITLED)
            if c.expires_at is not None and c.expires_at <= now + self.lifetime + 1
        ]
        return min(instants, default=None)

    # -- what is owed ----------------------------------------------------------------------------

    def refusal_req(self, conn: Conn) -> str:
        """A Sub without the right: on a connection never authenticated while another is, the
        refusal shows that a session is its connection's alone (ZEN-AUTH-09)."""
        others = self.authenticated_names - {conn.name}
        return "ZEN-AUTH-09" if not conn.authenticated and others else "ZEN-AUTH-10"

    def may_sub(self, conn: Conn, channel: str, status: Status) -> bool:
        """Is a Sub of `channel` to be confirmed (ZEN-SUB-06), or refused."""
        return status is Status.ENTITLED and self.right_of(channel) in conn.rights

    def confirmation_req(self, conn: Conn, refused: bool) -> str:
        """An Error to a header-authenticated session's Sub: the header did not authenticate."""
        return "ZEN-AUTH-04" if conn.via_header and refused else "ZEN-SUB-06"

    def data_req(self, conn: Conn, channel: str, now: float) -> str:
        """The requirement data on a subscribed channel is owed under, while entitled: past an
        expiry that a re-auth moved, the data is owed to the extension."""
        extended = conn.superseded is not None and now > conn.superseded
        return "ZEN-EXP-04" if extended else conn.subs[channel]

    # -- moves -----------------------------------------------------------------------------------

    def connected(self, *, via_header: bool = False, expires_at: float | None = None) -> Conn:
        """A new connection; `via_header`, authenticated by a valid Bearer token in its
        handshake (ZEN-AUTH-04) that expires at `expires_at`."""
        conn = Conn(next(self.names))
        if via_header:
            self.granted(conn, self.full_rights(), expires_at, "ZEN-AUTH-04", None)
            conn.via_header = True
        self.conns.append(conn)
        return conn

    def gave(self, reply: Message, rights: frozenset[str], expires_at: float | None) -> None:
        """A success reply to AuthToken with an original token: the AccessToken it returned, if
        any, restores the session elsewhere (ZEN-AUTH-08)."""
        returned = (reply.get("Data") or {}).get("AccessToken")
        if isinstance(returned, str):
            self.returned.append(Returned(returned, rights, expires_at))

    def after_expiry(self, conn: Conn, arrived: list[Message]) -> str:
        """What arrived at an expired connection besides its subscriptions' data (ZEN-EXP-02)."""
        subscribed = [is_data(ch) for ch in conn.subs]
        others = {describe(f) for f in arrived if not any(match(f) for match in subscribed)}
        return f"after expiry: other frames {sorted(others) or 'none'}, connection open"

    def closed(self, conn: Conn) -> None:
        self.conns.remove(conn)

    def subscribed(self, conn: Conn, channel: str) -> None:
        conn.subs[channel] = conn.granted_by

    def unsubscribed(self, conn: Conn, channel: str) -> None:
        del conn.subs[channel]

    def auth_req(self, kind: str, before: Status) -> str:
        """The requirement an AuthToken's success is owed under, given the status before it."""
        return "ZEN-EXP-03" if before is Status.EXPIRED else AUTH_PATHS.get(kind, "ZEN-AUTH-01")

    def authenticated(
        self,
        conn: Conn,
        kind: str,
        expires_at: float | None,
        before: Status,
        reply: Message,
        restored: Returned | None = None,
    ) -> Reauth:
        """A successful AuthToken of `kind` (`before` it, the connection was in that status;
        `reply` its reply): the rights and expiry in force, and what it does to the
        subscriptions. Only the subscriptions that lost their right end (ZEN-SUB-05); after
        expiry all are remembered (ZEN-SUB-01). A `restored` session has the rights of the
        original token; its own expiry is not documented: past the original's, unsure."""
        req, was_expired = self.auth_req(kind, before), before is Status.EXPIRED
        rights = restored.rights if restored else self.rights_of(kind)
        unsure_after = restored.original_expiry if restored else None
        if restored is None:
            self.gave(reply, rights, expires_at)
        lost = [ch for ch in conn.subs if self.right_of(ch) not in rights]
        kept = [ch for ch in conn.subs if ch not in lost]
        self.granted(conn, rights, expires_at, req, unsure_after, before)
        conn.via_header = False
        for ch in kept:
            if was_expired:
                conn.subs[ch] = "ZEN-SUB-01"  # remembered: its data resumes unasked
            elif lost:
                conn.subs[ch] = "ZEN-SUB-05"  # fewer rights: its data continues
        return Reauth(lost, kept, "ZEN-SUB-01" if was_expired else "ZEN-SUB-05")

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

    def ended(self, conn: Conn, channel: str) -> None:
        """A subscription the new authentication has no right to ended (ZEN-SUB-02)."""
        del conn.subs[channel]
