"""The lifecycle machines' shared base: the budget stops exploration, the coverage is said; and
each vendor's model is pure (no probe, checker, pytest or hypothesis)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import wsconform.vendors
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


MODELS = sorted(p.parent.name for p in Path(wsconform.vendors.__file__).parent.glob("*/model.py"))
IMPURE = ("pytest", "_pytest", "hypothesis", "wsconform.session", "wsconform.checks")


@pytest.mark.parametrize("vendor", MODELS)
def test_a_lifecycle_model_imports_nothing_that_acts(vendor: str) -> None:
    """A fresh interpreter: what importing the model loads, and nothing of the probe, the
    Checker, pytest or hypothesis among it."""
    code = (
        f"import sys, wsconform.vendors.{vendor}.model\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {IMPURE!r} or m in {IMPURE!r}))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
