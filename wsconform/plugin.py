"""The pytest plugin: options, target resolution, fixtures, verdict recording and the roll-up.

Registered by the root conftest.py. Per test it records which requirements were checked and how;
at the end it writes reports/<profile>/results.json, one redacted transcript per test, and prints
the per-requirement verdict table. Outcomes travel in `report.user_properties`, so the same code
works under pytest-xdist, where tests run in worker processes.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from wsconform import __version__
from wsconform.checks import Checker, ConformanceFailure
from wsconform.mock.issuer import TokenIssuer
from wsconform.mock.server import MockContext
from wsconform.profiles import PROFILES, get_profile, profile_for_suite_dir
from wsconform.profiles.base import Profile
from wsconform.redact import Redactor
from wsconform.report import rollup
from wsconform.report.table import verdict_table
from wsconform.requirements import CatalogueError, catalogue
from wsconform.schemas import registry
from wsconform.session import ProbeSession
from wsconform.target import Target, WaitTooLong, start_embedded
from wsconform.tokens import (
    CommandTokens,
    IssuerTokens,
    RedactingSource,
    Token,
    TokenSource,
    TokenSourceError,
    TokenUnavailable,
)
from wsconform.transcript import Transcript

PROPERTY = "wsconform"
RUN = pytest.StashKey["Run"]()
TRANSCRIPT = pytest.StashKey[Transcript]()
CHECKER = pytest.StashKey[Checker]()


def pytest_addoption(parser: pytest.Parser) -> None:
    g = parser.getgroup("wsconform", "wsconform conformance suite")
    g.addoption(
        "--profile",
        choices=sorted(PROFILES),
        help="the profile under test; with --endpoint "
        "only its suite is collected (default: every profile, each on its embedded mock)",
    )
    g.addoption(
        "--endpoint", help="a live ws:// or wss:// URL to test instead of the embedded mock"
    )
    g.addoption("--token-command", help="shell command printing one token for `<kind> [<arg>]`")
    g.addoption("--public-channel", help="a channel any session may subscribe (profile default)")
    g.addoption(
        "--private-channel", help="a channel that needs the private right (profile default)"
    )
    g.addoption(
        "--geo-blocked-endpoint", help="paradex: an endpoint that geo-blocks this client (40112)"
    )
    g.addoption(
        "--op-timeout", type=float, default=5.0, help="seconds to wait for any one reply (5)"
    )
    g.addoption(
        "--max-expiry-wait",
        type=float,
        default=30.0,
        help="live targets: an expiry test that would wait longer SKIPs (30 s)",
    )
    g.addoption("--mock-defect", help="embedded mock: switch on one named defect (needs --profile)")
    g.addoption(
        "--mock-variant",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="embedded mock: a conforming choice where the docs allow several",
    )
    g.addoption(
        "--mock-key-file", help="embedded mock: the issuer's key file (as `wsconform mint`)"
    )
    g.addoption(
        "--report-dir", default="reports", help="where results and transcripts go (reports/)"
    )
    g.addoption("--run-slow", action="store_true", help="also run tests marked slow (minutes each)")


class Run:
    """What one pytest session shares: redactor, targets, collected results."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.redactor = Redactor()
        self.report_dir = Path(config.getoption("report_dir"))
        self.targets: dict[str, Target] = {}
        self.results: list[rollup.TestResult] = []
        self.started = time.time()
        self.endpoint: str | None = config.getoption("endpoint")
        self.profile: str | None = config.getoption("profile")
        self.defect: str | None = config.getoption("mock_defect")
        self.variants = dict(v.split("=", 1) for v in config.getoption("mock_variant"))
        # pytest's own --strict: with it, SHOULD violations (WARN) fail too.
        self.strict: bool = bool(config.getoption("strict", False))
        self.hypothesis = ""  # profile and seed, for the header and results.json
        if self.endpoint and not self.profile:
            raise pytest.UsageError(
                "--endpoint needs --profile: which protocol does the endpoint speak?"
            )
        if (self.defect or self.variants) and (self.endpoint or not self.profile):
            raise pytest.UsageError("--mock-defect/--mock-variant need --profile and no --endpoint")

    def target(self, profile: Profile) -> Target:
        if profile.name not in self.targets:
            opt = self.config.getoption
            public, private = opt("public_channel"), opt("private_channel")
            if self.endpoint:
                self.targets[profile.name] = Target(
                    profile,
                    self.endpoint,
                    public or profile.public_channel,
                    private or profile.private_channel,
                    max_expiry_wait=opt("max_expiry_wait"),
                    geo_blocked_url=opt("geo_blocked_endpoint"),
                )
            else:
                ctx = MockContext(defect=self.defect, variant=self.variants)
                key_file = opt("mock_key_file")
                if key_file:
                    ctx.issuer = TokenIssuer.from_key_file(ctx.clock, Path(key_file))
                self.targets[profile.name] = start_embedded(profile, ctx, public, private)
        return self.targets[profile.name]

    def token_source(self, target: Target) -> TokenSource:
        command = self.config.getoption("token_command")
        if command:
            return CommandTokens(command, self.redactor)
        if target.embedded:
            server = target.server  # type: ignore[attr-defined]
            assert server.ctx.issuer is not None
            return IssuerTokens(server.ctx.issuer)
        raise TokenUnavailable("no token source for a live endpoint: give --token-command")

    def close(self) -> None:
        for target in self.targets.values():
            server = getattr(target, "server", None)
            if server is not None:
                server.stop()


