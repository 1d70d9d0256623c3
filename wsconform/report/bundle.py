"""The certification bundle: one self-contained, signed directory per profile and run.

    reports/certification/<profile>-<UTC time>/
        index.html       the verdict, the target, the per-requirement table and its evidence
        results.json     the run's results for this profile (as reports/<profile>/results.json)
        junit.xml        this profile's tests as JUnit
        transcripts/     the redacted wire transcript of every test that has one
        signer.pub.pem   the public half of the signing key
        attestation.intoto.json   a DSSE envelope, signed with Ed25519, of an in-toto Statement:
                         every file above (SHA-256) as its subjects, the test-result predicate
                         with the configuration (catalogue, schemas, documents, run) (attestation)

Beside them, `<profile>-latest` names the newest bundle of each profile: a relative symlink, or
where symlinks cannot be made a small text file holding the bundle's name. `prune` deletes all
but the newest bundles of each profile.

`verify` checks the envelope's signature under the reviewer's trust policy (a pinned key, or
explicitly the bundle's own), every subject's digest against its file, files no subject names,
the predicate against the results (no CERTIFIED with a MUST not passed), and freshness.
"""

from __future__ import annotations

import calendar
import hashlib
import os
import re
import shutil
import subprocess
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from wsconform.capabilities import FILE as CAPABILITIES
from wsconform.capabilities import Capabilities
from wsconform.layout import CHECKOUT
from wsconform.report import attestation, html, signing
from wsconform.report.junit import junit_xml
from wsconform.report.results import Results, ResultsError, TestResult
from wsconform.requirements import Document

PUBLIC_KEY = "signer.pub.pem"
CLOCK_SKEW = 300.0  # seconds a bundle may seem to come from the future (another machine's clock)
LATEST = "latest"
# <profile>-<UTC time>[-n], as _new_dir names them; profiles hold dashes (ethgas-op), stamps not.
BUNDLE_NAME = re.compile(r"(?P<profile>.+)-(?P<stamp>\d{8}T\d{6}Z)(?:-(?P<n>\d+))?")


class BundleError(ValueError):
    """A bundle that cannot be written, or is not a bundle at all."""


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def suite_commit() -> str:
    """The suite's git commit, marked when the checkout has local changes. An installed wheel
    has no repository: its version (in the attestation beside this) is all there is."""
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
    documents: Mapping[str, Document],
    capabilities: Capabilities | None,
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
        if capabilities is not None:  # the vendor's own words, attested with the rest
            (bundle / CAPABILITIES).write_text(capabilities.text, encoding="utf-8")
        (bundle / "junit.xml").write_text(junit_xml(results), encoding="utf-8")
        commit = suite_commit()
        (bundle / "index.html").write_text(
            html.render(
                "certificate.html.j2",
                results=results,
                by_test={t.nodeid: t for t in results.tests},
                certification=verdict,
                commit=commit,
                documents=documents,
                started=_iso(run.started),
                finished=_iso(run.finished),
                signer=signing.fingerprint(key.public_key()),
            ),
            encoding="utf-8",
        )
        public = signing.public_pem(key)
        (bundle / PUBLIC_KEY).write_bytes(public)
        files = sorted(p for p in bundle.rglob("*") if p.is_file())
        for path in files:
            if leaks(path.read_text(encoding="utf-8", errors="replace")):
                raise BundleError(f"{path.name} would hold a secret in full: bundle not written")
        configuration = [
            attestation.descriptor(
                "run",
                profile=run.profile,
                verdict=verdict.verdict,
                target=run.target,
                suite={"version": run.suite_version, "commit": commit},
                hypothesis={"settings": run.hypothesis, "seed": hypothesis_seed},
                started=_iso(run.started),
                finished=_iso(run.finished),
                selection=run.selection.as_dict() if run.selection else None,
                completeness=asdict(run.completeness) if run.completeness else None,
                signer=signing.fingerprint(key.public_key()),
            ),
            attestation.descriptor(
                catalogue_file.relative_to(home).as_posix(), sha256(catalogue_file)
            ),
            *(
                attestation.descriptor(p.relative_to(home).as_posix(), sha256(p))
                for p in sorted(schema_dir.glob("*.json"))
            ),
            *(
                attestation.descriptor(d.url, d.sha256, key=key, title=d.title)
                for key, d in documents.items()
            ),
        ]
        if capabilities is not None:
            declared = capabilities.as_dict()
            configuration.append(
                attestation.descriptor(CAPABILITIES, capabilities.sha256, declared=declared)
            )
        subjects = {p.relative_to(bundle).as_posix(): sha256(p) for p in files}
        statement = attestation.statement(subjects, results, configuration)
        (bundle / attestation.FILE).write_bytes(attestation.sign(statement, key))
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
        if match and not path.is_symlink() and (path / attestation.FILE).is_file():
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


class NoTrustPolicy(BundleError):
    """Neither a pinned key nor an explicit trust in the bundle's own key was given."""


