"""The `wsconform` command: certify, mock, mint.

wsconform certify                     every profile's suite on its embedded mock → reports/
wsconform mock paradex --port 8765    a reference mock, standalone, for client developers
wsconform mint paradex valid          a token for that mock (share --key-file with it)
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
from pathlib import Path

import pytest

from wsconform import __version__
from wsconform.mock.clock import MockClock
from wsconform.mock.issuer import TOKEN_KINDS, TokenIssuer
from wsconform.mock.server import MockContext, MockServer, UnknownDefect
from wsconform.mock.tls import MockTLS
from wsconform.profiles import PROFILES, get_profile

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_KEY_FILE = Path(".wsconform-mock-key.pem")

# Exit codes: 0 conformant, 1 a MUST failed (or a WARN under --strict), 2 the run could not be made.
EXIT_CONFORMANT, EXIT_NONCONFORMANT, EXIT_NOT_RUN = 0, 1, 2


def certify(args: argparse.Namespace) -> int:
    report_dir = Path(args.report_dir)
    pytest_args = [
        str(ROOT / "suites"),
        "--report-dir", str(report_dir),
        "--junitxml", str(report_dir / "junit.xml"),
        "-q", "-p", "no:cacheprovider",
    ]  # fmt: skip
    if args.profile:
        pytest_args += ["--profile", args.profile]
    if args.strict:
        pytest_args.append("--strict")
    code = pytest.main(pytest_args + args.pytest_args)
    if code == pytest.ExitCode.OK:
        return EXIT_CONFORMANT
    if code == pytest.ExitCode.TESTS_FAILED:
        return EXIT_NONCONFORMANT
    print(f"wsconform: the run could not be made (pytest exit {int(code)})", file=sys.stderr)
    return EXIT_NOT_RUN


def mock(args: argparse.Namespace) -> int:
    if args.plain_port is not None and not args.tls:
        args.usage_error("--plain-port needs --tls (without TLS --port is already plain ws://)")
    profile = get_profile(args.profile)
    if args.list_defects:
        for name, description in sorted(profile.mock.DEFECTS.items()):  # type: ignore[attr-defined]
            print(f"{name:40} {description}")
        return 0
    clock = MockClock()
    ctx = MockContext(
        clock=clock,
        issuer=TokenIssuer.from_key_file(
            clock, Path(args.key_file), lifetime=profile.token_lifetime
        ),
        defect=args.defect,
    )
    tls = MockTLS() if args.tls else None
    try:
        server = MockServer(
            profile.mock,
            ctx,
            host=args.host,
            port=args.port,
            ssl=tls.server_context() if tls else None,
            plain_port=args.plain_port,
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
        ]
        if server.plain_url is not None:
            lines.append(f"also plain ws on {server.plain_url}")
        if tls is not None:
            lines.append(f"CA certificate: {args.ca_out} (give it to the suite as --ca-file)")
        geo_blocked = server.app.geo_blocked_url(server.url)
        if geo_blocked is not None:
            lines.append(f"geo-blocked endpoint: {geo_blocked}")
        lines.append(f"tokens: wsconform mint {profile.name} <kind> --key-file {args.key_file}")
        for line in lines:
            print(line, flush=True)

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(server.serve(ready))
    return 0


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


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="wsconform",
        description="Conformance suite for WebSocket authentication APIs "
        f"(profiles: {', '.join(PROFILES)}).",
        epilog="Exit codes: 0 conformant, 1 a MUST failed, 2 the run could not be made.",
    )
    top.add_argument("--version", action="version", version=f"wsconform {__version__}")
    sub = top.add_subparsers(dest="command", required=True)

    c = sub.add_parser(
        "certify",
        help="run the suites on the embedded mocks and write reports/",
        description="Run every profile's suite (or one) against its embedded mock, "
        "write results, transcripts and JUnit under the report directory, and print "
        "the verdict table per requirement. Extra arguments after -- go to pytest.",
    )
    c.add_argument("--profile", choices=sorted(PROFILES), help="only this profile")
    c.add_argument("--report-dir", default="reports", help="output directory (reports/)")
    c.add_argument("--strict", action="store_true", help="SHOULD violations fail too")
    c.add_argument("pytest_args", nargs="*", help="passed on to pytest (after --)")
    c.set_defaults(run=certify)

    m = sub.add_parser(
        "mock",
        help="run a reference mock standalone (ws://, or wss:// with --tls)",
        description="Serve a profile's reference mock until interrupted. Tokens for "
        "it come from `wsconform mint` with the same --key-file. With --tls it serves "
        "wss:// on --port with a certificate from a fresh local CA made for this run; the "
        "CA certificate is written to --ca-out, and the suite trusts the mock when given "
        "that file as --ca-file. --plain-port adds a plain ws:// listener beside it, for "
        "protocols that grant some rights only over TLS.",
    )
    m.add_argument("profile", choices=sorted(PROFILES))
    m.add_argument("--host", default="127.0.0.1")
    m.add_argument("--port", type=int, default=8765, help="0 picks a free port (8765)")
    m.add_argument("--defect", help="switch on one named defect (see --list-defects)")
    m.add_argument("--list-defects", action="store_true", help="list the defect switches and exit")
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
    m.set_defaults(run=mock, usage_error=m.error)  # option clashes are usage errors (exit 2)

    t = sub.add_parser(
        "mint",
        help="print a token for a standalone mock (a --token-command)",
        description="Print one token of the given kind, signed with the mock's key.",
    )
    t.add_argument("profile", choices=sorted(PROFILES))
    t.add_argument("kind", choices=TOKEN_KINDS)
    t.add_argument("arg", nargs="?", help="for short-lived: the lifetime in seconds")
    t.add_argument("--key-file", default=str(DEFAULT_KEY_FILE), help="the key the mock uses")
    t.set_defaults(run=mint)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return int(args.run(args))


if __name__ == "__main__":
    sys.exit(main())
