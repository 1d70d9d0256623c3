"""wsconform.report.rollup: many test outcomes become one verdict per requirement."""

from __future__ import annotations

import itertools

import pytest

from wsconform.checks import CheckRecord
from wsconform.report import completeness, rollup
from wsconform.report.results import RequirementResult, Results, TestResult
from wsconform.report.rollup import PRECEDENCE, roll_up
from wsconform.requirements import Catalogue, Level, Requirement, Verdict


def req(req_id: str, level: Level) -> Requirement:
    return Requirement(req_id, level, "envelope", f"title {req_id}", "UNIT § 1", "quote")


MUST_A = req("UT-A", Level.MUST)
MUST_B = req("UT-B", Level.MUST)
SHOULD_C = req("UT-C", Level.SHOULD)
INFO_D = req("UT-D", Level.INFO)
CATALOGUE = Catalogue("unit", {}, {r.id: r for r in (MUST_A, MUST_B, SHOULD_C, INFO_D)})


def record(req_id: str, verdict: str, what: str = "w", detail: str = "") -> CheckRecord:
    return CheckRecord(req_id, Verdict(verdict), what, detail)


def producing(verdict: Verdict, req_id: str, n: int) -> TestResult:
    """A test whose own verdict on `req_id` (a MUST requirement) is `verdict`."""
    nodeid = f"suites/unit/test_x.py::test_{n}"
    if verdict is Verdict.FAIL:
        checks = [record(req_id, "FAIL", detail="expected 1; got 2")]
        return TestResult(nodeid, "unit", [req_id], "failed", checks=checks, failed_req=req_id)
    if verdict is Verdict.ERROR:
        return TestResult(nodeid, "unit", [req_id], "error", message="token source broke")
    if verdict is Verdict.WARN:
        return TestResult(nodeid, "unit", [req_id], "passed", checks=[record(req_id, "WARN")])
    if verdict is Verdict.PASS:
        return TestResult(nodeid, "unit", [req_id], "passed", checks=[record(req_id, "PASS")])
    if verdict is Verdict.INFO:
        return TestResult(nodeid, "unit", [req_id], "passed", checks=[record(req_id, "INFO")])
    if verdict is Verdict.SKIP:
        return TestResult(nodeid, "unit", [req_id], "skipped", message="no limited token")
    raise AssertionError(verdict)


def verdicts(results: list[RequirementResult]) -> dict[str, Verdict]:
    return {r.requirement.id: r.verdict for r in results}


@pytest.mark.parametrize("verdict", PRECEDENCE)
def test_single_test_verdict_is_carried(verdict: Verdict) -> None:
    """One test producing a verdict gives the requirement that verdict."""
    assert verdicts(roll_up(CATALOGUE, [producing(verdict, MUST_A.id, 0)]))[MUST_A.id] is verdict


@pytest.mark.parametrize(("first", "second"), list(itertools.combinations(PRECEDENCE, 2)))
def test_precedence_between_two_tests(first: Verdict, second: Verdict) -> None:
    """FAIL > ERROR > WARN > PASS > INFO > SKIP, whichever order the tests come in."""
    assert PRECEDENCE == (
        Verdict.FAIL,
        Verdict.ERROR,
        Verdict.WARN,
        Verdict.PASS,
        Verdict.INFO,
        Verdict.SKIP,
    )
    for pair in ((first, second), (second, first)):
        tests = [producing(v, MUST_A.id, i) for i, v in enumerate(pair)]
        assert verdicts(roll_up(CATALOGUE, tests))[MUST_A.id] is first


def test_unnamed_requirements_are_untested() -> None:
    """Requirements no test names (by marker or by check) are UNTESTED, with a note."""
    results = roll_up(CATALOGUE, [producing(Verdict.PASS, MUST_A.id, 0)])
    by_id = {r.requirement.id: r for r in results}
    for req_id in (MUST_B.id, SHOULD_C.id, INFO_D.id):
        assert by_id[req_id].verdict is Verdict.UNTESTED
        assert by_id[req_id].tests == []
        assert by_id[req_id].notes == ["no test names this requirement"]