def _pinned_key(path: Path) -> Ed25519PublicKey:
    """The reviewer's key: one they cannot use is their mistake (BundleError), not a changed
    bundle."""
    try:
        return signing.load_public(path.read_bytes(), f"--public-key {path}")
    except OSError as exc:
        raise BundleError(f"--public-key {path}: cannot read it ({exc.strerror})") from None
    except signing.SigningError as exc:
        raise BundleError(str(exc)) from None


def verify(
    bundle: Path,
    public_key: Path | None = None,
    *,
    trust_embedded_key: bool = False,
    max_age: float | None = None,
    now: float | None = None,
) -> Verification:
    """Check a bundle as a verifier does: the signature under the trust policy (the key at
    `public_key`, or with `trust_embedded_key` the bundle's own), every subject against its file,
    the files no subject names, the predicate against the results, freshness (`max_age`
    seconds, and never from the future)."""
    envelope_file = bundle / attestation.FILE
    if not envelope_file.is_file():
        raise BundleError(f"{bundle}: not a certification bundle (no {attestation.FILE})")
    if public_key is None and not trust_embedded_key:
        raise NoTrustPolicy(
            "no trust policy: give the signer's key (--public-key PEM), or say "
            "--trust-embedded-key to check the bundle against the key it carries"
        )
    pinned = _pinned_key(public_key) if public_key is not None else None
    problems: list[str] = []
    fingerprint = "?"
    try:
        envelope = attestation.read(envelope_file.read_bytes())
    except attestation.AttestationError as exc:
        problems.append(f"{attestation.FILE}: changed, no longer readable ({exc})")
        return Verification(False, problems, fingerprint, pinned is not None, "?", 0)
    try:
        key = pinned or signing.load_public((bundle / PUBLIC_KEY).read_bytes(), PUBLIC_KEY)
        fingerprint = signing.fingerprint(key)
        statement = attestation.verified(envelope, key)
    except (OSError, signing.SigningError, attestation.AttestationError) as exc:
        problems.append(f"signature: {exc}")
        try:
            statement = attestation.contents(envelope)  # still show what else differs
        except attestation.AttestationError as unreadable:
            problems.append(f"{attestation.FILE}: {unreadable}")
            return Verification(False, problems, fingerprint, pinned is not None, "?", 0)
    subjects = {s["name"]: s["digest"]["sha256"] for s in statement["subject"]}
    problems += _subject_problems(bundle, subjects)
    run = next((c for c in statement["predicate"]["configuration"] if c["name"] == "run"), {})
    facts = run.get("annotations", {})
    if "results.json" in subjects and not problems:
        problems += _predicate_problems(bundle / "results.json", statement["predicate"])
    problems += _freshness_problems(facts.get("finished"), max_age, now or time.time())
    return Verification(
        ok=not problems,
        problems=problems,
        fingerprint=fingerprint,
        pinned=pinned is not None,
        verdict=str(facts.get("verdict", "?")),
        files=len(subjects),
    )


def _subject_problems(bundle: Path, subjects: dict[str, str]) -> list[str]:
    problems = []
    for name, digest in subjects.items():
        path = bundle / name
        if not path.is_file():
            problems.append(f"{name}: missing")
        elif sha256(path) != digest:
            problems.append(f"{name}: changed (SHA-256 differs from the attestation)")
    present = {p.relative_to(bundle).as_posix() for p in bundle.rglob("*") if p.is_file()}
    unlisted = sorted(present - subjects.keys() - {attestation.FILE})
    return problems + [f"{name}: not in the attestation" for name in unlisted]


def _predicate_problems(results_file: Path, predicate: dict[str, Any]) -> list[str]:
    """A predicate that claims more than its results: CERTIFIED (PASSED) with a MUST requirement
    failed, errored or not decided, or a result that is not the certification's."""
    try:
        results = Results.load(results_file)
    except ResultsError as exc:
        return [f"results.json: {exc}"]
    verdict = results.certification.verdict if results.certification else "INCOMPLETE"
    problems = []
    if predicate.get("result") != attestation.RESULT[verdict]:
        problems.append(f"predicate: result {predicate.get('result')} for a run {verdict}")
    if verdict == "CERTIFIED":
        problems += [
            f"predicate: CERTIFIED, yet MUST {r.id} is {r.verdict}"
            for r in results.requirements
            if str(r.level) == "MUST" and str(r.verdict) != "PASS"
        ]
    return problems


def _freshness_problems(finished: Any, max_age: float | None, now: float) -> list[str]:
    try:
        when = calendar.timegm(time.strptime(str(finished), "%Y-%m-%dT%H:%M:%SZ"))
    except ValueError:
        return [f"freshness: the run's end ({finished!r}) is not a UTC time"]
    if when > now + CLOCK_SKEW:
        return [f"freshness: the run ended in the future ({finished})"]
    if max_age is not None and now - when > max_age:
        return [f"freshness: the run ended {(now - when) / 86400:.1f} days ago ({finished})"]
    return []
