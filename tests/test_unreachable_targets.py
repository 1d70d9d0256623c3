"""No hangs: a target where nothing listens, one whose certificate is not trusted, and servers
that never complete a WebSocket handshake each end the run within stated bounds, with a clear
reason, and no traceback from our own code."""

from __future__ import annotations

import json
import time

import pytest
from hostile import BEHAVIOURS, REFUSING, closed_port_url, hostile_server
from standalone import run_pytest, standalone_mock

pytestmark = [pytest.mark.system, pytest.mark.timed]

OP_TIMEOUT = 1.0
# pytest's own start-up is most of it: the preflight waits one op timeout at most.
BOUND_SECONDS = 20.0


def run_against(url: str, tmp_path, *extra: str) -> tuple[object, float]:
    started = time.monotonic()
    done = run_pytest(
        "suites/paradex", "--profile", "paradex", "--endpoint", url,
        "--token-command", "false", "--op-timeout", f"{OP_TIMEOUT:g}",
        "--report-dir", str(tmp_path / "reports"), "-q", *extra,
        timeout=120,
    )  # fmt: skip
    return done, time.monotonic() - started


def test_nothing_listening_means_the_run_cannot_be_made(tmp_path):
    done, seconds = run_against(closed_port_url(), tmp_path)
    output = done.stdout + done.stderr
    assert done.returncode == 2, output[-3000:]
    assert "the run could not be made: target unreachable" in output
    assert "ConnectionRefusedError" in output
    assert seconds < BOUND_SECONDS
    assert "Traceback" not in output


def test_an_untrusted_certificate_means_the_run_cannot_be_made(tmp_path):
    with standalone_mock("paradex", "--key-file", str(tmp_path / "k.pem"), "--tls",
                         "--ca-out", str(tmp_path / "ca.pem")) as mock:  # fmt: skip
        done, seconds = run_against(mock.url, tmp_path)
    output = done.stdout + done.stderr
    assert done.returncode == 2, output[-3000:]
    assert "is not trusted" in output and "--ca-file" in output
    assert seconds < BOUND_SECONDS


def test_an_upgrade_refused_by_status_means_the_run_cannot_be_made(tmp_path):
    with hostile_server(REFUSING) as url:
        done, seconds = run_against(url, tmp_path)
    output = done.stdout + done.stderr
    assert done.returncode == 2, output[-3000:]
    assert "refused the WebSocket upgrade with HTTP 404: is the URL right" in output
    assert seconds < BOUND_SECONDS


@pytest.mark.parametrize("behaviour", BEHAVIOURS)
def test_a_server_that_never_completes_the_handshake_errors_every_test_fast(behaviour, tmp_path):
    with hostile_server(behaviour) as url:
        done, seconds = run_against(url, tmp_path)
    output = done.stdout + done.stderr
    assert done.returncode == 1, output[-3000:]
    document = json.loads((tmp_path / "reports" / "paradex" / "results.json").read_text())
    ran = [t for t in document["tests"] if t["outcome"] != "skipped"]
    assert all("did not complete a WebSocket handshake" in t["message"] for t in ran)
    assert all(t["outcome"] == "error" for t in ran)  # no verdict on a server never spoken to
    verdicts = {r["verdict"] for r in document["requirements"] if r["level"] == "MUST"}
    assert "FAIL" not in verdicts and "PASS" not in verdicts
    assert document["certification"]["verdict"] == "INCOMPLETE"
    assert seconds < BOUND_SECONDS, f"{behaviour}: {seconds:.1f} s"
    assert "Traceback" not in output
