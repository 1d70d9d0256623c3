"""The lifecycle state machines (suites/<dir>/test_lifecycle.py) find the kill matrix's lifecycle
defects on their own: run alone against the mock with each defect, a profile's machine turns the
requirement the defect breaks red. (On the clean mock and every conforming variant the machines
run in the kill matrix's whole-suite runs, which must stay green.)

Lifecycle defects are those of authentication state, rejection by token kind, expiry,
re-authentication, subscriptions and their replay, and session isolation; the others (envelope,
heartbeat, handshake details, fuzzing, geo-blocking) are the example-based tests' business.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import pytest

from wsconform.killmatrix import Run, run_suite
from wsconform.profiles import PROFILES, get_profile

MODULE = "test_lifecycle.py"
# profile → lifecycle defect → the requirement the machine alone must turn red.
LIFECYCLE_KILLS: dict[str, dict[str, str]] = {
    "paradex": {
        "accept-alg-none": "PDX-REJ-02",
        "accept-forged-signature": "PDX-REJ-02",
        "accept-expired": "PDX-REJ-03",
        "accept-any-bearer": "PDX-REJ-01",
        "malformed-as-invalid": "PDX-REJ-01",
        "private-without-auth": "PDX-AUTH-03",
        "private-data-stops-at-expiry": "PDX-EXP-01",
        "auth-result-not-object": "PDX-AUTH-01",
        "auth-result-extra-fields": "PDX-AUTH-02",
        "duplicate-subscribe-accepted": "PDX-SUB-04",
        "unsubscribe-unknown-accepted": "PDX-SUB-05",
        "unsubscribe-keeps-data": "PDX-SUB-03",
        "close-after-rejected-auth": "PDX-REJ-05",
        "public-needs-auth": "PDX-AUTH-04",
        "subscribe-result-without-channel": "PDX-SUB-01",
        "unsubscribe-result-without-channel": "PDX-SUB-02",
        "error-code-as-string": "PDX-REJ-04",
        "string-token-as-invalid-params": "PDX-REJ-07",
    },
    "zenith": {
        "accept-any-token": "ZEN-REJ-01",
        "accept-expired": "ZEN-REJ-04",
        "auth-shared-across-connections": "ZEN-AUTH-09",
        "bad-header-token-upgraded": "ZEN-REJ-03",
        "data-after-expiry": "ZEN-EXP-01",
        "handshake-header-ignored": "ZEN-AUTH-04",
        "no-base64-decoding": "ZEN-AUTH-06",
        "no-sub-confirm": "ZEN-SUB-06",
        "no-unsub-after-reauth": "ZEN-SUB-02",
        "reauth-after-expiry-refused": "ZEN-EXP-03",
        "reauth-does-not-extend": "ZEN-EXP-04",
        "reauth-drops-all-subscriptions": "ZEN-SUB-05",
        "refused-sub-without-reply": "ZEN-SUB-10",
        "reject-spelled-rejected": "ZEN-REJ-02",
        "returned-access-token-unusable": "ZEN-AUTH-08",
        "server-unsub-unconfirmed": "ZEN-SUB-04",
        "sub-without-right-accepted": "ZEN-AUTH-10",
        "subscriptions-forgotten-at-expiry": "ZEN-SUB-01",
        "unsub-before-error": "ZEN-SUB-03",
        "unsub-reply-confirmed": "ZEN-SUB-07",
    },
    "ethgas": {
        "invalid-token-answered-403": "ETH-REJ-01",
        "no-token-expired-event": "ETH-EXP-01",
        "private-data-after-expiry": "ETH-EXP-02",
        "status-ok": "ETH-AUTH-01",
        "private-without-login": "ETH-AUTH-06",
        "accept-expired": "ETH-REJ-03",
        "success-without-permissions": "ETH-AUTH-02",
        "relogin-after-expiry-refused": "ETH-EXP-03",
        "accept-any-token": "ETH-REJ-01",
        "expiry-event-renamed": "ETH-EXP-01",
        "limited-reads-private": "ETH-AUTH-08",
        "rate-limit-shape-undocumented": "ETH-REJ-04",
        "public-needs-login": "ETH-AUTH-05",
        "unsubscribe-keeps-data": "ETH-SUB-04",
    },
    "ethgas-op": {
        "accept-any-token": "EOP-REJ-01",
        "accept-expired": "EOP-REJ-02",
        "login-ack-renamed": "EOP-AUTH-01",
        "success-nonzero-code": "EOP-AUTH-01",
        "private-without-login": "EOP-AUTH-04",
        "session-header-ignored": "EOP-AUTH-03",
        "multi-arg-subscribe-first-only": "EOP-SUB-01",
        "unsubscribe-keeps-data": "EOP-SUB-02",
        "public-channels-need-login": "EOP-AUTH-05",
    },
}
CASES = [(p, d) for p, kills in sorted(LIFECYCLE_KILLS.items()) for d in sorted(kills)]
# About 40 runs, most a few seconds; a few shrink for half a minute. Built in the first test.
pytestmark = pytest.mark.timeout(1200)


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Run]:
    def one(case: tuple[str, str]) -> Run:
        profile, defect = case
        work = tmp_path_factory.mktemp(f"lifecycle-{profile}-{defect}")
        return run_suite(get_profile(profile), defect, work, module=MODULE)

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        return dict(zip(CASES, pool.map(one, CASES), strict=True))


def test_every_lifecycle_defect_is_a_defect_of_the_mock():
    for name, kills in LIFECYCLE_KILLS.items():
        assert name in PROFILES
        defects = get_profile(name).mock.DEFECTS  # type: ignore[attr-defined]
        assert set(kills) <= set(defects), sorted(set(kills) - set(defects))


@pytest.mark.parametrize(("profile", "defect"), CASES)
def test_the_state_machine_alone_kills_the_defect(runs, profile, defect):
    run = runs[profile, defect]
    requirement = LIFECYCLE_KILLS[profile][defect]
    assert requirement in run.red_requirements, (
        f"{profile} machine alone, defect {defect!r}: {requirement} not red; red: "
        f"{run.red_requirements}\n{run.output_tail}"
    )
