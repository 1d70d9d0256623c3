"""Under pytest-xdist (`pytest -n auto`): every worker runs its own embedded mocks and fuzzes
with the seed the run reports, so it can be replayed, and the controller merges the workers'
results into the same reports a serial run writes."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from standalone import run_pytest

pytestmark = pytest.mark.system

TESTS = Path(__file__).resolve().parent


def test_workers_use_the_seed_the_run_reports(tmp_path: Path) -> None:
    probe = tmp_path / "seeds"
    probe.mkdir()
    done = run_pytest(
        "suites/paradex", "-n", "2", "-p", "seed_probe", "-k", "fuzzed", "--hypothesis-seed=4242",
        "--report-dir", str(tmp_path / "reports"), "--signing-key", str(tmp_path / "k.pem"),
        env={"HYPOTHESIS_PROFILE": "dev", "PYTHONPATH": str(TESTS), "SEED_PROBE_DIR": str(probe)},
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:]
    seeds = {p.name: p.read_text() for p in probe.iterdir()}
    assert {"controller", "gw0", "gw1"} <= seeds.keys()
    assert set(seeds.values()) == {"4242"}, seeds
    reported = json.loads((tmp_path / "reports" / "paradex" / "results.json").read_text())
    assert "--hypothesis-seed=4242" in reported["hypothesis"]


def verdicts(reports: Path) -> dict[str, tuple[dict[str, str], dict[str, str]]]:
    """Per profile: each test's outcome and each requirement's verdict."""
    merged = {}
    for path in sorted(reports.glob("*/results.json")):
        document = json.loads(path.read_text(encoding="utf-8"))
        tests = {t["nodeid"]: t["outcome"] for t in document["tests"]}
        requirements = {r["id"]: r["verdict"] for r in document["requirements"]}
        merged[document["profile"]] = (tests, requirements)
    return merged


def test_two_workers_write_the_reports_a_serial_run_writes(tmp_path: Path) -> None:
    def run(name: str, *workers: str) -> Path:
        reports = tmp_path / name
        done = run_pytest(
            "suites", *workers, "--report-dir", str(reports),
            "--signing-key", str(tmp_path / f"{name}.pem"),
        )  # fmt: skip
        assert done.returncode == 0, done.stdout[-3000:]
        return reports

    with ThreadPoolExecutor(2) as pool:
        serial, parallel = pool.map(lambda args: run(*args), [("serial",), ("xdist", "-n", "2")])
    expected = verdicts(serial)
    assert set(expected) == {"ethgas", "ethgas-op", "graphql-ws", "paradex", "zenith"}
    assert verdicts(parallel) == expected
    for profile in expected:  # each profile's signed bundle, from the controller alone
        assert len(list((parallel / "certification").glob(f"{profile}-2*"))) == 1