def test_a_passed_test_without_a_check_of_a_requirement_leaves_it_untested() -> None:
    """A test that names a requirement and passes without a check of it (a state machine run
    that never reached it) is no evidence: UNTESTED, saying which tests named it. A check of
    it in another test is."""
    quiet = TestResult("t::test_quiet", "unit", [MUST_A.id, SHOULD_C.id, INFO_D.id], "passed")
    results = {r.requirement.id: r for r in roll_up(CATALOGUE, [quiet])}
    for req in (MUST_A, SHOULD_C, INFO_D):
        assert results[req.id].verdict is Verdict.UNTESTED
        assert results[req.id].notes == [
            "named by tests that passed without a check of it: test_quiet"
        ]
    checked = producing(Verdict.PASS, MUST_A.id, 0)
    assert verdicts(roll_up(CATALOGUE, [quiet, checked]))[MUST_A.id] is Verdict.PASS


def test_skipped_test_carries_its_reason() -> None:
    """A skipped test makes its requirements SKIP, and the note holds the skip reason."""
    test = TestResult(
        "suites/unit/test_x.py::test_limited",
        "unit",
        [MUST_A.id],
        "skipped",
        message="token kind 'limited' unavailable",
    )
    (result,) = [r for r in roll_up(CATALOGUE, [test]) if r.requirement.id == MUST_A.id]
    assert result.verdict is Verdict.SKIP
    assert result.notes == ["test_limited: token kind 'limited' unavailable"]
    assert result.tests == ["suites/unit/test_x.py::test_limited"]


def test_failed_test_without_conformance_failure_misses_by_level() -> None:
    """A plain failure (no ConformanceFailure) marks MUST requirements FAIL and SHOULD ones WARN."""
    test = TestResult(
        "t::test_broken", "unit", [MUST_A.id, SHOULD_C.id], "failed", message="ExpectTimeout"
    )
    results = roll_up(CATALOGUE, [test])
    got = verdicts(results)
    assert got[MUST_A.id] is Verdict.FAIL
    assert got[SHOULD_C.id] is Verdict.WARN
    notes = {r.requirement.id: r.notes for r in results}
    assert notes[MUST_A.id] == ["test_broken: ExpectTimeout"]


def test_failed_test_should_miss_is_fail_under_strict() -> None:
    """Under strict, the SHOULD requirements of a plainly failed test are FAIL."""
    test = TestResult("t::test_broken", "unit", [SHOULD_C.id], "failed", message="boom")
    assert verdicts(roll_up(CATALOGUE, [test], strict=True))[SHOULD_C.id] is Verdict.FAIL


def test_conformance_failure_blames_only_its_requirement() -> None:
    """A ConformanceFailure naming one requirement does not FAIL the test's other ones."""
    test = TestResult(
        "t::test_two",
        "unit",
        [MUST_A.id, MUST_B.id],
        "failed",
        checks=[record(MUST_A.id, "PASS"), record(MUST_B.id, "FAIL", detail="got 2")],
        failed_req=MUST_B.id,
    )
    got = verdicts(roll_up(CATALOGUE, [test]))
    assert got[MUST_A.id] is Verdict.PASS
    assert got[MUST_B.id] is Verdict.FAIL


def test_plain_failure_spares_requirements_that_passed() -> None:
    """A plain failure leaves a requirement that already PASSed in the test as PASS."""
    test = TestResult(
        "t::test_late_crash",
        "unit",
        [MUST_A.id, MUST_B.id],
        "failed",
        checks=[record(MUST_A.id, "PASS")],
        message="KeyError after the checks",
    )
    got = verdicts(roll_up(CATALOGUE, [test]))
    assert got[MUST_B.id] is Verdict.FAIL  # un-passed: blamed
    assert got[MUST_A.id] is Verdict.PASS  # passed: spared


