"""Interop: Motif's own Zenith client files, compiled with typescript and run under Node, against
`wsconform mock zenith` started as a process (issue 20: real clients run against the mock
unchanged). Each run yields one row of "operation → works/fails" for Motif: with `--preset motif`
every operation works; against the default mock, which answers as the documents show (reply
Topic Identify, Result Reject), Motif cannot log in.

The Node project is tests/interop/motif (`make test` runs its `npm ci`); its driver compiles
Motif's files from the repository's parent's shared/interop/motif-core/. Without those files,
node, npm or the project's node_modules these tests skip, saying why.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import jwt
import pytest
from standalone import WSCONFORM, clean_env, standalone_mock

pytestmark = [pytest.mark.interop, pytest.mark.system]

ROOT = Path(__file__).resolve().parents[1]
PROJECT = ROOT / "tests" / "interop" / "motif"
MOTIF = ROOT.parent / "shared" / "interop" / "motif-core"
BUILD_TIMEOUT = 120.0  # typescript type-checks 2,700 lines of Motif's protocol
MINT_TIMEOUT = 30.0
LOGIN_LIFETIME = 5  # seconds: the driver must re-authenticate within it
OP_TIMEOUT_MS = 5000  # the driver's wait for each reply, confirmation or data frame
DRIVER_TIMEOUT = 60.0  # every wait of the driver, the re-auth's past the login's expiry included
OPERATIONS = ("connect", "auth", "public data", "private data", "re-auth", "rejection")
NOT_REACHED = "not reached: Motif stops after an AuthToken reply it cannot take"

Row = dict[str, tuple[bool, str]]  # operation → (works, what the driver saw)


@pytest.fixture(scope="module")
def driver() -> Path:
    """The driver, built (with Motif's files) into tests/interop/motif/build."""
    if not MOTIF.is_dir():
        pytest.skip(f"no Motif sources at {MOTIF} (the repository's parent's shared/)")
    missing = [tool for tool in ("node", "npm") if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"{' and '.join(missing)} not found: the Motif driver runs under Node")
    if not (PROJECT / "node_modules" / ".installed").exists():
        pytest.skip(f"{PROJECT.relative_to(ROOT)}/node_modules is missing: make test installs it")
    built = subprocess.run(
        ["node", "build.mjs"], cwd=PROJECT, capture_output=True, text=True, timeout=BUILD_TIMEOUT
    )
    assert built.returncode == 0, built.stderr
    return PROJECT / "build" / "driver.js"


def mint(key_file: Path, *kind: str) -> str:
    minted = subprocess.run(
        [WSCONFORM, "mint", "zenith", *kind, "--key-file", str(key_file)],
        capture_output=True,
        text=True,
        env=clean_env(),
        timeout=MINT_TIMEOUT,
    )
    assert minted.returncode == 0, minted.stderr
    return minted.stdout.strip()


def drive(driver: Path, tmp_path: Path, *mock_args: str) -> Row:
    """The driver's row against `wsconform mock zenith --tls <mock_args>` (TLS: Trading, the
    private data, is never granted over plain ws://)."""
    key_file, ca_file = tmp_path / "key.pem", tmp_path / "ca.pem"
    mock_options = ("--tls", "--ca-out", str(ca_file), "--key-file", str(key_file), *mock_args)
    with standalone_mock("zenith", *mock_options) as mock:
        tokens = {"refresh": mint(key_file, "valid"), "rejected": mint(key_file, "expired")}
        tokens["login"] = mint(key_file, "short-lived", str(LOGIN_LIFETIME))  # last: least lost
        expires_at = jwt.decode(tokens["login"], options={"verify_signature": False})["exp"]
        done = subprocess.run(
            ["node", str(driver), mock.url, str(expires_at * 1000), str(OP_TIMEOUT_MS)],
            capture_output=True,
            text=True,
            env=clean_env(MOTIF_TOKENS=json.dumps(tokens), NODE_EXTRA_CA_CERTS=str(ca_file)),
            timeout=DRIVER_TIMEOUT,
        )
    said = done.stdout + done.stderr
    assert not [kind for kind, token in tokens.items() if token in said], "a token was printed"
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    row = {line["operation"]: (line["works"], line["detail"]) for line in lines}
    assert tuple(row) == OPERATIONS, done.stdout
    mock_said = " ".join(mock_args) or "default"
    print(f"| Motif | {mock_said} | " + " | ".join(works(row[op]) for op in OPERATIONS) + " |")
    return row


def works(result: tuple[bool, str]) -> str:
    return "works" if result[0] else f"fails ({result[1]})"


def test_motif_does_everything_against_the_motif_preset(driver: Path, tmp_path: Path) -> None:
    row = drive(driver, tmp_path, "--preset", "motif")
    assert all(ok for ok, _ in row.values()), row
    assert "ExpiresIn given" in row["auth"][1]  # the preset's departure Motif reads
    assert row["rejection"][1] == "Zenith Auth Fetch rejected."


def test_motif_cannot_log_in_to_the_default_mock(driver: Path, tmp_path: Path) -> None:
    row = drive(driver, tmp_path)
    topic_refused = (False, "Motif's parseMessage threw ACATPMT377521: Identify")
    assert row == {
        "connect": (True, "open"),
        "auth": topic_refused,  # the docs' reply Topic Identify: Motif takes only AuthToken
        "public data": (False, NOT_REACHED),
        "private data": (False, NOT_REACHED),
        "re-auth": (False, NOT_REACHED),
        "rejection": topic_refused,
    }


def test_the_reply_topic_variant_alone_leaves_the_rejection_unseen(
    driver: Path, tmp_path: Path
) -> None:
    """The documented choice of reply Topic lets Motif log in; the documented "Reject" is
    still no rejection to Motif, which reads it as a success without an AccessToken."""
    row = drive(driver, tmp_path, "--variant", "auth-reply-topic=AuthToken")
    assert all(row[op][0] for op in OPERATIONS[:-1]), row
    assert "missing ExpiresIn" in row["auth"][1]
    assert row["rejection"] == (
        False,
        "Zenith Auth Fetch response missing access token. Stopping",
    )
