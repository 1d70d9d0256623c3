"""The certification bundle: one self-contained, signed directory per profile and run.

    reports/certification/<profile>-<UTC time>/
        index.html       the verdict, the target, the per-requirement table and its evidence
        results.json     the run's results for this profile (as reports/<profile>/results.json)
        junit.xml        this profile's tests as JUnit
        transcripts/     the redacted wire transcript of every test that has one
        signer.pub.pem   the public half of the signing key
        manifest.json    SHA-256 of every file above, of the schemas and the catalogue; seed, times
        manifest.sig     Ed25519 signature of manifest.json (base64)

Beside them, `<profile>-latest` names the newest bundle of each profile: a relative symlink, or
where symlinks cannot be made a small text file holding the bundle's name. `prune` deletes all
but the newest bundles of each profile.

`verify` recomputes every hash, refuses files the manifest does not list, and checks the
signature, with the bundle's own public key or, better, one the reviewer pinned.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from wsconform.layout import CHECKOUT
from wsconform.report import html, signing
from wsconform.report.junit import junit_xml
from wsconform.report.results import Results, TestResult

FORMAT = "wsconform-certification/1"
MANIFEST, SIGNATURE, PUBLIC_KEY = "manifest.json", "manifest.sig", "signer.pub.pem"
LATEST = "latest"
# <profile>-<UTC time>[-n], as _new_dir names them; profiles hold dashes (ethgas-op), stamps not.
BUNDLE_NAME = re.compile(r"(?P<profile>.+)-(?P<stamp>\d{8}T\d{6}Z)(?:-(?P<n>\d+))?")


class BundleError(ValueError):
    """A bundle that cannot be written, or is not a bundle at all."""


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def suite_commit() -> str:
    """The suite's git commit, marked when the checkout has local changes. An installed wheel
    has no repository: its version (in the manifest beside this) is all there is."""
    if CHECKOUT is None:
        return "unknown (installed package)"
    try:
        head = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=CHECKOUT, capture_output=True, text=True, timeout=10
        )
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=CHECKOUT, capture_output=True, text=True, timeout=10,
        )  # fmt: skip
    except (OSError, subprocess.TimeoutExpired):
        return "unknown (git unavailable)"
    if head.returncode != 0:
        return "unknown (not a git checkout)"
    return head.stdout.strip() + (" (with local changes)" if dirty.stdout.strip() else "")


def _iso(epoch: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


def _new_dir(root: Path, profile: str, finished: float) -> Path:
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(finished))
    root.mkdir(parents=True, exist_ok=True)
    for n in range(1, 1000):
        path = root / (f"{profile}-{stamp}" if n == 1 else f"{profile}-{stamp}-{n}")
        try:
            path.mkdir()
            return path
        except FileExistsError:
            continue
    raise BundleError(f"no free bundle directory for {profile}-{stamp} in {root}")


def write(
    run: Results,
    *,
    profile_report_dir: Path,
    schema_dir: Path,
    catalogue_file: Path,
    home: Path,
    doc_sources: dict[str, str],
    hypothesis_seed: str | None,
    key: Ed25519PrivateKey,
    leaks: Callable[[str], bool],
) -> Path:
    """Write and sign one profile's bundle under <report dir>/certification/; its path.

    `leaks(text)` says whether a text holds a known secret: a bundle that would hold one is
    removed instead of signed (redaction upstream failed, and the evidence must not spread)."""
    verdict = run.certification
    if verdict is None:  # the plugin's always do; a results.json from before they did does not
        raise BundleError(f"the {run.profile} results state no certification: nothing to sign")
    bundle = _new_dir(profile_report_dir.parent / "certification", run.profile, run.finished)
    try:
        results = replace(run, tests=_copy_transcripts(run.tests, profile_report_dir, bundle))
        results.save(bundle / "results.json")
        (bundle / "junit.xml").write_text(junit_xml(results), encoding="utf-8")
        commit = suite_commit()
        (bundle / "index.html").write_text(
            html.render(
                "certificate.html.j2",
                results=results,
                by_test={t.nodeid: t for t in results.tests},
                certification=verdict,
                commit=commit,
                doc_sources=doc_sources,
                started=_iso(run.started),
                finished=_iso(run.finished),
            ),
            encoding="utf-8",
        )
        public = signing.public_pem(key)
        (bundle / PUBLIC_KEY).write_bytes(public)
        files = sorted(p for p in bundle.rglob("*") if p.is_file())
        for path in files:
            if leaks(path.read_text(encoding="utf-8", errors="replace")):
                raise BundleError(f"{path.name} would hold a secret in full: bundle not written")
        manifest = {
            "format": FORMAT,
            "profile": run.profile,
            "verdict": verdict.verdict,
            "target": run.target,
            "suite": {"version": run.suite_version, "commit": commit},
            "hypothesis": {"settings": run.hypothesis, "seed": hypothesis_seed},
            "started": _iso(run.started),
            "finished": _iso(run.finished),
            "catalogue": {
                "path": catalogue_file.relative_to(home).as_posix(),
                "sha256": sha256(catalogue_file),
            },
            "schemas": {
                p.relative_to(home).as_posix(): sha256(p) for p in sorted(schema_dir.glob("*.json"))
            },
            "signer": {
                "algorithm": "Ed25519",
                "fingerprint": signing.fingerprint(key.public_key()),
            },
            "files": {p.relative_to(bundle).as_posix(): sha256(p) for p in files},
        }
        data = (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
        (bundle / MANIFEST).write_bytes(data)
        (bundle / SIGNATURE).write_bytes(signing.sign(key, data))
    except BaseException:
        shutil.rmtree(bundle, ignore_errors=True)  # never leave a half-written, unsigned bundle
        raise
    (bundle.parent / "signing-key.pub.pem").write_bytes(public)  # the public half, beside it
    _point_latest(bundle)
    return bundle


def _point_latest(bundle: Path) -> None:
    """Make <profile>-latest name `bundle`, replacing the old one in one step (a reader never
    sees it missing)."""
    match = BUNDLE_NAME.fullmatch(bundle.name)
    assert match is not None, bundle  # _new_dir made it
    latest = bundle.parent / f"{match['profile']}-{LATEST}"
    temporary = bundle.parent / f".{latest.name}.{os.getpid()}"
    temporary.unlink(missing_ok=True)
    try:
        temporary.symlink_to(bundle.name, target_is_directory=True)  # relative: reports/ can move
    except OSError:  # no symlinks here (Windows without the right, some file systems)
        temporary.write_text(bundle.name + "\n", encoding="utf-8")
    os.replace(temporary, latest)


def resolve_latest(path: Path) -> Path:
    """The bundle a `<profile>-latest` names (a symlink resolves by itself; the text file is
    read); any other path as it is."""
    if path.name.endswith(f"-{LATEST}") and path.is_file():
        return path.parent / path.read_text(encoding="utf-8").strip()
    return path


def bundles(root: Path) -> dict[str, list[Path]]:
    """The bundles under `root` (reports/certification/) per profile, oldest first; the latest
    links, the public key and anything else that is not a signed bundle are left out."""
    found: dict[str, list[tuple[tuple[str, int], Path]]] = {}
    for path in root.iterdir() if root.is_dir() else ():
        match = BUNDLE_NAME.fullmatch(path.name)
        if match and not path.is_symlink() and (path / MANIFEST).is_file():
            order = (match["stamp"], int(match["n"] or 1))
            found.setdefault(match["profile"], []).append((order, path))
    return {profile: [p for _, p in sorted(items)] for profile, items in sorted(found.items())}


def prune(root: Path, keep: int) -> list[Path]:
    """Delete all but the `keep` newest bundles of each profile under `root`; those deleted."""
    if keep < 1:
        raise ValueError("keep at least one bundle per profile (the latest link names it)")
    removed = []
    for paths in bundles(root).values():
        for path in paths[:-keep]:
            shutil.rmtree(path)
            removed.append(path)
    return removed


def _copy_transcripts(
    tests: list[TestResult], profile_report_dir: Path, bundle: Path
) -> list[TestResult]:
    """This run's transcripts only (the report directory may hold older ones)."""
    copied = []
    for test in tests:
        source = profile_report_dir / test.transcript if test.transcript else None
        if source is not None and source.is_file():
            target = bundle / test.transcript
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
            copied.append(test)
        else:
            copied.append(replace(test, transcript=None))
    return copied


