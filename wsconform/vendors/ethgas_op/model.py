"""The model of the op/args authentication lifecycle, as the lifecycle machine
(suites/ethgas_op/test_lifecycle.py) compares a target with it: what the catalogue
(requirements.toml) and the docs (docs/facts/ethgas.md §Official protocol) entitle each connection
to. Plain data and decisions, no I/O: times (`now`) and tokens come as arguments, and a connection's
client is an opaque handle the rules act through.

Each connection is entitled to private data (YES), forbidden it (NO) or undecided (MAYBE):

- YES after a login with a valid token, acked {"event":"login","code":0} (EOP-AUTH-01/02, after
  an expiry EOP-EXP-03), or with a valid `Authorization: Bearer` session header (EOP-AUTH-03);
  it lasts until the token's exp.
- NO from the start without login or header (EOP-AUTH-04; EOP-AUTH-06 while another connection
  is logged in), and after a login or header with an invalid, expired or clock-expired token
  (EOP-REJ-01/02/03, EOP-EXP-02), which never gets the documented success. An invalid header may
  be refused at the upgrade instead (EOP-REJ-05 records which).
- MAYBE where the docs are silent: at and after a token's expiry (EOP-EXP-01: private data goes
  on, stops, or the connection closes), after logout (EOP-AUTH-08), after a failed login on an
  authenticated connection (EOP-REJ-08). The machine records what it sees, and a close drops the
  connection; a close at expiry makes the next new connection's login the re-login (EOP-EXP-03).

Every example starts as a client does, connected and subscribed to a public channel. Public
channels and currentSlot are served whatever the state (EOP-AUTH-05); each arg of a subscribe is
served (EOP-SUB-01), each arg of an unsubscribe ended and only those (EOP-SUB-02). Acks and
refusals are recorded (EOP-SUB-04, EOP-AUTH-07, EOP-REJ-04, EOP-SUB-05, EOP-EXP-04). Every
documented reply is schema-checked: login ack, query reply (EOP-ENV-01), data (EOP-SUB-03).
"""

from __future__ import annotations

import enum
import itertools
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:  # annotations only: wsconform.tokens brings pytest and the sessions with it
    from wsconform.tokens import Token

C = TypeVar("C")  # the rules' handle on a connection (its client)

MAX_CONNECTIONS = 3
GOOD_KINDS = ("valid", "short-lived")  # the token kinds that authenticate
# The kinds and paths of an authentication, in the order the machine samples them: shrinking
# moves towards the first kind and the first path ("login"), so a server that takes any token
# shrinks to a forged one (EOP-REJ-01), not an expired one. Forged tokens are one kind (which
# forgery is drawn apart), so half the logins succeed.
KINDS = (*GOOD_KINDS, "forged", "expired")
PATHS = ("login", "header")
# The args of one subscribe frame, as indexes into the model's three channels (public, another
# public, private): every ordered choice, singletons first (shrinking moves towards them), so
# most frames carry several args (EOP-SUB-01).
FRAMES = [list(p) for n in (1, 2, 3) for p in itertools.permutations(range(3), n)]
# From the docs' subscribe example (docs/facts/ethgas.md §Subscribe and unsubscribe).
DOCS_PUBLIC = "blockBuilderUpdate"
DOCS_PUBLIC_ELSE = "inclusionPreconfSaleUpdate"  # when the target's public channel is that one
# The requirements the machine judges or records.
JUDGED = (
    "EOP-AUTH-01",
    "EOP-AUTH-02",
    "EOP-AUTH-03",
    "EOP-AUTH-04",
    "EOP-AUTH-05",
    "EOP-AUTH-06",
    "EOP-AUTH-07",
    "EOP-AUTH-08",
    "EOP-REJ-01",
    "EOP-REJ-02",
    "EOP-REJ-03",
    "EOP-REJ-04",
    "EOP-REJ-05",
    "EOP-REJ-08",
    "EOP-EXP-01",
    "EOP-EXP-02",
    "EOP-EXP-03",
    "EOP-EXP-04",
    "EOP-SUB-01",
    "EOP-SUB-02",
    "EOP-SUB-03",
    "EOP-SUB-04",
    "EOP-SUB-05",
    "EOP-ENV-01",
)


def refused_by(kind: str) -> tuple[str, str]:
    """The requirements a bad token of `kind` breaks if it authenticates, in the session header
    and by login: a clock-expired one EOP-EXP-02, else EOP-REJ-03 and (expired or invalid)
    EOP-REJ-02 or EOP-REJ-01."""
    if kind == "clock-expired":
        return "EOP-EXP-02", "EOP-EXP-02"
    return "EOP-REJ-03", "EOP-REJ-02" if kind == "expired" else "EOP-REJ-01"


