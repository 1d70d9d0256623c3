"""Interop: ccxt.pro.paradex (run from .venv-ccxt) against `wsconform mock paradex` as a process.

ccxt loads the markets and gets its JWT from the mock's own HTTP side (GET /v1/markets,
GET /v1/system/config, POST /v1/auth), then authenticates the WebSocket and watches public and
private channels (tests/interop/ccxt_paradex_probe.py, one JSON line per step). `make test`
builds the venv (target .venv-ccxt/.installed); without it these tests skip, saying so.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from standalone import ROOT, clean_env, standalone_mock, venv_python

pytestmark = [pytest.mark.interop, pytest.mark.system]

PROBE = ROOT / "tests" / "interop" / "ccxt_paradex_probe.py"
STEP_TIMEOUT = 15.0  # seconds the probe gives each step
STEPS = 10
WATCHES = (
    "watch_order_book",
    "watch_ticker",
    "watch_trades",
    "watch_orders",
    "watch_positions",
    "watch_balance",
)


@pytest.fixture(scope="module")
def ccxt_python() -> Path:
    probe = "import ccxt.pro; assert ccxt.__version__.startswith('4.5.')"
    return venv_python(".venv-ccxt", probe, "ccxt 4.5.x")


@pytest.fixture(scope="module")
def steps(ccxt_python: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The probe's steps against a fresh `wsconform mock paradex`, by name."""
    key = tmp_path_factory.mktemp("ccxt") / "mock-key.pem"
    with standalone_mock("paradex", "--key-file", str(key)) as mock:
        http_line = mock.line_after("http on ")
        assert http_line is not None, f"the mock printed no HTTP address: {mock.lines}"
        http_url = http_line.split()[0]
        done = subprocess.run(
            [ccxt_python, PROBE, mock.url, http_url, "--timeout", str(STEP_TIMEOUT)],
            capture_output=True,
            text=True,
            env=clean_env(),
            timeout=STEPS * STEP_TIMEOUT + 30,  # the probe's own limits, and its start
        )
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    found = {line["step"]: line for line in lines}
    assert len(found) == STEPS, f"probe ran {sorted(found)}; stderr: {done.stderr[-2000:]}"
    return {"rc": done.returncode, **found}


def failed(steps: dict[str, Any], *names: str) -> list[str]:
    return [f"{n}: {steps[n]['detail']}" for n in names if not steps[n]["ok"]]


def test_ccxt_loads_markets_and_authenticates_over_the_mock_s_http(steps: dict[str, Any]) -> None:
    assert not failed(steps, "load_markets", "authenticate_rest")
    assert steps["load_markets"]["detail"] == "2 markets"


def test_every_watch_delivers_a_parsed_update_and_no_handler_raises(
    steps: dict[str, Any],
) -> None:
    assert not failed(steps, *WATCHES)


def test_a_new_connection_authenticates_again(steps: dict[str, Any]) -> None:
    assert not failed(steps, "reauth_after_reconnect")


def test_a_bearer_the_mock_did_not_issue_is_refused_with_a_documented_code(
    steps: dict[str, Any],
) -> None:
    assert not failed(steps, "rejection")
    assert steps["rc"] == 0
