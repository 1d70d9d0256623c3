"""The kill matrix: run a profile's suite against its mock once clean, once per defect, and once
per conforming variant.

Every run is a separate `pytest` process, exactly as a user runs the suite, writing its own
results.json; the matrix says which tests and requirements each defect turned red. A defect no
test catches is a check the suite lacks; a variant (a choice the docs allow) that turns anything
red is a false alarm.

    python -m wsconform.killmatrix [--out docs/kill-matrix.md]     (make kill-matrix)

`make test` runs a lighter matrix (`selected=True`): the clean mock and each variant still get
the whole suite (anything may go red there), but each defect gets only the tests of the
requirements it declares it breaks (`--req`), which is what proves it killed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from wsconform.config import Settings, as_options, without_settings
from wsconform.layout import DATA
from wsconform.profiles.base import Profile
from wsconform.report.results import Results, TestResult
from wsconform.report.rollup import roll_up
from wsconform.requirements import Level, catalogue

RED = ("FAIL", "WARN", "ERROR")
# profile → MUST or SHOULD requirement no server-side defect can break → why. Empty: every
# requirement the catalogues judge is about what the server sends or accepts.
UNKILLABLE: dict[str, dict[str, str]] = {}


@dataclass(frozen=True)
class Run:
    defect: str | None  # or the variant, as KEY=VALUE
    exit_code: int
    failed_tests: list[str]
    red_requirements: dict[str, str]  # requirement id → FAIL / WARN / ERROR
    seconds: float
    output_tail: str
    # test file → the requirements its tests alone turn red (the roll-up of their records only):
    # what a lifecycle machine found, whatever the other tests of the run found.
    red_by_file: dict[str, dict[str, str]] = field(default_factory=dict)


KILL_MATRIX_TEST_TIMEOUT = 300.0  # seconds per test of a run (the run itself: 600)


def run_suite(
    profile: Profile,
    defect: str | None,
    report_dir: Path,
    op_timeout: float = 1.0,
    variant: str | None = None,
    module: str = "",
    hypothesis_profile: str = "ci",
    args: Sequence[str] = (),
    req: Sequence[str] = (),
) -> Run:
    """One pytest process: the profile's suite (or only its test `module`, a file name, or only
    the tests of the requirements `req`) on its embedded mock, with `defect` switched on or
    `variant` (KEY=VALUE) chosen, under `hypothesis_profile`, with pytest's further `args`."""
    settings = Settings(
        profile=profile.name,
        report_dir=str(report_dir),
        op_timeout=op_timeout,
        # A machine's shrinking on the embedded mock is work, not a hang: on a loaded machine it
        # may take minutes, and a cut would lose the run's verdict (a live run keeps its limit).
        test_timeout=KILL_MATRIX_TEST_TIMEOUT,
        signing_key=str(report_dir / "signing-key.pem"),
        mock_defect=defect,
        mock_variant=(variant,) if variant else (),
        req=tuple(req),
    )
    command = [
        sys.executable, "-m", "pytest", str(profile.suite / module), *as_options(settings),
        "-q", "-p", "no:cacheprovider", "--no-header", *args,
    ]  # fmt: skip
    env = {**without_settings(os.environ), "HYPOTHESIS_PROFILE": hypothesis_profile}
    done = subprocess.run(command, cwd=DATA, capture_output=True, text=True, env=env, timeout=600)
    results_file = report_dir / profile.name / "results.json"
    if not results_file.exists():
        raise RuntimeError(
            f"{profile.name} run with defect {defect} wrote no results:\n{done.stdout[-3000:]}"
        )
    results = Results.load(results_file)
    by_file: dict[str, list[TestResult]] = {}
    for test in results.tests:
        by_file.setdefault(Path(test.nodeid.split("::")[0]).name, []).append(test)
    judged = catalogue(profile.name)
    return Run(
        defect=defect or variant,
        exit_code=done.returncode,
        failed_tests=[t.nodeid for t in results.tests if t.outcome in ("failed", "error")],
        red_requirements={r.id: str(r.verdict) for r in results.requirements if r.verdict in RED},
        seconds=results.finished - results.started,
        output_tail=done.stdout[-3000:],
        red_by_file={
            name: {r.id: str(r.verdict) for r in roll_up(judged, own) if r.verdict in RED}
            for name, own in by_file.items()
        },
    )


def variants(profile: Profile) -> list[str]:
    """Every conforming choice but the default, as KEY=VALUE: the core's and the vendor's."""
    offered = profile.mock.variant_choices()
    return [f"{key}={value}" for key, values in sorted(offered.items()) for value in values[1:]]