class Access(enum.Enum):
    YES = "entitled to private data"
    NO = "forbidden private data"
    MAYBE = "undocumented"


class Governs(enum.Enum):
    """What the model says of the data on one arg of a subscribe."""

    DATA = "it must come"  # a failure of the requirement given with it if it does not
    RECORD = "undocumented: whether it comes is recorded"  # a private arg on MAYBE
    REFUSED = "forbidden"  # a private arg on NO: any is a leak
    BESIDE = "a public arg beside a refused private one: recorded (EOP-SUB-05)"


@dataclass
class Conn(Generic[C]):
    """One connection as the model sees it."""

    client: C
    access: Access
    # YES/NO: the requirement a private leak or a refusal breaks; MAYBE: the INFO one recording.
    why: str
    note: str = "unauthenticated"  # the state in words, for INFO texts (stable: no counters)
    how: str = ""  # "login" or "header": how it was last authenticated
    expires_at: float | None = None  # the authenticating token's exp
    relogin: bool = False  # a valid login here is the re-login after an expiry (EOP-EXP-03)
    watch: bool = False  # its token is expiring: record what the server does (EOP-EXP-01)
    private_before: bool = False  # a private subscription delivered when the token expired
    subs: dict[str, bool] = field(default_factory=dict)  # channel → is its data certain?


