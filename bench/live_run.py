"""The cost of a default live run (figures, not a timed test; issue 17).

For each profile, starts a server in its own process (by default `wsconform mock <profile>`,
exactly as the README's "The reference mocks, standalone" shows; zenith over TLS with a ws://
twin) and runs that profile's suite against it with the README's "Run against staging" command
and nothing else: --profile, --endpoint, --token-command "wsconform mint <profile> --key-file K"
(real short-lived tokens of a few seconds, minted by the suite), for zenith --insecure-endpoint
and --ca-file, for paradex --extra-endpoint geo-blocked=URL from the server's printed line;
CI=true, as in the README's nightly example; every pacing option at its default. Reports go to a
temporary directory (--report-dir), not the checkout's reports/.

Per profile it prints the suite's wall seconds, its exit code, the certification verdict from
results.json, the number of FAIL, ERROR and WARN requirements (with their ids) and the slowest
tests; then a table. How to read it: the wall time is what a user's nightly job waits for one
profile; the goal is <= 90 s per profile, <= 45 s the stretch goal. A figure only counts with
exit 0 and no FAIL/ERROR: a run that stopped early is fast for the wrong reason. A profile run
is cut at 600 s (the table says so).

    .venv/bin/python bench/live_run.py                          # all four, the reference mocks
    .venv/bin/python bench/live_run.py --profile zenith         # one (repeatable)
    .venv/bin/python bench/live_run.py --server independent     # tests/independent/*_server.py
    .venv/bin/python bench/live_run.py --repo /tmp/wsconform-before   # another checkout's code

With --repo, pytest, the mock and the token command run as `python -m ...` from that checkout
(this venv's interpreter), so its code is measured: the before/after figure of a change.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import queue
import shlex
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wsconform.mock.clock import MockClock
from wsconform.mock.issuer import TokenIssuer

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
WSCONFORM = str(Path(PYTHON).parent / "wsconform")
SUITE_DIR = {"paradex": "paradex", "zenith": "zenith", "ethgas": "ethgas", "ethgas-op": "ethgas_op"}
TLS_PROFILES = {"zenith"}  # TLS-only rights: served over wss:// with a ws:// twin
PROFILE_TIMEOUT = 600.0  # seconds for one profile's whole run, server start included
READY_TIMEOUT = 30.0  # seconds for the server to print its ready line
STOP_TIMEOUT = 10.0  # seconds for a killed process to be reaped
GOAL, STRETCH = 90.0, 45.0
RED = ("FAIL", "ERROR", "WARN")


@dataclass
class Outcome:
    profile: str
    wall: float | None = None  # the suite's wall seconds; None when it never ran
    exit_code: int | None = None
    verdict: str = "-"
    counts: dict[str, list[str]] = field(default_factory=lambda: {v: [] for v in RED})
    slowest: list[tuple[float, str]] = field(default_factory=list)
    problem: str = ""  # why there is no (complete) figure


class Server:
    """A server process whose stdout lines are read on a thread and handed over by a queue."""

    def __init__(self, command: list[str], cwd: Path, env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            command,
            cwd=cwd,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,  # its own process group: killed as a whole afterwards
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.printed: list[str] = []
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def wait_ready(self, timeout: float) -> None:
        """Until the mock's `tokens:` line or an independent server's `ready`; raises
        RuntimeError when it exits first or prints neither within `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while not self.printed or not (
            self.printed[-1].startswith("tokens:") or self.printed[-1] == "ready"
        ):
            try:
                line = self.lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise RuntimeError(
                    f"server printed no ready line within {timeout:g} s: {self.printed}"
                ) from None
            if line is None:
                raise RuntimeError(f"server exited before ready: {self.printed}")
            self.printed.append(line)

    def after(self, marker: str) -> str | None:
        """The first word after `marker` in the printed lines."""
        for line in self.printed:
            if marker in line:
                rest = line.split(marker, 1)[1].split()
                return rest[0] if rest else None
        return None

    def kill(self) -> None:
        kill_group(self.process)


def kill_group(process: subprocess.Popen[Any]) -> None:
    """Kill the process group this script started for `process`, then reap it."""
    with contextlib.suppress(ProcessLookupError):  # the group is gone already
        os.killpg(process.pid, signal.SIGKILL)
    try:
        process.wait(STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        print(f"  warning: process {process.pid} not reaped within {STOP_TIMEOUT:g} s")


def child_env() -> dict[str, str]:
    """The caller's environment without WSCONFORM_* settings or a hypothesis profile, and
    CI=true as in the README's nightly example (which selects the derandomized profile)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("WSCONFORM_") and k != "HYPOTHESIS_PROFILE"
    }
    env["CI"] = "true"
    return env


def wsconform_command(repo: Path | None) -> list[str]:
    """How to run `wsconform` from the checkout measured."""
    return [WSCONFORM] if repo is None else [PYTHON, "-m", "wsconform.cli"]


def server_command(
    profile: str, kind: str, repo: Path | None, key: Path, ca: Path
) -> tuple[list[str], Path]:
    """(command, working directory) of the server for `profile`."""
    cwd = repo or ROOT
    if kind == "mock":
        command = [*wsconform_command(repo), "mock", profile]
    else:
        script = cwd / "tests" / "independent" / f"{profile.replace('-', '_')}_server.py"
        command = [PYTHON, str(script)]
    command += ["--port", "0", "--key-file", str(key)]
    if profile in TLS_PROFILES:
        command += ["--tls", "--ca-out", str(ca), "--plain-port", "0"]
    return command, cwd


def suite_command(
    profile: str, server: Server, repo: Path | None, key: Path, ca: Path, reports: Path
) -> list[str]:
    """The README's staging command for `profile`, pointed at `server`."""
    url = server.after(" listening on ")
    if url is None:
        raise RuntimeError(f"server printed no 'listening on' line: {server.printed}")
    mint = shlex.join([*wsconform_command(repo), "mint", profile, "--key-file", str(key)])
    command = [
        PYTHON, "-m", "pytest", "-p", "no:cacheprovider", f"suites/{SUITE_DIR[profile]}",
        "--profile", profile, "--endpoint", url, "--token-command", mint,
        "--report-dir", str(reports),
    ]  # fmt: skip
    plain = server.after("also plain ws on ")
    if plain:
        command += ["--insecure-endpoint", plain]
    if profile in TLS_PROFILES:
        command += ["--ca-file", str(ca)]
    geo = server.after("geo-blocked endpoint: ")
    if geo:
        command += ["--extra-endpoint", f"geo-blocked={geo}"]
    return command


def read_results(reports: Path, profile: str, outcome: Outcome) -> None:
    path = reports / profile / "results.json"
    if not path.exists():
        outcome.problem = outcome.problem or "no results.json"
        return
    document = json.loads(path.read_text(encoding="utf-8"))
    certification = document.get("certification")
    if certification is None:  # older checkouts put it only in the bundle's results.json
        bundles = sorted((reports / "certification").glob(f"{profile}-2*/results.json"))
        if bundles:
            certification = json.loads(bundles[-1].read_text(encoding="utf-8")).get("certification")
    outcome.verdict = (certification or {}).get("verdict", "?")
    for requirement in document.get("requirements", []):
        if requirement["verdict"] in RED:
            outcome.counts[requirement["verdict"]].append(requirement["id"])
    tests = [(t.get("duration", 0.0), t["nodeid"]) for t in document.get("tests", [])]
    outcome.slowest = sorted(tests, reverse=True)[:3]


def run_profile(profile: str, kind: str, repo: Path | None, work: Path) -> Outcome:
    outcome = Outcome(profile)
    base = work / profile
    base.mkdir(parents=True, exist_ok=True)
    key, ca, reports = base / "key.pem", base / "ca.pem", base / "reports"
    env = child_env()
    started = time.monotonic()
    deadline = started + PROFILE_TIMEOUT
    command, cwd = server_command(profile, kind, repo, key, ca)
    if kind == "independent":  # it reads the issuer's key (`wsconform mock` would create it)
        TokenIssuer.from_key_file(MockClock(), key)
    server = Server(command, cwd, env)
    try:
        server.wait_ready(min(READY_TIMEOUT, deadline - time.monotonic()))
        suite = suite_command(profile, server, repo, key, ca, reports)
        log = base / "pytest.log"
        with log.open("w", encoding="utf-8") as out:
            begin = time.perf_counter()
            process = subprocess.Popen(
                suite,
                cwd=cwd,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                text=True,
                start_new_session=True,
            )
            try:
                outcome.exit_code = process.wait(max(1.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                outcome.problem = f"TIMED OUT: the profile's run exceeded {PROFILE_TIMEOUT:g} s"
            finally:
                kill_group(process)
            outcome.wall = time.perf_counter() - begin
        if outcome.exit_code not in (0, None):
            tail = log.read_text(encoding="utf-8", errors="replace").splitlines()[-15:]
            outcome.problem = outcome.problem or "\n".join(f"    | {ln}" for ln in tail)
        read_results(reports, profile, outcome)
    except RuntimeError as error:
        outcome.problem = str(error)
    finally:
        server.kill()
    return outcome


def describe(outcome: Outcome) -> None:
    wall = "-" if outcome.wall is None else f"{outcome.wall:.1f} s"
    counts = ", ".join(
        f"{v} {len(ids)}" + (f" ({' '.join(ids)})" if ids else "")
        for v, ids in outcome.counts.items()
    )
    print(f"{outcome.profile}: {wall} wall, exit {outcome.exit_code}, {outcome.verdict}; {counts}")
    for seconds, nodeid in outcome.slowest:
        print(f"  slowest: {seconds:6.1f} s  {nodeid}")
    if outcome.problem:
        print(f"  problem: {outcome.problem}")
    sys.stdout.flush()


def table(outcomes: list[Outcome], kind: str, repo: Path | None) -> None:
    source = str(repo) if repo else f"{ROOT} (this checkout)"
    print(f"\nlive run, default settings, CI=true; server: {kind}; suite: {source}")
    print(f"goal <= {GOAL:g} s per profile, stretch <= {STRETCH:g} s\n")
    header = f"{'profile':<10} {'wall s':>7} {'exit':>4}  {'verdict':<14} {'FAIL':>4} "
    print(header + f"{'ERROR':>5} {'WARN':>4}  goal")
    for o in outcomes:
        wall = "-" if o.wall is None else f"{o.wall:.1f}"
        if o.wall is None or o.problem.startswith("TIMED OUT"):
            goal = "timed out" if o.wall is not None else "no run"
        else:
            goal = "stretch" if o.wall <= STRETCH else "met" if o.wall <= GOAL else "missed"
        print(
            f"{o.profile:<10} {wall:>7} {o.exit_code if o.exit_code is not None else '-':>4}  "
            f"{o.verdict:<14} {len(o.counts['FAIL']):>4} {len(o.counts['ERROR']):>5} "
            f"{len(o.counts['WARN']):>4}  {goal}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--profile", action="append", choices=list(SUITE_DIR), help="repeatable; default all"
    )
    parser.add_argument("--server", choices=["mock", "independent"], default="mock")
    parser.add_argument("--repo", type=Path, help="run the suite from this checkout instead")
    parser.add_argument("--keep", type=Path, help="keep reports and logs in this directory")
    args = parser.parse_args()
    repo = args.repo.resolve() if args.repo else None
    if repo is not None and not (repo / "wsconform" / "cli.py").exists():
        parser.error(f"--repo {repo}: not a wsconform checkout")
    profiles = args.profile or list(SUITE_DIR)
    outcomes: list[Outcome] = []
    with tempfile.TemporaryDirectory(prefix="live-run-") as tmp:
        work = args.keep.resolve() if args.keep else Path(tmp)
        for profile in profiles:
            outcomes.append(run_profile(profile, args.server, repo, work))
            describe(outcomes[-1])
    table(outcomes, args.server, repo)


if __name__ == "__main__":
    main()
