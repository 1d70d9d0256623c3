"""Hostile servers: a target that misbehaves during or after the WebSocket handshake makes the run
end within 60 s with DEFAULT settings, a non-zero exit, one clear reason in every test's report,
no traceback from the suite's own code, and no CERTIFIED bundle (issue 17).

Each behaviour (tests/hostile.py) gets a profile's suite run against it as a live target, in a
child process, as a user runs it. Tokens are static (a valid and an expired JWT, from the
environment as CI gives secrets), so every test that needs one reaches the server. A target that
answers nothing is no verdict on its conformance: those tests ERROR ("could not finish"), and
after three in a row (the run's, whichever workers ran them) the circuit breaker ERRORs the rest
at once, saying why.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from hostile import GARBAGE_BINARY, GARBAGE_TEXT, SLOW_HANDSHAKE, hostile_server
from standalone import ROOT, run_pytest

from wsconform.profiles import get_profile, installed

pytestmark = [pytest.mark.system, pytest.mark.timed]

BOUND = 60.0  # seconds, a whole child run, default settings (measured: 5-32 s, 4 at once)
CRASH_SIGNS = (
    "Traceback",
    "During handling of the above exception",
    "The above exception was the direct cause",
    "INTERNALERROR",
    "wsconform/session.py:",  # a target's failure shown as a stack through the session
)
BREAKER = "circuit breaker"
NO_REPLY = "no reply to"
SILENT = "stopped answering"
CLOSED = "connection closed"  # "(no close frame …)" or "by the peer … while sending"
TOO_BIG = "sent 1009 (message too big) frame with 10000000 bytes"
RESET = "ConnectionResetError: [Errno 104] Connection reset by peer"
HANDSHAKE = "timed out during opening handshake"
# What these servers get wrong in the handshake itself, whatever they do after it.
NO_SUBPROTOCOL = "selected subprotocol"  # they echo none: ZEN-AUTH-15 and GQL-AUTH-02 FAIL
SUBPROTOCOL_REQUIREMENTS = ("ZEN-AUTH-15", "GQL-AUTH-02")
NO_UPGRADE_ANSWER = "no HTTP answer to the upgrade request"  # a raw upgrade they cannot parse
UPGRADES_ANY = "upgraded"  # they upgrade every handshake, a bad header token's too


@dataclass(frozen=True)
class Case:
    profile: str
    behaviour: str
    reasons: tuple[str, ...]  # every unfinished test's message carries one of these


# The four (hang after the handshake, garbage, close on the first frame, a handshake of
# one byte a second) against every profile; the other misbehaviours against Paradex.
EVERY_PROFILE = {
    "deaf": (SILENT,),
    # the op time-out, or a check's "… is answered" with nothing: the garbage is on the wire
    "answers-garbage": ("within 5 s", "is answered"),
    "closes-after-first-frame": (CLOSED,),
    SLOW_HANDSHAKE: (HANDSHAKE,),
}
PARADEX_ONLY = {"never-answers": (NO_REPLY,), "huge-frame": (TOO_BIG,), "resets": (RESET,)}
CASES = [
    Case(profile, behaviour, reasons)
    for profile in sorted(installed())
    for behaviour, reasons in EVERY_PROFILE.items()
] + [Case("paradex", behaviour, reasons) for behaviour, reasons in PARADEX_ONLY.items()]


@pytest.fixture(scope="module")
def tokens(key: ec.EllipticCurvePrivateKey, base: str) -> dict[str, str]:
    """WSCONFORM_TOKEN and WSCONFORM_EXPIRED_TOKEN: genuine ES256 JWTs of a key no server knows."""
    now = int(time.time())
    expired = jwt.encode(
        {"sub": "user-1", "iat": now - 7200, "exp": now - 3600}, key, algorithm="ES256"
    )
    return {"WSCONFORM_TOKEN": base, "WSCONFORM_EXPIRED_TOKEN": expired}


def run_against(case: Case, tokens: dict[str, str], reports: Path) -> tuple[str, int, float]:
    """The child run's output, exit code and wall time: default settings, as a user runs it."""
    with hostile_server(case.behaviour) as url:
        started = time.monotonic()
        done = run_pytest(
            str(get_profile(case.profile).suite.relative_to(ROOT)), "--profile", case.profile,
            "--endpoint", url, "--report-dir", str(reports), "-q",
            timeout=4 * BOUND, env=tokens,
        )  # fmt: skip
        seconds = time.monotonic() - started
    return done.stdout + done.stderr, done.returncode, seconds


@pytest.mark.parametrize("case", CASES, ids=[f"{c.profile}-{c.behaviour}" for c in CASES])
def test_a_hostile_server_ends_the_run_in_bounds_with_a_reason(case, tokens, tmp_path):
    output, returncode, seconds = run_against(case, tokens, tmp_path)
    assert returncode == 1, output[-3000:]
    assert seconds < BOUND, (
        f"{case.profile} against {case.behaviour}: {seconds:.1f} s; its tests, as they ended:\n"
        + timeline(tmp_path / case.profile / "results.json")
    )
    for sign in CRASH_SIGNS:
        assert sign not in output, f"{sign!r} in the output:\n{output[-3000:]}"
    if case.behaviour == "answers-garbage":  # the wire shows what came instead of a reply
        assert GARBAGE_BINARY[:4].hex() in output or GARBAGE_TEXT[2:] in output

    document = json.loads((tmp_path / case.profile / "results.json").read_text())
    assert document["certification"]["verdict"] != "CERTIFIED"
    # A test may pass where the misbehaviour is what it expects (a close after an invalid token
    # refuses it); the tests run in 4 workers, so which ones the breaker ends varies.
    red = [t for t in document["tests"] if t["outcome"] in ("failed", "error")]
    assert red
    for test in red:  # one clear reason each: the target's misbehaviour, or the breaker's
        reasons = (*case.reasons, BREAKER, NO_SUBPROTOCOL, NO_UPGRADE_ANSWER, UPGRADES_ANY)
        assert any(r in test["message"] for r in reasons), test["message"]
    if case.behaviour == "deaf":  # every test waits in vain: the run's breaker trips
        assert any(BREAKER in t["message"] for t in red), "the circuit breaker never tripped"
    # A target that answers nothing gets no verdict on a requirement it never spoke to; a ping
    # it leaves unanswered on a connection it just took is the heartbeat requirement's FAIL,
    # a handshake that selects no subprotocol the subprotocol requirement's.
    if case.behaviour in ("deaf", SLOW_HANDSHAKE):
        failed = [r["id"] for r in document["requirements"] if r["verdict"] == "FAIL"]
        spoken = [f for f in failed if "-HB-" in f or f in SUBPROTOCOL_REQUIREMENTS]
        assert failed == spoken, failed


def timeline(results: Path) -> str:
    """The child run's tests in the order they ended, a line each (outcome, seconds, the
    message's start): where a run over its bound spent the time, and when the breaker tripped."""
    if not results.exists():
        return "(no results.json)"
    tests = json.loads(results.read_text())["tests"]
    return "\n".join(
        f"{t['outcome']:8} {t['duration']:5.1f} s {t['nodeid'].split('::')[-1]}: "
        f"{t['message'][:120]}"
        for t in tests
    )