class Model(Generic[C]):
    """The connections of one example and what each is entitled to, and the short-lived tokens
    handed out: those not yet let expire (`ticking`) and those the clock has passed
    (`past_exp`). A token stops entitling `guard` seconds before its exp (what a step may take
    on the target), so a check never races an expiry."""

    def __init__(self, public: str, private: str, guard: float) -> None:
        other = DOCS_PUBLIC_ELSE if public == DOCS_PUBLIC else DOCS_PUBLIC
        self.private = private
        self.channels = (public, other, private)  # a subscribe's args index these
        self.guard = guard
        self.conns: list[Conn[C]] = []
        self.ticking: list[Token] = []  # short-lived tokens handed out, not yet let expire
        self.past_exp: list[Token] = []  # short-lived tokens the clock has been moved past
        self.closed_at_expiry = 0  # connections the server closed at expiry, not yet replaced

    def handed_out(self, kind: str, token: Token | None) -> Token | None:
        """A token the rules got: a short-lived one ticks until the clock passes its exp."""
        if token is not None and kind == "short-lived":
            self.ticking.append(token)
        return token

    def state(self) -> str:
        """The model's state in a few words (the exploration's coverage)."""

        def one(conn: Conn[C]) -> str:
            subs = "+".join(
                sorted("private" if ch == self.private else "public" for ch in conn.subs)
            )
            return f"{conn.access.name.lower()}[{subs}]"

        return " ".join(sorted(one(c) for c in self.conns)) or "no connection"

    # -- entitlement -----------------------------------------------------------------------------

    def access(self, c: Conn[C], now: float) -> Access:
        """The model's verdict at `now`: a token within `guard` of its exp no longer entitles."""
        expiring = c.expires_at is not None and now + self.guard > c.expires_at
        if c.access is Access.YES and expiring:
            c.private_before = c.subs.get(self.private, False)
            self.undecided(c, "EOP-EXP-01", f"a {c.how} session at its token's expiry")
            c.relogin = c.watch = True
        return c.access

    def undecided(self, c: Conn[C], why: str, note: str) -> None:
        """The docs say nothing of what follows: no data is certain any more either."""
        c.access, c.why, c.note = Access.MAYBE, why, note
        c.subs = dict.fromkeys(c.subs, False)

    def forbidding(self, c: Conn[C]) -> str:
        """The requirement a private leak on a NO connection breaks."""
        logged_in = any(o.access is Access.YES and o.how == "login" for o in self.conns)
        return "EOP-AUTH-06" if c.why == "EOP-AUTH-04" and logged_in else c.why

    def judging(self, c: Conn[C]) -> str:
        """The requirement the private queries' answers on `c` are judged (or recorded) by."""
        return self.forbidding(c) if c.access is Access.NO else c.why

    @staticmethod
    def refusal(access: Access) -> str | None:
        """The INFO requirement recording a close that refuses a private request: on NO a
        refusal is the point (EOP-AUTH-07); elsewhere a close fails the request's requirement
        (MAYBE's records it)."""
        return "EOP-AUTH-07" if access is Access.NO else None

    # -- connections ---------------------------------------------------------------------------

    def connected(self, client: C) -> Conn[C]:
        """A new connection without the session header: NO (the re-login's, after a close at
        expiry)."""
        c = Conn(client, Access.NO, "EOP-AUTH-04")
        if self.closed_at_expiry:
            self.closed_at_expiry -= 1
            c.relogin = True
        self.conns.append(c)
        return c

    def with_header(self, client: C, token: Token, kind: str, refused_by: str) -> Conn[C]:
        """A new connection the session header upgraded: YES for a good token, else NO."""
        if kind in GOOD_KINDS:
            c = Conn(client, Access.YES, "EOP-AUTH-03", how="header", expires_at=token.expires_at)
        else:
            c = Conn(client, Access.NO, refused_by, note=f"with the {kind} token in the header")
        self.conns.append(c)
        return c

    def disconnected(self, c: Conn[C]) -> C:
        """The client closed `c`: it is gone (the handle, to close it by)."""
        self.conns.remove(c)
        return c.client

    def closed(self, c: Conn[C], closing: str | None) -> str | None:
        """The server closed `c`: it is gone. The INFO requirement that records the close (the
        MAYBE state's, else `closing`), or None: the close fails the step's requirement."""
        if c in self.conns:
            self.conns.remove(c)
        if c.access is not Access.MAYBE:
            return closing
        if c.why == "EOP-EXP-01":
            self.closed_at_expiry += 1
        return c.why

    # -- authentication ------------------------------------------------------------------------

    def relogins(self) -> list[Conn[C]]:
        """The connections whose next valid login is the re-login after an expiry."""
        return [c for c in self.conns if c.relogin]

    @staticmethod
    def login_req(c: Conn[C]) -> str:
        """The requirement a valid login's ack is judged by."""
        return "EOP-EXP-03" if c.relogin else "EOP-AUTH-01"

    def logged_in(self, c: Conn[C], token: Token) -> bool:
        """After the documented ack: YES (EOP-EXP-03's after an expiry). Whether the same
        connection had a private subscription from before the expiry (EOP-EXP-04 records what
        it does now)."""
        resumed = c.relogin and c.private_before
        c.access, c.why = Access.YES, "EOP-EXP-03" if c.relogin else "EOP-AUTH-02"
        c.note, c.how, c.expires_at = "logged in", "login", token.expires_at
        c.relogin = c.watch = c.private_before = False
        return resumed

    def login_refused(self, c: Conn[C], kind: str, req: str, now: float) -> None:
        """After a login with a bad token: NO stays NO (now `req`'s), YES becomes MAYBE."""
        if self.access(c, now) is Access.NO:
            c.why, c.note = req, f"after a login with the {kind} token"
        elif c.access is Access.YES:
            self.undecided(c, "EOP-REJ-08", "an authenticated session after a failed login")

    def logged_out(self, c: Conn[C], access: Access) -> None:
        """Listed, never shown (EOP-AUTH-08): a logout grants nothing, so NO stays NO; YES
        becomes MAYBE."""
        if access is not Access.NO:
            self.undecided(c, "EOP-AUTH-08", "after logout")

    # -- subscriptions -------------------------------------------------------------------------

    @staticmethod
    def public_req(access: Access) -> str:
        """The requirement public data is judged by: EOP-SUB-01 on YES, else EOP-AUTH-05."""
        return "EOP-SUB-01" if access is Access.YES else "EOP-AUTH-05"

    def subscribing(
        self, c: Conn[C], channels: list[str], access: Access
    ) -> tuple[bool, str, str | None]:
        """Before a subscribe to `channels`: whether it may be refused (a private arg without
        YES), the requirement it is judged by (its public data's), and the INFO requirement a
        close records (refusal)."""
        if self.private in channels:
            c.private_before = False  # a re-login's private data would no longer tell EXP-04
        refusable = self.private in channels and access is not Access.YES
        return refusable, self.public_req(access), self.refusal(access) if refusable else None

    def governs(
        self, c: Conn[C], channels: list[str], i: int, access: Access, refusable: bool
    ) -> tuple[Governs, str]:
        """What governs the data on arg `i` of a subscribe to `channels`, and the requirement
        judging (or recording) it. The first arg is the state's; each further one EOP-SUB-01."""
        channel = channels[i]
        if channel == self.private and access is Access.YES:
            return Governs.DATA, c.why if i == 0 else "EOP-SUB-01"
        if channel == self.private:
            return (Governs.RECORD, c.why) if access is Access.MAYBE else (Governs.REFUSED, c.why)
        if refusable:  # a frame mixing public with a private arg refused (or maybe)
            return Governs.BESIDE, "EOP-SUB-05"
        return Governs.DATA, "EOP-SUB-01" if i else self.public_req(access)

    @staticmethod
    def subscribed(c: Conn[C], channel: str, governs: Governs, flows: bool) -> None:
        """After a subscribe's arg: whether its data is certain from now on (a private arg
        refused on NO is no leak's to watch, a recorded one is never certain)."""
        c.subs[channel] = governs is Governs.DATA or (governs is Governs.BESIDE and flows)

    def unsubscribing(self, c: Conn[C], mask: int) -> list[str]:
        """The channels of `c` an unsubscribe ends: those `mask`'s bits pick, at least one."""
        subscribed = list(c.subs)
        ended = [ch for j, ch in enumerate(subscribed) if mask >> j & 1] or subscribed[:1]
        if self.private in ended:
            c.private_before = False
        return ended

    @staticmethod
    def unsubscribed(c: Conn[C], ended: list[str]) -> None:
        for channel in ended:
            del c.subs[channel]

    def still_flowing(self, c: Conn[C], access: Access) -> list[str]:
        """The channels still subscribed whose data must go on (EOP-SUB-02)."""
        return [
            ch
            for ch, certain in c.subs.items()
            if certain and (ch != self.private or access is Access.YES)
        ]

    # -- time ------------------------------------------------------------------------------------

    def next_expiry(self) -> float:
        """The instant past every short-lived token's exp."""
        return max(t.expires_at or 0.0 for t in self.ticking)

    def time_passed(self) -> None:
        """The clock is past every ticking token's exp: they are clock-expired now."""
        self.past_exp += self.ticking
        self.ticking = []

    def at_expiry(self, c: Conn[C], instant: float, now: float) -> bool:
        """Whether `c`'s token expired at `instant`, so that what the server does is to be
        recorded (EOP-EXP-01), once."""
        self.access(c, now)
        if c.watch and c.expires_at is not None and c.expires_at <= instant:
            c.watch = False
            return True
        return False


