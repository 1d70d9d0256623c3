"""`wsconform soak <profile>`: start what the soak needs and judge what it found.

On one machine (the default): the profile's reference mock as its own process (unless
--endpoint names a live target), one Locust master and --workers Locust workers, headless;
then the verdicts against the thresholds, the report under --report-dir, and the exit code.
Across machines: `--master` here (it waits for --expect-workers), `--worker --master-host H` on
each other machine, all with the same target and token options. This process never imports
Locust: Locust patches the standard library for gevent as it is imported.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import math
import os
import re
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from wsconform.child import NotReady, started
from wsconform.preflight import RunImpossible, preflight
from wsconform.profiles import get_profile
from wsconform.profiles.base import Profile
from wsconform.redact import Redactor
from wsconform.soak import report
from wsconform.soak.config import ENV, SoakConfig
from wsconform.target import client_tls

LOCUSTFILE = Path(__file__).resolve().with_name("locustfile.py")
EXIT_MET, EXIT_NOT_MET, EXIT_NOT_RUN = 0, 1, 2
MOCK_READY = 30.0  # seconds for the mock to print its addresses
FINISH_MARGIN = 120.0  # seconds past --run-time for spawning, the workers' last reports, quitting
DEFAULT_WATCH = 2.0  # seconds "no more data arrives" is watched on a live target (as the suite)
BAD_USERS = 10  # at most: the bad-token users among which --bad-token-rate is shared
_TIMESPAN = re.compile(r"^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s?)?$")


class SoakError(Exception):
    """The soak could not be made; the message says why, in one line."""


def seconds(timespan: str) -> float:
    """Locust's --run-time ("30s", "2m", "1h30m", "90") in seconds."""
    match = _TIMESPAN.match(timespan.strip())
    if not timespan.strip() or match is None:
        raise SoakError(f"--run-time {timespan!r}: expected e.g. 30s, 2m, 1h30m")
    hours, minutes, secs = (int(part or 0) for part in match.groups())
    return hours * 3600.0 + minutes * 60.0 + secs


@dataclass(frozen=True)
class Mock:
    url: str
    control_url: str
    ca_file: str | None
    key_file: str


@contextlib.contextmanager
def standalone_mock(profile: Profile, args: argparse.Namespace, home: Path) -> Iterator[Mock]:
    """`wsconform mock <profile>` as its own process, until its `tokens:` line; stopped after."""
    key, ca = home / "mock-key.pem", home / "mock-ca.pem"
    command = [
        sys.executable, "-c", "from wsconform.cli import main; raise SystemExit(main())",
        "mock", profile.name, "--port", "0", "--http-port", "0", "--key-file", str(key),
        "--data-interval", str(args.data_interval),
        *(["--tls", "--ca-out", str(ca)] if profile.tls_only_rights else []),
        *(["--defect", args.mock_defect] if args.mock_defect else []),
    ]  # fmt: skip
    try:
        with started(command, "tokens:", MOCK_READY) as child:
            said = child.printed
            url = next(ln.split(" listening on ")[1].split()[0] for ln in said if " on " in ln)
            http = next(ln.split()[2] for ln in said if ln.startswith("http on "))
            ca_file = str(ca) if profile.tls_only_rights else None
            yield Mock(url, f"{http}/control", ca_file, str(key))
    except NotReady as exc:
        raise SoakError(f"the {profile.name} mock {exc}") from None


def reachable(config: SoakConfig, profile: Profile) -> None:
    """A live target that takes no connection at all makes no soak (exit 2), not 0 sessions."""
    tls = client_tls(config.ca_file, False) if config.url.startswith("wss:") else None
    headers = [
        (name.strip(), value.strip())
        for name, _, value in (h.partition(":") for h in config.headers)
    ]
    try:
        preflight(
            config.url,
            tls=tls,
            headers=headers,
            subprotocols=list(profile.subprotocols) or None,
            timeout=config.op_timeout,
            redactor=Redactor(),
        )
    except RunImpossible as exc:
        raise SoakError(str(exc)) from None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def locust(*options: str, config: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "locust",
            "-f",
            str(LOCUSTFILE),
            "--loglevel",
            os.environ.get("WSCONFORM_SOAK_LOGLEVEL", "WARNING"),
            *options,
        ],
        env={**os.environ, ENV: str(config)},
        text=True,
    )


def thresholds(items: list[str]) -> dict[str, float]:
    found = {}
    for item in items:
        req, _, share = item.partition("=")
        try:
            found[req.strip()] = float(share.rstrip("% "))
        except ValueError:
            raise SoakError(
                f"--threshold {item!r}: expected REQ-ID=PERCENT, e.g. ZEN-EXP-03=99.9"
            ) from None
    return found


def soak(args: argparse.Namespace) -> int:
    try:
        return _soak(args)
    except SoakError as exc:
        print(f"wsconform soak: {exc}", file=sys.stderr)
        return EXIT_NOT_RUN


