"""A failing check's report leads with the conformance message: the test's own line, then the
requirement, clause, expected, actual and wire tail; no frame of the suite's check helpers."""

from __future__ import annotations

from pathlib import Path

from standalone import run_pytest

TEST = "test_valid_jwt_gets_the_documented_success_reply"


def test_a_failure_shows_the_test_line_then_the_conformance_block(tmp_path: Path) -> None:
    done = run_pytest(
        "suites/paradex", "-k", "valid_jwt", "--profile", "paradex",
        "--mock-defect", "auth-result-not-object",
        "--report-dir", str(tmp_path / "reports"), "--signing-key", str(tmp_path / "key.pem"),
    )  # fmt: skip
    assert done.returncode == 1, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("_") and TEST in line)
    end = next(i for i in range(start, len(lines)) if lines[i].endswith(": ConformanceFailure"))
    report = lines[start : end + 1]
    block = next(i for i, line in enumerate(report) if "PDX-AUTH-01 [MUST]" in line)
    assert block < 15, "\n".join(report)
    for label in ("clause:", "expected:", "actual:", "wire (latest entries):"):
        assert any(label in line for line in report[block:]), label
    assert not any("wsconform/checks.py" in line for line in report), "\n".join(report)
    # The one frame shown is the test's, at its failing check.
    assert [line for line in report if line.startswith(">")] == [
        '>       check.schema("PDX-AUTH-01", reply, "auth-success")'
    ]
    assert report[-1].startswith("suites/paradex/test_authentication.py:")
