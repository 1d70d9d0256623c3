"""The `wsconform` command: certify, verify, replay, baseline, compare, mock, mint, asyncapi,
requirements, prune.

wsconform certify                     every profile's suite on its embedded mock → reports/
wsconform verify reports/certification/paradex-…   check a bundle's hashes and signature
wsconform replay reports/certification/paradex-latest test_x   re-send a test's frames, compare
wsconform baseline reports/paradex/results.json -o baseline.json   known failures, for --baseline
wsconform compare reports/*/results.json            a cross-vendor verdict matrix (HTML, Markdown)
wsconform mock paradex --port 8765    a reference mock, standalone, for client developers
wsconform mint paradex valid          a token for that mock (share --key-file with it)
wsconform asyncapi paradex            its AsyncAPI 3.0 document, from the schemas
wsconform requirements paradex        each requirement and the tests that cover it (runs nothing)
wsconform prune --keep 5              delete all but the newest bundles of each profile
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import secrets
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wsconform import __version__
from wsconform.config import (
    ConfigError,
    Settings,
    add_options,
    env_name,
    resolve,
    without_settings,
)
from wsconform.mock.clock import MockClock
from wsconform.mock.issuer import TOKEN_KINDS, TokenIssuer
from wsconform.profiles import get_profile, installed, names

if TYPE_CHECKING:
    from wsconform.requirements import Catalogue

# Each command imports what only it needs (pytest, the reports, the mock server) when it runs: a
# token command such as `wsconform mint` runs once per token of a live run.

DEFAULT_KEY_FILE = Path(".wsconform-mock-key.pem")

# Exit codes: 0 conformant, 1 a MUST failed (or a WARN under --strict) or a test could not finish
# (ERROR), 2 the run could not be made.
EXIT_CONFORMANT, EXIT_NONCONFORMANT, EXIT_NOT_RUN = 0, 1, 2


def certify(args: argparse.Namespace) -> int:
    import pytest

    from wsconform.report import allure_html, matrix

    report_dir = Path(args.report_dir)
    allure_results = report_dir / "allure-results"
    # Every installed profile's suite (wsconform's own and any vendor package's), or --profile's.
    profiles = [get_profile(args.profile)] if args.profile else list(installed().values())
    pytest_args = [
        *(str(p.suite) for p in profiles),
        # pytest's cache (--lf) beside the reports, in the directory the run is made from: an
        # installed suite's rootdir is in site-packages.
        "-o", f"cache_dir={Path.cwd() / '.pytest_cache'}",
        "--report-dir", str(report_dir),
        "--junitxml", str(report_dir / "junit.xml"),
        "--alluredir", str(allure_results), "--clean-alluredir",
        "-q",
    ]  # fmt: skip
    for option in ("profile", "baseline", "signing_key"):
        if getattr(args, option):
            pytest_args += [f"--{option.replace('_', '-')}", getattr(args, option)]
    if args.strict:
        pytest_args.append("--strict")
    if not args.allow_incomplete:
        pytest_args.append("--require-complete")
    if not any(a.startswith("--hypothesis-seed") for a in args.pytest_args):
        # A certification is replayable: a seed in every profile (derandomized ones ignore it).
        pytest_args.append(f"--hypothesis-seed={secrets.randbelow(2**32)}")
    started = time.time()
    code = exit_code(pytest.main(pytest_args + args.pytest_args))
    if code == EXIT_NOT_RUN:
        return code
    fresh = [p for p in report_dir.glob("*/results.json") if p.stat().st_mtime >= started]
    html_file, md_file = matrix.write(matrix.load(sorted(fresh)), report_dir / "matrix")
    print(f"wsconform: verdict matrix {html_file} and {md_file}")
    try:
        print(
            f"wsconform: Allure report {allure_html.render(allure_results, report_dir / 'allure')}"
        )
    except allure_html.AllureUnavailable as exc:
        print(f"wsconform: Allure HTML skipped: {exc}")
    except allure_html.AllureFailed as exc:  # the results stay; the verdict is not the tool's
        print(f"wsconform: Allure HTML failed ({allure_results} kept): {exc}", file=sys.stderr)
    return code


def exit_code(code: int) -> int:
    """pytest's exit status as the suite's: 0 conformant, 1 not, 2 the run could not be made."""
    if code in (EXIT_CONFORMANT, EXIT_NONCONFORMANT):  # pytest's OK and TESTS_FAILED
        return int(code)
    if code != EXIT_NOT_RUN:  # 2 already said why (preflight, configuration)
        print(f"wsconform: the run could not be made (pytest exit {int(code)})", file=sys.stderr)
    return EXIT_NOT_RUN


def verify(args: argparse.Namespace) -> int:
    from wsconform.report import bundle

    public_key = Path(args.public_key) if args.public_key else None
    max_age = args.max_age * 86400 if args.max_age is not None else None
    try:
        result = bundle.verify(
            bundle.resolve_latest(Path(args.bundle)),
            public_key,
            trust_embedded_key=args.trust_embedded_key,
            max_age=max_age,
        )
    except bundle.BundleError as exc:
        print(f"wsconform verify: {exc}", file=sys.stderr)
        return EXIT_NOT_RUN
    for problem in result.problems:
        print(f"FAILED {problem}")
    if not result.ok:
        print(f"wsconform verify: {args.bundle} does NOT verify ({len(result.problems)} problems)")
        return EXIT_NONCONFORMANT
    print(
        f"wsconform verify: OK: {result.files} files intact, verdict {result.verdict}, "
        f"signed by {result.fingerprint}"
    )
    if not result.pinned:  # --trust-embedded-key
        print(
            "wsconform verify: checked with the key the bundle carries: this proves the files "
            "are as that key signed them and agree with the verdict, NOT who signed them (anyone "
            "can re-sign a changed bundle with a new key): pin the signer's with --public-key"
        )
    return EXIT_CONFORMANT


# What a replay takes as a run takes it (options, WSCONFORM_* variables, --target-file): where it
# goes, how it connects, its tokens, and the embedded mock it starts when it goes nowhere else.
REPLAY_SETTINGS = (
    "endpoint", "target_file", "ca_file", "insecure", "header", "op_timeout",
    "token_command", "token_timeout", "token", "expired_token", "limited_token", "token_url",
    "client_id", "client_secret", "scope", "limited_scope", "refresh_token",
    "mock_defect", "mock_variant", "mock_preset", "mock_key_file",
)  # fmt: skip


def replay_test(args: argparse.Namespace) -> int:
    from wsconform import replay
    from wsconform.redact import Redactor
    from wsconform.target import EmbeddedTarget, client_tls, embedded_from
    from wsconform.token_config import configured_tokens
    from wsconform.tokens import RedactingSource

    try:
        recorded = replay.load(Path(args.bundle), args.test_id)
        # The bundle's profile: the replay speaks the protocol the test spoke.
        settings = resolve(
            lambda name: (
                recorded.profile.name
                if name == "profile"
                else getattr(args, f"wsconform_{name}", None)
            )
        )
    except replay.ReplayError as exc:
        print(f"wsconform replay: {exc}", file=sys.stderr)
        return EXIT_NOT_RUN
    except ConfigError as exc:
        print(f"wsconform replay: bad configuration: {exc}", file=sys.stderr)
        return EXIT_NOT_RUN
    redactor = Redactor.knowing(settings.secrets())
    mock: EmbeddedTarget | None = None
    try:
        if settings.endpoint:
            url, issuer = settings.endpoint, None
            tls = (
                client_tls(settings.ca_file, settings.insecure) if url.startswith("wss:") else None
            )
        else:  # the profile's embedded mock, its issuer the token source, as in a run
            mock = embedded_from(recorded.profile, settings)
            assert mock.server is not None
            url, tls, issuer = mock.url, mock.ssl, mock.server.ctx.issuer
        source = RedactingSource(configured_tokens(settings, redactor, issuer), redactor)
        fresh = replay.FreshSecrets(recorded.origins, source, redactor)
        endpoint = replay.Endpoint(url, tls, settings.op_timeout, settings.headers)
        now = replay.replay(recorded, endpoint, fresh, redactor)
    except replay.ReplayError as exc:
        print(f"wsconform replay: {redactor.text(str(exc))}", file=sys.stderr)
        return EXIT_NOT_RUN
    finally:
        if mock is not None and mock.server is not None:
            mock.server.stop()
    print(f"wsconform replay: {recorded.nodeid} against {url}")
    diffs = replay.differences(recorded, now, fresh)
    for conn, lines in diffs.items():
        print("\n".join(redactor.text(line) for line in lines) if lines else f"{conn}: same")
    differing = [conn for conn, lines in diffs.items() if lines]
    if differing:
        print(f"wsconform replay: {', '.join(differing)} of {len(diffs)} connections differ")
        return EXIT_NONCONFORMANT
    print(f"wsconform replay: no differences on {', '.join(diffs) or 'no connection'}")
    return EXIT_CONFORMANT


def write_baseline(args: argparse.Namespace) -> int:
    from wsconform.report import baseline
    from wsconform.report.results import Results, ResultsError

    try:
        written = baseline.from_results([Results.load(p) for p in args.results])
    except ResultsError as exc:
        print(f"wsconform baseline: not wsconform results: {exc}", file=sys.stderr)
        return EXIT_NOT_RUN
    text = json.dumps(written, indent=2, ensure_ascii=False) + "\n"
    if args.output == "-":
        sys.stdout.write(text)
    else:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"wsconform baseline: {len(written['entries'])} entries → {args.output}")
    return EXIT_CONFORMANT


def compare(args: argparse.Namespace) -> int:
    from wsconform.report import matrix

    try:
        columns = matrix.load([results_file(Path(p)) for p in args.results])
    except matrix.MatrixError as exc:
        print(f"wsconform compare: {exc}", file=sys.stderr)
        return EXIT_NOT_RUN
    html_file, md_file = matrix.write(columns, Path(args.output), args.differences)
    changed = matrix.changes(columns)
    rows = sum(len(f.rows) for f in matrix.families(columns))
    print(f"wsconform compare: {len(changed)} of {rows} rows differ between the columns")
    for line in changed:
        print(f"  {line}")
    print(f"wsconform compare: {html_file} and {md_file}")
    return EXIT_CONFORMANT


def results_file(path: Path) -> Path:
    """A results.json, or the one in a bundle or report directory (`<profile>-latest` too)."""
    from wsconform.report import bundle

    path = bundle.resolve_latest(path)
    return path / "results.json" if path.is_dir() else path


def mock(args: argparse.Namespace) -> int:
    import asyncio

    from wsconform.mock.defects import UnknownDefect
    from wsconform.mock.server import CannotListen, MockServer
    from wsconform.mock.tls import MockTLS
    from wsconform.target import mock_context

    if args.plain_port is not None and not args.tls:
        args.usage_error("--plain-port needs --tls (without TLS --port is already plain ws://)")
    profile = get_profile(args.profile)
    if args.list_defects:
        for name, defect in sorted(profile.mock.DEFECTS.items()):
            print(f"{name:40} {defect.description} (breaks {defect.breaks})")
        return 0
    if args.list_variants:
        for key, values in profile.mock.variant_choices().items():
            print(f"{key:40} {' | '.join(values)}  (default {values[0]})")
        return 0
    if args.list_presets:
        for name, preset in sorted(profile.mock.PRESETS.items()):
            print(f"{name:40} for {preset.client}")
            for key, value in preset.variant.items():
                print(f"{'':40}   variant {key}={value} (conforming)")
            for departure in preset.departures:
                defect = profile.mock.DEFECTS.get(departure)
                said = (
                    f"{defect.description} (the defect {departure}: {defect.breaks} goes red)"
                    if defect
                    else profile.mock.DEPARTURES[departure]
                )
                print(f"{'':40}   departs: {said}")
        return 0
    malformed = [item for item in args.variant if "=" not in item]
    if malformed:
        args.usage_error(f"--variant {malformed[0]!r}: expected KEY=VALUE (see --list-variants)")
    settings = Settings(
        profile=profile.name,
        mock_defect=args.defect,
        mock_variant=tuple(args.variant),
        mock_preset=args.preset,
        mock_key_file=args.key_file,
    )
    ctx = mock_context(profile, settings)
    tls = MockTLS() if args.tls else None
    try:
        server = MockServer(
            profile.mock,
            ctx,
            host=args.host,
            port=args.port,
            ssl=tls.server_context() if tls else None,
            plain_port=args.plain_port,
            http_port=args.http_port,
            developer=True,
            log_frames=(lambda line: print(line, file=sys.stderr, flush=True))
            if args.verbose
            else None,
            pump_interval=args.data_interval,
        )
    except UnknownDefect as exc:
        print(f"wsconform mock: {exc}", file=sys.stderr)
        return EXIT_NOT_RUN
    if tls is not None:
        tls.write_ca(Path(args.ca_out))

    def ready() -> None:
        # One line each, flushed: scripts and tests read these to find the mock.
        lines = [
            f"{profile.name} mock listening on {server.url}"
            + (f" (defect: {args.defect})" if args.defect else "")
            + (f" (variants: {', '.join(args.variant)})" if args.variant else "")
            + (f" (preset: {args.preset})" if args.preset else "")
        ]
        if server.plain_url is not None:
            lines.append(f"also plain ws on {server.plain_url}")
        routes = ", ".join(f"{method} {path}" for method, path in server.routes)
        lines.append(f"http on {server.http_url} ({routes})")
        if tls is not None:
            lines.append(f"CA certificate: {args.ca_out} (give it to the suite as --ca-file)")
        for name, url in server.app.extra_urls(server.url).items():
            lines.append(f"{name} endpoint: {url}")
        lines.append(f"tokens: wsconform mint {profile.name} <kind> --key-file {args.key_file}")
        for line in lines:
            print(line, flush=True)

    try:
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(server.serve(ready))
    except CannotListen as exc:
        print(f"wsconform mock: {exc}", file=sys.stderr)
        return EXIT_NOT_RUN
    return 0


def asyncapi(args: argparse.Namespace) -> int:
    from wsconform.asyncapi import document

    text = json.dumps(document(get_profile(args.profile), args.server), indent=2) + "\n"
    if args.out is None:
        sys.stdout.write(text)
    else:
        Path(args.out).write_text(text, encoding="utf-8")
        print(f"wsconform asyncapi: {args.out}")
    return EXIT_CONFORMANT


def requirements(args: argparse.Namespace) -> int:
    """List the catalogue and the tests naming each requirement, from a collection-only run."""
    from unittest.mock import patch

    import pytest

    from wsconform.requirements import catalogue

    profile = get_profile(args.profile)
    covering: dict[str, list[str]] = {}

    class Marks:
        def pytest_collection_finish(self, session: pytest.Session) -> None:
            for item in session.items:
                marker = item.get_closest_marker("req")
                for req_id in marker.args if marker else ():
                    covering.setdefault(req_id, []).append(item.nodeid)

    suite = str(profile.suite)
    output = io.StringIO()
    # The suite as it is, not as a run's WSCONFORM_* settings (--req, --baseline) would select it.
    with (
        patch.dict(os.environ, without_settings(os.environ), clear=True),
        contextlib.redirect_stdout(output),
    ):
        code = pytest.main([suite, "--profile", profile.name, "--collect-only", "-qq"], [Marks()])
    if code != pytest.ExitCode.OK:
        sys.stderr.write(output.getvalue())
        print(f"wsconform requirements: {suite} could not be collected", file=sys.stderr)
        return EXIT_NOT_RUN
    print(
        f"{profile.name}: {profile.title}: {requirement_listing(catalogue(profile.name), covering)}"
    )
    return EXIT_CONFORMANT


def requirement_listing(cat: Catalogue, covering: dict[str, list[str]]) -> str:
    """A summary line, then per requirement its ID, level, title, clause and covering tests."""
    reqs = cat.requirements.values()
    tests = {nodeid for ids in covering.values() for nodeid in ids}
    uncovered = [r.id for r in reqs if r.id not in covering]
    lines = [
        f"{len(reqs)} requirements, {len(tests)} tests; "
        f"named by no test: {', '.join(uncovered) or 'none'}"
    ]
    for req in reqs:
        lines += ["", f"{req.id}  {req.level:6}  {req.title}", f"    clause: {req.source}"]
        named = covering.get(req.id, ["none: no test names this requirement"])
        lines += [f"    test:   {nodeid}" for nodeid in named]
    return "\n".join(lines)


def prune(args: argparse.Namespace) -> int:
    from wsconform.report import bundle

    if args.keep < 1:
        args.usage_error("--keep must be at least 1 (the latest link names the newest bundle)")
    root = Path(args.report_dir) / "certification"
    try:
        removed = bundle.prune(root, args.keep)
    except OSError as exc:
        print(f"wsconform prune: {exc}", file=sys.stderr)
        return EXIT_NOT_RUN
    for path in removed:
        print(f"wsconform prune: removed {path}")
    print(
        f"wsconform prune: {len(removed)} bundles removed; "
        f"the newest {args.keep} of each profile kept in {root}"
    )
    return EXIT_CONFORMANT


def soak_parser(sub: Any) -> None:
    """`wsconform soak`: its options carry Locust's own names where Locust has one."""
    from wsconform.soak.run import soak

    s = sub.add_parser(
        "soak",
        help="the documented auth lifecycle under load, on Locust (master and workers)",
        description="Locust users speak the profile: each connects, authenticates the "
        "documented way, subscribes to a public and a private channel, keeps alive, lives "
        "through token expiry and re-authenticates as the documents say; others present bad "
        "tokens. Outcomes are counted per requirement ('ZEN-EXP-03 re-auth after expiry: "
        "9,998 / 10,000 succeeded (2 timed out)'), latencies are Locust's statistics merged "
        "across workers; the report (soak.json, soak.html, Locust's CSV) goes to --report-dir. "
        "By default on one machine against the profile's mock, with one mass expiry on its "
        "clock. Exit 0: every threshold met; 1: one was not; 2: the soak could not be made.",
    )
    s.add_argument("profile", choices=names())
    s.add_argument("-u", "--users", type=int, default=100, help="sessions (%(default)s)")
    s.add_argument(
        "-r", "--spawn-rate", type=float, default=50, help="users started per second (%(default)s)"
    )
    s.add_argument(
        "-t", "--run-time", default="60s", help="how long, Locust's way: 30s, 2m (%(default)s)"
    )
    s.add_argument(
        "--workers",
        type=int,
        default=2,
        help="Locust worker processes on this machine (%(default)s)",
    )
    s.add_argument("--report-dir", default="reports/soak", help="(%(default)s)")
    s.add_argument(
        "--threshold",
        action="append",
        default=[],
        metavar="REQ=PERCENT",
        help="the share of attempts that must succeed (repeatable; default 100 for MUST and "
        "SHOULD, none for INFO; 0: not required to be exercised)",
    )
    s.add_argument("--endpoint", help="a live target instead of the embedded mock")
    s.add_argument("--public-channel", help="(the profile's default)")
    s.add_argument("--private-channel", help="(the profile's default)")
    # The token options read the suite's environment variables too: secrets stay out of `ps`.
    for option, what in (
        ("--token-command", "as the suite's: `<cmd> <kind>` prints a token"),
        ("--token", "a static valid token"),
        ("--expired-token", "a static expired token"),
        ("--token-url", "an OAuth 2.0 token endpoint (RFC 6749)"),
        ("--client-id", "OAuth client id"),
        ("--client-secret", "OAuth client secret"),
        ("--scope", "OAuth scope for valid tokens"),
    ):
        variable = env_name(option[2:].replace("-", "_"))
        s.add_argument(option, default=os.environ.get(variable), help=f"{what}; env {variable}")
    s.add_argument("--ca-file", help="PEM CA certificates to trust for wss://")
    s.add_argument(
        "--header", action="append", default=[], metavar="NAME:VALUE", help="(repeatable)"
    )
    s.add_argument(
        "--key-file", help="a standalone mock's issuer key: tokens are minted here with it"
    )
    s.add_argument(
        "--control-url",
        help="a standalone mock's controls (http://HOST:PORT/control): one mass expiry",
    )
    s.add_argument(
        "--expire-after",
        type=float,
        default=10.0,
        help="seconds after the last user is spawned that every token expires at once, on the "
        "mock's clock (%(default)s)",
    )
    s.add_argument("--mock-defect", help="the embedded mock's defect (see wsconform mock)")
    s.add_argument(
        "--data-interval",
        type=float,
        default=0.5,
        help="the embedded mock's data period per subscription, seconds (%(default)s)",
    )
    s.add_argument(
        "--bad-token-rate",
        type=float,
        default=10.0,
        help="bad tokens (forged, expired) presented per second across the run (%(default)s)",
    )
    s.add_argument(
        "--resume-within",
        type=float,
        default=1.0,
        help="seconds within which private data must come again after re-auth (%(default)s)",
    )
    s.add_argument(
        "--op-timeout", type=float, default=10.0, help="seconds for any one reply (%(default)s)"
    )
    s.add_argument(
        "--observation-window",
        type=float,
        help="seconds 'no more data arrives' is watched after expiry (2 on a live target; two "
        "data periods on the embedded mock)",
    )
    s.add_argument(
        "--master",
        action="store_true",
        help="only the master: workers come from other machines (`--worker --master-host THIS`)",
    )
    s.add_argument("--expect-workers", type=int, default=1, help="with --master (%(default)s)")
    s.add_argument(
        "--master-bind-host",
        default="127.0.0.1",
        help="with --master: 0.0.0.0 to take workers from other machines (%(default)s)",
    )
    s.add_argument("--worker", action="store_true", help="only a worker, of --master-host")
    s.add_argument("--master-host", default="127.0.0.1")
    s.add_argument("--master-port", type=int, default=5557, help="(Locust's, %(default)s)")
    s.set_defaults(run=soak)