# -- verification --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Verification:
    ok: bool
    problems: list[str]
    fingerprint: str
    pinned: bool  # checked against a key the reviewer gave, not only the bundle's own
    verdict: str
    files: int


def _pinned_key(path: Path) -> Ed25519PublicKey:
    """The reviewer's key: one they cannot use is their mistake (BundleError), not a changed
    bundle."""
    try:
        return signing.load_public(path.read_bytes(), f"--public-key {path}")
    except OSError as exc:
        raise BundleError(f"--public-key {path}: cannot read it ({exc.strerror})") from None
    except signing.SigningError as exc:
        raise BundleError(str(exc)) from None


def verify(bundle: Path, public_key: Path | None = None) -> Verification:
    manifest_file, signature_file = bundle / MANIFEST, bundle / SIGNATURE
    if not manifest_file.is_file() or not signature_file.is_file():
        raise BundleError(f"{bundle}: not a certification bundle (no {MANIFEST} and {SIGNATURE})")
    pinned = _pinned_key(public_key) if public_key is not None else None
    data = manifest_file.read_bytes()
    problems = []
    key_file = bundle / PUBLIC_KEY
    try:
        key = pinned or signing.load_public(key_file.read_bytes(), str(key_file))
        signing.verify(key, data, signature_file.read_bytes())
        fingerprint = signing.fingerprint(key)
    except (OSError, signing.SigningError) as exc:
        problems.append(f"signature: {exc}")
        fingerprint = "?"
    try:
        manifest = json.loads(data)
        listed: dict[str, str] = manifest["files"]
        claimed = manifest["signer"]["fingerprint"]
    except (ValueError, KeyError, TypeError) as exc:
        if not problems:  # signed as it is, yet not a manifest of ours
            raise BundleError(f"{manifest_file}: not a wsconform manifest ({exc})") from None
        # A changed byte can break the JSON itself: that is a changed bundle, not a foreign one.
        problems.insert(0, f"{MANIFEST}: changed, no longer readable ({exc})")
        return Verification(False, problems, fingerprint, public_key is not None, "?", 0)
    if fingerprint not in ("?", claimed):
        problems.append(f"signer: the manifest names {claimed}, the key is {fingerprint}")
    for name, digest in listed.items():
        path = bundle / name
        if not path.is_file():
            problems.append(f"{name}: missing")
        elif sha256(path) != digest:
            problems.append(f"{name}: changed (SHA-256 differs from the manifest)")
    present = {p.relative_to(bundle).as_posix() for p in bundle.rglob("*") if p.is_file()} - {
        MANIFEST,
        SIGNATURE,
    }
    problems += [f"{name}: not in the manifest" for name in sorted(present - listed.keys())]
    return Verification(
        ok=not problems,
        problems=problems,
        fingerprint=fingerprint,
        pinned=public_key is not None,
        verdict=str(manifest.get("verdict", "?")),
        files=len(listed),
    )