def profile_of(node: pytest.Item | pytest.Collector) -> Profile | None:
    parts = Path(str(node.path)).parts
    if "suites" in parts and parts.index("suites") + 1 < len(parts):
        return profile_for_suite_dir(parts[parts.index("suites") + 1])
    return None


# -- configuration and collection -------------------------------------------------------------


def pytest_configure(config: pytest.Config) -> None:
    config.stash[RUN] = Run(config)
    _fix_hypothesis_seed(config)


def _fix_hypothesis_seed(config: pytest.Config) -> None:
    """Give a random hypothesis run a seed that is printed, so any failure can be replayed.

    Runs before hypothesis' own pytest_configure, which reads --hypothesis-seed."""
    run = config.stash[RUN]
    if settings.default.derandomize:
        run.hypothesis = f"profile {settings.get_current_profile_name()}, derandomized"
        return
    if config.getoption("hypothesis_seed", None) is None:
        config.option.hypothesis_seed = str(secrets.randbelow(2**32))
    seed = config.getoption("hypothesis_seed")
    run.hypothesis = (
        f"profile {settings.get_current_profile_name()}, seed {seed} "
        f"(replay: --hypothesis-seed={seed})"
    )


def pytest_unconfigure(config: pytest.Config) -> None:
    if RUN in config.stash:
        config.stash[RUN].close()


def pytest_report_header(config: pytest.Config) -> list[str]:
    run = config.stash[RUN]
    target = run.endpoint or "embedded reference mocks on 127.0.0.1"
    lines = [
        f"wsconform {__version__}: target {target}" + (" (strict)" if run.strict else ""),
        f"wsconform: hypothesis {run.hypothesis}",
    ]
    if run.defect:
        lines.append(f"wsconform: mock defect {run.defect!r} switched on")
    return lines


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    run = config.stash[RUN]
    keep, drop = [], []
    for item in items:
        profile = profile_of(item)
        if profile is None:
            keep.append(item)
            continue
        if run.profile and profile.name != run.profile:
            drop.append(item)
            continue
        if item.get_closest_marker("slow") and not config.getoption("run_slow"):
            item.add_marker(
                pytest.mark.skip(reason="slow (minutes of server timing): run with --run-slow")
            )
        marker = item.get_closest_marker("req")
        if marker is None or not marker.args:
            raise pytest.UsageError(
                f"{item.nodeid} names no requirement: add @pytest.mark.req(...)"
            )
        try:
            for req_id in marker.args:
                catalogue(profile.name)[req_id]
        except CatalogueError as exc:
            raise pytest.UsageError(f"{item.nodeid}: {exc}") from None
        keep.append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


# -- fixtures ---------------------------------------------------------------------------------


@pytest.fixture
def profile(request: pytest.FixtureRequest) -> Profile:
    found = profile_of(request.node)
    if found is None:
        raise pytest.UsageError(f"{request.node.nodeid} is not under suites/<profile>/")
    return found


@pytest.fixture
def target(request: pytest.FixtureRequest, profile: Profile) -> Target:
    return request.config.stash[RUN].target(profile)


@pytest.fixture
def transcript(request: pytest.FixtureRequest) -> Transcript:
    t = Transcript(request.config.stash[RUN].redactor)
    request.node.stash[TRANSCRIPT] = t
    return t


@pytest.fixture
def check(request: pytest.FixtureRequest, profile: Profile, transcript: Transcript) -> Checker:
    run = request.config.stash[RUN]
    checker = Checker(
        catalogue(profile.name),
        registry(),
        run.redactor,
        vendor=profile.schema_vendor,
        strict=run.strict,
        transcript_tail=lambda: transcript.render(last=12),
    )
    request.node.stash[CHECKER] = checker
    return checker


class Tokens:
    """The test's view of the token source: unavailable kinds SKIP, broken sources ERROR."""

    def __init__(self, source: TokenSource) -> None:
        self.source = source

    def get(self, kind: str, arg: float | str | None = None) -> Token:
        try:
            return self.source.get(
                kind, None if arg is None else f"{arg:g}" if isinstance(arg, float) else str(arg)
            )
        except TokenUnavailable as exc:
            pytest.skip(f"token kind {kind!r} unavailable: {exc}")
        except TokenSourceError as exc:
            raise RuntimeError(str(exc)) from None


@pytest.fixture
def tokens(request: pytest.FixtureRequest, target: Target) -> Tokens:
    run = request.config.stash[RUN]
    try:
        return Tokens(RedactingSource(run.token_source(target), run.redactor))
    except TokenUnavailable as exc:
        pytest.skip(str(exc))


