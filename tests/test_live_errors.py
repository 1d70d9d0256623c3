"""A run that could not finish says so: ERROR with the reason, never a FAIL of a requirement, a
non-zero exit and no CERTIFIED bundle (issue 17). Forced three ways against `wsconform mock` in
another process: the server stops answering mid-run, a per-test time limit far too small, a
token command that hangs. And a lifecycle budget far too small is no error: the machine explores
less and says how much."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from standalone import ROOT, WSCONFORM, clean_env, run_pytest, standalone_mock

from wsconform.config import LIVE_WORKERS

pytestmark = pytest.mark.system


def results(reports: Path, profile: str = "paradex") -> dict:
    return json.loads((reports / profile / "results.json").read_text(encoding="utf-8"))


def live(mock_url: str, key: Path, reports: Path, *args: str) -> list[str]:
    return [
        "suites/paradex", "--profile", "paradex", "--endpoint", mock_url,
        "--token-command", f"{WSCONFORM} mint paradex --key-file {key}",
        "--report-dir", str(reports), *args,
    ]  # fmt: skip


def assert_errored_not_failed(document: dict, reason: str) -> list[dict]:
    """Some tests ERRORed with `reason`; no test and no requirement FAILed; not CERTIFIED."""
    errored = [t for t in document["tests"] if t["outcome"] == "error"]
    assert errored and all(reason in t["message"] for t in errored), [
        t["message"][:300] for t in errored
    ]
    assert not [t["nodeid"] for t in document["tests"] if t["outcome"] == "failed"]
    assert not [r["id"] for r in document["requirements"] if r["verdict"] == "FAIL"]
    assert document["certification"]["verdict"] == "INCOMPLETE"
    return errored


@pytest.mark.timed
def test_a_server_that_stops_answering_mid_run_is_an_error(tmp_path):
    key, reports = tmp_path / "key.pem", tmp_path / "reports"
    with standalone_mock("paradex", "--key-file", str(key)) as mock:
        child = subprocess.Popen(
            [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-v",
             *live(mock.url, key, reports, "--op-timeout", "1")],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            env=clean_env(),
        )  # fmt: skip
        assert child.stdout is not None
        output = []
        for line in child.stdout:  # a few tests pass, then the server stops answering
            output.append(line)
            if sum(" PASSED" in ln for ln in output) == 3:
                os.kill(mock.pid, signal.SIGSTOP)
                break
        started = time.monotonic()
        try:
            rest, _ = child.communicate(timeout=120)
        finally:
            os.kill(mock.pid, signal.SIGCONT)
        seconds = time.monotonic() - started
    output_text = "".join(output) + rest
    assert child.returncode == 1, output_text[-3000:]
    assert seconds < 60, f"{seconds:.0f} s after the server stopped"
    errored = assert_errored_not_failed(results(reports), "")
    reasons = " ".join(t["message"] for t in errored)
    assert "stopped answering" in reasons or "took no new connection" in reasons, reasons[:2000]
    assert "circuit breaker" in reasons  # the rest ERRORed at once
    assert "Traceback" not in output_text


def test_a_test_time_limit_far_too_small_is_an_error_naming_the_wait(tmp_path):
    key, reports = tmp_path / "key.pem", tmp_path / "reports"
    with standalone_mock("paradex", "--key-file", str(key)) as mock:
        done = run_pytest(
            *live(mock.url, key, reports, "--test-timeout", "2", "-k", "expired_on_the_clock")
        )
    assert done.returncode == 1, done.stdout[-3000:]
    errored = assert_errored_not_failed(results(reports), "ran out of time")
    assert "waiting for a token's exp" in errored[0]["message"], errored[0]["message"]


@pytest.mark.timed
def test_a_hanging_token_command_is_an_error_said_once(tmp_path):
    key, reports = tmp_path / "key.pem", tmp_path / "reports"
    hang = tmp_path / "hang"
    hang.write_text("#!/bin/sh\nexec sleep 60\n")
    hang.chmod(0o755)
    with standalone_mock("paradex", "--key-file", str(key)) as mock:
        started = time.monotonic()
        done = run_pytest(
            *live(mock.url, key, reports, "-k", "rejection", "--token-timeout", "1"),
            "--token-command",
            str(hang),
        )
        seconds = time.monotonic() - started
    assert done.returncode == 1, done.stdout[-3000:]
    errored = assert_errored_not_failed(results(reports), "no token")
    # Each of the live run's worker processes asks once per kind (valid, expired).
    asked = [t for t in errored if "not asked again" not in t["message"]]
    assert asked and len(asked) <= 2 * LIVE_WORKERS, [t["message"][:200] for t in asked]
    assert all("within 1 s (--token-timeout)" in t["message"] for t in asked)
    assert seconds < 30, f"{seconds:.0f} s: the command was run for every test"


def test_a_failing_token_command_errors_its_tests_and_never_trips_the_breaker(tmp_path):
    """In one process, tests in a row without a token never spoke to the target: no circuit
    breaker, whose reason would be the target's silence, and the tests that need no token run.
    The command is asked once per kind."""
    key, reports = tmp_path / "key.pem", tmp_path / "reports"
    with standalone_mock("paradex", "--key-file", str(key)) as mock:
        done = run_pytest(
            *live(mock.url, key, reports, "--live-workers", "1", "-k", "rejection or envelope"),
            "--token-command", "echo the vault is sealed >&2; exit 1",
        )  # fmt: skip
    assert done.returncode == 1, done.stdout[-3000:]
    document = results(reports)
    errored = assert_errored_not_failed(document, "no token")
    asked = [t["message"] for t in errored if "not asked again" not in t["message"]]
    assert len(asked) == len({m.split("failed for ")[1].split()[0] for m in asked}), asked
    assert not any("circuit breaker" in t["message"] for t in errored), errored[-1]["message"]
    assert any(t["outcome"] == "passed" for t in document["tests"])


def test_a_lifecycle_budget_far_too_small_explores_less_and_says_so(tmp_path):
    reports = tmp_path / "reports"
    done = run_pytest(
        "suites/paradex/test_lifecycle.py", "--profile", "paradex", "--lifecycle-budget", "0.01",
        "--report-dir", str(reports),
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:]
    (test,) = results(reports)["tests"]
    assert test["outcome"] == "passed"
    assert "stopped when its 0.01 s budget (--lifecycle-budget) was spent" in test["notes"][0]
