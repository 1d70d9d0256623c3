"""The run: what one pytest session shares, composed from its settings (the composition root).

Settings (wsconform.config) come in; out come the targets (a live endpoint after its preflight, or
a profile's embedded mock), the token source, the redactor every output passes through, the
pacer, the signing key, the baseline, and the results the tests record. The pytest plugin holds
one Run per session; `wsconform mock` builds its mock from the same settings (`mock_context`),
and the kill matrix starts its runs from settings too (`wsconform.config.as_options`).
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from wsconform import capabilities
from wsconform.capabilities import Capabilities
from wsconform.config import ConfigError, Settings
from wsconform.pacing import Pacer, worker_share
from wsconform.preflight import preflight
from wsconform.profiles import installed
from wsconform.profiles.base import Profile
from wsconform.redact import Redactor
from wsconform.report import baseline, signing
from wsconform.report.results import TestResult
from wsconform.requirements import catalogue
from wsconform.target import Target, client_tls, embedded_from
from wsconform.token_config import configured_tokens
from wsconform.tokens import TokenSource


class Run:
    """What one pytest session shares: settings, redactor, pacer, targets, collected results."""

    def __init__(
        self, settings: Settings, strict: bool = False, breaker_journal: Path | None = None
    ) -> None:
        """Raises ConfigError for what the settings name but cannot be had (a requirement no
        catalogue holds, an unusable baseline), CatalogueError or BrokenProfile for an installed
        profile's own mistake."""
        self.settings = s = settings
        self.redactor = Redactor.knowing(s.secrets())
        self.pacer = Pacer(s.max_rate, s.max_connections, share=worker_share())
        self.report_dir = Path(s.report_dir)
        self.targets: dict[str, Target] = {}
        self.results: list[TestResult] = []
        self.started = time.time()
        self.endpoint: str | None = s.endpoint
        self.profile: str | None = s.profile
        self.defect: str | None = s.mock_defect
        # pytest's own --strict: with it, SHOULD violations (WARN) fail too.
        self.strict = strict
        self.hypothesis = ""  # profile and seed, for the header and results.json
        self.hypothesis_seed: str | None = None  # None when derandomized
        self.summary: list[str] = []  # blocks for the end of the terminal output
        # A token source's failure per kind: said once, then the same ERROR at once (not re-run).
        self.token_failures: dict[str, str] = {}
        # profile → deselected test id → its requirements (-k, -m, --req, --lf): the bundle says so.
        self.deselected: dict[str, dict[str, list[str]]] = {}
        self._signing_key: Ed25519PrivateKey | None = None
        # The requirements this run can judge: those of --profile, or of every profile.
        in_play = [s.profile] if s.profile else list(installed())
        known = {r for p in in_play for r in catalogue(p).requirements}
        where = " or ".join(f"the {p} catalogue" for p in in_play)
        for req_id in s.requirement_ids:
            if req_id not in known:
                raise ConfigError(f"--req {req_id}: no such requirement in {where}")
        try:
            self.capabilities = (
                capabilities.load(Path(s.capabilities), installed()) if s.capabilities else None
            )
        except capabilities.CapabilitiesError as exc:
            raise ConfigError(str(exc)) from None
        if self.capabilities and s.profile and self.capabilities.profile != s.profile:
            raise ConfigError(
                f"--capabilities {s.capabilities} states profile {self.capabilities.profile!r}, "
                f"but the run is of {s.profile!r}"
            )
        try:
            self.baseline = baseline.load(s.baseline) if s.baseline else None
            if self.baseline is not None:
                self.baseline.check_requirements(known, where)
        except baseline.BaselineError as exc:
            raise ConfigError(str(exc)) from None
        # Last: a journal file, which close() removes, once nothing above can raise.
        self.breaker = Breaker(breaker_journal)

    def target(self, profile: Profile) -> Target:
        if profile.name not in self.targets:
            self.targets[profile.name] = (
                self._live(profile) if self.endpoint else self._embedded(profile)
            )
        return self.targets[profile.name]

    def _live(self, profile: Profile) -> Target:
        s = self.settings
        assert s.endpoint is not None
        tls = client_tls(s.ca_file, s.insecure) if s.endpoint.startswith("wss:") else None
        broken = preflight(
            s.endpoint,
            tls=tls,
            headers=s.headers,
            subprotocols=self.subprotocols(profile),
            timeout=s.op_timeout,
            redactor=self.redactor,
        )
        return Target(
            profile,
            s.endpoint,
            *self._live_channels(profile),
            ssl=tls,
            observation_window=s.observation_window,
            max_expiry_wait=s.max_expiry_wait,
            extra_urls=s.extra_endpoints,
            insecure_url=s.insecure_endpoint,
            insecure_tls=s.insecure,
            broken=broken,
        )

    def _embedded(self, profile: Profile) -> Target:
        return embedded_from(profile, self.settings)

    def declared(self, profile: Profile) -> Capabilities | None:
        """The vendor's capability statement, where the run has one for `profile`."""
        caps = self.capabilities
        return caps if caps is not None and caps.profile == profile.name else None

    def offers(self, profile: Profile, feature: str) -> bool:
        """Whether the server offers `feature`: unless its capability statement declares not."""
        declared = self.declared(profile)
        return declared is None or declared.features[feature]

    def _live_channels(self, profile: Profile) -> tuple[str, str]:
        """Public and private: the settings', else the capability statement's, else the
        profile's defaults."""
        s, declared = self.settings, self.declared(profile)
        return (
            s.public_channel or (declared and declared.public_channel) or profile.public_channel,
            s.private_channel or (declared and declared.private_channel) or profile.private_channel,
        )

    def subprotocols(self, profile: Profile) -> list[str] | None:
        return list(self.settings.subprotocol or profile.subprotocols) or None

    def token_source(self, target: Target) -> TokenSource:
        server = getattr(target, "server", None)
        issuer = server.ctx.issuer if server is not None else None
        return configured_tokens(self.settings, self.redactor, issuer)

    def signing_key(self) -> Ed25519PrivateKey:
        """Loaded (or created) once, when the first bundle is signed."""
        if self._signing_key is None:
            path = self.settings.signing_key
            self._signing_key = signing.load_or_create(
                Path(path) if path else signing.default_key_path()
            )
        return self._signing_key

    def close(self) -> None:
        self.breaker.close()
        for target in self.targets.values():
            server = getattr(target, "server", None)
            if server is not None:
                server.stop()


