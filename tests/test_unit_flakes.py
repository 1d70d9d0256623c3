"""The flake finder's comparison of runs: pure functions over synthetic outcomes, no pytest runs."""

from __future__ import annotations

from wsconform.flakes import (
    MISSING,
    SuiteRun,
    always_failing,
    describe_outcomes,
    flake_report,
    flaky_tests,
    odd_exit_codes,
    run_ranges,
)

A, B, C = "suites/x/test_a.py::test_a", "suites/x/test_b.py::test_b", "suites/y/test_c.py::test_c"


def test_identical_runs_have_no_flakes():
    run = {A: "passed", B: "skipped", C: "failed"}
    assert flaky_tests([run, dict(run), dict(run)]) == {}


def test_an_outcome_that_changes_is_flaky_with_every_runs_outcome():
    runs = [{A: "passed", B: "passed"}, {A: "failed", B: "passed"}, {A: "passed", B: "passed"}]
    assert flaky_tests(runs) == {A: ["passed", "failed", "passed"]}


def test_a_test_missing_from_some_run_is_flaky():
    runs = [{A: "passed", B: "passed"}, {A: "passed"}, {A: "passed", C: "passed"}]
    assert flaky_tests(runs) == {
        B: ["passed", MISSING, MISSING],
        C: [MISSING, MISSING, "passed"],
    }


def test_no_runs_and_one_run_have_nothing_to_compare():
    assert flaky_tests([]) == {}
    assert flaky_tests([{A: "failed"}]) == {}


def test_always_failing_is_consistent_not_flaky():
    runs = [{A: "failed", B: "error", C: "passed"}, {A: "failed", B: "error", C: "failed"}]
    assert always_failing(runs) == [A, B]
    assert list(flaky_tests(runs)) == [C]


def test_odd_exit_codes_are_those_unlike_the_most_common():
    assert odd_exit_codes([0, 0, 1, 0, None]) == [2, 4]
    assert odd_exit_codes([1, 1, 1]) == []
    assert odd_exit_codes([]) == []


def test_run_numbers_are_shown_as_ranges():
    assert run_ranges([1, 2, 3, 5, 7, 8]) == "1-3, 5, 7-8"
    assert run_ranges([4]) == "4"


def test_outcomes_are_described_rarest_first():
    outcomes = ["passed", "failed", "passed", "passed", MISSING]
    assert describe_outcomes(outcomes) == (
        "failed in run 2; missing in run 5; passed in runs 1, 3-4"
    )


def _run(index: int, exit_code: int, outcomes: dict[str, str]) -> SuiteRun:
    messages = {n: "timed out after 1 s" for n, o in outcomes.items() if o != "passed"}
    return SuiteRun(index, exit_code, outcomes, seconds=2.0, messages=messages)


def test_report_names_the_flaky_test_the_odd_exit_and_the_times():
    runs = [_run(1, 0, {A: "passed", B: "passed"}), _run(2, 1, {A: "passed", B: "failed"})]
    lines, flaky = flake_report(runs)
    assert flaky
    assert f"FLAKY {B}: failed in run 2; passed in run 1" in lines
    assert "  run 2: timed out after 1 s" in lines
    assert any(line.startswith("FLAKY exit code: run 2 exited 1") for line in lines)
    assert lines[-1] == "total 4.0 s, mean 2.0 s per run"


def test_report_of_steady_runs_says_no_flakes():
    runs = [_run(i, 0, {A: "passed"}) for i in (1, 2, 3)]
    lines, flaky = flake_report(runs)
    assert not flaky
    assert "no flakes in 3 runs" in lines
