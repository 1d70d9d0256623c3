"""What every profile's lifecycle machine needs besides its model: a test's tokens, shared by its
examples; the forgeries the documents say a server must refuse; when a token is surely expired on
the target's clock; and which of the eligible choices a rule acts on.

A machine is a pure model of what the documents entitle each connection to (the vendor folder's
`model.py`, no I/O) plus thin rules (the suite's `test_lifecycle.py`) that act on the target and
compare it with the model. This module is what those rules share.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Sequence
from typing import ClassVar, TypeVar

import pytest

from wsconform import jwt_forge
from wsconform.tokens import Token, Tokens

T = TypeVar("T")

LIFETIME = 5.0  # seconds: a short-lived token's, so that a live run waits little (as test_expiry)
REUSE_MARGIN = 600.0  # seconds: by default, a kept token with less life left is replaced
# Invalid tokens made from a valid one: what every profile's documents say a server refuses.
FORGED: dict[str, Callable[[str], str]] = {
    "bad-signature": jwt_forge.bad_signature,
    "alg-none": jwt_forge.alg_none,
    "wrong-key": jwt_forge.wrong_key,
}


class TokenPool:
    """The tokens of one test, shared by its examples while they are fit for use.

    Each new token is one more secret the run's redactor scans every frame for, and a shrinking
    run has hundreds of examples: so a valid, limited or expired token is kept (a valid one while
    it has `keep_for` seconds to live: REUSE_MARGIN, or less where the vendor's tokens live
    less), and a forgery is made once per valid token. A short-lived token is always new: its
    exp is the point. Get the test's pool with `TokenPool.of(tokens, clock)`.
    """

    _pools: ClassVar[weakref.WeakKeyDictionary[Tokens, TokenPool]] = weakref.WeakKeyDictionary()

    def __init__(
        self, tokens: Tokens, clock: Callable[[], float], keep_for: float = REUSE_MARGIN
    ) -> None:
        self.tokens = tokens
        self.clock = clock
        self.keep_for = keep_for
        self._kept: dict[str, Token] = {}
        self._forged: dict[tuple[str, str], str] = {}
        self._unavailable: set[str] = set()

    @classmethod
    def of(
        cls, tokens: Tokens, clock: Callable[[], float], keep_for: float = REUSE_MARGIN
    ) -> TokenPool:
        """The pool of the test whose token source is `tokens` (one per test)."""
        pool = cls._pools.get(tokens)
        if pool is None:
            pool = cls._pools[tokens] = cls(tokens, clock, keep_for)
        return pool

    def get(self, kind: str, lifetime: float = LIFETIME) -> Token | None:
        """A token of `kind` (`short-lived` ones live `lifetime` seconds), or None when the source
        cannot give it: the rule that wanted it then does nothing. Without valid tokens the
        test SKIPs, as every other test of the suite."""
        if kind in self._unavailable:
            return None
        kept = self._kept.get(kind)
        if kept is not None and self._fit(kept):
            return kept
        try:
            token = self.tokens.get(kind, lifetime if kind == "short-lived" else None)
        except pytest.skip.Exception:
            if kind == "valid":
                raise
            self._unavailable.add(kind)
            return None
        if kind != "short-lived":
            self._kept[kind] = token
        return token

    def valid(self) -> Token:
        token = self.get("valid")
        assert token is not None  # get("valid") SKIPs rather than return None
        return token

    def forged(self, kind: str) -> str:
        """A FORGED forgery of the current valid token."""
        valid = self.valid().value
        key = (kind, valid)
        if key not in self._forged:
            self._forged[key] = FORGED[kind](valid)
        return self._forged[key]

    def _fit(self, token: Token) -> bool:
        if token.kind == "expired" or token.expires_at is None:
            return True
        return token.expires_at > self.clock() + self.keep_for


def surely_expired(token: Token, now: float, skew: float = 0.0) -> bool:
    """Past the token's exp by more than `skew` seconds (a token without exp never is)."""
    return token.expires_at is not None and now > token.expires_at + skew


def surely_fresh(token: Token, now: float, skew: float = 0.0) -> bool:
    """Before the token's exp by more than `skew` seconds (a token without exp always is)."""
    return token.expires_at is None or now < token.expires_at - skew


def pick(choices: Sequence[T], index: int) -> T:
    """The eligible choice a rule's drawn index names (any index names one)."""
    return choices[index % len(choices)]
