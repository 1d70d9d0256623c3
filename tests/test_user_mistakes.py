"""A user's mistake is one line and exit 2, never a traceback: an unknown mock defect or variant
under pytest, a port in use, an unusable --public-key, another profile's suite directory."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from standalone import ROOT, clean_env, run_pytest

pytestmark = pytest.mark.system


def cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """`wsconform ...` from this checkout (the console script may import another)."""
    return subprocess.run(
        [sys.executable, "-m", "wsconform.cli", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=clean_env(),
        timeout=60,
    )


def one_line(done: subprocess.CompletedProcess[str]) -> str:
    """The run's only output line, once it exited 2."""
    lines = [line for line in (done.stdout + done.stderr).splitlines() if line.strip()]
    assert done.returncode == 2 and len(lines) == 1, (done.returncode, lines)
    return lines[0]


@pytest.mark.parametrize(
    ("option", "said"),
    [
        (("--mock-defect", "nosuch"), "paradex has no defect 'nosuch'; defects: accept-alg-none"),
        (("--mock-variant", "nosuch=x"), "paradex has no variant nosuch=x; variants: "),
        (("--mock-variant", "auth-result=x"), "auth-result is one of node_id | empty"),
        (("--mock-preset", "motif"), "paradex has no preset 'motif'; presets: none"),
    ],
)
def test_an_unknown_mock_defect_variant_or_preset_is_one_line(
    option: tuple[str, str], said: str, tmp_path: Path
) -> None:
    done = run_pytest(
        "suites/paradex", "--profile", "paradex", *option, "--report-dir", str(tmp_path),
        timeout=60,
    )  # fmt: skip
    assert said in one_line(done)


def test_a_port_in_use_is_one_line(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = cli("mock", "paradex", "--port", str(port), "--key-file", tmp_path / "key.pem")
    assert one_line(done) == f"wsconform mock: cannot listen on 127.0.0.1:{port}: " + (
        "Address already in use"
    )


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real signed bundle, from the shortest run."""
    reports = tmp_path_factory.mktemp("reports")
    run_pytest(
        "suites/paradex", "--profile", "paradex", "-k", "valid_jwt", "--report-dir", str(reports),
        "--signing-key", str(reports / "signing-key.pem"), timeout=60,
    )  # fmt: skip
    (found,) = (reports / "certification").glob("paradex-2*")
    return found


def test_an_unusable_public_key_is_one_line(bundle: Path, tmp_path: Path) -> None:
    assert cli("verify", bundle, "--public-key", bundle / "signer.pub.pem").returncode == 0
    not_pem = tmp_path / "not.pem"
    not_pem.write_text("hello\n")
    ec_key = tmp_path / "ec.pem"
    ec_key.write_bytes(
        ec.generate_private_key(ec.SECP256R1())
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    for key, said in [
        ("/nonexistent", "--public-key /nonexistent: cannot read it (No such file or directory)"),
        (tmp_path, f"--public-key {tmp_path}: cannot read it (Is a directory)"),
        (not_pem, f"--public-key {not_pem}: not a PEM public key"),
        (ec_key, f"--public-key {ec_key}: not an Ed25519 public key"),
    ]:
        assert one_line(cli("verify", bundle, "--public-key", key)).startswith(
            f"wsconform verify: {said}"
        )


@pytest.mark.parametrize("endpoint", [(), ("--endpoint", "ws://x")])
def test_another_profiles_suite_says_which_directory(endpoint: tuple[str, ...]) -> None:
    # Before any preflight: ws://x would otherwise be reported unreachable.
    done = run_pytest("suites/zenith", "--profile", "paradex", *endpoint, timeout=60)
    assert one_line(done) == (
        "Exit: wsconform: the run could not be made: --profile paradex runs suites/paradex, "
        "not suites/zenith (the zenith suite)"
    )
