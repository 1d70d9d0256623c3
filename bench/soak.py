"""The soak at scale (issue 22's acceptance; figures, not a timed test): per profile, one
`wsconform soak` on this machine, one Locust master and two workers against one standalone
mock, --users sessions through one mass expiry and re-auth each; then the same soak of Zenith
with the defect that refuses one re-auth after expiry in 1,000, which must be caught with its
count. Loopback only; each run is bounded by its --run-time (and `wsconform soak`'s own limit).

Prints per run: the verdict, each requirement's count line, the latency percentiles Locust
merged across the workers, and the wall time.

    .venv/bin/python bench/soak.py [--users 10000] [--spawn-rate 200] [--run-time 180s]
                                   [--profiles paradex,zenith,ethgas,ethgas-op]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFECT = ("zenith", "reauth-refused-one-in-1000")


def soak(profile: str, args: argparse.Namespace, report_dir: Path, *extra: str) -> None:
    command = [
        sys.executable, "-c", "from wsconform.cli import main; raise SystemExit(main())",
        "soak", profile, "--users", str(args.users), "--spawn-rate", str(args.spawn_rate),
        "--run-time", args.run_time, "--workers", "2", "--expire-after", str(args.expire_after),
        "--data-interval", str(args.data_interval), "--resume-within", str(args.resume_within),
        "--op-timeout", "30", "--report-dir", str(report_dir), *extra,
    ]  # fmt: skip
    began = time.monotonic()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    wall = time.monotonic() - began
    title = f"{profile}{' with ' + extra[-1] if extra else ''}"
    report = report_dir / "soak.json"
    if not report.is_file():
        print(f"== {title}: no report (exit {done.returncode}): {done.stderr[-1500:]}")
        return
    document = json.loads(report.read_text(encoding="utf-8"))
    run = document["run"]
    expiry = run["mass_expiry"] - run["started"] if run.get("mass_expiry") else None
    print(
        f"== {title}: {document['verdict']} (exit {done.returncode}), {run['users']:,} users "
        f"on {run['workers']} workers, mass expiry at {expiry:.0f} s, wall {wall:.0f} s"
        if expiry is not None
        else f"== {title}: {document['verdict']} (exit {done.returncode}), no mass expiry"
    )
    for row in document["requirements"]:
        print(f"   {'ok  ' if row['met'] else 'FAIL'} {row['line']}")
    for line in document["latencies"]:
        print(
            f"   {line['name']:<28} {line['count']:>8,}  p50 {line['p50']:>6} ms  "
            f"p95 {line['p95']:>6} ms  p99 {line['p99']:>6} ms  failed {line['failures']:,}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--spawn-rate", type=float, default=200)
    parser.add_argument("--run-time", default="180s")
    parser.add_argument("--expire-after", type=float, default=20.0)
    parser.add_argument(
        "--data-interval", type=float, default=5.0, help="the mock's data period per subscription"
    )
    parser.add_argument(
        "--resume-within",
        type=float,
        default=10.0,
        help="two data periods: the next frame is due within one",
    )
    parser.add_argument("--profiles", default="paradex,zenith,ethgas,ethgas-op")
    parser.add_argument(
        "--no-defect", dest="defect", action="store_false", help="skip the defect's soak"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="wsconform-soak-bench-") as scratch:
        for profile in args.profiles.split(","):
            soak(profile, args, Path(scratch) / profile)
        if args.defect:
            soak(DEFECT[0], args, Path(scratch) / "defect", "--mock-defect", DEFECT[1])


if __name__ == "__main__":
    main()
