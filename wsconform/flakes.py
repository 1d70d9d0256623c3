"""Flake finder (issue 7, "no flakes"): run the whole conformance suite N times and report every
test whose outcome is not the same in every run.

    python -m wsconform.flakes --runs 20                  serial pytest, 20 runs
    python -m wsconform.flakes --runs 20 --workers 2      the same under pytest-xdist (-n 2)

Each run is a separate pytest process, as a user runs the suite: `pytest suites`, every profile
on its embedded mock, writing its own results.json per profile. A test is flaky if its outcome
differs between runs or it is missing from some; a run whose exit code differs from the others is
flagged too (an error in a test's teardown shows there, not in results.json).

Hypothesis: derandomized by default (HYPOTHESIS_PROFILE=ci), so every run fuzzes the same
examples and a difference between runs is the suite's own timing or synchronisation, never a new
example found by chance. --random uses the `dev` profile with a fresh seed per run, printed for
replay; a difference there may be a genuine fuzz finding rather than a flake.

Exit: 0 no flakes, 1 flakes, 2 a run could not be made (pytest exit other than 0 and 1, no
results, or the run timed out).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from wsconform.config import without_settings
from wsconform.layout import SUITES_ROOT
from wsconform.report.results import Results

MISSING = "missing"  # the outcome of a test absent from a run
EXIT_NO_FLAKES, EXIT_FLAKES, EXIT_NOT_RUN = 0, 1, 2


@dataclass(frozen=True)
class SuiteRun:
    index: int  # 1-based, as printed
    exit_code: int | None  # None: timed out
    outcomes: dict[str, str]  # nodeid → passed | failed | skipped | error
    seconds: float  # wall time of the whole pytest process, start-up included
    seed: str | None = None  # the hypothesis seed under --random
    messages: dict[str, str] = field(default_factory=dict)  # nodeid → why it did not pass
    problem: str | None = None  # why the run could not be made
    output_tail: str = ""


# -- comparing runs (pure) ----------------------------------------------------------------------


def flaky_tests(runs: Sequence[Mapping[str, str]]) -> dict[str, list[str]]:
    """nodeid → its outcome in each run (MISSING where absent), for every test whose outcomes are
    not all the same. `runs` is one nodeid → outcome mapping per run."""
    nodeids = sorted(set().union(*runs)) if runs else []
    table = {n: [run.get(n, MISSING) for run in runs] for n in nodeids}
    return {n: outcomes for n, outcomes in table.items() if len(set(outcomes)) > 1}


def always_failing(runs: Sequence[Mapping[str, str]]) -> list[str]:
    """Tests that failed (or errored) in every run: not flakes, but no clean run either."""
    if not runs:
        return []
    red = ("failed", "error")
    return sorted(n for n in runs[0] if all(run.get(n) in red for run in runs))


def odd_exit_codes(codes: Sequence[int | None]) -> list[int]:
    """The 0-based positions of the runs whose exit code differs from the most common one."""
    if not codes:
        return []
    usual, _ = Counter(codes).most_common(1)[0]
    return [i for i, code in enumerate(codes) if code != usual]


def run_ranges(numbers: Sequence[int]) -> str:
    """[1, 2, 3, 5, 7, 8] → "1-3, 5, 7-8": 20 runs fit on a line."""
    spans: list[list[int]] = []
    for n in sorted(numbers):
        if spans and n == spans[-1][1] + 1:
            spans[-1][1] = n
        else:
            spans.append([n, n])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in spans)


def describe_outcomes(outcomes: Sequence[str]) -> str:
    """["passed", "failed", "passed"] → "failed in run 2; passed in runs 1, 3" (rarest first)."""
    runs_by_outcome: dict[str, list[int]] = {}
    for number, outcome in enumerate(outcomes, start=1):
        runs_by_outcome.setdefault(outcome, []).append(number)
    parts = [
        f"{outcome} in run{'s' if len(numbers) > 1 else ''} {run_ranges(numbers)}"
        # Rarest first, and on a tie the odd one out rather than "passed": that is the news.
        for outcome, numbers in sorted(
            runs_by_outcome.items(), key=lambda kv: (len(kv[1]), kv[0] == "passed")
        )
    ]
    return "; ".join(parts)


# -- one run ------------------------------------------------------------------------------------


def pytest_command(
    report_dir: Path, signing_key: Path, workers: int, seed: str | None
) -> list[str]:
    command = [
        sys.executable, "-m", "pytest", str(SUITES_ROOT),
        "--report-dir", str(report_dir), "--signing-key", str(signing_key),
        "-q", "-p", "no:cacheprovider", "--no-header",
    ]  # fmt: skip
    if workers:
        command += ["-n", str(workers)]
    if seed is not None:
        # Chosen here, not by the suite's plugin, so it is known for replay and is the same in
        # every pytest-xdist worker.
        command.append(f"--hypothesis-seed={seed}")
    return command


def child_environment(random: bool) -> dict[str, str]:
    """The user's environment minus WSCONFORM_* settings (the runs are on the embedded mocks),
    with the hypothesis profile set explicitly, whatever CI or HYPOTHESIS_PROFILE say."""
    return {**without_settings(os.environ), "HYPOTHESIS_PROFILE": "dev" if random else "ci"}


def read_outcomes(report_dir: Path) -> tuple[dict[str, str], dict[str, str]]:
    """Every profile's results.json under `report_dir`: nodeid → outcome, and nodeid → message
    for the tests that did not pass."""
    outcomes: dict[str, str] = {}
    messages: dict[str, str] = {}
    for results_file in sorted(report_dir.glob("*/results.json")):
        for test in Results.load(results_file).tests:
            outcomes[test.nodeid] = test.outcome
            if test.outcome != "passed":
                messages[test.nodeid] = test.message
    return outcomes, messages


def run_suite(
    index: int, run_dir: Path, signing_key: Path, workers: int, random: bool, timeout: float
) -> SuiteRun:
    """One whole-suite pytest process in `run_dir`, its outcomes read from its results.json."""
    # A report directory reused with --report-dir must not lend this run an earlier one's results.
    shutil.rmtree(run_dir, ignore_errors=True)
    run_dir.mkdir(parents=True)
    seed = str(secrets.randbelow(2**32)) if random else None
    command = pytest_command(run_dir / "reports", signing_key, workers, seed)
    started = time.monotonic()
    try:
        # cwd is the run's own directory: hypothesis keeps its example database under the cwd, so
        # a random run neither replays another run's failures nor writes into the checkout.
        done = subprocess.run(
            command, cwd=run_dir, env=child_environment(random),
            capture_output=True, text=True, timeout=timeout,
        )  # fmt: skip
    except subprocess.TimeoutExpired as exc:
        tail = (exc.stdout or b"")[-3000:]
        return SuiteRun(
            index, None, {}, time.monotonic() - started, seed,
            problem=f"timed out after {timeout:g} s",
            output_tail=tail.decode(errors="replace") if isinstance(tail, bytes) else tail,
        )  # fmt: skip
    seconds = time.monotonic() - started
    outcomes, messages = read_outcomes(run_dir / "reports")
    problem = None
    if done.returncode not in (0, 1):
        problem = f"pytest exited {done.returncode}"
    elif not outcomes:
        problem = "no results.json was written"
    output = done.stdout + done.stderr
    return SuiteRun(
        index, done.returncode, outcomes, seconds, seed, messages, problem, output[-3000:]
    )


# -- the report ---------------------------------------------------------------------------------


def run_line(run: SuiteRun, total: int) -> str:
    counts = Counter(run.outcomes.values())
    exit_text = "timed out" if run.exit_code is None else f"exit {run.exit_code}"
    parts = [f"{counts['passed']} passed", f"{counts['failed']} failed"]
    parts += [f"{counts[o]} {o}" for o in ("error", "skipped") if counts[o]]
    line = f"run {run.index:>{len(str(total))}}/{total}: {exit_text}, {', '.join(parts)}"
    line += f", {run.seconds:.1f} s"
    if run.seed is not None:
        line += f", seed {run.seed} (replay: HYPOTHESIS_PROFILE=dev --hypothesis-seed={run.seed})"
    return line


def flake_report(runs: Sequence[SuiteRun]) -> tuple[list[str], bool]:
    """The lines after the per-run summaries, and whether anything was flaky."""
    outcomes = [run.outcomes for run in runs]
    flaky = flaky_tests(outcomes)
    odd = odd_exit_codes([run.exit_code for run in runs])
    lines: list[str] = []
    for nodeid, per_run in flaky.items():
        lines.append(f"FLAKY {nodeid}: {describe_outcomes(per_run)}")
        lines += _first_message(runs, nodeid)
    lines += _exit_code_lines(runs, odd)
    if not flaky and not odd:
        lines.append(f"no flakes in {len(runs)} runs")
    red = always_failing(outcomes)
    if red:
        lines.append(f"failed in every run (consistent, not flaky): {len(red)}")
        lines += [f"  {nodeid}" for nodeid in red]
    total = sum(run.seconds for run in runs)
    lines.append(f"total {total:.1f} s, mean {total / len(runs):.1f} s per run")
    return lines, bool(flaky or odd)


def _exit_code_lines(runs: Sequence[SuiteRun], odd: Sequence[int]) -> list[str]:
    if not odd:
        return []
    usual = Counter(run.exit_code for run in runs).most_common(1)[0][0]
    return [
        f"FLAKY exit code: run {runs[i].index} exited {runs[i].exit_code}, most runs {usual}"
        for i in odd
    ]


def _first_message(runs: Sequence[SuiteRun], nodeid: str) -> list[str]:
    """Why a flaky test did not pass, from the first run where it did not: where to start."""
    for run in runs:
        if nodeid in run.messages:
            message = " ".join(run.messages[nodeid].split())[:300]
            return [f"  run {run.index}: {message}"]
    return []


# -- the command --------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m wsconform.flakes",
        description="Run the whole conformance suite (pytest suites: every profile on its "
        "embedded mock) several times, each in a fresh pytest process, and report every test "
        "whose outcome differs between runs or that is missing from some, and every run whose "
        "exit code differs. Hypothesis is derandomized (HYPOTHESIS_PROFILE=ci) unless --random, "
        "so a difference is the suite's timing, not a new fuzz example.",
        epilog="Exit status: 0 no flakes, 1 flakes found, 2 a run could not be made.",
    )
    parser.add_argument(
        "--runs", type=_positive, default=20, metavar="N", help="how many runs (20)"
    )
    parser.add_argument(
        "--workers", type=_positive, default=None, metavar="W",
        help="run each suite under pytest-xdist with W workers (pytest -n W); default: serial",
    )  # fmt: skip
    parser.add_argument(
        "--random", action="store_true",
        help="random hypothesis seeds (profile dev), a fresh one per run, each printed for "
        "replay; a difference may then be a fuzz finding, not a flake",
    )  # fmt: skip
    parser.add_argument(
        "--report-dir", metavar="DIR",
        help="keep every run's reports in DIR/run-<i> (replaced if present); default: a temporary "
        "directory, removed afterwards",
    )  # fmt: skip
    parser.add_argument(
        "--timeout", type=float, default=900.0, metavar="S",
        help="seconds one run may take before it counts as not made (900)",
    )  # fmt: skip
    return parser.parse_args(argv)


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


@contextlib.contextmanager
def work_directory(report_dir: str | None) -> Iterator[Path]:
    if report_dir:
        path = Path(report_dir).resolve()
        path.mkdir(parents=True, exist_ok=True)
        yield path
    else:
        with tempfile.TemporaryDirectory(prefix="wsconform-flakes-") as tmp:
            yield Path(tmp)


def measure(args: argparse.Namespace, work: Path) -> int:
    # One key for all runs, outside the user's ~/.config: created by the first run.
    signing_key = work / "signing-key.pem"
    runs: list[SuiteRun] = []
    for index in range(1, args.runs + 1):
        run = run_suite(
            index, work / f"run-{index}", signing_key, args.workers or 0, args.random, args.timeout
        )
        print(run_line(run, args.runs), flush=True)
        if run.problem:
            # Nothing to compare: the suite itself is broken or stuck, which says more than flakes.
            print(f"run {index} could not be made: {run.problem}\n{run.output_tail}")
            return EXIT_NOT_RUN
        runs.append(run)
    lines, flaky = flake_report(runs)
    print("\n".join(lines))
    return EXIT_FLAKES if flaky else EXIT_NO_FLAKES


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    mode = "random seeds (dev)" if args.random else "derandomized (ci)"
    how = f"pytest -n {args.workers}" if args.workers else "serial pytest"
    print(f"wsconform flakes: {args.runs} runs of pytest suites, {how}, hypothesis {mode}")
    with work_directory(args.report_dir) as work:
        return measure(args, work)


if __name__ == "__main__":
    sys.exit(main())