@pytest.fixture
def connect(
    request: pytest.FixtureRequest, target: Target, transcript: Transcript, profile: Profile
) -> Iterator[Callable[..., ProbeSession]]:
    """A factory of connected probe sessions to the target, all closed after the test."""
    op_timeout = request.config.getoption("op_timeout")
    sessions: list[ProbeSession] = []

    def open_session(
        headers: list[tuple[str, str]] | None = None,
        subprotocols: list[str] | None = None,
        url: str | None = None,
    ) -> ProbeSession:
        session = ProbeSession(
            url or target.url,
            transcript,
            headers=headers or [],
            ssl=target.ssl,
            subprotocols=subprotocols or list(profile.subprotocols) or None,
            op_timeout=op_timeout,
        )
        sessions.append(session)
        return session.connect()

    yield open_session
    for session in sessions:
        session.close()


@pytest.fixture
def wait_past(target: Target) -> Callable[[float], None]:
    """Move past an instant on the target's clock; SKIP when a live wait would be too long."""

    def wait(instant: float) -> None:
        try:
            target.wait_past(instant)
        except WaitTooLong as exc:
            pytest.skip(str(exc))

    return wait


# -- recording ----------------------------------------------------------------------------------

_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report: pytest.TestReport = outcome.get_result()
    run = item.config.stash[RUN]
    _redact_report(report, run.redactor)
    profile = profile_of(item)
    if profile is None:
        return
    final = report.when == "call" or (report.when == "setup" and not report.passed)
    if not final:
        return
    marker = item.get_closest_marker("req")
    failed_req = None
    if call.excinfo is not None and isinstance(call.excinfo.value, ConformanceFailure):
        failed_req = call.excinfo.value.requirement.id
    checker = item.stash.get(CHECKER, None)
    transcript = item.stash.get(TRANSCRIPT, None)
    if report.skipped:
        outcome_name = "skipped"
        message = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
    elif report.failed:
        outcome_name = "failed" if report.when == "call" else "error"
        message = _failure_line(report)
    else:
        outcome_name, message = "passed", ""
    result = rollup.TestResult(
        nodeid=item.nodeid,
        profile=profile.name,
        reqs=list(marker.args) if marker else [],
        outcome=outcome_name,
        duration=report.duration,
        checks=[r.as_dict() for r in checker.records] if checker else [],
        failed_req=failed_req,
        message=run.redactor.text(message),
        transcript=_write_transcript(run, profile, item, transcript),
    )
    report.user_properties.append((PROPERTY, json.dumps(result.__dict__)))


def _failure_line(report: pytest.TestReport) -> str:
    crash = getattr(report.longrepr, "reprcrash", None)
    return crash.message if crash is not None else str(report.longrepr)[-1000:]


def _redact_report(report: pytest.TestReport, redactor: Redactor) -> None:
    """Failure text, captured output and logs: no secret reaches the terminal or JUnit."""
    if report.longrepr is not None and not isinstance(report.longrepr, tuple):
        text = str(report.longrepr)
        redacted = redactor.text(text)
        if redacted != text:
            report.longrepr = redacted
    report.sections = [(title, redactor.text(body)) for title, body in report.sections]


def _write_transcript(
    run: Run, profile: Profile, item: pytest.Item, transcript: Transcript | None
) -> str | None:
    if transcript is None or not transcript.entries:
        return None
    name = _UNSAFE.sub("_", item.nodeid.split("/")[-1].replace("::", "__"))[:150] + ".txt"
    path = run.report_dir / profile.name / "transcripts" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{item.nodeid}\n{transcript.render()}\n", encoding="utf-8")
    return f"transcripts/{name}"


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    for key, value in report.user_properties:
        if key == PROPERTY:
            _collected.append(rollup.TestResult(**json.loads(value)))


_collected: list[rollup.TestResult] = []


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if os.environ.get("PYTEST_XDIST_WORKER"):
        return  # the controller writes the results, from the reports it received
    run = session.config.stash[RUN]
    run.results = list(_collected)
    _collected.clear()
    for name in sorted({r.profile for r in run.results}):
        _write_results(run, get_profile(name))


def _write_results(run: Run, profile: Profile) -> None:
    tests = [r for r in run.results if r.profile == profile.name]
    rolled = rollup.roll_up(catalogue(profile.name), tests, strict=run.strict)
    target = run.targets.get(profile.name)
    document = {
        "profile": profile.name,
        "title": profile.title,
        "suite_version": __version__,
        "target": target.describe() if target else (run.endpoint or "embedded mock"),
        "strict": run.strict,
        "mock_defect": run.defect,
        "hypothesis": run.hypothesis,
        "started": run.started,
        "finished": time.time(),
        "summary": rollup.summary(rolled),
        "requirements": [r.as_dict() for r in rolled],
        "untested": [r.requirement.id for r in rolled if r.verdict == "UNTESTED"],
        "tests": [t.__dict__ for t in tests],
    }
    path = run.report_dir / profile.name / "results.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    run.config.stash[TABLES] = [*run.config.stash.get(TABLES, []), verdict_table(document)]


TABLES = pytest.StashKey[list[str]]()


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    for table in config.stash.get(TABLES, []):
        terminalreporter.write_line("")
        for line in table.splitlines():
            terminalreporter.write_line(line)
