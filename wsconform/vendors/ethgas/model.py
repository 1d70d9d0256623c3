"""The ETHGas `cmd`-dialect authentication lifecycle as a model: what the documents entitle each
connection to, and how logins, subscriptions and expiry move it. No I/O: times (`now`) and tokens
are arguments. The lifecycle machine (suites/ethgas/test_lifecycle.py, whose docstring is the
reader's map) acts on the target, moves this model, and holds what the target sends against it.

From requirements.toml, the seed page (vendor-docs/ethgas-websocket-authentication.md) and its
companion page (docs/facts/ethgas.md §Companion page).

Not modelled: a second login on an authenticated connection (undocumented, and no INFO
requirement covers it); a good token after a refused login on the same connection (ETH-REJ-07
leaves its outcome open: such a connection is only replaced); a re-login after expiry in `args`
(the seed page re-authenticates in `data`); a handshake-header path (none is documented). A
connection whose login gets an answer that is neither a success nor a refusal (a SHOULD missed,
WARN) leaves the model: what it may read can no longer be told.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from wsconform.lifecycle_kit import surely_fresh
from wsconform.vendors.ethgas.protocol import (
    COMPANION_MEMBER,
    INVALID_TOKEN,
    RATE_LIMITED,
    SEED_MEMBER,
    Message,
    error_code,
    errors_in,
    is_refusal,
)

if TYPE_CHECKING:
    from wsconform.tokens import Token

SKEW = 1.0  # seconds: a token_expired event this much before exp is still "at expiry"
# What the lifecycle machine's rules draw from, and how often. Tokens the server must accept:
# mostly short-lived, so that a login often expires in an example.
GOOD_KINDS = ("short-lived", "valid", "short-lived", "limited")
# Tokens it must refuse with 401: forged (ETH-REJ-01, lifecycle_kit.FORGED), malformed (ETH-REJ-02)
# and expired (ETH-REJ-03), each requirement a third of the draws.
BAD_KINDS = (
    *("bad-signature", "not-a-jwt", "expired"),
    *("alg-none", "empty", "expired"),
    *("wrong-key", "two-segments", "expired"),
)
# What the model judges: the lifecycle machine's requirements.
REQUIREMENTS = (
    *("ETH-AUTH-01", "ETH-AUTH-02", "ETH-AUTH-03", "ETH-AUTH-04", "ETH-AUTH-05", "ETH-AUTH-06"),
    *("ETH-AUTH-07", "ETH-AUTH-08", "ETH-AUTH-09", "ETH-AUTH-10"),
    *("ETH-REJ-01", "ETH-REJ-02", "ETH-REJ-03", "ETH-REJ-04", "ETH-REJ-05", "ETH-REJ-07"),
    *("ETH-EXP-01", "ETH-EXP-02", "ETH-EXP-03", "ETH-EXP-04"),
    *("ETH-SUB-01", "ETH-SUB-02", "ETH-SUB-03", "ETH-SUB-04"),
    *("ETH-ENV-01", "ETH-ENV-02", "ETH-ENV-03"),
)
# The seed page's spelling (MUST) more often than the companion page's (SHOULD).
MEMBERS = (SEED_MEMBER, COMPANION_MEMBER, SEED_MEMBER)
# How the first connection starts: no login, a forged token (first, so that a server taking any
# token shrinks to ETH-REJ-01, not to the expiry that its tokens then lack), or a good one; and
# the channels it then subscribes to.
FIRST_KINDS = (None, "bad-signature", "short-lived", "limited", "valid", "short-lived", "limited")
FIRST_CHANNELS = ((), ("public", "private"), ("private",))
MALFORMED = {"not-a-jwt": "not-a-jwt", "empty": "", "two-segments": "eyJhbGciOiJFUzI1NiJ9.e30"}

# What a subscribe must get (Model.expectation).
DATA = "data"  # not refused, and its data flows
REFUSED = "refused"  # no data (an error or none: undocumented)
FORBIDDEN = "403"  # refused with 403, and no data
ANY = "any"  # undocumented, or the token is about to expire: whatever comes is recorded


class Phase(enum.Enum):
    """Where a connection is in the lifecycle, and what it is entitled to there.

    - never logged in (ANONYMOUS): public data is served (ETH-AUTH-05), private data never
      (ETH-AUTH-06), whatever another connection did (ETH-AUTH-10);
    - logged in (AUTHENTICATED): a valid token in `data` logs in with the documented success
      (ETH-AUTH-01/02), in `args` too (ETH-AUTH-04, SHOULD); a private subscribe brings private
      data (ETH-AUTH-07), unless the token lacks the private permission: 403 and no data
      (ETH-AUTH-08);
    - expired (EXPIRED): at the token's exp a token_expired event in the documented shape arrives
      (ETH-EXP-01); after it no private data (ETH-EXP-02); a login with a fresh token on the
      same socket succeeds (ETH-EXP-03), and private data flows again once subscribed
      (ETH-SUB-01).
    """

    ANONYMOUS = "without login"
    AUTHENTICATED = "after login"
    EXPIRED = "after expiry"


@dataclass(eq=False)
class Conn:
    """The model of one connection."""

    number: int  # for the notes of a failing example: #1, #2, ...
    client: Any  # the target's connection: the machine's, opaque here
    phase: Phase = Phase.ANONYMOUS
    token: Token | None = None
    private_right: bool = False  # the token carries the private permission (not `limited`)
    subscribed: set[str] = field(default_factory=set)  # data flows while the phase allows it
    unsure: set[str] = field(default_factory=set)  # the server may or may not still have them
    unsubscribed: set[str] = field(default_factory=set)  # no data may arrive on these
    refused: bool = False  # a login was refused here: later ones may be too (ETH-REJ-07)
    refused_subs: set[str] = field(default_factory=set)  # refused in this phase: not tried again
    expired_before: bool = False  # went through an expiry: private data is ETH-SUB-01's

    def can_log_in(self) -> bool:
        """Not logged in, and no login refused yet: after a refusal the server may refuse any
        login there (ETH-REJ-07, INFO), so the model spends its steps on fresh connections."""
        return self.phase is not Phase.AUTHENTICATED and not self.refused

    def spent(self) -> bool:
        """No login is tried on it any more (a login was refused there): a reconnect replaces it."""
        return self.refused

    def free(self, channel: str) -> bool:
        return channel not in self.subscribed | self.unsure | self.refused_subs

    def expiry(self) -> float | None:
        """When the connection's login ends: its token's exp (None: not logged in, or unknown)."""
        if self.phase is not Phase.AUTHENTICATED or self.token is None:
            return None
        return self.token.expires_at

    def ended(self, now: float) -> bool:
        """The login's exp has come."""
        exp = self.expiry()
        return exp is not None and exp <= now

    def login(self, member: str) -> tuple[str, str]:
        """The member a good token's login puts it in, and the requirement that judges it.
        `member` is for a first login: a re-login after expiry is the seed page's
        § Re-authenticate, in `data` (ETH-EXP-03), since a refused `args` one (a SHOULD, WARN)
        would leave the connection unfit for it. The companion page's `args` is a SHOULD."""
        if self.phase is Phase.EXPIRED:
            return SEED_MEMBER, "ETH-EXP-03"
        return member, "ETH-AUTH-04" if member == COMPANION_MEMBER else "ETH-AUTH-01"

    def log_in(self, token: Token, kind: str) -> set[str]:
        """A login succeeded: the subscriptions the connection had (or may have had) are
        returned, to be seen again: whether they survive a login is not documented (ETH-SUB-02)."""
        self.phase, self.token, self.refused_subs = Phase.AUTHENTICATED, token, set()
        self.private_right = kind != "limited"
        carried = self.subscribed | self.unsure
        self.subscribed, self.unsure = set(), set()
        return carried

    def expire(self, now: float) -> str | None:
        """A token_expired event arrived: the phase moves on. Returns what was odd about the
        event (recorded, ETH-EXP-04), if anything."""
        if self.phase is not Phase.AUTHENTICATED or self.token is None:
            return "a token_expired event without a live login"
        early = self.token.expires_at is not None and surely_fresh(self.token, now, SKEW)
        self.phase, self.expired_before = Phase.EXPIRED, True
        self.refused_subs = set()
        self.unsure |= self.subscribed  # whether they survive is not documented (ETH-SUB-02)
        self.subscribed = set()
        return "a token_expired event before the token's exp" if early else None

    def subscribe(self, channel: str, outcome: str, refused: bool) -> None:
        """A subscribe was answered (`refused`: with an error) where `outcome` was expected."""
        self.unsubscribed.discard(channel)
        if outcome == DATA:
            self.subscribed.add(channel)
        elif refused:
            self.refused_subs.add(channel)
        else:  # accepted: the server may hold it, data or not (undocumented)
            self.unsure.add(channel)

    def unsubscribe(self, channel: str) -> None:
        self.subscribed.discard(channel)
        self.unsubscribed.add(channel)


