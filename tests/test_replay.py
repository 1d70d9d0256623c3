"""`wsconform replay`: a recorded test's client frames sent again, with fresh tokens of the kinds
the bundle records, and the answers then and now compared.

One real run of a few paradex tests on the embedded mock makes the bundle; its tokens come from a
--token-command that logs each one, so the evidence can be searched for them."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from standalone import ROOT, clean_env, run_pytest, standalone_mock

from wsconform import jwt_forge, provenance
from wsconform.redact import mask

pytestmark = pytest.mark.system

FORGED = "test_invalid_token_is_rejected_with_40111[bad-signature]"
USABLE = "test_connection_stays_usable_after_rejection"
FUZZED = "test_no_fuzzed_token_authenticates"
COMMAND = f"{sys.executable} -m wsconform.cli mint paradex --key-file"  # as `wsconform mint`


@dataclass(frozen=True)
class Recording:
    bundle: Path
    key: Path  # the mock issuer's: tokens minted with it are valid on a mock that shares it
    minted: list[str]  # every token the run was given


def replay(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """This checkout's `wsconform replay` (the installed script may belong to another)."""
    return subprocess.run(
        [sys.executable, "-m", "wsconform.cli", "replay", *map(str, args)],
        cwd=ROOT, capture_output=True, text=True, timeout=120, env=clean_env(),
    )  # fmt: skip


def logging_tokens(key: Path, log: Path) -> str:
    """A --token-command minting tokens for the mock keyed `key`, each also written to `log`."""
    script = log.with_suffix(".sh")
    script.write_text(
        f'#!/bin/sh\nt=$({COMMAND} "{key}" "$@") || exit $?\necho "$t" >> "{log}"\necho "$t"\n'
    )
    script.chmod(0o755)
    return str(script)


@pytest.fixture(scope="module")
def recording(tmp_path_factory: pytest.TempPathFactory) -> Recording:
    where = tmp_path_factory.mktemp("replay")
    key, log = where / "mock-key.pem", where / "minted.log"
    done = run_pytest(
        "suites/paradex", "--profile", "paradex", "-q", "--mock-key-file", str(key),
        "--token-command", logging_tokens(key, log), "--fuzz-budget", "0.05",
        "-k", f"{USABLE} or bad-signature or {FUZZED}",
        "--report-dir", str(where / "reports"), "--signing-key", str(where / "signing-key.pem"),
    )  # fmt: skip
    assert done.returncode in (0, 1), done.stdout[-3000:]  # incomplete: most is not run
    (bundle,) = (where / "reports" / "certification").glob("paradex-2*")
    return Recording(bundle, key, log.read_text().split())


def test_the_bundle_records_each_tokens_kind_and_no_token_in_full(recording: Recording) -> None:
    tests = json.loads((recording.bundle / "results.json").read_text())["tests"]
    tokens = {t["nodeid"].split("::")[-1]: t["tokens"] for t in tests}
    assert list(tokens[FORGED].values()) == [
        {"kind": "valid", "arg": None, "steps": [["bad_signature", [], {}]]}
    ]
    assert sorted(o["steps"] != [] for o in tokens[USABLE].values()) == [False, True]
    assert any("fuzzed" in o for o in tokens[FUZZED].values())
    # Each recorded mask is one the transcript shows, and none is a token in full.
    transcript = recording.bundle / next(t for t in tests if FORGED in t["nodeid"])["transcript"]
    assert all(shown in transcript.read_text() for shown in tokens[FORGED])
    assert len(recording.minted) >= 3
    evidence = [p.read_text() for p in recording.bundle.rglob("*") if p.is_file()]
    assert not [t[:8] for t in recording.minted for text in evidence if t in text]


def test_a_replay_on_the_embedded_mock_finds_no_differences(recording: Recording) -> None:
    done = replay(recording.bundle, USABLE)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "c1: same" in done.stdout and "wsconform replay: no differences on c1" in done.stdout


def test_a_replay_on_a_defective_mock_shows_the_differing_frame(recording: Recording) -> None:
    minted = recording.key.parent / "replay-minted.log"
    with standalone_mock(
        "paradex", "--defect", "accept-any-bearer", "--key-file", str(recording.key)
    ) as mock:
        done = replay(
            recording.bundle, FORGED, "--endpoint", mock.url,
            "--token-command", logging_tokens(recording.key, minted),
        )  # fmt: skip
    assert done.returncode == 1, done.stdout + done.stderr
    refused = re.search(r"^-← .*\"code\": 40111", done.stdout, re.MULTILINE)
    accepted = re.search(r"^\+← .*\"result\"", done.stdout, re.MULTILINE)
    assert refused and accepted, done.stdout
    assert '"bearer": "<bad_signature of a valid token #1>"' in done.stdout
    fresh = minted.read_text().split()
    assert fresh and not [t for t in fresh if t in done.stdout + done.stderr]


def test_an_unknown_test_id_is_one_line_naming_close_matches(recording: Recording) -> None:
    done = replay(recording.bundle, "test_connection_stays_usabel")
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and USABLE in done.stderr


def test_a_fuzzed_token_cannot_be_replayed_and_says_so(recording: Recording) -> None:
    done = replay(recording.bundle, FUZZED)
    assert done.returncode == 2 and done.stderr.count("\n") == 1
    assert "a fuzzed token cannot be made again" in done.stderr


def test_no_bundle_there_is_one_line_and_exit_2(tmp_path: Path) -> None:
    done = replay(tmp_path / "nothing", USABLE)
    assert (
        done.returncode == 2 and done.stderr.count("\n") == 1 and "no results.json" in done.stderr
    )


def test_a_forgery_of_a_recorded_token_is_noted_and_made_again_alike() -> None:
    origins: dict[str, provenance.Origin] = {}
    genuine = jwt_forge.encode({"alg": "HS256"}, {"sub": "u", "exp": 1}, b"s" * 32)
    with provenance.recording(origins):
        provenance.source(genuine, "valid", None)
        forged = jwt_forge.tampered_claims(jwt_forge.bad_signature(genuine), sub="admin")
    origin = origins[mask(forged)]
    assert provenance.describe(origin) == "tampered_claims of bad_signature of a valid token"
    assert provenance.redo(origin, genuine) == forged
    jwt_forge.bad_signature(genuine)  # outside a recording: noted nowhere
    assert len(origins) == 3
