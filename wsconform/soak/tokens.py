"""Where a soak worker's tokens come from: the embedded mock's issuer (its key file, on a clock
that follows the mock's through a mass expiry), or the suite's own token sources for a live
target (a token command, static tokens, an OAuth endpoint), behind a cache and a rate, so that
thousands of users do not each run the token command."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from gevent.lock import Semaphore

from wsconform.config import Settings
from wsconform.mock.clock import MockClock
from wsconform.mock.issuer import TokenIssuer
from wsconform.profiles.base import Profile
from wsconform.redact import Redactor
from wsconform.soak.config import SoakConfig
from wsconform.token_config import configured_tokens
from wsconform.tokens import IssuerTokens, Token, TokenSource

# A cached valid token is handed out while it has this share of its lifetime left: a user that
# takes it still has most of a lifetime before it expires.
FRESH_SHARE = 0.5


class WorkerTokens:
    def __init__(self, source: TokenSource, now: Callable[[], float], rate: float) -> None:
        self.source = source
        self.now = now
        self.spacing = 1.0 / rate if rate > 0 else 0.0
        self.cache: dict[str, tuple[Token, float]] = {}  # kind → token, when it was taken
        self.lock = Semaphore()
        self.last_call = 0.0
        self.clock: MockClock | None = None  # the issuer's, when tokens come from one

    def get(self, kind: str) -> Token:
        with self.lock:  # one source call at a time, at most `rate` a second
            cached = self.cache.get(kind)
            if cached is not None and self._fresh(*cached):
                return cached[0]
            wait = self.last_call + self.spacing - time.monotonic()
            if wait > 0:
                time.sleep(wait)  # the rate limit itself: gevent yields to the other users
            self.last_call = time.monotonic()
            token = self.source.get(kind)
            self.cache[kind] = (token, self.now())
            return token

    def _fresh(self, token: Token, taken: float) -> bool:
        if token.kind != "valid" or token.expires_at is None:
            return token.kind != "valid"  # bad kinds stay bad; an opaque valid one is re-asked
        left = token.expires_at - self.now()
        return left > FRESH_SHARE * (token.expires_at - taken)

    def valid_expiry(self) -> float | None:
        """When the cached valid token expires (on the target's clock), if known."""
        cached = self.cache.get("valid")
        return cached[0].expires_at if cached else None

    def follow_clock(self, clock: float) -> None:
        """The mock's clock jumped to `clock`: the issuer's follows, and every cached token is
        stale."""
        if self.clock is not None:
            self.clock.advance(max(0.0, clock - self.clock.now()))
        self.cache.clear()


def worker_tokens(config: SoakConfig, profile: Profile) -> WorkerTokens:
    if config.key_file:
        clock = MockClock()
        issuer = TokenIssuer.from_key_file(
            clock, Path(config.key_file), lifetime=profile.token_lifetime
        )
        tokens = WorkerTokens(IssuerTokens(issuer), clock.now, rate=0)
        tokens.clock = clock
        return tokens
    settings = Settings(
        profile=profile.name,
        token_command=config.token_command,
        token_timeout=config.token_timeout,
        token=config.token,
        expired_token=config.expired_token,
        token_url=config.token_url,
        client_id=config.client_id,
        client_secret=config.client_secret,
        scope=config.scope,
    )
    source = configured_tokens(settings, Redactor.knowing(settings.secrets()), None)
    return WorkerTokens(source, time.time, rate=config.token_rate)
