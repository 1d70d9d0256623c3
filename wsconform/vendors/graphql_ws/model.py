"""The model of the graphql-ws authentication lifecycle: what PROTOCOL.md and this profile's
agreement entitle each socket to, and which requirement an answer is judged by in each state.

Pure: no I/O. It takes the target's time (`now`, seconds on its clock) and tokens as arguments;
suites/graphql_ws/test_lifecycle.py acts on the target and moves this model.

A socket is fresh until its ConnectionInit; then acknowledged, or refused (closed 4403,
recommended) and gone. On an acknowledged socket a streaming operation runs until the client
completes it (its id free again) or the socket closes; a fresh socket's Subscribe closes it 4401,
an active id's 4409, a second ConnectionInit 4429. What happens when an acknowledged socket's
token expires PROTOCOL.md does not say (INFO): the model records it and lets the socket go.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING

from wsconform.jwt_forge import FORGED
from wsconform.lifecycle_kit import surely_expired, surely_fresh
from wsconform.vendors.graphql_ws.protocol import INIT_WAIT

if TYPE_CHECKING:
    from wsconform.tokens import Token

SKEW = 1.0  # seconds either side of exp where either outcome of a ConnectionInit is allowed
MAX_SOCKETS = 2  # enough for isolation (GQL-AUTH-05); each costs every example
JUDGED = (  # every requirement the model judges a target by, or records (INFO)
    "GQL-AUTH-01", "GQL-AUTH-03", "GQL-AUTH-04", "GQL-AUTH-05", "GQL-REJ-01", "GQL-REJ-02",
    "GQL-REJ-03", "GQL-REJ-04", "GQL-REJ-06", "GQL-EXP-01", "GQL-SUB-01", "GQL-SUB-02",
    "GQL-SUB-05", "GQL-ENV-02", "GQL-ENV-04", "GQL-ENV-05",
)  # fmt: skip

MALFORMED = {"not-a-jwt": "not-a-jwt", "two-segments": "eyJhbGciOiJFUzI1NiJ9.e30"}
# Real tokens are judged by the clock: mostly short-lived, so that an acknowledged socket's token
# often expires within an example; "reused" is the example's latest short-lived one again.
GOOD_KINDS = ("short-lived", "short-lived", "valid")
STALE_KINDS = ("expired", "reused")
BAD_KINDS = (*FORGED, *MALFORMED)


class Init(Enum):
    ACK = "acknowledged"
    REFUSED = "refused"
    EITHER = "acknowledged or refused"  # within SKEW of the token's exp
    TOO_MANY = "closed 4429"


@dataclass(eq=False)
class Socket:
    opened: float  # on the target's clock
    header: bool = False  # its upgrade carried the token (the header-auth agreement)
    initialised: bool = False
    token: Token | None = None  # the token its ConnectionInit was acknowledged with
    active: set[str] = field(default_factory=set)  # streaming operations running

    @property
    def acked(self) -> bool:
        return self.token is not None


def refusal_req(kind: str, header: bool) -> str:
    """The requirement a refused token of `kind` is judged by."""
    if header:
        return "GQL-REJ-06"
    if kind in MALFORMED:
        return "GQL-REJ-04"
    return "GQL-REJ-03" if kind in STALE_KINDS else "GQL-REJ-01"


@dataclass
class Model:
    sockets: list[Socket] = field(default_factory=list)
    short_lived: list[Token] = field(default_factory=list)  # this example's, newest last

    def open(self, now: float, header: bool = False) -> Socket:
        socket = Socket(now, header=header)
        self.sockets.append(socket)
        return socket

    def retire(self, socket: Socket) -> None:
        self.sockets.remove(socket)

    def fresh(self, now: float) -> list[Socket]:
        """Sockets without ConnectionInit, well within the server's wait for one."""
        return self.idle(now, young=True)

    def idle(self, now: float, young: bool = False) -> list[Socket]:
        """Sockets without ConnectionInit past half the server's wait (young: within it): the
        server closes those 4408 soon (GQL-ENV-01, judged by its own test), so the model lets
        them go."""
        return [
            s
            for s in self.sockets
            if not s.initialised and (now - s.opened < INIT_WAIT / 2) == young
        ]

    def usable(self, now: float) -> list[Socket]:
        return [*self.fresh(now), *self.acked()]

    def acked(self) -> list[Socket]:
        return [s for s in self.sockets if s.acked]

    def streaming(self) -> list[Socket]:
        return [s for s in self.acked() if s.active]

    def init(self, socket: Socket, kind: str, token: Token | None, now: float) -> Init:
        """What a ConnectionInit with a token of `kind` must get on `socket`."""
        if socket.initialised:
            return Init.TOO_MANY
        socket.initialised = True
        if kind in BAD_KINDS or token is None:
            return Init.REFUSED
        if surely_expired(token, now, SKEW):
            return Init.REFUSED
        return Init.ACK if surely_fresh(token, now, SKEW) else Init.EITHER

    def acknowledged(self, socket: Socket, token: Token) -> None:
        socket.token = token

    def used_short_lived(self, token: Token) -> Token:
        self.short_lived.append(token)
        return token

    def reused(self) -> Token | None:
        return self.short_lived[-1] if self.short_lived else None

    def expiry_ahead(self, now: float) -> float | None:
        """The soonest exp of an acknowledged socket's token still ahead."""
        ahead = [
            s.token.expires_at
            for s in self.acked()
            if s.token and s.token.expires_at is not None and s.token.expires_at > now
        ]
        return min(ahead, default=None)

    def expired(self, now: float) -> list[Socket]:
        return [s for s in self.acked() if s.token and surely_expired(s.token, now)]

    def state(self, now: float) -> str:
        def one(s: Socket) -> str:
            if not s.initialised:
                return "fresh"
            if not s.acked:
                return "init sent"
            expiry = " expired" if s.token and surely_expired(s.token, now) else ""
            return f"acked{expiry}, {len(s.active)} streaming"

        return " | ".join(one(s) for s in self.sockets) or "no socket"
