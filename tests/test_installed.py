"""Installed, not checked out (issue 19): the wheel built from this checkout goes into a clean
venv, and is run from a directory outside the checkout as a vendor's QA runs it: `wsconform
certify` on the embedded mock, `wsconform certify` against `wsconform mock` as a live target,
and plain pytest on the installed suites (--pyargs). Beside it, a vendor's own profile package
(tests/example_profile) found through its entry point, certified and kill-matrixed with no edit
inside wsconform/. pip takes the pinned dependencies from its
cache (or PyPI the first time)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import venv
from dataclasses import dataclass
from pathlib import Path
from zipfile import ZipFile

import pytest
from standalone import ROOT, clean_env, standalone_mock

from wsconform.report import attestation

# One worker under pytest-xdist: the wheel and its venv (a minute) are built once, not per worker.
pytestmark = [pytest.mark.installed, pytest.mark.system, pytest.mark.xdist_group("installed")]

# What the build copy leaves out: state of this checkout, not its source. A copy because
# setuptools' build/ in the checkout would carry files deleted since into the next wheel.
NOT_SOURCE = shutil.ignore_patterns(
    ".git", ".venv", ".venv-interop", "build", "dist", "reports", "node_modules", "__pycache__",
    ".hypothesis", ".pytest_cache", ".ruff_cache", "*.egg-info",
)  # fmt: skip
# Live waits kept short: this is about installation, not the verdicts of a default live run.
PACE = ["--observation-window", "0.5", "--fuzz-budget", "0.2", "--lifecycle-budget", "2"]


@dataclass(frozen=True)
class Installed:
    wheel: Path
    bin: Path  # the clean venv's scripts
    vendor: Path  # a directory outside the checkout, as a vendor's repository

    def run(
        self, *args: str | Path, cwd: Path, timeout: float = 300
    ) -> subprocess.CompletedProcess[str]:
        """One of the venv's scripts, from `cwd`, with no way back into the checkout."""
        env = {k: v for k, v in clean_env().items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
        command = [str(self.bin / str(args[0])), *map(str, args[1:])]
        return subprocess.run(
            command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
        )


def pip(python: str | Path, *args: str | Path) -> None:
    done = subprocess.run(
        [str(python), "-m", "pip", "--disable-pip-version-check", "-q", *map(str, args)],
        capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    where = tmp_path_factory.mktemp("installed")
    shutil.copytree(ROOT, where / "source", ignore=NOT_SOURCE)
    pip(sys.executable, "wheel", "--no-deps", "-w", where / "dist", where / "source")
    (wheel,) = (where / "dist").glob("wsconform-*.whl")
    venv.create(where / "venv", with_pip=True)  # clean: neither system nor this venv's packages
    bin_dir = where / "venv" / "bin"
    pip(bin_dir / "python", "install", "-c", ROOT / "constraints.txt", wheel)
    vendor = where / "vendor"
    vendor.mkdir()
    found = Installed(wheel, bin_dir, vendor).run(
        "python", "-c", "import wsconform; print(wsconform.__file__)", cwd=vendor
    )
    assert found.stdout.startswith(str(where / "venv")), found.stdout + found.stderr
    return Installed(wheel, bin_dir, vendor)


def test_the_wheel_carries_every_file_a_run_reads(installed: Installed) -> None:
    """pyproject.toml lists the packages one by one: a new suite or module left out shows here."""
    names = set(ZipFile(installed.wheel).namelist())
    inside = {"wsconform": "wsconform", "suites": "wsconform/data/suites",
              "schemas": "wsconform/data/schemas"}  # fmt: skip
    missing = [
        f"{top}/{path.relative_to(ROOT / top).as_posix()}"
        for top, packaged in inside.items()
        for path in sorted((ROOT / top).rglob("*"))
        if path.is_file()
        and "__pycache__" not in path.parts
        and f"{packaged}/{path.relative_to(ROOT / top).as_posix()}" not in names
    ]
    assert not missing, missing
    entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    assert (
        "[pytest11]\nwsconform = wsconform.plugin"
        in ZipFile(installed.wheel).read(entry_points).decode()
    )


def certified(done: subprocess.CompletedProcess[str], reports: Path) -> dict:
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "wsconform: paradex: CERTIFIED" in done.stdout, done.stdout[-4000:]
    return json.loads((reports / "paradex" / "results.json").read_text(encoding="utf-8"))


def test_certify_on_the_embedded_mock_from_elsewhere(installed: Installed, tmp_path: Path) -> None:
    done = installed.run(
        "wsconform", "certify", "--profile", "paradex", "--signing-key", tmp_path / "key.pem",
        cwd=installed.vendor,
    )  # fmt: skip
    results = certified(done, installed.vendor / "reports")
    # Node IDs as in the checkout: a baseline or a replay works with either.
    assert all(t["nodeid"].startswith("suites/paradex/") for t in results["tests"])
    bundle = installed.vendor / "reports" / "certification" / "paradex-latest"
    statement = attestation.contents(attestation.read((bundle / attestation.FILE).read_bytes()))
    configured = {c["name"]: c for c in statement["predicate"]["configuration"]}
    assert configured["run"]["annotations"]["suite"]["commit"] == "unknown (installed package)"
    assert "suites/paradex/requirements.toml" in configured
    verified = installed.run(
        "wsconform", "verify", bundle, "--trust-embedded-key", cwd=installed.vendor
    )
    assert verified.returncode == 0, verified.stdout + verified.stderr
    # The run's state stays with the vendor, none of it in site-packages.
    assert (installed.vendor / ".pytest_cache").is_dir()
    data = next((installed.bin.parent / "lib").glob("python*/site-packages/wsconform/data"))
    assert not (data / ".pytest_cache").exists()


def test_certify_a_live_target_from_elsewhere(installed: Installed, tmp_path: Path) -> None:
    """`wsconform mock` and `wsconform mint` of the installed wheel play the vendor's staging."""
    key, wsconform = tmp_path / "mock-key.pem", str(installed.bin / "wsconform")
    with standalone_mock("paradex", "--key-file", str(key), wsconform=wsconform) as mock:
        geo_blocked = mock.line_after("geo-blocked endpoint:")
        assert geo_blocked is not None, mock.lines
        done = installed.run(
            "wsconform", "certify", "--profile", "paradex", "--report-dir", tmp_path / "reports",
            "--signing-key", tmp_path / "key.pem", "--",
            "--endpoint", mock.url, "--extra-endpoint", f"geo-blocked={geo_blocked}",
            "--token-command", f"{wsconform} mint paradex --key-file {key}", *PACE,
            cwd=installed.vendor,
        )  # fmt: skip
    results = certified(done, tmp_path / "reports")
    assert results["target"].startswith(mock.url), results["target"]


def test_plain_pytest_runs_the_installed_suite(installed: Installed, tmp_path: Path) -> None:
    """No checkout, no conftest, no pyproject.toml: the plugin comes from its entry point."""
    where = tmp_path / "elsewhere"
    where.mkdir()
    done = installed.run(
        "pytest", "--pyargs", "wsconform.data.suites.paradex", "--profile", "paradex",
        "--signing-key", tmp_path / "key.pem", cwd=where,
    )  # fmt: skip
    certified(done, where / "reports")


@pytest.fixture(scope="module")
def echo(installed: Installed) -> Installed:
    """The out-of-tree example profile, installed from its own project as a vendor ships one."""
    source = installed.vendor.parent / "echo-source"  # a build leaves build/ where it runs
    shutil.copytree(ROOT / "tests" / "example_profile", source, ignore=NOT_SOURCE)
    pip(installed.bin / "python", "install", "--no-deps", source)
    return installed


def test_a_profile_from_another_package_certifies(echo: Installed, tmp_path: Path) -> None:
    listed = echo.run("wsconform", "mock", "echo", "--list-defects", cwd=echo.vendor)
    assert "accept-any-token" in listed.stdout, listed.stdout + listed.stderr
    done = echo.run(
        "wsconform", "certify", "--profile", "echo", "--report-dir", tmp_path / "reports",
        "--signing-key", tmp_path / "key.pem", cwd=echo.vendor,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "wsconform: echo: CERTIFIED" in done.stdout, done.stdout[-4000:]


KILL_ECHO = """
import json, sys, tempfile
from pathlib import Path
from wsconform.killmatrix import kill_matrices
from wsconform.profiles import get_profile
with tempfile.TemporaryDirectory() as work:
    runs = kill_matrices([get_profile("echo")], Path(work), workers=2)["echo"]
print(json.dumps({case or "clean": sorted(run.red_requirements) for case, run in runs.items()}))
"""


def test_the_kill_matrix_proves_every_check_of_a_profile_from_another_package(
    echo: Installed,
) -> None:
    """Its defects, declared beside its mock, each turn what they break red; the clean mock and
    the core's conforming variants stay green."""
    done = echo.run("python", "-c", KILL_ECHO, cwd=echo.vendor)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    red = json.loads(done.stdout.splitlines()[-1])
    assert red == {
        "clean": [],
        "accept-any-token": ["ECHO-REJ-01", "ECHO-REJ-02"],
        "accept-expired": ["ECHO-REJ-02"],
        "auth-ok-renamed": ["ECHO-AUTH-01"],
        "pong-withheld": ["ECHO-HB-01"],
        "private-without-auth": ["ECHO-SUB-01"],
        "compression=deflate": [],
        "extra-member=yes": [],
        "reply-delay=25ms": [],
    }
