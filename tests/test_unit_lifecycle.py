"""The lifecycle machines' shared base: the budget stops exploration, the coverage is said; and
each vendor's model is pure (no probe, checker, pytest or hypothesis)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import wsconform.vendors
from wsconform import jwt_forge
from wsconform.lifecycle import BudgetSpent, Exploration, TokenPool
from wsconform.tokens import Token


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


class FakeTokens:
    """A token source whose tokens live `lifetime` s from `now`; it has no `limited` ones."""

    def __init__(self) -> None:
        self.now, self.minted = 1000.0, 0

    def get(self, kind: str, arg: float | None = None) -> Token:
        if kind == "limited":
            pytest.skip("no limited tokens")
        self.minted += 1
        exp = self.now - 10 if kind == "expired" else self.now + (arg or 300.0)
        claims = {"exp": int(exp), "n": self.minted}
        return Token(jwt_forge.encode({"alg": "ES256"}, claims, b"signature"), kind, exp)


def test_the_pool_keeps_tokens_while_fit_and_mints_short_lived_ones_anew() -> None:
    source = FakeTokens()
    pool = TokenPool(source, lambda: source.now, keep_for=60.0)  # type: ignore[arg-type]
    assert pool.valid() is pool.valid() and pool.get("expired") is pool.get("expired")
    assert pool.get("short-lived") is not pool.get("short-lived")
    assert pool.get("limited") is None and pool.get("limited") is None  # asked once
    kept = pool.valid()
    source.now += 250.0  # 50 s left: less than keep_for
    assert pool.valid() is not kept
    assert pool.bad("alg-none") == pool.forged("alg-none") != pool.valid().value
    assert pool.bad("expired") == pool.get("expired").value  # type: ignore[union-attr]
