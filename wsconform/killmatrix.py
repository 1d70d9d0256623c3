"""The kill matrix: run a profile's suite against its mock once clean and once per defect.

Every run is a separate `pytest` process, exactly as a user runs the suite, writing its own
results.json; the matrix says which tests and requirements each defect turned red. A defect no
test catches is a check the suite lacks.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from wsconform.config import without_settings
from wsconform.profiles.base import Profile

ROOT = Path(__file__).resolve().parent.parent
RED = ("FAIL", "WARN", "ERROR")


@dataclass(frozen=True)
class Run:
    defect: str | None
    exit_code: int
    failed_tests: list[str]
    red_requirements: dict[str, str]  # requirement id → FAIL / WARN / ERROR
    seconds: float
    output_tail: str


def run_suite(
    profile: Profile, defect: str | None, report_dir: Path, op_timeout: float = 1.0
) -> Run:
    """One pytest process: the profile's suite on its embedded mock, with `defect` switched on."""
    command = [
        sys.executable, "-m", "pytest", str(ROOT / "suites" / profile.suite_dir),
        "--profile", profile.name, "--report-dir", str(report_dir), "--op-timeout", str(op_timeout),
        "--signing-key", str(report_dir / "signing-key.pem"),
        "-q", "-p", "no:cacheprovider", "--no-header",
    ]  # fmt: skip
    if defect:
        command += ["--mock-defect", defect]
    env = {**without_settings(os.environ), "HYPOTHESIS_PROFILE": "ci"}
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, env=env, timeout=600)
    results_file = report_dir / profile.name / "results.json"
    if not results_file.exists():
        raise RuntimeError(
            f"{profile.name} run with defect {defect} wrote no results:\n{done.stdout[-3000:]}"
        )
    results = json.loads(results_file.read_text(encoding="utf-8"))
    return Run(
        defect=defect,
        exit_code=done.returncode,
        failed_tests=[t["nodeid"] for t in results["tests"] if t["outcome"] in ("failed", "error")],
        red_requirements={
            r["id"]: r["verdict"] for r in results["requirements"] if r["verdict"] in RED
        },
        seconds=results["finished"] - results["started"],
        output_tail=done.stdout[-3000:],
    )


def kill_matrix(
    profile: Profile, work_dir: Path, workers: int | None = None
) -> dict[str | None, Run]:
    """The clean run (key None) and one run per defect of the profile's mock, in parallel."""
    defects: list[str | None] = [None, *sorted(profile.mock.DEFECTS)]  # type: ignore[attr-defined]
    workers = workers or os.cpu_count() or 2

    def one(defect: str | None) -> Run:
        return run_suite(profile, defect, work_dir / (defect or "clean"))

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return dict(zip(defects, pool.map(one, defects), strict=True))


def markdown(profile: Profile, runs: dict[str | None, Run]) -> str:
    """The matrix as a Markdown table: defect → requirements turned red → tests failed."""
    lines = [
        f"# Kill matrix: {profile.name}",
        "",
        "| defect | what it breaks | requirements turned red | tests failed | exit |",
        "|---|---|---|---|---|",
    ]
    for defect, run in runs.items():
        described = profile.mock.DEFECTS.get(defect, "") if defect else "clean mock"  # type: ignore[attr-defined]
        reds = ", ".join(f"{k} ({v})" for k, v in sorted(run.red_requirements.items())) or "none"
        failed = len(run.failed_tests)
        lines.append(f"| {defect or '—'} | {described} | {reds} | {failed} | {run.exit_code} |")
    return "\n".join(lines) + "\n"
