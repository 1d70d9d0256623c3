"""The lifecycle machines' shared base: the budget stops exploration, the coverage is said."""

from __future__ import annotations

import pytest

from wsconform.lifecycle import BudgetSpent, Exploration


def test_no_budget_never_stops() -> None:
    exploration = Exploration(None)
    exploration.stop_if_spent(before=10**6)
    assert not exploration.spent


def test_a_spent_budget_stops_and_says_so() -> None:
    exploration = Exploration(0.0)
    with pytest.raises(BudgetSpent):
        exploration.stop_if_spent()
    exploration.sequences, exploration.steps = 2, 7
    exploration.rules |= {"connect"}
    exploration.states |= {"authed[public]"}
    exploration.all_rules = ["connect", "reconnect"]
    text = exploration.summary()
    assert "2 sequences, 7 steps" in text and "stopped when its 0 s budget" in text
    assert "rules reached 1 of 2 (not reached: reconnect)" in text
    assert "model states seen 1, e.g. authed[public]" in text


def test_a_wait_past_the_budget_is_not_begun() -> None:
    exploration = Exploration(60.0)
    exploration.stop_if_spent(before=5.0)  # 5 s fit in what is left
    with pytest.raises(BudgetSpent):
        exploration.stop_if_spent(before=120.0)
    assert exploration.spent
