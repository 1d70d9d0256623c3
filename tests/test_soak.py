"""`wsconform soak` (issue 22): counts per requirement that add up across workers, verdicts from
thresholds, and a real soak on Locust (a master and a worker) against the mock: clean, it passes
with every requirement exercised; with a re-auth defect, it fails with the count."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from standalone import ROOT, clean_env

from wsconform.soak import report
from wsconform.soak.run import SoakError, seconds, thresholds
from wsconform.soak.tally import Tally


def test_counts_add_up_across_workers() -> None:
    one, two, master = Tally(), Tally(), Tally()
    for _ in range(9_998):
        one.record("ZEN-EXP-03")
    two.record("ZEN-EXP-03", "timed out")
    two.record("ZEN-EXP-03", "timed out")
    master.merge(one.drain())
    master.merge(two.drain())
    assert one.counts == {} and two.counts == {}  # drained: each count is sent once
    assert master.line("ZEN-EXP-03", "re-auth after expiry") == (
        "ZEN-EXP-03 re-auth after expiry: 9,998 / 10,000 succeeded (2 timed out)"
    )


def figures(*rows: tuple[str, int, int]) -> dict[str, object]:
    return {
        "run": {"profile": "zenith"},
        "requirements": [
            {"id": req, "attempts": n, "succeeded": ok, "line": f"{req}: {ok} / {n}"}
            for req, n, ok in rows
        ],
    }


def test_thresholds_default_to_every_attempt_for_must_and_none_for_info() -> None:
    judged = report.judge(
        figures(("ZEN-EXP-03", 1000, 999), ("ZEN-EXP-02", 10, 0), ("ZEN-REJ-01", 0, 0)), {}
    )
    assert judged.failed == [
        "ZEN-EXP-03: 999 / 1000: 99.90 %, threshold 100 %",
        "ZEN-REJ-01: 0 / 0: not exercised, threshold 100 %",
    ]  # ZEN-EXP-02 is INFO: recorded, never judged
    relaxed = report.judge(
        figures(("ZEN-EXP-03", 1000, 999), ("ZEN-REJ-01", 0, 0)),
        thresholds(["ZEN-EXP-03=99.9", "ZEN-REJ-01=0"]),
    )
    assert relaxed.failed == [] and relaxed.document["verdict"] == "PASS"


def test_run_time_and_thresholds_are_read_as_locust_and_the_user_write_them() -> None:
    assert [seconds(t) for t in ("30s", "2m", "1h30m", "90")] == [30, 120, 5400, 90]
    with pytest.raises(SoakError, match="--run-time"):
        seconds("soon")
    with pytest.raises(SoakError, match="REQ-ID=PERCENT"):
        thresholds(["ZEN-EXP-03"])


def soak(tmp_path: Path, profile: str, *options: str) -> tuple[int, str, dict[str, object]]:
    done = subprocess.run(
        [sys.executable, "-c", "from wsconform.cli import main; raise SystemExit(main())",
         "soak", profile, "--users", "10", "--spawn-rate", "10", "--run-time", "12s",
         "--workers", "1", "--expire-after", "2", "--bad-token-rate", "2",
         # Timing is not what these tests judge: a loaded CI machine gets room.
         "--resume-within", "5", "--op-timeout", "20",
         "--report-dir", str(tmp_path), *options],
        cwd=ROOT, capture_output=True, text=True, env=clean_env(), timeout=300,
    )  # fmt: skip
    document = json.loads((tmp_path / "soak.json").read_text(encoding="utf-8"))
    return done.returncode, done.stdout, document


@pytest.mark.system
@pytest.mark.parametrize("profile", ["paradex", "zenith", "ethgas", "ethgas-op"])
def test_a_clean_soak_exercises_and_passes_every_requirement(tmp_path: Path, profile: str) -> None:
    code, output, document = soak(tmp_path, profile)
    assert code == 0, output[-3000:]
    judged = [r for r in document["requirements"] if report.OBSERVATION not in r["id"]]
    assert all(row["attempts"] > 0 and row["met"] for row in judged), judged
    assert (tmp_path / "soak.html").is_file() and (tmp_path / "locust_stats.csv").is_file()
    steps = {row["name"] for row in document["latencies"]}
    assert {"connect", "first private frame"} <= steps and steps & {"auth", "login"}


@pytest.mark.system
def test_a_rare_reauth_refusal_is_caught_with_its_count(tmp_path: Path) -> None:
    code, output, document = soak(tmp_path, "zenith", "--mock-defect", "reauth-refused-one-in-1000")
    assert code == 1, output[-3000:]
    assert document["verdict"] == "FAIL"
    assert (
        "ZEN-EXP-03 AuthToken with a fresh token after expiry: 9 / 10 succeeded (1 rejected)"
        in output
    )
