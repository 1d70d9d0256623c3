"""The complete default run's cost (figures, not a timed test). Prints, measured in one run:

1. wall time of `wsconform certify` (every profile's suite on its embedded mock, the reports,
   the matrix and, where Node.js is installed, the Allure HTML), with the time inside pytest and
   per profile; goal <= 20 s on 2 cores. The setup (`make`'s venv and npm install) is not in it.
2. time the run spent in time.sleep: on the test thread (waiting for nothing; goal about 0) and
   on other threads.

    .venv/bin/python bench/run_time.py
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WSCONFORM = str(Path(sys.executable).parent / "wsconform")
CERTIFY_TIMEOUT = 600  # seconds: forty times the goal; a hung run is no figure


def certify(reports: Path, sleep_out: Path) -> tuple[float, str]:
    """One `wsconform certify` into `reports`, with the sleep meter; (wall seconds, output)."""
    env = {
        **os.environ,
        "HYPOTHESIS_PROFILE": "ci",  # what CI and `make certify` on a CI machine run
        "PYTHONPATH": os.pathsep.join([str(ROOT / "bench"), os.environ.get("PYTHONPATH", "")]),
        "WSCONFORM_SLEEP_OUT": str(sleep_out),
    }
    command = [
        WSCONFORM, "certify", "--report-dir", str(reports),
        "--signing-key", str(reports / "signing-key.pem"), "--", "-p", "sleep_meter",
    ]  # fmt: skip
    start = time.perf_counter()
    try:
        done = subprocess.run(
            command, cwd=ROOT, capture_output=True, text=True, env=env, timeout=CERTIFY_TIMEOUT
        )
    except subprocess.TimeoutExpired:
        sys.exit(f"certify did not finish within {CERTIFY_TIMEOUT} s; no figure")
    wall = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"certify exited {done.returncode}; no figure:\n{done.stdout[-3000:]}")
    return wall, done.stdout


def main() -> None:
    argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    ).parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        reports, sleep_out = Path(tmp) / "reports", Path(tmp) / "slept.json"
        wall, _ = certify(reports, sleep_out)
        documents = [
            json.loads(path.read_text(encoding="utf-8"))
            for path in sorted(reports.glob("*/results.json"))
        ]
        in_pytest = max(d["finished"] for d in documents) - min(d["started"] for d in documents)
        tests = {d["profile"]: sum(t["duration"] for t in d["tests"]) for d in documents}
        slept = json.loads(sleep_out.read_text(encoding="utf-8"))
    print(
        f"wsconform certify, all profiles on the embedded mocks: {wall:.1f} s wall (goal <= 20 s)"
    )
    print(
        f"  the pytest session: {in_pytest:.1f} s; its tests, per profile: "
        + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in tests.items())
    )
    print(f"  the rest (interpreter start-up, matrix, Allure HTML): {wall - in_pytest:.1f} s")
    print(
        f"time.sleep during the run: {slept['main']:.2f} s on the test thread (goal about 0), "
        f"{slept['other']:.2f} s on other threads, {slept['calls']} calls"
    )


if __name__ == "__main__":
    main()