def kill_matrices(
    profiles: Sequence[Profile], work_dir: Path, workers: int | None = None, selected: bool = False
) -> dict[str, dict[str | None, Run]]:
    """Each profile's matrix: its clean run (key None), one run per defect and one per variant
    (key KEY=VALUE), every profile's runs in one pool of `workers` (in work_dir/<profile>/).
    `selected`: a defect's run is the tests of the requirements it declares (see the module's
    docstring), and its red requirements are only those."""
    cases = [
        (profile, case)
        for profile in profiles
        for case in [None, *sorted(profile.mock.DEFECTS), *variants(profile)]
    ]

    def one(job: tuple[Profile, str | None]) -> Run:
        profile, case = job
        where = work_dir / profile.name / (case or "clean").replace("=", "-")
        # A run that must stay green (the clean mock, a variant) has the default op timeout: a
        # loaded machine's slow TLS handshake is no reason for it to go red. A defect's run
        # waits out the absent replies it provokes, so its timeout is short.
        if case is None or is_variant(case):
            return run_suite(profile, None, where, 5.0, variant=case)
        if not (selected and case):
            return run_suite(profile, case, where)
        broken = profile.mock.DEFECTS[case].broken
        run = run_suite(profile, case, where, req=sorted(broken))
        # A selected test may name other requirements, whose other tests did not run.
        reds = {req: verdict for req, verdict in run.red_requirements.items() if req in broken}
        return replace(run, red_requirements=reds)

    # The whole-suite runs first: the longest, they would otherwise end last, alone.
    order = sorted(cases, key=lambda job: selected and job[1] in job[0].mock.DEFECTS)
    # Twice the processors by default: a run waits about as much as it computes.
    with ThreadPoolExecutor(max_workers=workers or 2 * (os.cpu_count() or 2)) as pool:
        done = dict(zip(order, pool.map(one, order), strict=True))
    return {
        profile.name: {case: done[p, case] for p, case in cases if p is profile}
        for profile in profiles
    }


def is_variant(case: str | None) -> bool:
    return case is not None and "=" in case


def unkilled(profile: Profile, runs: dict[str | None, Run]) -> list[str]:
    """The MUST and SHOULD requirements no defect turned red."""
    killed = {req for case, run in runs.items() if case for req in run.red_requirements}
    judged = (Level.MUST, Level.SHOULD)
    requirements = catalogue(profile.name).requirements.values()
    return sorted(r.id for r in requirements if r.level in judged and r.id not in killed)


def false_alarms(runs: dict[str | None, Run]) -> list[str]:
    """The clean run ("clean") and the conforming variants that were not all green."""
    return [
        case or "clean"
        for case, run in runs.items()
        if (case is None or is_variant(case)) and (run.exit_code or run.red_requirements)
    ]


def summary(profile: Profile, runs: dict[str | None, Run]) -> list[str]:
    """The figures of one profile's matrix, as Markdown list items."""
    defects = [case for case in runs if case and not is_variant(case)]
    killing = [case for case in defects if runs[case].red_requirements]
    requirements = catalogue(profile.name).requirements.values()
    judged = [r for r in requirements if r.level in (Level.MUST, Level.SHOULD)]
    missed = unkilled(profile, runs)
    cannot = UNKILLABLE.get(profile.name, {})
    alarms = false_alarms(runs)
    return [
        f"- defects: {len(defects)}, killed (turn a requirement red): {len(killing)}",
        f"- MUST and SHOULD requirements: {len(judged)}, turned red by a defect: "
        f"{len(judged) - len(missed)}; without a defect: {', '.join(missed) or 'none'}",
        *(f"  - {req} cannot be broken from the server side: {why}" for req, why in cannot.items()),
        f"- INFO requirements: {len(requirements) - len(judged)} (recorded, never judged: no "
        "defect can turn them red)",
        f"- conforming variants: {sum(map(is_variant, runs))}; false alarms (clean mock or a "
        f"variant not all green): {len(alarms)}{': ' + ', '.join(alarms) if alarms else ''}",
    ]


def markdown(profile: Profile, runs: dict[str | None, Run]) -> str:
    """The matrix as Markdown: its figures, then a table of defect or variant → requirements
    turned red → tests."""
    lines = [
        f"## {profile.name}",
        "",
        *summary(profile, runs),
        "",
        "| defect or variant | what it does | requirements turned red | tests failed | exit |",
        "|---|---|---|---|---|",
    ]
    for case, run in runs.items():
        if case is None:
            described = "clean mock"
        elif is_variant(case):
            described = "conforming variant (must stay green)"
        else:
            described = profile.mock.DEFECTS[case].description
        reds = ", ".join(f"{k} ({v})" for k, v in sorted(run.red_requirements.items())) or "none"
        failed = len(run.failed_tests)
        lines.append(f"| {case or '—'} | {described} | {reds} | {failed} | {run.exit_code} |")
    return "\n".join(lines) + "\n"


def main() -> int:
    import argparse
    import tempfile

    from wsconform.profiles import get_profile, installed

    parser = argparse.ArgumentParser(
        prog="python -m wsconform.killmatrix",
        description="Run every profile's kill matrix (clean, each defect, each conforming "
        "variant) and write the tables as one Markdown document.",
    )
    parser.add_argument("--out", default="docs/kill-matrix.md", help="(%(default)s)")
    args = parser.parse_args()
    sections = [
        "# Kill matrix\n\nGenerated by `make kill-matrix` (`python -m wsconform.killmatrix`): "
        "every profile's suite on its mock, clean, with each defect switched on, and with each "
        "conforming variant chosen (a variant must stay green).\n"
    ]
    profiles = [get_profile(name) for name in installed()]
    with tempfile.TemporaryDirectory() as work:
        matrices = kill_matrices(profiles, Path(work))
    sections += [markdown(profile, matrices[profile.name]) for profile in profiles]
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text("\n".join(sections), encoding="utf-8")
    print(f"kill matrix written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
