"""What the lifecycle machines' models and rules share, without I/O: a short-lived token's
lifetime, when a token is surely expired on the target's clock, and which of the eligible choices
a rule acts on (the forgeries every document says a server refuses are jwt_forge.FORGED).

A machine is a pure model of what the documents entitle each connection to (the vendor folder's
`model.py`, no I/O, importing nothing of pytest, hypothesis or the probe) plus thin rules (the
suite's `test_lifecycle.py`) that act on the target and compare it with the model, on
wsconform.lifecycle (the machine's base, its runner and the test's TokenPool).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from wsconform.tokens import Token

T = TypeVar("T")

LIFETIME = 5.0  # seconds: a short-lived token's, so that a live run waits little (as test_expiry)
REUSE_MARGIN = 600.0  # seconds: by default, a kept token with less life left is replaced


def surely_expired(token: Token, now: float, skew: float = 0.0) -> bool:
    """Past the token's exp by more than `skew` seconds (a token without exp never is)."""
    return token.expires_at is not None and now > token.expires_at + skew


def surely_fresh(token: Token, now: float, skew: float = 0.0) -> bool:
    """Before the token's exp by more than `skew` seconds (a token without exp always is)."""
    return token.expires_at is None or now < token.expires_at - skew


def pick(choices: Sequence[T], index: int) -> T:
    """The eligible choice a rule's drawn index names (any index names one)."""
    return choices[index % len(choices)]
