"""A failing check's report leads with the conformance message: the test's own line, then the
requirement, clause, expected, actual and wire tail; no frame of the suite's check helpers."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import hypothesis
import jwt
import pytest
from hypothesis import strategies as st
from hypothesis.core import decode_failure
from standalone import ROOT, clean_env, run_pytest

from wsconform import fuzz, reproduce
from wsconform.config import resolve
from wsconform.redact import Redactor

TEST = "test_valid_jwt_gets_the_documented_success_reply"


@pytest.mark.system
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
        '>       auth_succeeded(check, "PDX-AUTH-01", reply)'
    ]
    assert report[-1].startswith("suites/paradex/test_authentication.py:")


# -- replaying a failure (issue 18 §5) ------------------------------------------------------------

FUZZ = "suites/paradex/test_fuzzed_tokens.py::test_no_fuzzed_token_authenticates"
RERUN_HEADER = "wsconform: re-run this test"


def fuzz_failure(where: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The paradex fuzz test against a mock that accepts any bearer: it fails on any example. In
    the dev profile (random, with an example database, kept under `where`)."""
    done = run_pytest(
        FUZZ, "--profile", "paradex", "--mock-defect", "accept-any-bearer", "-q",
        "--report-dir", str(where / "reports"), "--signing-key", str(where / "key.pem"), *args,
        # CI=true: on a CI machine hypothesis loads its own derandomized, database-less defaults.
        env={"HYPOTHESIS_PROFILE": "dev", "HYPOTHESIS_STORAGE_DIRECTORY": str(where / "hyp"),
             "CI": "true"},
    )  # fmt: skip
    assert done.returncode == 1, (done.stdout + done.stderr)[-3000:]
    return done


@pytest.mark.system
def test_every_failure_prints_the_line_that_re_runs_it_and_the_seed_even_under_q(
    tmp_path: Path,
) -> None:
    done = fuzz_failure(tmp_path, "--hypothesis-seed=1234")
    lines = done.stdout.splitlines()
    line = lines[next(i for i, ln in enumerate(lines) if RERUN_HEADER in ln) + 1]
    assert line.startswith(f"pytest {FUZZ} ") and line.endswith(" --hypothesis-seed=1234")
    assert "--mock-defect=accept-any-bearer" in line
    assert "wsconform: hypothesis profile dev, seed 1234 (replay: --hypothesis-seed=1234)" in (
        done.stdout
    )
    results = json.loads((tmp_path / "reports" / "paradex" / "results.json").read_text())
    assert [t["reproduce"] for t in results["tests"]] == [line]
    # The failing case names its fuzz strategy in a few words (pytest cuts its own repr short).
    assert "fuzzed_tokens=<wsconform.fuzz tokens>" in done.stdout

    again = subprocess.run(
        [sys.executable, "-m", *shlex.split(line)], cwd=ROOT, capture_output=True, text=True,
        env=clean_env(HYPOTHESIS_PROFILE="dev", HYPOTHESIS_STORAGE_DIRECTORY=str(tmp_path / "h2")),
        timeout=300,
    )  # fmt: skip
    assert again.returncode == 1 and "PDX-REJ-06 [MUST]" in again.stdout, again.stdout[-3000:]


@pytest.mark.system
def test_the_dev_profile_saves_a_failing_example_and_tries_it_first(tmp_path: Path) -> None:
    """Without a seed (any seed turns hypothesis' database off): the run says so."""
    first = fuzz_failure(tmp_path)
    assert "wsconform: hypothesis profile dev, random; failing examples saved" in first.stdout
    assert any((tmp_path / "hyp" / "examples").rglob("*")), "no example saved"
    again = fuzz_failure(tmp_path, "--hypothesis-show-statistics")
    reuse = re.search(r"during reuse phase .*\n.*\n\s+- (\d+) passing, (\d+) failing", again.stdout)
    assert reuse and int(reuse[2]) >= 1, again.stdout[-3000:]


def test_a_secret_given_as_an_option_is_named_in_the_line_never_written() -> None:
    secret = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ1c2VyLTEifQ.c2lnbmF0dXJlLXNpZ25hdHVyZQ"
    given = {"token": secret, "endpoint": "wss://staging.example/v1", "op_timeout": "9"}
    settings = resolve(lambda name: given.get(name), environ={"WSCONFORM_PROFILE": "paradex"})
    line = reproduce.command("suites/paradex/test_x.py::test_y", settings, "42", strict=True)
    assert line == (
        "pytest suites/paradex/test_x.py::test_y --endpoint=wss://staging.example/v1 "
        '--token="$WSCONFORM_TOKEN" --op-timeout=9.0 --hypothesis-seed=42 --strict'
    )  # the profile comes from the environment again, as it did


def test_a_reproduce_failure_blob_is_shown_whole_and_holds_no_token_bytes() -> None:
    """The blob encodes hypothesis' choices; the fuzz strategies keep the base token in closures,
    never as a drawn value, so no piece of it can be in the blob."""
    base = jwt.encode({"sub": "user-1", "exp": 2_000_000_000}, "k" * 32, algorithm="HS256")

    @hypothesis.settings(print_blob=True, database=None, derandomize=True, max_examples=500)
    @hypothesis.given(data=st.data())
    def finds_a_forgery(data: st.DataObject) -> None:
        token = data.draw(fuzz.tokens(base))
        assert not isinstance(token.value, str) or len(token.value) < 100

    with pytest.raises(AssertionError) as raised:
        finds_a_forgery()
    notes = "\n".join(getattr(raised.value, "__notes__", []))
    blob = re.search(r"@reproduce_failure\('[^']*', b'([^']*)'\)", notes)
    assert blob, notes
    choices = repr(decode_failure(blob[1].encode()))
    windows = {base[i : i + 8] for i in range(len(base) - 7)}
    assert not any(window in choices for window in windows)
    assert Redactor().text(notes) == notes  # nothing in it is masked: it replays as printed