# -- descriptions, for INFO records ----------------------------------------------------------------


def shapes(answers: list[dict[str, Any]]) -> str:
    """Answers without connId (one per connection), de-duplicated: stable INFO texts."""
    seen: list[str] = []
    for answer in answers:
        text = json.dumps({k: v for k, v in answer.items() if k != "connId"}, sort_keys=True)
        if text not in seen:
            seen.append(text)
    return ", ".join(seen) or "no answer"


def answered(served: bool, answers: list[dict[str, Any]]) -> str:
    """A query answered, or refused with what."""
    return "answered" if served else f"refused: {shapes(answers)}"


def queries_refused(c: Conn[Any], answers: list[dict[str, Any]]) -> str:
    """How the private queries were refused on a NO connection (EOP-AUTH-07)."""
    return f"the private queries, {c.note}: {shapes(answers)}"


def queries_seen(c: Conn[Any], served: bool, answers: list[dict[str, Any]]) -> str:
    """What the private queries got on a MAYBE connection."""
    return f"{c.note}: the private queries are {answered(served, answers)}"


def private_refused(c: Conn[Any], answers: list[dict[str, Any]], private: str) -> str:
    """What answered a private subscribe's private arg on a NO connection (EOP-AUTH-07)."""
    refusals = [a for a in answers if a.get("arg") == {"channel": private}]
    return f"a private subscribe, {c.note}: {shapes(refusals)}"


def closed_by_server(c: Conn[Any], what: str, code: int | None, reason: str | None) -> str:
    return f"{c.note}: {what}: the server closed the connection (code {code}, reason {reason!r})"


def arg_what(channels: list[str], i: int, note: str) -> str:
    """Data on arg `i` of a subscribe to `channels`, the connection in state `note`."""
    return f"data on {channels[i]!r}, arg {i + 1} of {len(channels)}, {note}"


def arg_seen(governs: Governs, note: str, flows: bool) -> str:
    """Whether a subscribe's arg whose data is recorded, not judged, got any."""
    if governs is Governs.BESIDE:
        return f"a public arg beside a private one, {note}: " + ("served" if flows else "no data")
    return f"{note}: a private subscribe " + ("delivers" if flows else "delivers nothing")


def outcome(what: str, closed: bool, answers: list[dict[str, Any]]) -> str:
    """What a request was answered, and whether the connection stayed open."""
    return f"{what}: {shapes(answers)}; the connection " + ("closes" if closed else "stays open")


def after_expiry(c: Conn[Any], private: bool, served: bool, answers: list[dict[str, Any]]) -> str:
    """What an open connection does once its token expired (EOP-EXP-01)."""
    return (
        f"{c.note}: the connection stays open; private data "
        + (("goes on" if private else "stops") if c.private_before else "not subscribed")
        + f"; openOrders is {answered(served, answers)}"
    )
