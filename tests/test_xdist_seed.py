"""Under pytest-xdist, every worker fuzzes with the seed the run reports, so it can be replayed."""

from __future__ import annotations

import json
from pathlib import Path

from standalone import run_pytest

TESTS = Path(__file__).resolve().parent


def test_workers_use_the_seed_the_run_reports(tmp_path: Path) -> None:
    probe = tmp_path / "seeds"
    probe.mkdir()
    done = run_pytest(
        "suites/paradex", "-n", "2", "-p", "seed_probe", "-k", "fuzzed",
        "--report-dir", str(tmp_path / "reports"), "--signing-key", str(tmp_path / "k.pem"),
        env={"HYPOTHESIS_PROFILE": "dev", "PYTHONPATH": str(TESTS), "SEED_PROBE_DIR": str(probe)},
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:]
    seeds = {p.name: p.read_text() for p in probe.iterdir()}
    assert {"controller", "gw0", "gw1"} <= seeds.keys()
    assert len(set(seeds.values())) == 1, seeds
    reported = json.loads((tmp_path / "reports" / "paradex" / "results.json").read_text())
    assert f"--hypothesis-seed={seeds['controller']}" in reported["hypothesis"]