def mint(args: argparse.Namespace) -> int:
    profile = get_profile(args.profile)
    key_file = Path(args.key_file)
    if not key_file.exists():
        print(
            f"wsconform mint: no key file {key_file}: start `wsconform mock` with it first",
            file=sys.stderr,
        )
        return EXIT_NOT_RUN
    issuer = TokenIssuer.from_key_file(MockClock(), key_file, lifetime=profile.token_lifetime)
    try:
        print(issuer.mint(args.kind, args.arg))
    except ValueError as exc:
        print(f"wsconform mint: {exc}", file=sys.stderr)
        return EXIT_NOT_RUN
    return 0


class MockHelp(argparse.Action):
    """`wsconform mock --help`, ending with every profile's presets: loaded only when asked."""

    def __init__(self, option_strings: list[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, help="show this help message and exit")

    def __call__(self, parser: argparse.ArgumentParser, *_: Any) -> None:
        listed = [
            f"{name}: {', '.join(sorted(profile.mock.PRESETS))}"
            for name, profile in installed().items()
            if profile.mock.PRESETS
        ]
        parser.epilog = f"presets (see --list-presets): {'; '.join(listed) or 'none'}"
        parser.print_help()
        parser.exit()


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="wsconform",
        description="Conformance suite for WebSocket authentication APIs "
        f"(profiles: {', '.join(names())}).",
        epilog="Exit codes: 0 conformant (or verified), 1 a MUST failed (a WARN too under "
        "--strict; or the bundle does not verify), 2 the run could not be made.",
    )
    top.add_argument("--version", action="version", version=f"wsconform {__version__}")
    sub = top.add_subparsers(dest="command", required=True)

    c = sub.add_parser(
        "certify",
        help="run the suites on the embedded mocks and write reports/",
        description="Run every profile's suite (or one) against its embedded mock and write, "
        "under the report directory: results, transcripts and JUnit per profile, a signed "
        "certification bundle per profile (certification/), the cross-vendor matrix "
        "(matrix.html, matrix.md), Allure results and, where Node.js is installed, the Allure "
        "HTML report (allure/). Extra arguments after -- go to pytest (--endpoint and the "
        "token options among them).",
    )
    c.add_argument("--profile", choices=names(), help="only this profile")
    c.add_argument("--report-dir", default="reports", help="output directory (reports/)")
    c.add_argument("--strict", action="store_true", help="SHOULD violations fail too")
    c.add_argument(
        "--allow-incomplete",
        action="store_true",
        help="exit 0 from an INCOMPLETE run (a MUST requirement undecided, a partial selection, "
        "an interruption); by default it exits 1, listing why",
    )
    c.add_argument("--baseline", metavar="FILE", help="known failures that do not fail the run")
    c.add_argument(
        "--signing-key",
        metavar="PEM",
        help="Ed25519 key that signs the bundles (default ~/.config/wsconform/signing-key.pem)",
    )
    c.add_argument("pytest_args", nargs="*", help="passed on to pytest (after --)")
    c.set_defaults(run=certify)

    v = sub.add_parser(
        "verify",
        help="check a certification bundle's signed attestation against the files",
        description="Check a bundle's attestation (an in-toto Statement in a DSSE envelope) as "
        "a verifier does: its signature by the key the trust policy names, every file's SHA-256 "
        "against the statement's subjects, files no subject names, the predicate against the "
        "results (no CERTIFIED while a MUST requirement failed, errored or was not decided), "
        "and freshness. A trust policy is required: --public-key, or --trust-embedded-key. "
        "Exit 0: verified; 1: anything changed or claimed wrongly; 2: not a bundle, or no "
        "trust policy.",
    )
    v.add_argument("bundle", help="reports/certification/<profile>-<time>/")
    trust = v.add_mutually_exclusive_group()
    trust.add_argument(
        "--public-key",
        metavar="PEM",
        help="the signer's public key (Ed25519, PEM), obtained from the signer: the bundle "
        "must be signed by it",
    )
    trust.add_argument(
        "--trust-embedded-key",
        action="store_true",
        help="check against the key the bundle carries (signer.pub.pem): proves integrity and "
        "consistency, not who signed",
    )
    v.add_argument(
        "--max-age",
        type=float,
        metavar="DAYS",
        help="refuse a bundle whose run ended more than DAYS days ago",
    )
    v.set_defaults(run=verify)

    y = sub.add_parser(
        "replay",
        help="re-send a recorded test's client frames to a target and show where answers differ",
        description="Read one test's transcript from a bundle (or a report directory, or a "
        "results.json; nothing is verified), open its connections again in recorded order and "
        "re-send each client frame, every masked token replaced by a fresh one of the recorded "
        "kind from the token options (default: the profile's embedded mock and its issuer). "
        "Then show, per connection, a diff of the server's frames then and now, tokens labelled "
        "by kind and the profile's volatile members (times, server ids) blanked. Exit 0: no "
        "differences; 1: some; 2: the replay could not be made.",
    )
    y.add_argument("bundle", help="reports/certification/<profile>-<time>/, or its results.json")
    y.add_argument("test_id", help="the test's node ID, or its end (test_name[param])")

    def setting(name: str, **kwargs: Any) -> None:
        if kwargs.get("action") != "store_true":  # ENDPOINT, not argparse's WSCONFORM_ENDPOINT
            kwargs.setdefault("metavar", name.removeprefix("--").replace("-", "_").upper())
        y.add_argument(name, **kwargs)

    add_options(setting, REPLAY_SETTINGS)
    y.set_defaults(run=replay_test)

    b = sub.add_parser(
        "baseline",
        help="write a baseline of the failures in results files (for --baseline)",
        description="Write a baseline file with one entry per requirement that is FAIL or "
        "ERROR in the given results.json files. Edit each reason to say why the failure is "
        "accepted; entries can also name a test node ID.",
    )
    b.add_argument("results", nargs="+", help="reports/<profile>/results.json ...")
    b.add_argument("-o", "--output", default="-", help="the baseline file (default: stdout)")
    b.set_defaults(run=write_baseline)

    x = sub.add_parser(
        "compare",
        help="runs side by side, and what changed between them: HTML and Markdown",
        description="Put the verdicts of several runs side by side, one column per run, labelled "
        "with its target, time and suite version. Runs of several profiles line up by shared "
        "behaviour (suites/behaviours.toml: 'an expired token is refused'); runs of one profile "
        "(staging vs production, last night vs tonight) requirement by requirement. Prints the "
        "rows whose columns differ.",
    )
    x.add_argument(
        "results",
        nargs="+",
        help="each a results.json, or a bundle or report directory holding one "
        "(reports/certification/paradex-latest)",
    )
    x.add_argument(
        "--differences", action="store_true", help="keep only the rows whose columns differ"
    )
    x.add_argument(
        "-o", "--output", default="reports/matrix", help="output prefix (%(default)s → .html, .md)"
    )
    x.set_defaults(run=compare)

    m = sub.add_parser(
        "mock",
        add_help=False,
        help="run a reference mock standalone (ws://, or wss:// with --tls)",
        description="Serve a profile's reference mock until interrupted. Tokens for "
        "it come from `wsconform mint` with the same --key-file. With --tls it serves "
        "wss:// on --port with a certificate from a fresh local CA made for this run; the "
        "CA certificate is written to --ca-out, and the suite trusts the mock when given "
        "that file as --ca-file. --plain-port adds a plain ws:// listener beside it, for "
        "protocols that grant some rights only over TLS.",
    )
    m.add_argument("-h", "--help", action=MockHelp)
    m.add_argument("profile", choices=names())
    m.add_argument("--host", default="127.0.0.1")
    m.add_argument("--port", type=int, default=8765, help="0 picks a free port (8765)")
    m.add_argument("--defect", help="switch on one named defect (see --list-defects)")
    m.add_argument("--list-defects", action="store_true", help="list the defect switches and exit")
    m.add_argument(
        "--variant",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a conforming choice where the docs allow several (repeatable; see --list-variants)",
    )
    m.add_argument(
        "--list-variants",
        action="store_true",
        help="list the variants, their values and defaults, and exit",
    )
    m.add_argument(
        "--preset",
        metavar="NAME",
        help="a client-compatibility preset: what one real client needs, switched on together "
        "(its variants, and departures from the docs that client relies on); the suite still "
        "judges by the docs, so against a preset it may WARN or FAIL where the preset departs "
        "(see --list-presets)",
    )
    m.add_argument(
        "--list-presets",
        action="store_true",
        help="list the presets, what each selects and where it departs from the docs, and exit",
    )
    m.add_argument(
        "--tls", action="store_true", help="serve wss:// on --port with a fresh local CA"
    )
    m.add_argument(
        "--plain-port",
        type=int,
        metavar="N",
        help="with --tls: also serve plain ws:// on port N (0 picks a free port)",
    )
    m.add_argument(
        "--http-port",
        type=int,
        default=0,
        metavar="N",
        help="where the HTTP side is served: what a vendor's own client needs (Zenith: an "
        "OAuth 2.0 token endpoint, POST /connect/token; Paradex: /v1/markets, /v1/system/config, "
        "/v1/auth; ETHGas: /api/v1/user/login[/verify|/refresh]) and the controls of "
        'wsconform/mock/control.py (POST /control/advance {"seconds": N}, /control/expire, '
        '/control/revoke {"token": T}); https:// with --tls (default 0: a free port, printed at '
        "start)",
    )
    m.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="log every data frame received (<) and sent (>) on stderr, tokens masked",
    )
    m.add_argument(
        "--ca-out",
        metavar="FILE",
        default=".wsconform-mock-ca.pem",
        help="with --tls: where the CA certificate is written (%(default)s)",
    )
    m.add_argument(
        "--key-file",
        default=str(DEFAULT_KEY_FILE),
        help=f"the issuer's EC key, created on first use ({DEFAULT_KEY_FILE})",
    )
    m.add_argument(
        "--data-interval",
        type=float,
        default=0.02,
        metavar="SECONDS",
        help="how often each subscription gets a data frame (%(default)s; a soak of thousands "
        "of sessions wants seconds)",
    )
    m.set_defaults(run=mock, usage_error=m.error)  # option clashes are usage errors (exit 2)

    soak_parser(sub)

    t = sub.add_parser(
        "mint",
        help="print a token for a standalone mock (a --token-command)",
        description="Print one token of the given kind, signed with the mock's key.",
    )
    t.add_argument("profile", choices=names())
    t.add_argument("kind", choices=TOKEN_KINDS)
    t.add_argument("arg", nargs="?", help="for short-lived: the lifetime in seconds")
    t.add_argument("--key-file", default=str(DEFAULT_KEY_FILE), help="the key the mock uses")
    t.set_defaults(run=mint)

    a = sub.add_parser(
        "asyncapi",
        help="print a profile's AsyncAPI 3.0 document, generated from its schemas",
        description="The profile's AsyncAPI 3.0 document: every request, reply and event its "
        "JSON Schemas capture (as 2020-12 multi-format schemas), the request/reply pairs, and "
        "its expiry and subscription-replay requirements as x- extensions. `wsconform mock` "
        "serves it at GET /asyncapi.json.",
    )
    a.add_argument("profile", choices=names())
    a.add_argument("--server", metavar="URL", help="the ws:// or wss:// URL to name as its server")
    a.add_argument("--out", metavar="FILE", help="write it there (default: standard output)")
    a.set_defaults(run=asyncapi)

    r = sub.add_parser(
        "requirements",
        help="list a profile's requirements and the tests that cover each (runs nothing)",
        description="List each requirement of the profile's catalogue: its ID, level, title, "
        "the document clause it comes from, and the tests that name it (from a collection-only "
        "pytest run; nothing is run). Requirements no test names are listed as such. Run the "
        "tests of some with `pytest --req ID[,ID...]`.",
    )
    r.add_argument("profile", choices=names())
    r.set_defaults(run=requirements)

    p = sub.add_parser(
        "prune",
        help="delete old certification bundles, keeping the newest of each profile",
        description="Delete all but the newest --keep certification bundles of each profile "
        "under <report dir>/certification/, saying what was removed. The <profile>-latest "
        "link keeps naming the newest.",
    )
    p.add_argument("--keep", type=int, default=5, metavar="N", help="bundles kept per profile (5)")
    p.add_argument("--report-dir", default="reports", help="the report directory (reports/)")
    p.set_defaults(run=prune, usage_error=p.error)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return int(args.run(args))


if __name__ == "__main__":
    sys.exit(main())