@dataclass
class Model:
    """The connections of one example, and what it learnt that holds across them.

    Where the pages are silent, every behaviour passes and which was seen is recorded (INFO): the
    subscribe and unsubscribe answers (ETH-SUB-03), whether subscriptions survive expiry or a
    login (ETH-SUB-02), public data and the connection at expiry (ETH-EXP-04), what a private
    subscribe without login gets (ETH-AUTH-09), whether the connection stays open after a
    refused login (ETH-REJ-07), when the server rate-limits (ETH-REJ-05: once a login failed, a
    good token may get a documented 429 on any connection).
    """

    public: str
    private: str
    # How long before exp a token still counts as live for a wait: the embedded mock's clock
    # only jumps; a live wait may last the op timeout.
    margin: float
    # How far the target's clock can be moved on: None on the embedded mock (its clock jumps),
    # else the longest wait a live target allows (--max-expiry-wait).
    max_wait: float | None = None
    conns: list[Conn] = field(default_factory=list)
    opened: int = 0
    failed_logins: bool = False  # some login failed in this example: a 429 may follow

    @classmethod
    def of(cls, public: str, private: str, live: tuple[float, float] | None) -> Model:
        """The model of a target: the embedded mock (`live` None), or a live one with its op
        timeout and its longest expiry wait."""
        if live is None:  # the embedded mock's clock only jumps
            return cls(public, private, margin=1.0)
        op_timeout, max_wait = live  # a live wait may last the op timeout
        return cls(public, private, margin=op_timeout + 1.0, max_wait=max_wait)

    # -- connections ------------------------------------------------------------------------------

    def connect(self, client: Any) -> Conn:
        self.opened += 1
        conn = Conn(self.opened, client)
        self.conns.append(conn)
        return conn

    def can_connect(self, limit: int) -> bool:
        """Fewer than `limit` connections open, or a spent one to replace."""
        return len(self.conns) < limit or self.some(Conn.spent)

    def some(self, fits: Callable[[Conn], bool]) -> bool:
        return any(map(fits, self.conns))

    def eligible(self, fits: Callable[[Conn], bool]) -> list[Conn]:
        return [c for c in self.conns if fits(c)]

    def choices(self, fits: Callable[[Conn, str], bool]) -> list[tuple[Conn, str]]:
        return [(c, ch) for c in self.conns for ch in (self.public, self.private) if fits(c, ch)]

    def to_log_in(self) -> list[Conn]:
        """Where a good token logs in: where a connection's token expired, there (the documented
        re-login); else any that can."""
        expired = [c for c in self.conns if c.phase is Phase.EXPIRED and c.can_log_in()]
        return expired or self.eligible(Conn.can_log_in)

    def to_subscribe(self, which: str) -> list[tuple[Conn, str]]:
        """`which` channel ("public" or "private") where some connection is free to subscribe to
        it (else the other one), logged-in connections first."""
        free = self.choices(Conn.free)
        options = [o for o in free if o[1] == self.channel(which)] or free
        options.sort(key=lambda o: o[0].phase is not Phase.AUTHENTICATED)
        return options

    # -- entitlements -----------------------------------------------------------------------------

    def channel(self, which: str) -> str:
        return self.public if which == "public" else self.private

    def label(self, channel: str) -> str:
        return "private" if channel == self.private else "public"

    def live(self, conn: Conn, now: float) -> bool:
        """Logged in, with a token that outlives any wait that follows."""
        if conn.phase is not Phase.AUTHENTICATED or conn.token is None:
            return False
        return surely_fresh(conn.token, now, self.margin)

    def private_refusal(self, conn: Conn) -> tuple[str, str] | None:
        """The requirement that forbids private data on `conn` now, and why; None if entitled."""
        if conn.phase is Phase.ANONYMOUS:
            if any(c.phase is Phase.AUTHENTICATED and c.private_right for c in self.conns):
                return "ETH-AUTH-10", "on a connection that never logged in (another one did)"
            return "ETH-AUTH-06", "on a connection that never logged in"
        if conn.phase is Phase.EXPIRED:
            return "ETH-EXP-02", "after the token_expired event"
        if not conn.private_right:
            return "ETH-AUTH-08", "with a token without the private permission"
        return None

    def expectation(self, conn: Conn, channel: str, now: float) -> tuple[str, str | None]:
        """What a subscribe to `channel` must get now: DATA, REFUSED (no data), FORBIDDEN (403
        and no data), or ANY (undocumented, or the token is about to expire); and the
        requirement."""
        if channel == self.public:
            if conn.phase is Phase.ANONYMOUS:
                return DATA, "ETH-AUTH-05"
            if self.live(conn, now):
                return DATA, "ETH-AUTH-07"  # "Full access to all data streams"
            return ANY, None  # after expiry: ETH-EXP-04, INFO
        refusal = self.private_refusal(conn)
        if conn.phase is Phase.AUTHENTICATED and not self.live(conn, now):
            return ANY, None
        if refusal is None:
            return DATA, "ETH-SUB-01" if conn.expired_before else "ETH-AUTH-07"
        req = refusal[0]
        return (FORBIDDEN if req == "ETH-AUTH-08" else REFUSED), req

    def flowing(self, conn: Conn, now: float) -> list[tuple[str, str, str]]:
        """The subscribed channels whose data must arrive now, with their requirement and what
        the data is."""
        found = []
        for channel in sorted(conn.subscribed):
            outcome, req = self.expectation(conn, channel, now)
            if outcome == DATA and req is not None:
                found.append((channel, req, f"data on {channel!r} {conn.phase.value}"))
        return found

    def forbids(self, conn: Conn, channel: str) -> list[tuple[str, str]]:
        """The requirements that forbid data on `channel` on `conn` now, each with what it says."""
        found = []
        refusal = self.private_refusal(conn) if channel == self.private else None
        if refusal is not None:
            found.append((refusal[0], f"no private data {refusal[1]}"))
        if channel in conn.unsubscribed:
            found.append(("ETH-SUB-04", f"no data on {channel!r} after its unsubscribe"))
        return found

    def resumed(
        self, conn: Conn, carried: set[str], kept: set[str], after_expiry: bool
    ) -> list[str]:
        """What a login showed of the subscriptions it `carried`: which were `kept` (their data
        resumed, ETH-SUB-02). Those are subscribed again: their data must flow."""
        conn.subscribed |= kept
        when = "at the login after expiry" if after_expiry else "at a first login"
        seen = []
        for channel in sorted(carried):
            if channel == self.private and not conn.private_right:
                continue  # its data is forbidden: whether it was kept cannot be seen
            state = "kept" if channel in kept else "not kept"
            seen.append(f"{self.label(channel)} subscription {state} {when}")
        return seen

    def subscribe_seen(
        self, conn: Conn, what: str, outcome: str, answers: list[Message]
    ) -> list[tuple[str, str]]:
        """What a subscribe's answers showed, as INFO records: the answers (ETH-SUB-03); for a
        private subscribe refused as it must be, its error codes (without login ETH-AUTH-09,
        after expiry ETH-EXP-04)."""
        seen = [("ETH-SUB-03", f"{what} answered: {summary(answers)}")]
        if outcome == REFUSED:
            codes = [error_code(e) for e in errors_in(answers)] or "none"
            req = "ETH-AUTH-09" if conn.phase is Phase.ANONYMOUS else "ETH-EXP-04"
            seen.append((req, f"{what}: error codes {codes}"))
        return seen

    def must_resume(self, conn: Conn, carried: set[str], after_expiry: bool, now: float) -> bool:
        """After expiry, private data must flow again once subscribed (ETH-SUB-01)."""
        return after_expiry and self.private in carried and self.live(conn, now)

    # -- logins -----------------------------------------------------------------------------------

    def refusal(self, kind: str, attempt: int) -> tuple[str, tuple[int, ...]]:
        """The requirement a bad token's refusal is judged by, and the codes it may carry: the
        first refusal is its kind's (401, or 429 once logins have failed), repeated ones
        ETH-REJ-04's (401 or 429)."""
        if attempt:
            return "ETH-REJ-04", (INVALID_TOKEN, RATE_LIMITED)
        codes = (INVALID_TOKEN, RATE_LIMITED) if self.failed_logins else (INVALID_TOKEN,)
        return refusal_requirement(kind), codes

    def refused(self, codes: tuple[int, ...]) -> str:
        """A login was refused: a 429 may follow. Returns the requirement of its shape: once 429
        is allowed it is ETH-REJ-04's, since a 429 in another shape lacks its code."""
        self.failed_logins = True
        return "ETH-REJ-04" if RATE_LIMITED in codes else "ETH-ENV-01"

    def rate_limited(self, conn: Conn, reply: Message) -> bool:
        """Once logins have failed (on any connection: where the server counts them is not
        documented), a good token may get 429 too (ETH-REJ-04, ETH-REJ-05): the login on `conn`
        is refused then."""
        limited = self.failed_logins and is_refusal(reply) and error_code(reply) == RATE_LIMITED
        if limited:
            conn.refused = True
        return limited

    # -- time -------------------------------------------------------------------------------------

    def expiring(self, now: float) -> list[tuple[float, Conn]]:
        """Logged-in connections whose token's exp the target's clock can reach (max_wait): any
        on the embedded mock, short-lived ones on a live target (a bounded wait)."""
        reachable = []
        for conn in self.conns:
            exp = conn.expiry()
            if exp is not None and (self.max_wait is None or exp + 1.0 - now <= self.max_wait):
                reachable.append((exp, conn))
        return reachable

    # -- descriptions -----------------------------------------------------------------------------

    def state(self) -> str:
        """The model's state in a few words (the exploration's coverage)."""

        def one(conn: Conn) -> str:
            subs = "+".join(sorted(self.label(ch) for ch in conn.subscribed))
            return f"{conn.phase.name.lower()}[{subs}]"

        return " ".join(sorted(one(c) for c in self.conns)) or "no connection"


def refusal_requirement(kind: str) -> str:
    """The requirement that says a bad token of `kind` is refused with 401."""
    if kind in MALFORMED:
        return "ETH-REJ-02"
    return "ETH-REJ-03" if kind == "expired" else "ETH-REJ-01"


def summary(answers: list[Message]) -> str:
    """A stable summary of a command's answers (for INFO records)."""
    parts = {
        f"{a.get('cmd')} {error_code(a)}" if a in errors_in(answers) else f"{a.get('cmd')}"
        for a in answers
    }
    return ", ".join(sorted(parts)) or "nothing"


def success_form(kind: str, reply: Message) -> str:
    """Which page's form a `kind` token's login success takes, and the permissions it lists."""
    form = "seed page" if "status" in reply else "companion page"
    permissions = (reply.get("data") or {}).get("permissions")
    return f"a {kind} token: {form} form, permissions {permissions}"


def repeated_refusals(times: int, codes: set[Any]) -> str:
    """Whether `times` refused logins in a row brought a 429 (ETH-REJ-05)."""
    limited = "a 429 among the answers" if RATE_LIMITED in codes else "no 429"
    return f"{times} failed logins on one connection: {limited}"
