"""Completeness is part of the verdict (issue 18 §1): a run that left a MUST requirement
undecided, ran part of the suite or stopped before its end is INCOMPLETE, says why, is never
CERTIFIED, and under --require-complete (on in `wsconform certify`) exits 1."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from standalone import ROOT, clean_env, run_pytest, standalone_mock

from wsconform.report.completeness import Selection, assess
from wsconform.report.results import RequirementResult
from wsconform.requirements import Level, Requirement, Verdict

QUICK = ("--observation-window", "0.5", "--fuzz-budget", "0.2", "--lifecycle-budget", "2")


def must(req_id: str, verdict: str, note: str = "", level: Level = Level.MUST) -> RequirementResult:
    judged = Requirement(req_id, level, "envelope", f"title {req_id}", "UNIT § 1", "quote")
    return RequirementResult(judged, Verdict(verdict), [], [note] if note else [])


def test_every_undecided_must_requirement_is_a_reason_saying_why() -> None:
    requirements = [
        must("A-1", "PASS"),
        must("A-2", "FAIL"),
        must("A-3", "SKIP", "test_x: no token source gives a 'valid' token"),
        must("A-4", "ERROR", "test_y: no reply within 5 s"),
        must("A-5", "UNTESTED", "no test names this requirement"),
        must("A-6", "UNTESTED"),
        must("S-1", "SKIP", level=Level.SHOULD),  # only MUST requirements make a run whole
    ]
    selection = Selection(deselected={"suites/x.py::test_z": ["A-6"]}, keyword="not z")
    whole = assess(requirements, selection, None)
    assert not whole.complete
    assert whole.reasons == [
        "partial selection: 1 tests deselected by -k 'not z'",
        "A-3 [MUST] skipped: test_x: no token source gives a 'valid' token",
        "A-4 [MUST] errored: test_y: no reply within 5 s",
        "A-5 [MUST] untested: no test names this requirement",
        "A-6 [MUST] not run: its tests were deselected",
    ]


def test_a_whole_run_that_decided_every_must_requirement_is_complete() -> None:
    decided = [must("A-1", "PASS"), must("A-2", "FAIL")]
    assert assess(decided, Selection(paths=["suites/paradex"]), None).complete
    stopped = assess(decided, Selection(), "the run stopped early: stopping after 1 failures")
    assert stopped.reasons == ["interrupted: the run stopped early: stopping after 1 failures"]
    narrowed = Selection(paths=["suites/paradex/test_envelope.py"])  # a file is not a suite
    assert not assess(decided, narrowed, None).complete


@pytest.mark.system
def test_no_token_source_is_incomplete_and_fails_under_require_complete(tmp_path: Path) -> None:
    """The nightly job whose secret went missing: green before, now exit 1 saying why."""
    with standalone_mock("paradex") as mock:
        done = run_pytest(
            "suites/paradex", "--profile", "paradex", "--endpoint", mock.url,
            "--report-dir", str(tmp_path), "--require-complete", "-q", *QUICK,
        )  # fmt: skip
    output = done.stdout + done.stderr
    assert done.returncode == 1, output[-3000:]
    document = json.loads((tmp_path / "paradex" / "results.json").read_text())
    assert document["certification"]["verdict"] == "INCOMPLETE"
    no_token = [r for r in document["completeness"]["reasons"] if "token kind 'valid'" in r]
    assert no_token and all("[MUST] skipped" in r for r in no_token), document["completeness"]
    assert "INCOMPLETE fails the run (--require-complete)" in output


@pytest.mark.system
def test_a_run_stopped_by_x_is_interrupted_and_not_certified(tmp_path: Path) -> None:
    done = run_pytest(
        "suites/paradex", "--profile", "paradex", "--report-dir", str(tmp_path), "-q", "-x",
        "--mock-defect", "accept-alg-none", "-p", "no:randomly",
    )  # fmt: skip
    assert done.returncode == 1, (done.stdout + done.stderr)[-3000:]
    document = json.loads((tmp_path / "paradex" / "results.json").read_text())
    assert document["interrupted"].startswith("the run stopped early: stopping after 1 failures")
    assert document["certification"]["verdict"] == "NOT CERTIFIED"  # a failure stays a failure
    assert not document["completeness"]["complete"]


@pytest.mark.system
def test_ctrl_c_is_recorded_and_never_certified(tmp_path: Path) -> None:
    """SIGINT once the first test has passed: the bundle is written and says it was cut short."""
    process = subprocess.Popen(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:randomly", "-v",
         "suites/paradex", "--report-dir", str(tmp_path)],
        # Unbuffered: each PASSED line comes as it is written, not with the whole run's output.
        cwd=ROOT, env=clean_env(PYTHONUNBUFFERED="1"), stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    assert process.stdout is not None
    deadline = time.monotonic() + 120
    for line in process.stdout:  # the test run's own progress is the signal to interrupt
        if " PASSED" in line or time.monotonic() > deadline:
            break
    process.send_signal(signal.SIGINT)
    rest, _ = process.communicate(timeout=60)
    assert process.returncode == 2, rest[-3000:]
    document = json.loads((tmp_path / "paradex" / "results.json").read_text())
    assert document["interrupted"] == "the run was interrupted (Ctrl-C or a signal) before its end"
    assert document["certification"]["verdict"] == "INCOMPLETE"


@pytest.mark.system
def test_last_failed_reruns_only_the_failures_and_says_the_run_is_partial(tmp_path: Path) -> None:
    """--lf works (the cache provider is on) and makes the run partial, so never CERTIFIED."""
    command = [
        sys.executable, "-m", "pytest", "suites/paradex", "--profile", "paradex", "-q",
        "--mock-defect", "accept-any-bearer", "-k", "valid_jwt or no_fuzzed",
        "-o", f"cache_dir={tmp_path / 'cache'}",
    ]  # fmt: skip
    run = {"cwd": ROOT, "env": clean_env(), "capture_output": True, "text": True, "timeout": 300}
    first = subprocess.run([*command, "--report-dir", str(tmp_path / "first")], **run)
    assert first.returncode == 1, first.stdout[-3000:]
    again = subprocess.run([*command, "--report-dir", str(tmp_path / "again"), "--lf"], **run)
    assert again.returncode == 1, again.stdout[-3000:]

    def tests(where: str) -> dict[str, str]:
        document = json.loads((tmp_path / where / "paradex" / "results.json").read_text())
        return {t["nodeid"]: t["outcome"] for t in document["tests"]}

    failed = {nodeid for nodeid, outcome in tests("first").items() if outcome == "failed"}
    assert failed and len(failed) < len(tests("first"))
    assert set(tests("again")) == failed
    document = json.loads((tmp_path / "again" / "paradex" / "results.json").read_text())
    assert document["selection"]["last_failed"]
    assert (
        "partial selection: only the last run's failures (--lf)"
        in (document["completeness"]["reasons"])
    )
