"""Kill matrix: every defect of the Paradex mock turns the requirement it breaks red, and the
clean mock is all green. A defect that kills nothing means the suite lacks a check."""

from __future__ import annotations

from pathlib import Path

import pytest

from wsconform.killmatrix import ROOT, Run, kill_matrix, markdown
from wsconform.mock.paradex import ParadexMock
from wsconform.profiles import get_profile

# defect → the requirement it must turn red (FAIL for MUST, WARN for SHOULD).
EXPECTED_KILLS = {
    "accept-alg-none": "PDX-REJ-02",
    "accept-forged-signature": "PDX-REJ-02",
    "accept-expired": "PDX-REJ-03",
    "accept-any-bearer": "PDX-REJ-01",
    "malformed-as-invalid": "PDX-REJ-01",
    "id-not-echoed": "PDX-ENV-02",
    "id-coerced-to-int": "PDX-ENV-02",
    "private-without-auth": "PDX-AUTH-03",
    "private-data-stops-at-expiry": "PDX-EXP-01",
    "auth-result-not-object": "PDX-AUTH-01",
    "no-jsonrpc-member": "PDX-ENV-01",
    "close-on-non-json": "PDX-ENV-03",
    "duplicate-subscribe-accepted": "PDX-SUB-04",
    "unsubscribe-unknown-accepted": "PDX-SUB-05",
    "unsubscribe-keeps-data": "PDX-SUB-03",
    "no-parse-error": "PDX-ENV-03",
    "unknown-method-ignored": "PDX-ENV-05",
    "wrong-error-code-for-invalid-params": "PDX-ENV-06",
    "close-after-rejected-auth": "PDX-REJ-05",
    "pong-withheld": "PDX-HB-01",
    "auth-result-extra-fields": "PDX-AUTH-02",
    "undocumented-error-messages": "PDX-ENV-07",
    "public-needs-auth": "PDX-AUTH-04",
    "geo-block-ignored": "PDX-REJ-09",
    "subscribe-result-without-channel": "PDX-SUB-01",
    "unsubscribe-result-without-channel": "PDX-SUB-02",
    "error-code-as-string": "PDX-REJ-04",
    "string-token-as-invalid-params": "PDX-REJ-07",
    "crash-on-huge-bearer": "PDX-REJ-08",
}
PROFILE = get_profile("paradex")


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str | None, Run]:
    found = kill_matrix(PROFILE, tmp_path_factory.mktemp("kill-matrix"))
    out = ROOT / "reports" / "kill-matrix"
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{PROFILE.name}.md").write_text(markdown(PROFILE, found), encoding="utf-8")
    return found


def test_every_defect_has_an_expected_kill():
    assert set(EXPECTED_KILLS) == set(ParadexMock.DEFECTS)


def test_clean_mock_is_all_green(runs):
    clean = runs[None]
    assert clean.exit_code == 0 and not clean.failed_tests and not clean.red_requirements, (
        clean.output_tail
    )


@pytest.mark.parametrize("defect", sorted(EXPECTED_KILLS))
def test_defect_is_killed(runs, defect):
    run = runs[defect]
    requirement = EXPECTED_KILLS[defect]
    assert requirement in run.red_requirements, (
        f"defect {defect!r} did not turn {requirement} red; red: {run.red_requirements}\n"
        f"{run.output_tail}"
    )
    level = "FAIL" if run.red_requirements[requirement] == "FAIL" else "WARN"
    if level == "FAIL":  # a MUST violation makes the run red, so a CI gate stops on it
        assert run.exit_code == 1 and run.failed_tests, run.output_tail


def test_matrix_is_written(runs):
    table = (Path(ROOT) / "reports" / "kill-matrix" / "paradex.md").read_text(encoding="utf-8")
    assert all(defect in table for defect in EXPECTED_KILLS)