def test_check_record_alone_counts_as_covering() -> None:
    """A test that only records a check of a requirement (no marker) covers it."""
    test = TestResult(
        "t::test_side",
        "unit",
        [MUST_A.id],
        "passed",
        checks=[record(SHOULD_C.id, "WARN", what="usDiff", detail="expected number; got null")],
    )
    (result,) = [r for r in roll_up(CATALOGUE, [test]) if r.requirement.id == SHOULD_C.id]
    assert result.verdict is Verdict.WARN
    assert result.tests == ["t::test_side"]
    assert result.notes == ["test_side: usDiff: expected number; got null"]


def test_summary_counts_by_level_and_verdict() -> None:
    """The results' summary counts verdicts per level."""
    tests = [producing(Verdict.PASS, MUST_A.id, 0)]
    results = Results("unit", "Unit", "0", "t", roll_up(CATALOGUE, tests), tests, 0.0, 1.0)
    assert results.summary == {
        "MUST": {"PASS": 1, "UNTESTED": 1},
        "SHOULD": {"UNTESTED": 1},
        "INFO": {"UNTESTED": 1},
    }


# -- an errored test, and the run's one verdict ---------------------------------------------------


def test_an_errored_test_errors_only_what_it_had_not_decided() -> None:
    test = TestResult(
        "suites/unit/test_x.py::test_e", "unit", ["UT-A", "UT-B"], "error",
        checks=[record("UT-A", "PASS")], message="no reply within 5 s",
    )  # fmt: skip
    assert verdicts(roll_up(CATALOGUE, [test]))["UT-A"] is Verdict.PASS
    assert verdicts(roll_up(CATALOGUE, [test]))["UT-B"] is Verdict.ERROR


def run_of(*tests: TestResult) -> tuple[list[RequirementResult], list[TestResult]]:
    return roll_up(CATALOGUE, list(tests)), list(tests)


def certified(requirements: list[RequirementResult], tests: list[TestResult]) -> str:
    """The run's verdict, for a whole suite run to its end."""
    whole = completeness.assess(requirements, completeness.Selection(), None)
    return rollup.certification(requirements, tests, whole).verdict


def every_requirement_passed(n: int = 0) -> list[TestResult]:
    return [producing(Verdict.PASS, r, n + i) for i, r in enumerate(("UT-A", "UT-B", "UT-C"))]


def test_the_run_is_certified_and_exits_0_only_when_nothing_failed_or_errored() -> None:
    clean = run_of(*every_requirement_passed())
    assert certified(*clean) == "CERTIFIED" and rollup.exit_code(*clean) == 0
    # A test that errored on a requirement another test passed: never CERTIFIED, never exit 0.
    errored = run_of(*every_requirement_passed(), producing(Verdict.ERROR, "UT-A", 9))
    assert certified(*errored) == "INCOMPLETE"
    assert rollup.exit_code(*errored) == 1
    # A failed test whose failure no requirement kept (PASS beside it) is still NOT CERTIFIED.
    lost = TestResult("suites/unit/test_x.py::test_l", "unit", [], "failed", message="x")
    failed = run_of(*every_requirement_passed(), lost)
    assert certified(*failed) == "NOT CERTIFIED"
    assert rollup.exit_code(*failed) == 1


def test_a_baselined_failure_exits_0_but_is_never_certified() -> None:
    known = producing(Verdict.FAIL, "UT-B", 9)
    known.baselined = "vendor ticket 12"
    requirements, tests = run_of(*every_requirement_passed(), known)
    for r in requirements:
        if r.id == "UT-B":
            r.baselined = known.baselined
    assert rollup.exit_code(requirements, tests) == 0
    assert certified(requirements, tests) == "NOT CERTIFIED"