def _soak(args: argparse.Namespace) -> int:
    profile = get_profile(args.profile)
    if profile.soak is None:
        raise SoakError(f"the {profile.name} profile has no soak flow")
    if importlib.util.find_spec("locust") is None or importlib.util.find_spec("websocket") is None:
        raise SoakError("Locust is not installed: pip install 'wsconform[soak]'")
    run_time = seconds(args.run_time)
    wanted = thresholds(args.threshold)
    report_dir = Path(args.report_dir)
    report_dir.mkdir(parents=True, exist_ok=True)
    with (
        tempfile.TemporaryDirectory(prefix="wsconform-soak-") as scratch,
        contextlib.ExitStack() as stack,
    ):
        home = Path(scratch)
        os.chmod(home, 0o700)  # the configuration may hold a client secret or static tokens
        mock = (
            None
            if (args.endpoint or args.worker)
            else stack.enter_context(standalone_mock(profile, args, home))
        )
        bad_users = min(BAD_USERS, math.ceil(args.bad_token_rate)) if args.bad_token_rate > 0 else 0
        config = SoakConfig(
            profile=profile.name,
            url=args.endpoint or (mock.url if mock else ""),
            public_channel=args.public_channel or profile.public_channel,
            private_channel=args.private_channel or profile.private_channel,
            report_dir=str(report_dir.resolve()),
            ca_file=args.ca_file or (mock.ca_file if mock else None),
            headers=list(args.header),
            key_file=args.key_file or (mock.key_file if mock else None),
            token_command=args.token_command,
            token=args.token,
            expired_token=args.expired_token,
            token_url=args.token_url,
            client_id=args.client_id,
            client_secret=args.client_secret,
            scope=args.scope,
            control_url=args.control_url or (mock.control_url if mock else None),
            run_time=run_time,
            expire_after=args.expire_after,
            op_timeout=args.op_timeout,
            resume_within=args.resume_within,
            # Data that must have stopped is watched for two of the mock's data periods: a
            # shorter watch would call data stopped that is merely not due yet.
            quiet_after_expiry=args.observation_window
            or (2 * args.data_interval if mock else DEFAULT_WATCH),
            bad_token_rate=args.bad_token_rate,
            bad_users=bad_users,
        )
        if not config.url:
            raise SoakError("--worker needs the target: --endpoint URL (and the token options)")
        if args.endpoint and not args.worker:
            reachable(config, profile)
        config_file = home / "soak.json"
        config.save(config_file)
        if args.worker:
            return locust(
                "--worker",
                "--master-host",
                args.master_host,
                "--master-port",
                str(args.master_port),
                config=config_file,
            ).wait()
        return _master(args, config, config_file, run_time, wanted, bad_users, stack)


def _master(
    args: argparse.Namespace, config: SoakConfig, config_file: Path, run_time: float,
    wanted: dict[str, float], bad_users: int, stack: contextlib.ExitStack,
) -> int:  # fmt: skip
    report_dir = Path(config.report_dir)
    figures = report_dir / report.FIGURES
    figures.unlink(missing_ok=True)
    port = args.master_port if args.master else free_port()
    workers = args.expect_workers if args.master else args.workers
    master = locust(
        "--headless", "--master", "--master-bind-host", args.master_bind_host,
        "--master-bind-port", str(port), "--expect-workers", str(workers),
        "--users", str(args.users + bad_users), "--spawn-rate", str(args.spawn_rate),
        "--exit-code-on-error", "0",
        "--csv", str(report_dir / "locust"), "--only-summary", config=config_file,
    )  # fmt: skip
    here = ("--worker", "--master-host", "127.0.0.1", "--master-port", str(port))
    local = [] if args.master else [locust(*here, config=config_file) for _ in range(workers)]
    stack.callback(lambda: [p.kill() for p in (master, *local) if p.poll() is None])
    try:
        master.wait(run_time + FINISH_MARGIN)
    except subprocess.TimeoutExpired:
        raise SoakError(f"Locust did not finish within --run-time + {FINISH_MARGIN:g} s") from None
    for worker in local:
        with contextlib.suppress(subprocess.TimeoutExpired):
            worker.wait(30)
    if not figures.is_file():
        raise SoakError(f"Locust wrote no figures ({figures}): see its output above")
    judged = report.judge(json.loads(figures.read_text(encoding="utf-8")), wanted)
    json_path, html_path = report.render(judged, report_dir)
    figures.unlink()
    for row in judged.document["requirements"]:
        mark = "ok  " if row["met"] else "FAIL"
        print(f"wsconform soak: {mark} {row['line']}")
    for line in judged.document["latencies"]:
        print(
            f"wsconform soak: {line['name']}: {line['count']:,} (p50 {line['p50']} ms, "
            f"p95 {line['p95']} ms, p99 {line['p99']} ms, {line['failures']:,} failed)"
        )
    print(f"wsconform soak: {judged.document['verdict']}; report {html_path} and {json_path}")
    return EXIT_MET if not judged.failed else EXIT_NOT_MET
