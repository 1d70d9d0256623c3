"""Roll test outcomes up into one verdict per requirement of the catalogue."""

from __future__ import annotations

from wsconform.report.completeness import Completeness
from wsconform.report.results import Certification, RequirementResult, TestResult
from wsconform.requirements import Catalogue, Level, Requirement, Verdict

# Which verdict wins when several tests speak of one requirement.
PRECEDENCE = (Verdict.FAIL, Verdict.ERROR, Verdict.WARN, Verdict.PASS, Verdict.INFO, Verdict.SKIP)
MISS = {Level.MUST: Verdict.FAIL, Level.SHOULD: Verdict.WARN, Level.INFO: Verdict.INFO}


def _blamed(test: TestResult) -> list[str]:
    """Who a failure no check attributed (a timeout, a closed socket) falls on: the test's
    requirements that recorded no PASS, or all of them, so that the failure is never lost."""
    passed = {c.req_id for c in test.checks if c.verdict == Verdict.PASS}
    return [r for r in test.reqs if r not in passed] or test.reqs


def failing_requirements(test: TestResult) -> list[str]:
    """The requirements a failed test's failure falls on (none when it did not fail)."""
    if test.outcome not in ("failed", "error"):
        return []
    return [test.failed_req] if test.failed_req else _blamed(test)


def _verdict_in(
    test: TestResult, req: Requirement, strict: bool
) -> tuple[Verdict | None, list[str]]:
    """The requirement's verdict in one test that names it or checked it; None when the test
    passed without a check of it (a state machine's run that never reached it): no evidence."""
    records = [c for c in test.checks if c.req_id == req.id]
    notes = [
        f"{c.what}: {c.detail}"
        for c in records
        if c.verdict in (Verdict.INFO, Verdict.WARN, Verdict.FAIL) and c.detail
    ]
    if test.outcome == "skipped":
        return Verdict.SKIP, [test.message]
    found = {c.verdict for c in records}
    if test.outcome == "error" and (not found or req.id == test.failed_req):
        # The test could not finish: ERROR on what it had not decided, never a FAIL.
        return Verdict.ERROR, [test.message]
    if test.outcome == "failed" and test.failed_req is None and req.id in _blamed(test):
        miss = MISS[req.level]
        found.add(Verdict.FAIL if strict and miss is Verdict.WARN else miss)
        notes.append(test.message)
    if not found:
        return None, notes
    return next(v for v in PRECEDENCE if v in found), notes


def roll_up(
    catalogue: Catalogue, tests: list[TestResult], strict: bool = False
) -> list[RequirementResult]:
    results = []
    for req in catalogue.requirements.values():
        covering = [
            t for t in tests if req.id in t.reqs or any(c.req_id == req.id for c in t.checks)
        ]
        if not covering:
            uncovered = ["no test names this requirement"]
            results.append(
                RequirementResult(req, Verdict.UNTESTED, [], uncovered, link=catalogue.link(req))
            )
            continue
        verdicts: list[Verdict] = []
        notes: list[str] = []
        baselined: list[str | None] = []
        for test in covering:
            verdict, test_notes = _verdict_in(test, req, strict)
            if verdict is None:
                continue
            verdicts.append(verdict)
            notes += [f"{test.nodeid.split('::')[-1]}: {n}" for n in test_notes if n]
            if verdict in (Verdict.FAIL, Verdict.ERROR):
                baselined.append(test.baselined)
        if not verdicts:
            unchecked = [
                "named by tests that passed without a check of it: "
                + ", ".join(t.nodeid.split("::")[-1] for t in covering)
            ]
            results.append(
                RequirementResult(req, Verdict.UNTESTED, [], unchecked, link=catalogue.link(req))
            )
            continue
        worst = next(v for v in PRECEDENCE if v in verdicts)
        known = "; ".join(dict.fromkeys(baselined)) if baselined and all(baselined) else None
        results.append(
            RequirementResult(
                req, worst, [t.nodeid for t in covering], notes, known, catalogue.link(req)
            )
        )
    return results


# -- the run's verdict: the bundle, the matrix and the exit code all read it from here ----------


def certification(
    requirements: list[RequirementResult], tests: list[TestResult], completeness: Completeness
) -> Certification:
    """CERTIFIED only when the run is complete (every MUST requirement decided, the whole suite
    run to its end) and nothing failed or errored (a SHOULD fails only under --strict); a
    baselined failure is still a failure here."""
    failed = [r for r in requirements if r.verdict == Verdict.FAIL]
    failed_tests = [t for t in tests if t.outcome == "failed"]
    errored_tests = [t for t in tests if t.outcome == "error"]
    if failed or failed_tests:
        return Certification(
            "NOT CERTIFIED", [_reason(r) for r in failed] + [_test_reason(t) for t in failed_tests]
        )
    if not completeness.complete or errored_tests:
        return Certification(
            "INCOMPLETE", completeness.reasons + [_test_reason(t) for t in errored_tests]
        )
    return Certification("CERTIFIED", [])


def exit_code(requirements: list[RequirementResult], tests: list[TestResult]) -> int:
    """1 when a test failed or errored, or a requirement FAILed, unless a baseline knows it;
    else 0 (skipped and untested requirements make a run INCOMPLETE, not red)."""
    red_tests = [t for t in tests if t.outcome in ("failed", "error") and not t.baselined]
    red_reqs = [r for r in requirements if r.verdict == Verdict.FAIL and not r.baselined]
    return 1 if red_tests or red_reqs else 0


def _reason(req: RequirementResult) -> str:
    known = f" (baselined: {req.baselined})" if req.baselined else ""
    note = f": {req.notes[0].splitlines()[0]}" if req.notes else ""
    return f"{req.id} [{req.level}] {req.verdict}{known} — {req.title}{note}"


def _test_reason(test: TestResult) -> str:
    outcome = "ERROR" if test.outcome == "error" else "FAILED"
    first = (test.message or "").strip().splitlines()
    return f"{test.nodeid} {outcome}" + (f": {first[0]}" if first else "")
