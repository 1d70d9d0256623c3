"""Bundles pile up no more: <profile>-latest names the newest (a symlink, or a text file where
symlinks fail), and `wsconform prune` keeps the newest N of each profile, saying what it removed;
neither mistakes the latest link, the public key or the ethgas-op bundles for another's."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from standalone import ROOT

from wsconform.report import attestation, bundle

STAMPS = [f"2026110{d}T101500Z" for d in range(1, 8)]


def fake_bundle(root: Path, name: str) -> Path:
    path = root / name
    path.mkdir(parents=True)
    (path / attestation.FILE).write_text("{}")
    return path


@pytest.fixture
def certification(tmp_path: Path) -> Path:
    root = tmp_path / "reports" / "certification"
    for stamp in STAMPS:
        fake_bundle(root, f"paradex-{stamp}")
        fake_bundle(root, f"ethgas-op-{stamp}")
    fake_bundle(root, f"paradex-{STAMPS[-1]}-2")  # a second run within the same second
    fake_bundle(root, f"ethgas-{STAMPS[0]}")
    (root / f"paradex-{STAMPS[0]}-unsigned").mkdir()  # not a bundle: left alone
    (root / "signing-key.pub.pem").write_text("key")
    bundle._point_latest(root / f"paradex-{STAMPS[-1]}-2")
    return root


def test_bundles_are_grouped_per_profile_oldest_first(certification: Path) -> None:
    found = bundle.bundles(certification)
    assert sorted(found) == ["ethgas", "ethgas-op", "paradex"]
    assert [p.name for p in found["ethgas"]] == [f"ethgas-{STAMPS[0]}"]
    assert [p.name for p in found["paradex"]][-2:] == [
        f"paradex-{STAMPS[-1]}",
        f"paradex-{STAMPS[-1]}-2",
    ]
    assert len(found["ethgas-op"]) == len(STAMPS)


def test_the_latest_link_names_the_newest_and_moves_with_it(certification: Path) -> None:
    latest = certification / "paradex-latest"
    assert latest.is_symlink() and latest.readlink() == Path(f"paradex-{STAMPS[-1]}-2")
    newer = fake_bundle(certification, "paradex-20261201T000000Z")
    bundle._point_latest(newer)
    assert latest.resolve() == newer.resolve() and bundle.resolve_latest(latest) == latest
    assert [p.name for p in certification.iterdir() if p.name.startswith(".")] == []


def test_where_symlinks_fail_latest_is_a_text_file_naming_the_newest(
    certification: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*_: object, **__: object) -> None:
        raise OSError("symbolic links are not supported here")

    monkeypatch.setattr(Path, "symlink_to", refuse)
    newer = fake_bundle(certification, "ethgas-op-20261201T000000Z")
    bundle._point_latest(newer)
    latest = certification / "ethgas-op-latest"
    assert latest.is_file() and not latest.is_symlink()
    assert latest.read_text() == f"{newer.name}\n"
    assert bundle.resolve_latest(latest) == newer
    assert bundle.bundles(certification)["ethgas-op"][-1] == newer  # the file is no bundle


def prune(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "wsconform.cli", "prune", *map(str, args)],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip


@pytest.mark.system
def test_prune_keeps_the_newest_of_each_profile_and_says_what_it_removed(
    certification: Path,
) -> None:
    done = prune("--keep", "3", "--report-dir", certification.parent)
    assert done.returncode == 0, done.stderr
    removed = [line.split("removed ", 1)[1] for line in done.stdout.splitlines()[:-1]]
    assert sorted(Path(p).name for p in removed) == sorted(
        [f"paradex-{s}" for s in STAMPS[:5]] + [f"ethgas-op-{s}" for s in STAMPS[:4]]
    )
    assert done.stdout.splitlines()[-1] == (
        f"wsconform prune: 9 bundles removed; the newest 3 of each profile kept in {certification}"
    )
    left = sorted(p.name for p in certification.iterdir())
    assert left == sorted(
        [f"paradex-{s}" for s in STAMPS[5:]] + [f"paradex-{STAMPS[-1]}-2", "paradex-latest"]
        + [f"ethgas-op-{s}" for s in STAMPS[4:]] + [f"ethgas-{STAMPS[0]}"]
        + [f"paradex-{STAMPS[0]}-unsigned", "signing-key.pub.pem"]
    )  # fmt: skip
    assert (certification / "paradex-latest").resolve().is_dir()
    again = prune("--keep", "3", "--report-dir", certification.parent)
    assert again.stdout.startswith("wsconform prune: 0 bundles removed")


@pytest.mark.system
def test_prune_defaults_to_five_and_refuses_to_keep_none(certification: Path) -> None:
    assert prune("--keep", "0", "--report-dir", certification.parent).returncode == 2
    assert len(bundle.bundles(certification)["paradex"]) == len(STAMPS) + 1
    done = prune("--report-dir", certification.parent)
    assert done.returncode == 0 and "the newest 5 of each profile" in done.stdout
    assert [len(v) for v in bundle.bundles(certification).values()] == [1, 5, 5]


@pytest.mark.system
def test_prune_with_no_bundles_yet_removes_nothing(tmp_path: Path) -> None:
    done = prune("--report-dir", tmp_path)
    assert done.returncode == 0 and done.stdout.startswith("wsconform prune: 0 bundles removed")
