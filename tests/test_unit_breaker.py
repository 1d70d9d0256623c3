"""The live run's circuit breaker: three tests in a row the target left unanswered trip it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from wsconform.run import Breaker


@pytest.fixture
def breaker() -> Iterator[Breaker]:
    made = Breaker()
    yield made
    made.close()
    assert not made.journal.exists()


def test_three_unanswered_tests_in_a_row_trip_it_with_their_reasons(breaker: Breaker) -> None:
    for n in range(2):
        breaker.record(f"s.py::test_{n}", "error", "no reply to auth within 5 s", heard=False)
    assert breaker.tripped is None
    breaker.record("s.py::test_2", "failed", "connection closed", heard=False)
    assert breaker.tripped is not None
    assert "3 tests in a row" in breaker.tripped and "test_2: connection closed" in breaker.tripped


def test_an_answer_resets_it(breaker: Breaker) -> None:
    for n, (outcome, heard) in enumerate(
        [("error", False), ("error", False), ("failed", True), ("error", False), ("error", False),
         ("passed", True), ("error", False), ("error", False)]
    ):  # fmt: skip
        breaker.record(f"s.py::test_{n}", outcome, "no reply", heard=heard)
    assert breaker.tripped is None


@pytest.mark.parametrize("between", ["skipped", "passed"])
def test_a_skip_or_a_pass_on_silence_neither_resets_nor_counts(
    breaker: Breaker, between: str
) -> None:
    """A test skipped for want of a token kind never asked the target anything. A target that
    answers garbage passes every "no success" test without a word of JSON, and a SHOULD that
    timed out is a pass with a WARN: neither shows the target is usable."""
    for n, outcome in enumerate(["error", between, "error", between]):
        breaker.record(f"s.py::test_{n}", outcome, "no reply", heard=False)
    assert breaker.tripped is None
    breaker.record("s.py::test_4", "error", "no reply", heard=False)
    assert breaker.tripped is not None and "test_1" not in breaker.tripped


def test_the_workers_of_a_run_count_their_tests_in_a_row_together(breaker: Breaker) -> None:
    """pytest-xdist workers share the controller's journal: three time-outs spread over three
    workers trip every worker's breaker, the first time-out's included."""
    workers = [Breaker(breaker.journal) for _ in range(3)]
    for n, worker in enumerate(workers):
        worker.record(f"s.py::test_{n}", "error", f"no reply {n}", heard=False)
    for worker in [breaker, *workers]:
        assert worker.tripped is not None and "test_0: no reply 0" in worker.tripped
    workers[0].record("s.py::test_late", "passed", "", heard=True)  # one still in flight
    assert breaker.tripped is not None, "once tripped, it stays tripped"
    workers[0].close()
    assert breaker.journal.exists(), "a worker leaves the controller's journal alone"
