"""The live run's circuit breaker: three tests in a row the target left unanswered trip it."""

from __future__ import annotations

from wsconform.run import Breaker


def test_three_unanswered_tests_in_a_row_trip_it_with_their_reasons() -> None:
    breaker = Breaker()
    for n in range(2):
        breaker.record(f"s.py::test_{n}", "error", "no reply to auth within 5 s", heard=False)
    assert breaker.tripped is None
    breaker.record("s.py::test_2", "failed", "connection closed", heard=False)
    assert breaker.tripped is not None
    assert "3 tests in a row" in breaker.tripped and "test_2: connection closed" in breaker.tripped


def test_an_answer_or_a_pass_resets_it() -> None:
    breaker = Breaker()
    for n, (outcome, heard) in enumerate(
        [("error", False), ("error", False), ("failed", True), ("error", False), ("error", False),
         ("passed", False), ("error", False), ("error", False)]
    ):  # fmt: skip
        breaker.record(f"s.py::test_{n}", outcome, "no reply", heard=heard)
    assert breaker.tripped is None


def test_a_skip_between_unanswered_tests_neither_resets_nor_counts() -> None:
    """A test skipped for want of a token kind never asked the target anything."""
    breaker = Breaker()
    for n, outcome in enumerate(["error", "skipped", "error", "skipped"]):
        breaker.record(f"s.py::test_{n}", outcome, "no reply", heard=False)
    assert breaker.tripped is None
    breaker.record("s.py::test_4", "error", "no reply", heard=False)
    assert breaker.tripped is not None and "test_1" not in breaker.tripped
