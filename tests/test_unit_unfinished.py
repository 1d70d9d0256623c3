"""What makes a failed test an ERROR (it could not finish), not a FAIL of the target: the
plugin's `_unfinished`, on the exceptions a test can end with."""

from __future__ import annotations

import pytest
from hypothesis.errors import FlakyFailure

from wsconform.checks import Unfinished
from wsconform.plugin import _unfinished

TOOK_NONE = "the target took no new connection: could not open wss://… within 1 s"


def ended_with(error: BaseException) -> pytest.CallInfo[None]:
    def test() -> None:
        raise error

    return pytest.CallInfo.from_call(test, "call")


def test_an_unfinished_test_is_an_error_with_its_reason():
    assert _unfinished(ended_with(Unfinished(TOOK_NONE))) == TOOK_NONE


def test_a_flaky_replay_of_an_unfinished_example_is_still_an_error():
    """Hypothesis replays a failing example; when the first run could not finish (a connect
    time-out on a loaded machine) and the replay went otherwise, it raises FlakyFailure holding
    both: the test could not finish, it is no verdict on the target."""
    flaky = FlakyFailure("Inconsistent results from replaying a test case!", [
        Unfinished(TOOK_NONE), ValueError("the replay drew differently")])  # fmt: skip
    reason = _unfinished(ended_with(flaky))
    assert reason is not None and reason.startswith(TOOK_NONE) and "replay" in reason


def test_a_flaky_replay_of_a_verdict_stays_a_verdict():
    flaky = FlakyFailure("Inconsistent results", [AssertionError("FAIL"), ValueError("other")])
    assert _unfinished(ended_with(flaky)) is None
    assert _unfinished(ended_with(AssertionError("FAIL"))) is None
