"""Kill matrix: every defect of every profile's mock turns the requirement it breaks red, every
MUST and SHOULD requirement is turned red by some defect, and each clean mock and each conforming
variant is all green. A defect that kills nothing means the suite lacks a check; a variant that
turns anything red is a false alarm."""

from __future__ import annotations

from pathlib import Path

import pytest

from wsconform.killmatrix import (
    ROOT,
    UNKILLABLE,
    Run,
    kill_matrix,
    markdown,
    unkilled,
    variants,
)
from wsconform.profiles import PROFILES, get_profile

# The matrices are built once, inside the first test's time: about 110 pytest runs, 4 min on 2
# cores (measured), against pytest-timeout's default of 300 s per test.
pytestmark = pytest.mark.timeout(1200)

# profile → defect → the requirement it must turn red (FAIL for MUST, WARN for SHOULD).
EXPECTED_KILLS: dict[str, dict[str, str]] = {
    "paradex": {
        "accept-alg-none": "PDX-REJ-02",
        "accept-forged-signature": "PDX-REJ-02",
        "accept-expired": "PDX-REJ-03",
        "accept-any-bearer": "PDX-REJ-01",
        "malformed-as-invalid": "PDX-REJ-01",
        "id-not-echoed": "PDX-ENV-02",
        "id-coerced-to-int": "PDX-ENV-02",
        "private-without-auth": "PDX-AUTH-03",
        "private-data-stops-at-expiry": "PDX-EXP-01",
        "auth-result-not-object": "PDX-AUTH-01",
        "no-jsonrpc-member": "PDX-ENV-01",
        "close-on-non-json": "PDX-ENV-03",
        "duplicate-subscribe-accepted": "PDX-SUB-04",
        "unsubscribe-unknown-accepted": "PDX-SUB-05",
        "unsubscribe-keeps-data": "PDX-SUB-03",
        "no-parse-error": "PDX-ENV-03",
        "unknown-method-ignored": "PDX-ENV-05",
        "wrong-error-code-for-invalid-params": "PDX-ENV-06",
        "close-after-rejected-auth": "PDX-REJ-05",
        "pong-withheld": "PDX-HB-01",
        "auth-result-extra-fields": "PDX-AUTH-02",
        "undocumented-error-messages": "PDX-ENV-07",
        "public-needs-auth": "PDX-AUTH-04",
        "geo-block-ignored": "PDX-REJ-09",
        "subscribe-result-without-channel": "PDX-SUB-01",
        "unsubscribe-result-without-channel": "PDX-SUB-02",
        "error-code-as-string": "PDX-REJ-04",
        "string-token-as-invalid-params": "PDX-REJ-07",
        "crash-on-huge-bearer": "PDX-REJ-08",
    },
    "zenith": {
        "token-in-uri-accepted": "ZEN-AUTH-12",
        "trading-over-plain-ws": "ZEN-AUTH-11",
        "no-base64-decoding": "ZEN-AUTH-06",
        "subscriptions-forgotten-at-expiry": "ZEN-SUB-01",
        "no-unsub-after-reauth": "ZEN-SUB-02",
        "unsub-before-error": "ZEN-SUB-03",
        "data-after-expiry": "ZEN-EXP-01",
        "transaction-id-not-echoed": "ZEN-ENV-01",
        "handshake-header-ignored": "ZEN-AUTH-04",
        "bad-header-token-upgraded": "ZEN-REJ-03",
        "returned-access-token-unusable": "ZEN-AUTH-08",
        "accept-any-token": "ZEN-REJ-01",
        "reject-spelled-rejected": "ZEN-REJ-02",
        "auth-shared-across-connections": "ZEN-AUTH-09",
        "sub-without-right-accepted": "ZEN-AUTH-10",
        "reauth-does-not-extend": "ZEN-EXP-04",
        "reauth-drops-all-subscriptions": "ZEN-SUB-05",
        "data-frame-with-action": "ZEN-SUB-08",
        "undocumented-error-code": "ZEN-ENV-02",
        "no-sub-confirm": "ZEN-SUB-06",
        "unsub-reply-confirmed": "ZEN-SUB-07",
        "identify-sub-silent": "ZEN-AUTH-14",
        "pong-withheld": "ZEN-HB-01",
        "no-subprotocol": "ZEN-AUTH-15",
        "success-without-result": "ZEN-AUTH-01",
        "expiry-date-as-number": "ZEN-AUTH-02",
        "query-identify-rejects": "ZEN-AUTH-05",
        "accept-expired": "ZEN-REJ-04",
        "reauth-after-expiry-refused": "ZEN-EXP-03",
        "server-unsub-unconfirmed": "ZEN-SUB-04",
        "refused-sub-without-reply": "ZEN-SUB-10",
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
        "error-without-code": "ETH-ENV-01",
        "accept-any-token": "ETH-REJ-01",
        "expiry-event-renamed": "ETH-EXP-01",
        "limited-reads-private": "ETH-AUTH-08",
        "rate-limit-shape-undocumented": "ETH-REJ-04",
        "cmd-ping-unanswered": "ETH-HB-02",
        "pong-withheld": "ETH-HB-01",
        "public-needs-login": "ETH-AUTH-05",
        "unsubscribe-keeps-data": "ETH-SUB-04",
        "data-payload-renamed": "ETH-ENV-03",
    },
    "ethgas-op": {
        "accept-any-token": "EOP-REJ-01",
        "private-without-login": "EOP-AUTH-04",
        "session-header-ignored": "EOP-AUTH-03",
        "login-ack-renamed": "EOP-AUTH-01",
        "success-nonzero-code": "EOP-AUTH-01",
        "accept-expired": "EOP-REJ-02",
        "text-ping-unanswered": "EOP-HB-01",
        "pong-withheld": "EOP-HB-02",
        "multi-arg-subscribe-first-only": "EOP-SUB-01",
        "unsubscribe-keeps-data": "EOP-SUB-02",
        "public-channels-need-login": "EOP-AUTH-05",
        "private-query-payload-as-data": "EOP-ENV-01",
        "data-without-timestamp": "EOP-SUB-03",
        "non-json-error-text": "EOP-ENV-04",
    },
}
VARIANT_CASES = [(p, v) for p in sorted(PROFILES) for v in variants(get_profile(p))]
CASES = [(p, d) for p, kills in sorted(EXPECTED_KILLS.items()) for d in sorted(kills)]


