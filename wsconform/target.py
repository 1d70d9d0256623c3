"""The target under test: an embedded reference mock, or a live endpoint.

Tests speak to both the same way. Time is where they differ: on the embedded mock, expiry is a
clock jump and "nothing more arrives" is exact (pump, then a ping barrier); on a live endpoint
both are real, bounded waits.
"""

from __future__ import annotations

import asyncio
import ssl as ssl_module
import time
from collections.abc import Mapping
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from wsconform import progress
from wsconform.mock.clock import MockClock
from wsconform.mock.issuer import TokenIssuer
from wsconform.mock.server import MockContext, MockServer
from wsconform.mock.tls import MockTLS
from wsconform.profiles.base import Profile
from wsconform.session import ProbeSession, event_loop

if TYPE_CHECKING:
    from wsconform.config import Settings


class WaitTooLong(Exception):
    """An expiry wait on a live target would exceed --max-expiry-wait (the test SKIPs)."""


def client_tls(ca_file: str | None = None, insecure: bool = False) -> ssl_module.SSLContext:
    """Certificates verified by default; --ca-file adds trust; --insecure turns checks off."""
    context = ssl_module.create_default_context(cafile=ca_file)
    if insecure:
        context.check_hostname = False
        context.verify_mode = ssl_module.CERT_NONE
    return context


@dataclass
class Target:
    profile: Profile
    url: str
    public_channel: str
    private_channel: str
    ssl: ssl_module.SSLContext | None = None
    observation_window: float = 2.0  # live only: how long "no more data" is watched for
    max_expiry_wait: float = 30.0
    # The profile's extra endpoints by name (Profile.extra_endpoints): those given, live.
    extra_urls: Mapping[str, str] = field(default_factory=dict)
    insecure_url: str | None = None  # the ws:// twin of a wss:// target (TLS-only rules)
    insecure_tls: bool = False  # --insecure: certificates not verified (the report says so)
    broken: str | None = None  # why the target never completed a handshake (tests FAIL with it)
    # What the probe offers: permessage-deflate only to an embedded mock that serves it (the
    # compression variant), so that variant's runs do compress and the default runs do not.
    compression: str | None = None

    @property
    def embedded(self) -> bool:
        return False

    def describe(self) -> str:
        unverified = ", TLS NOT VERIFIED (--insecure)" if self.insecure_tls else ""
        return f"{self.url} (live{unverified})"

    def clock(self) -> float:
        return time.time()

    def clock_held(self) -> AbstractContextManager[None]:
        """Within the block, the target's clock moves only when a test moves it: the embedded
        mock's is frozen between jumps. A live server's runs on (tests allow for it there)."""
        return nullcontext()

    def wait_past(self, instant: float, margin: float = 1.0, what: str = "a token's exp") -> None:
        """Return once the target's clock is past `instant` (a token's exp, say)."""
        wait = instant + margin - time.time()
        if wait > self.max_expiry_wait:
            raise WaitTooLong(
                f"waiting {wait:.0f} s for {what} exceeds "
                f"--max-expiry-wait={self.max_expiry_wait:g}"
            )
        if wait > 0:
            # A real expiry on a live server: the wait *is* the test. The probe's loop runs
            # meanwhile, so open connections keep reading and answering the server's pings.
            with progress.waiting(what, wait):
                event_loop().run_until_complete(asyncio.sleep(wait))

    def settle(self, session: ProbeSession) -> None:
        """Afterwards, data the server would send now has arrived (a bounded window on live)."""
        session.barrier()
        with progress.waiting("the observation window: what the server publishes unasked"):
            session.listen(self.observation_window)  # live servers publish on their schedule
        session.barrier()


@dataclass
class EmbeddedTarget(Target):
    server: MockServer | None = None

    @property
    def embedded(self) -> bool:
        return True

    def describe(self) -> str:
        defect = self.server.ctx.defect if self.server else None
        switched = f", defect {defect}" if defect else ""
        return f"{self.url} (embedded {self.profile.name} mock{switched})"

    @property
    def public_key_pem(self) -> bytes | None:
        """The issuer's public key (lets the fuzzer try HS256 keyed with it: alg confusion)."""
        assert self.server is not None and self.server.ctx.issuer is not None
        return self.server.ctx.issuer.public_pem

    def clock(self) -> float:
        assert self.server is not None
        return self.server.ctx.clock.now()

    def clock_held(self) -> AbstractContextManager[None]:
        assert self.server is not None
        return self.server.ctx.clock.frozen()

    def wait_past(self, instant: float, margin: float = 1.0, what: str = "a token's exp") -> None:
        assert self.server is not None
        jump = instant + margin - self.clock()
        if jump > 0:
            self.server.advance(jump)

    def settle(self, session: ProbeSession) -> None:
        assert self.server is not None
        self.server.pump_now()
        session.barrier()


def start_embedded(
    profile: Profile, ctx: MockContext, public: str | None = None, private: str | None = None
) -> EmbeddedTarget:
    tls = MockTLS() if profile.tls_only_rights else None
    server = MockServer(
        profile.mock,
        ctx,
        ssl=tls.server_context() if tls else None,
        plain_port=0 if tls else None,
    ).start()
    return EmbeddedTarget(
        profile,
        server.url,
        public or profile.public_channel,
        private or profile.private_channel,
        ssl=tls.client_context() if tls else None,
        server=server,
        extra_urls=server.app.extra_urls(server.url),
        insecure_url=server.plain_url,
        compression=server.compression,
    )


def mock_context(profile: Profile, s: Settings) -> MockContext:
    """The profile's mock as the settings want it (key file, defect, variants, preset): the embedded
    mock of a run, and `wsconform mock`'s."""
    clock = MockClock()
    lifetime = profile.token_lifetime  # a fresh token lives as long as the docs say
    if s.mock_key_file:
        issuer = TokenIssuer.from_key_file(clock, Path(s.mock_key_file), lifetime=lifetime)
    else:
        issuer = TokenIssuer(clock, lifetime=lifetime)
    return MockContext(
        clock=clock,
        issuer=issuer,
        defect=s.mock_defect,
        variant=s.variants,
        preset=s.mock_preset,
    )


def embedded_from(profile: Profile, s: Settings) -> EmbeddedTarget:
    """The profile's embedded mock, started, as the settings want it."""
    return start_embedded(profile, mock_context(profile, s), s.public_channel, s.private_channel)
