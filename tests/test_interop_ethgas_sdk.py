"""Interop: python-ethgas's WsClient (run from .venv-interop) against the embedded ethgas-op mock.

The SDK lives in a venv of its own (web3 and its tree stay out of the suite's): `make test` builds
it (target .venv-interop/.installed). Without it these tests skip, saying so.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from wsconform.mock.server import MockContext, MockServer
from wsconform.vendors.ethgas_op.mock import EthgasOpMock

pytestmark = [pytest.mark.interop, pytest.mark.system]

ROOT = Path(__file__).resolve().parents[1]
INTEROP_PYTHON = ROOT / ".venv-interop" / "bin" / "python"
PROBE = ROOT / "tests" / "interop" / "ethgas_sdk_probe.py"
PROBE_TIMEOUT = 20.0  # the probe's own limit; the subprocess gets a little more


@pytest.fixture(scope="module")
def interop_python() -> Path:
    if not INTEROP_PYTHON.exists():
        pytest.skip(
            f"{INTEROP_PYTHON.parent.parent.name} is missing: make .venv-interop/.installed"
        )
    found = subprocess.run(
        [INTEROP_PYTHON, "-c", "import ethgas.websocket.ws_client"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    if found.returncode != 0:
        pytest.skip(f"python-ethgas is not importable in .venv-interop: {found.stderr.strip()}")
    return INTEROP_PYTHON


@pytest.fixture
def server() -> Iterator[MockServer]:
    server = MockServer(EthgasOpMock, MockContext(), pump_interval=0.05).start()
    yield server
    server.stop()


def probe(python: Path, url: str, token: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [python, PROBE, url, token, "--timeout", str(PROBE_TIMEOUT)],
        capture_output=True,
        text=True,
        timeout=PROBE_TIMEOUT + 10,
    )


def test_sdk_logs_in_and_reads_a_private_channel(interop_python: Path, server: MockServer) -> None:
    assert server.ctx.issuer is not None
    result = probe(interop_python, server.url, server.ctx.issuer.mint("valid"))
    assert result.returncode == 0, result.stderr
    frame = json.loads(result.stdout.strip().splitlines()[-1])
    assert set(frame) == {"e", "E", "s", "P"}
    assert frame["e"] == "accountOrderUpdate"
    assert isinstance(frame["E"], int) and isinstance(frame["P"]["o"], int)
    assert "logged in" in result.stderr  # the ack the SDK took as its login


def test_sdk_login_refused_is_reported(interop_python: Path, server: MockServer) -> None:
    result = probe(interop_python, server.url, "not-a-token")
    assert result.returncode == 1
    assert "login refused" in result.stderr and '"code": 1001' in result.stderr
    assert result.stdout == ""