class Breaker:
    """The circuit breaker of a live run (as the OpenID suite's runner stops after three modules
    in a row fail to complete): once the target answered nothing in LIMIT tests in a row, the
    target is clearly unusable, and the remaining tests ERROR at once, saying so, instead of
    each waiting out its time-outs.

    "In a row" is the run's, not one pytest-xdist worker's: the run's processes share a journal
    file, a line per test that counts, so that four workers trip it together after three
    time-outs, not each after its own three."""

    LIMIT = 3
    ANSWERED = "answered"

    def __init__(self, journal: Path | None = None) -> None:
        """`journal`: the file the controller made, in a worker; None makes one (removed by
        close)."""
        self.owned = journal is None
        if journal is None:
            descriptor, name = tempfile.mkstemp(prefix="wsconform-breaker-", suffix=".log")
            os.close(descriptor)
            journal = Path(name)
        self.journal = journal

    def record(
        self, nodeid: str, outcome: str, message: str, heard: bool, asked: bool = True
    ) -> None:
        """Only a test the target left unanswered counts, and only an answer resets the count.
        `asked`: False when the test never got to ask the target (its token source failed). Such
        a test is no evidence either way, nor is a skip, nor a pass on silence (a SHOULD that
        timed out is a pass with a WARN; a garbage-answering target passes "no success" tests)."""
        if heard:
            line = self.ANSWERED
        elif not asked or outcome in ("passed", "skipped"):
            return
        else:
            first = message.strip().splitlines()[0] if message.strip() else outcome
            line = f"{nodeid.split('::')[-1]}: {first}"[:300]
        # One write to a file opened for appending: the workers' lines never interleave.
        descriptor = os.open(self.journal, os.O_WRONLY | os.O_APPEND)
        try:
            os.write(descriptor, (line + "\n").encode())
        finally:
            os.close(descriptor)

    @property
    def tripped(self) -> str | None:
        """Why the breaker tripped, or None. Once tripped it stays so: the journal only grows."""
        unanswered: list[str] = []
        for line in self.journal.read_text(encoding="utf-8", errors="replace").splitlines():
            unanswered = [] if line == self.ANSWERED else [*unanswered, line]
            if len(unanswered) == self.LIMIT:
                return (
                    f"the target answered nothing in {self.LIMIT} tests in a row, so the "
                    "remaining tests were not run (circuit breaker): " + " | ".join(unanswered)
                )
        return None

    def close(self) -> None:
        if self.owned:
            self.journal.unlink(missing_ok=True)
