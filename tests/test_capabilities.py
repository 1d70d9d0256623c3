"""The vendor's capability statement (issue 21 §5): what it declares absent SKIPs, saying that
the statement declares it; the run records the statement and the bundle attests it."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from standalone import run_pytest

from wsconform import capabilities
from wsconform.capabilities import CapabilitiesError
from wsconform.profiles import installed
from wsconform.report import attestation

NO_HEADER_NO_LIMITED = """\
profile = "zenith"
token-kinds = ["valid", "expired", "short-lived"]
[features]
handshake-authorization = false
"""


def statement(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "capabilities.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_statement_declares_kinds_and_features(tmp_path: Path) -> None:
    declared = capabilities.load(statement(tmp_path, NO_HEADER_NO_LIMITED), installed())
    assert declared.kind_declined("valid") is None
    assert declared.kind_declined("limited") == (
        "the capability statement (capabilities.toml) declares no 'limited' token"
    )
    assert declared.feature_declined("handshake-authorization") == (
        "the capability statement (capabilities.toml) declares handshake-authorization = false"
    )
    assert declared.sha256 == hashlib.sha256(NO_HEADER_NO_LIMITED.encode()).hexdigest()


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ('profile = "nosuch"\ntoken-kinds = ["valid"]', "profile = 'nosuch'; one of"),
        ('profile = "paradex"\ntoken-kinds = ["gold"]', "token-kinds = ['gold']"),
        ('profile = "paradex"\ntoken-kinds = ["valid"]', "[features] must declare each of"),
        ('profile = "paradex"\ntoken-kinds = ["valid"]\n[features]\ngeo-blocking = "no"', "true"),
        ('profile = "paradex"\ntokens = 1', "unknown keys ['tokens']"),
        ("profile = ", "--capabilities"),  # not TOML
    ],
)
def test_a_statement_that_cannot_be_used_says_why(tmp_path: Path, text: str, says: str) -> None:
    with pytest.raises(CapabilitiesError, match=says.replace("[", r"\[").replace("]", r"\]")):
        capabilities.load(statement(tmp_path, text), installed())


@pytest.mark.system
def test_what_the_vendor_declares_absent_skips_and_is_attested(tmp_path: Path) -> None:
    path = statement(tmp_path, NO_HEADER_NO_LIMITED)
    reports = tmp_path / "reports"
    done = run_pytest(
        "suites/zenith", "--profile", "zenith", "--req", "ZEN-AUTH-04,ZEN-AUTH-10",
        "--capabilities", str(path), "--report-dir", str(reports), "-q", "-p", "no:randomly",
    )  # fmt: skip
    document = json.loads((reports / "zenith" / "results.json").read_text(encoding="utf-8"))
    assert document["capabilities"]["features"] == {"handshake-authorization": False}
    by_id = {r["id"]: r for r in document["requirements"]}
    assert by_id["ZEN-AUTH-04"]["verdict"] == "SKIP", done.stdout[-3000:]
    assert "declares handshake-authorization = false" in by_id["ZEN-AUTH-04"]["notes"][0]
    skipped = [t for t in document["tests"] if t["outcome"] == "skipped"]
    assert any("declares no 'limited' token" in t["message"] for t in skipped), skipped
    # Not tested by declaration is still not decided: the run is not CERTIFIED.
    assert document["certification"]["verdict"] == "INCOMPLETE"
    assert any("capability statement" in r for r in document["completeness"]["reasons"])
    bundle = reports / "certification" / "zenith-latest"
    assert (bundle / "capabilities.toml").read_text(encoding="utf-8") == NO_HEADER_NO_LIMITED
    envelope = attestation.read((bundle / attestation.FILE).read_bytes())
    made = attestation.contents(envelope)
    subjects = {s["name"] for s in made["subject"]}
    assert "capabilities.toml" in subjects
    stated = [c for c in made["predicate"]["configuration"] if c["name"] == "capabilities.toml"]
    assert stated[0]["digest"]["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.system
def test_a_statement_of_another_profile_is_a_configuration_error(tmp_path: Path) -> None:
    path = statement(tmp_path, NO_HEADER_NO_LIMITED)
    done = run_pytest(
        "suites/paradex", "--profile", "paradex", "--capabilities", str(path),
        "--report-dir", str(tmp_path), "-q",
    )  # fmt: skip
    assert done.returncode == 2
    assert "states profile 'zenith', but the run is of 'paradex'" in done.stdout + done.stderr
