"""wsconform.report.baseline and signing: which failures a baseline covers, which entries are
stale, what a bad baseline file says; the signing key made once and shared."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from wsconform.checks import CheckRecord
from wsconform.report import baseline, signing
from wsconform.report.baseline import Baseline, BaselineError, Entry
from wsconform.report.results import RequirementResult, Results, TestResult
from wsconform.requirements import Level, Requirement, Verdict


def requirement(req_id: str, verdict: str, notes: tuple[str, ...] = ()) -> RequirementResult:
    judged = Requirement(req_id, Level.MUST, "envelope", f"title {req_id}", "UNIT § 1", "quote")
    return RequirementResult(judged, Verdict(verdict), [], list(notes))


def recorded(nodeid: str, outcome: str, *checks: CheckRecord) -> TestResult:
    return TestResult(nodeid, "unit", [], outcome, checks=list(checks))


KNOWN = Baseline(
    "b.json",
    (
        Entry("vendor ticket 7", requirement="UT-A"),
        Entry("flaky upstream", test="suites/unit/test_x.py::test_param"),
    ),
)


@pytest.mark.parametrize(
    ("nodeid", "failing", "reason"),
    [
        ("suites/unit/test_x.py::test_1", ["UT-A"], "vendor ticket 7"),
        ("suites/unit/test_x.py::test_1", ["UT-A", "UT-B"], None),  # UT-B is a new failure
        ("suites/unit/test_x.py::test_1", [], None),
        ("suites/unit/test_x.py::test_param[a-b]", ["UT-B"], "flaky upstream"),  # every param
        ("suites/unit/test_x.py::test_param", ["UT-B"], "flaky upstream"),
        ("suites/unit/test_x.py::test_param2", ["UT-B"], None),
    ],
)
def test_which_failures_a_baseline_covers(nodeid, failing, reason):
    assert KNOWN.reason_for(nodeid, failing) == reason


def test_entries_that_no_longer_fail_are_stale_and_unjudged_ones_are_not():
    tests = [recorded("suites/unit/test_x.py::test_param[a]", "passed")]
    assert KNOWN.stale(tests, [requirement("UT-A", "PASS")]) == list(KNOWN.entries)
    assert KNOWN.stale(tests, [requirement("UT-A", "FAIL")]) == [KNOWN.entries[1]]
    assert KNOWN.stale([], []) == []  # neither judged in this run


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "not readable JSON"),
        ('{"entries": []}', 'expected a JSON object with "format"'),
        ('{"format": "wsconform-baseline/1"}', '"entries" must be a list'),
        ('{"format": "wsconform-baseline/1", "entries": [{"test": "t"}]}', "entry 1 needs"),
        (
            '{"format": "wsconform-baseline/1", "entries": [{"test": "t", "requirement": "r", '
            '"reason": "x"}]}',
            "entry 1 needs one of test or requirement",
        ),
        (
            '{"format": "wsconform-baseline/1", "entries": [{"test": "t", "reason": "x", "y": 1}]}',
            "unknown keys",
        ),
    ],
)
def test_a_bad_baseline_file_says_what_is_wrong(tmp_path: Path, content: str, message: str):
    path = tmp_path / "b.json"
    path.write_text(content)
    with pytest.raises(BaselineError, match=message):
        baseline.load(path)


def test_a_written_baseline_quotes_the_check_and_leaves_errors_out(tmp_path: Path):
    requirements = [
        requirement("UT-A", "FAIL", ("Traceback (most recent call last):",)),
        requirement("UT-B", "PASS"),
        requirement("UT-C", "ERROR"),  # could not finish: not knowable
        requirement("UT-D", "WARN"),
        requirement("UT-E", "FAIL"),  # no check recorded why
    ]
    tests = [
        recorded("t::test_1", "passed", CheckRecord("UT-A", Verdict.PASS, "first")),
        recorded(
            "t::test_2", "failed",
            CheckRecord("UT-A", Verdict.FAIL, "id echoed", "expected 1; got 2\nmore"),
            CheckRecord("UT-D", Verdict.WARN, "shape", "expected {}; got []"),
        ),
    ]  # fmt: skip
    results = Results("unit", "Unit", "0.1.0", "ws://x (live)", requirements, tests, 0.0, 1.0)
    path = tmp_path / "b.json"
    path.write_text(json.dumps(baseline.from_results([results])))
    loaded = baseline.load(path)
    assert [(e.requirement, e.reason) for e in loaded.entries] == [
        ("UT-A", "id echoed: expected 1; got 2"),
        ("UT-D", "shape: expected {}; got []"),
        ("UT-E", "FAIL against ws://x (live), no check recorded why: see its tests"),
    ]


def test_requirements_that_no_catalogue_has_are_named():
    with pytest.raises(BaselineError, match=r"^baseline b.json: unknown requirement UT-A \(not in"):
        KNOWN.check_requirements({"UT-B"}, "the unit catalogue")
    KNOWN.check_requirements({"UT-A"}, "the unit catalogue")


def test_tests_that_do_not_exist_are_named(tmp_path: Path):
    (tmp_path / "suites" / "unit").mkdir(parents=True)
    (tmp_path / "suites" / "unit" / "test_x.py").write_text("")
    collected = ["suites/unit/test_x.py::test_param[a]", "suites/unit/test_x.py::test_other"]
    KNOWN.check_tests(collected, tmp_path)  # every parametrization
    KNOWN.check_tests([], tmp_path)  # its file exists, not collected this run: cannot tell
    with pytest.raises(BaselineError, match=r"no such test suites/unit/test_x.py::test_param$"):
        KNOWN.check_tests(["suites/unit/test_x.py::test_other"], tmp_path)
    one_param = Baseline("b.json", (Entry("r", test="suites/unit/test_x.py::test_param[b]"),))
    with pytest.raises(BaselineError, match=r"test_param\[b\]"):
        one_param.check_tests(collected, tmp_path)
    elsewhere = Baseline("b.json", (Entry("r", test="suites/unit/test_gone.py::test_a"),))
    with pytest.raises(BaselineError, match=r"no such test suites/unit/test_gone\.py::test_a"):
        elsewhere.check_tests(collected, tmp_path)


def test_an_entry_is_stale_only_once_its_requirement_passes():
    for verdict, stale in [("PASS", True), ("INFO", True), ("FAIL", False), ("WARN", False),
                           ("ERROR", False), ("SKIP", False), ("UNTESTED", False)]:  # fmt: skip
        found = KNOWN.stale([], [requirement("UT-A", verdict)])
        assert found == ([KNOWN.entries[0]] if stale else []), verdict


def test_concurrent_runs_create_one_signing_key(tmp_path: Path):
    path = tmp_path / "config" / "signing-key.pem"
    with ThreadPoolExecutor(8) as pool:
        keys = list(pool.map(lambda _: signing.load_or_create(path), range(16)))
    fingerprints = {signing.fingerprint(k.public_key()) for k in keys}
    assert len(fingerprints) == 1
    assert path.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["signing-key.pem"]  # no temporary left


def test_a_key_that_is_not_ed25519_is_refused(tmp_path: Path):
    path = tmp_path / "k.pem"
    path.write_text("-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----\n")
    with pytest.raises(signing.SigningError, match="not an unencrypted PEM private key"):
        signing.load_or_create(path)