@pytest.fixture(scope="module")
def matrices(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str | None, Run]]:
    """Each profile's matrix, run once and written to reports/kill-matrix/<profile>.md."""
    found: dict[str, dict[str | None, Run]] = {}
    out = ROOT / "reports" / "kill-matrix"
    out.mkdir(parents=True, exist_ok=True)
    for name in sorted(PROFILES):
        profile = get_profile(name)
        found[name] = kill_matrix(profile, tmp_path_factory.mktemp(f"kill-matrix-{name}"))
        (out / f"{name}.md").write_text(markdown(profile, found[name]), encoding="utf-8")
    return found


def test_every_profile_and_defect_has_an_expected_kill():
    assert set(EXPECTED_KILLS) == set(PROFILES)
    for name, kills in EXPECTED_KILLS.items():
        assert set(kills) == set(get_profile(name).mock.DEFECTS), name  # type: ignore[attr-defined]


@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_clean_mock_is_all_green(matrices, profile):
    clean = matrices[profile][None]
    assert clean.exit_code == 0 and not clean.failed_tests and not clean.red_requirements, (
        clean.output_tail
    )


@pytest.mark.parametrize(("profile", "defect"), CASES)
def test_defect_is_killed(matrices, profile, defect):
    run = matrices[profile][defect]
    requirement = EXPECTED_KILLS[profile][defect]
    assert requirement in run.red_requirements, (
        f"defect {defect!r} did not turn {requirement} red; red: {run.red_requirements}\n"
        f"{run.output_tail}"
    )
    if run.red_requirements[requirement] == "FAIL":  # a MUST violation makes the run red
        assert run.exit_code == 1 and run.failed_tests, run.output_tail


@pytest.mark.parametrize(("profile", "variant"), VARIANT_CASES)
def test_conforming_variant_is_green(matrices, profile, variant):
    run = matrices[profile][variant]
    assert run.exit_code == 0 and not run.failed_tests and not run.red_requirements, (
        f"variant {variant} (a choice the docs allow) turned {run.red_requirements} red\n"
        f"{run.output_tail}"
    )


@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_every_must_and_should_requirement_is_killable(matrices, profile):
    missed = unkilled(get_profile(profile), matrices[profile])
    assert set(missed) == set(UNKILLABLE.get(profile, {})), (
        f"no defect of the {profile} mock breaks {missed}: add one, or say in UNKILLABLE why "
        "none can"
    )


@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_matrix_is_written(matrices, profile):
    table = (Path(ROOT) / "reports" / "kill-matrix" / f"{profile}.md").read_text(encoding="utf-8")
    assert all(defect in table for defect in EXPECTED_KILLS[profile])
    assert all(variant in table for variant in variants(get_profile(profile)))


@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_the_documented_matrix_names_every_defect_and_variant(profile):
    """docs/kill-matrix.md is generated (make kill-matrix); this catches it going stale."""
    document = (Path(ROOT) / "docs" / "kill-matrix.md").read_text(encoding="utf-8")
    section = document.split(f"## {profile}\n", 1)[1].split("\n## ", 1)[0]
    named = {line.split("|")[1].strip() for line in section.splitlines() if line.startswith("| ")}
    expected = {*EXPECTED_KILLS[profile], *variants(get_profile(profile))}
    assert expected <= named, f"make kill-matrix: missing {sorted(expected - named)}"


def test_the_summary_names_what_no_defect_breaks_and_every_false_alarm():
    """The figures above each table, on a synthetic matrix: one defect that kills one
    requirement, and a variant that goes red."""
    profile = get_profile("paradex")
    green = Run(None, 0, [], {}, 1.0, "")
    runs: dict[str | None, Run] = {
        None: green,
        "accept-expired": Run("accept-expired", 1, ["t"], {"PDX-REJ-03": "FAIL"}, 1.0, ""),
        "reply-delay=25ms": Run("reply-delay=25ms", 1, ["t"], {"PDX-ENV-01": "FAIL"}, 1.0, ""),
    }
    lines = "\n".join(markdown(profile, runs).splitlines()[2:6])
    assert "- defects: 1, killed (turn a requirement red): 1" in lines
    assert "without a defect: PDX-AUTH-01," in lines  # the first of many
    assert "PDX-REJ-03," not in lines.split("without a defect:")[1]
    assert "false alarms (clean mock or a variant not all green): 1: reply-delay=25ms" in lines
