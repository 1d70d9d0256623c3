"""The evidence a run leaves: exit codes, the signed certification bundle, the baseline gate and
the Allure results, from real runs of the Paradex suite on its mock in a child process.

One run has a defect switched on (alg none accepted: PDX-REJ-02 and the fuzzed-token test go red),
so the bundle, the gate and Allure's falsifying-example attachment all have a failure to show."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from standalone import ROOT, run_pytest

from wsconform.report import attestation, signing
from wsconform.report.bundle import sha256
from wsconform.report.bundle import verify as verify_bundle

pytestmark = pytest.mark.system

DEFECT, BROKEN = "accept-alg-none", ("PDX-REJ-02", "PDX-REJ-06")


@dataclass(frozen=True)
class Run:
    returncode: int
    output: str
    reports: Path
    key: Path

    @property
    def bundle(self) -> Path:
        (found,) = (self.reports / "certification").glob("paradex-2*")  # one run, one bundle
        return found

    @property
    def results(self) -> dict:
        return json.loads((self.bundle / "results.json").read_text(encoding="utf-8"))

    @property
    def statement(self) -> dict:
        """The in-toto Statement the bundle's envelope carries."""
        return attestation.contents(attestation.read((self.bundle / attestation.FILE).read_bytes()))

    @property
    def facts(self) -> dict:
        """What the statement records of the run (its configuration entry named run)."""
        configuration = self.statement["predicate"]["configuration"]
        return next(c["annotations"] for c in configuration if c["name"] == "run")

    @property
    def public_key(self) -> Path:
        return self.reports / "certification" / "signing-key.pub.pem"


def paradex_run(where: Path, *args: str) -> Run:
    reports, key = where / "reports", where / "signing-key.pem"
    done = run_pytest(
        "suites/paradex", "--profile", "paradex", "--report-dir", str(reports),
        "--signing-key", str(key), "--alluredir", str(reports / "allure-results"), "-q", *args,
    )  # fmt: skip
    return Run(done.returncode, done.stdout + done.stderr, reports, key)


def wsconform(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """This checkout's command (the installed script may belong to another)."""
    return subprocess.run(
        [sys.executable, "-m", "wsconform.cli", *map(str, args)],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip


@pytest.fixture(scope="module")
def defect_run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    return paradex_run(tmp_path_factory.mktemp("defect"), "--mock-defect", DEFECT)


# -- verdict and exit code ------------------------------------------------------------------------


def test_a_failed_must_requirement_means_not_certified_and_exit_1(defect_run: Run) -> None:
    assert defect_run.returncode == 1, defect_run.output[-3000:]
    assert defect_run.facts["verdict"] == "NOT CERTIFIED"
    assert defect_run.statement["predicate"]["result"] == "FAILED"
    assert set(BROKEN) <= set(defect_run.statement["predicate"]["failedTests"])
    reasons = " ".join(defect_run.results["certification"]["reasons"])
    page = (defect_run.bundle / "index.html").read_text()
    for req in BROKEN:
        assert req in reasons
        assert f'<tr id="{req}">' in page
    assert "NOT CERTIFIED" in page
    assert "NOT CERTIFIED; signed bundle" in defect_run.output


def test_a_clean_run_is_certified_and_exits_0(tmp_path: Path) -> None:
    run = paradex_run(tmp_path)
    assert run.returncode == 0, run.output[-3000:]
    assert run.results["certification"] == {"verdict": "CERTIFIED", "reasons": []}
    assert (
        wsconform("verify", run.bundle, "--public-key", run.bundle / "signer.pub.pem").returncode
        == 0
    )
    latest = run.reports / "certification" / "paradex-latest"  # names the newest, relatively
    assert latest.is_symlink() and latest.readlink() == Path(run.bundle.name)
    verified = wsconform("verify", latest, "--public-key", run.public_key)
    assert verified.returncode == 0 and "OK" in verified.stdout, verified.stdout + verified.stderr


def test_a_partial_run_is_incomplete_and_says_what_was_selected(tmp_path: Path) -> None:
    keyword = "test_valid_jwt_gets_the_documented_success_reply"
    run = paradex_run(tmp_path, "-k", keyword)
    assert run.returncode == 0, run.output[-3000:]  # without --require-complete: reported only
    assert run.results["certification"]["verdict"] == "INCOMPLETE"
    selection = run.results["selection"]
    assert selection["keyword"] == keyword and selection["deselected"]
    reasons = run.results["completeness"]["reasons"]
    assert reasons[0].startswith(f"partial selection: {len(selection['deselected'])} tests")
    assert any("[MUST] not run: its tests were deselected" in r for r in reasons), reasons
    assert "INCOMPLETE (" in run.output  # the reasons are on the screen too

    gated = paradex_run(tmp_path / "gated", "-k", keyword, "--require-complete")
    assert gated.returncode == 1, gated.output[-3000:]
    assert "INCOMPLETE fails the run (--require-complete)" in gated.output


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("--profile", "nasdaq"), "bad configuration: --profile 'nasdaq'"),
        (("--op-timeout", "soon"), "bad configuration: --op-timeout='soon'"),
        (("--baseline", "/nonexistent.json"), "bad configuration: baseline /nonexistent.json"),
        (("-k", "no_test_has_this_name"), "the run could not be made: no test was selected"),
    ],
)
def test_a_run_that_cannot_be_made_exits_2_saying_why(args: tuple[str, ...], said: str) -> None:
    done = run_pytest("suites/paradex", *args)
    assert done.returncode == 2, (done.stdout + done.stderr)[-3000:]
    assert said in done.stdout + done.stderr


def test_the_cli_keeps_the_exit_codes(tmp_path: Path) -> None:
    done = wsconform(
        "certify", "--profile", "paradex", "--report-dir", tmp_path, "--baseline", tmp_path / "no"
    )
    assert done.returncode == 2, done.stdout + done.stderr
    assert "bad configuration" in done.stdout + done.stderr


# -- the baseline gate ----------------------------------------------------------------------------


def test_baselined_failures_pass_the_gate_and_are_shown_as_baselined(
    defect_run: Run, tmp_path: Path
) -> None:
    baseline_file = tmp_path / "baseline.json"
    written = wsconform(
        "baseline", defect_run.reports / "paradex" / "results.json", "-o", baseline_file
    )
    assert written.returncode == 0, written.stderr
    entries = json.loads(baseline_file.read_text())["entries"]
    assert {e["requirement"] for e in entries} == set(BROKEN)

    run = paradex_run(tmp_path, "--mock-defect", DEFECT, "--baseline", str(baseline_file))
    assert run.returncode == 0, run.output[-3000:]
    verdicts = {r["id"]: r for r in run.results["requirements"]}
    for req in BROKEN:
        assert verdicts[req]["verdict"] == "FAIL" and verdicts[req]["baselined"]
    assert run.results["certification"]["verdict"] == "NOT CERTIFIED"  # known, still a failure
    assert "baselined" in (run.bundle / "index.html").read_text()
    assert "xfailed" in run.output and "2 baselined" in run.output
    assert run.results["baseline"]["stale"] == []


def test_entries_that_no_longer_fail_are_reported_stale(tmp_path: Path) -> None:
    baseline_file = tmp_path / "baseline.json"
    entries = [
        {"requirement": "PDX-AUTH-01", "reason": "ticket 1, fixed since"},
        {"requirement": "PDX-REJ-02", "reason": "not run: not stale"},
    ]
    baseline_file.write_text(json.dumps({"format": "wsconform-baseline/1", "entries": entries}))
    run = paradex_run(tmp_path / "a", "-k", "test_valid_jwt_gets", "--baseline", str(baseline_file))
    assert run.returncode == 0, run.output[-3000:]
    assert run.results["baseline"]["stale"] == [entries[0]]
    assert "stale baseline entry (no longer fails): PDX-AUTH-01" in run.output
    # --strict-baseline: the baseline must shrink as failures are fixed.
    strict = paradex_run(
        tmp_path / "b", "-k", "test_valid_jwt_gets", "--baseline", str(baseline_file),
        "--strict-baseline",
    )  # fmt: skip
    assert strict.returncode == 1, strict.output[-3000:]
    assert (
        "paradex: 1 stale baseline entries fail the run (--strict-baseline): PDX-AUTH-01"
        in strict.output
    )


def test_a_test_that_could_not_finish_is_never_baselined(tmp_path: Path) -> None:
    test = "suites/paradex/test_authentication.py::test_valid_jwt_gets_the_documented_success_reply"
    baseline_file = tmp_path / "baseline.json"
    entries = [{"test": test, "reason": "known"}, {"requirement": "PDX-AUTH-01", "reason": "k"}]
    baseline_file.write_text(json.dumps({"format": "wsconform-baseline/1", "entries": entries}))
    # A token command that fails: the test cannot even start (ERROR), whatever the baseline says.
    run = paradex_run(
        tmp_path, "-k", test.split("::")[1], "--token-command", "false",
        "--baseline", str(baseline_file),
    )  # fmt: skip
    assert run.returncode == 1, run.output[-3000:]
    (result,) = run.results["tests"]
    assert result["outcome"] == "error" and result["baselined"] is None
    assert "xfailed" not in run.output and run.results["baseline"]["applied"] == []


@pytest.mark.parametrize(
    ("entry", "said"),
    [
        (
            {"requirement": "ZEN-NOPE-99", "reason": "r"},
            "unknown requirement ZEN-NOPE-99 (not in the paradex catalogue)",
        ),
        (
            {"test": "suites/paradex/test_authentication.py::nope", "reason": "r"},
            "no such test suites/paradex/test_authentication.py::nope",
        ),
        (
            {"test": "suites/paradex/test_gone.py::test_a", "reason": "r"},
            "no such test suites/paradex/test_gone.py::test_a",
        ),
    ],
)
def test_a_baseline_naming_what_does_not_exist_is_one_line_and_exit_2(
    tmp_path: Path, entry: dict[str, str], said: str
) -> None:
    baseline_file = tmp_path / "baseline.json"
    baseline_file.write_text(json.dumps({"format": "wsconform-baseline/1", "entries": [entry]}))
    done = run_pytest("suites/paradex", "--profile", "paradex", "--baseline", str(baseline_file))
    assert done.returncode == 2, (done.stdout + done.stderr)[-3000:]
    output = done.stdout + done.stderr  # one line, after pytest's header when collecting
    reason = f"the run could not be made: bad configuration: baseline {baseline_file}: {said}"
    assert len([line for line in output.splitlines() if reason in line]) == 1, output[-3000:]
    assert "Traceback" not in output


# -- the signed bundle ----------------------------------------------------------------------------


def test_the_bundle_holds_the_evidence(defect_run: Run) -> None:
    bundle = defect_run.bundle
    statement = defect_run.statement
    assert statement["_type"] == "https://in-toto.io/Statement/v1"
    assert statement["predicateType"] == "https://in-toto.io/attestation/test-result/v0.1"
    listed = {s["name"] for s in statement["subject"]}
    assert {"index.html", "results.json", "junit.xml", "signer.pub.pem"} <= listed
    transcripts = [t["transcript"] for t in defect_run.results["tests"] if t["transcript"]]
    assert transcripts and set(transcripts) <= listed
    configured = {c["name"]: c for c in statement["predicate"]["configuration"]}
    assert configured["suites/paradex/requirements.toml"]["digest"]["sha256"]
    assert configured["schemas/paradex/error.json"]["digest"]["sha256"]
    facts = defect_run.facts
    assert facts["hypothesis"]["seed"] is None  # the ci profile is derandomized
    assert facts["suite"]["commit"]
    key = signing.load_or_create(defect_run.key).public_key()
    assert facts["signer"] == signing.fingerprint(key)
    envelope = json.loads((bundle / attestation.FILE).read_text())
    assert envelope["signatures"][0]["keyid"] == attestation.key_id(key)
    assert (defect_run.reports / "certification" / "signing-key.pub.pem").is_file()
    junit = (bundle / "junit.xml").read_text()
    assert 'name="requirement" value="PDX-REJ-02"' in junit and "<failure" in junit
    # A lifecycle transcript marks where each example begins and each machine step ends.
    (lifecycle,) = [t for t in transcripts if "test_lifecycle" in t]
    marked = (bundle / lifecycle).read_text()
    assert "── lifecycle example 1 ──" in marked and "── step 1 done: " in marked


def test_verify_accepts_the_bundle_and_rejects_any_changed_byte(
    defect_run: Run, tmp_path: Path
) -> None:
    intact = wsconform("verify", defect_run.bundle, "--public-key", defect_run.public_key)
    assert intact.returncode == 0 and "OK" in intact.stdout, intact.stdout + intact.stderr
    files = sorted(
        p.relative_to(defect_run.bundle) for p in defect_run.bundle.rglob("*") if p.is_file()
    )
    # Each file flipped is judged by the function the command calls (a process each would be
    # a minute of CPU); the command itself is run on one of them.
    for name in files:
        copy = tmp_path / f"flip-{len(list(tmp_path.iterdir()))}"
        shutil.copytree(defect_run.bundle, copy)
        data = bytearray((copy / name).read_bytes())
        data[len(data) // 2] ^= 0x01  # one bit of one byte
        (copy / name).write_bytes(bytes(data))
        assert not verify_bundle(copy, defect_run.public_key).ok, name
    done = wsconform("verify", copy, "--public-key", defect_run.public_key)
    assert done.returncode == 1, f"{name}: {done.stdout}{done.stderr}"
    assert "does NOT verify" in done.stdout


def test_verify_rejects_added_and_removed_files_and_a_foreign_key(
    defect_run: Run, tmp_path: Path
) -> None:
    added = tmp_path / "added"
    shutil.copytree(defect_run.bundle, added)
    (added / "transcripts" / "extra.txt").write_text("planted")
    trusting = "--trust-embedded-key"
    assert "extra.txt: not in the attestation" in wsconform("verify", added, trusting).stdout

    removed = tmp_path / "removed"
    shutil.copytree(defect_run.bundle, removed)
    (removed / "junit.xml").unlink()
    assert "junit.xml: missing" in wsconform("verify", removed, trusting).stdout

    foreign = tmp_path / "foreign.pub.pem"
    foreign.write_bytes(signing.public_pem(signing.load_or_create(tmp_path / "other.pem")))
    done = wsconform("verify", defect_run.bundle, "--public-key", foreign)
    assert done.returncode == 1 and "signature" in done.stdout

    assert wsconform("verify", tmp_path, trusting).returncode == 2  # not a bundle at all


# -- Allure ---------------------------------------------------------------------------------------


def allure_result(run: Run, test_name: str) -> dict:
    for path in (run.reports / "allure-results").glob("*-result.json"):
        result = json.loads(path.read_text(encoding="utf-8"))
        if result["name"] == test_name:
            return result
    raise AssertionError(f"no Allure result for {test_name}")


def test_allure_results_carry_labels_links_and_the_transcript(defect_run: Run) -> None:
    result = allure_result(defect_run, "test_expired_token_is_rejected_with_40111")
    labels = {(label["name"], label["value"]) for label in result["labels"]}
    assert ("epic", "Paradex (JSON-RPC 2.0)") in labels
    assert ("feature", "rejection") in labels
    assert ("story", "PDX-REJ-03 an expired JWT is rejected with 40111") in labels
    assert ("severity", "critical") in labels
    (link,) = [link for link in result["links"] if link["name"].startswith("PDX-REJ-03: PAGE §")]
    assert link["url"].startswith("https://github.com/tradeparadex/paradex-docs/")
    (transcript,) = [a for a in result["attachments"] if a["name"] == "wire transcript (redacted)"]
    text = (defect_run.reports / "allure-results" / transcript["source"]).read_text()
    assert "→" in text and "40111" in text


def test_a_falsified_hypothesis_test_attaches_the_example_and_the_seed(defect_run: Run) -> None:
    result = allure_result(defect_run, "test_no_fuzzed_token_authenticates")
    assert result["status"] == "failed"
    (example,) = [a for a in result["attachments"] if a["name"] == "hypothesis falsifying example"]
    text = (defect_run.reports / "allure-results" / example["source"]).read_text()
    assert "Failing test case: test_no_fuzzed_token_authenticates(" in text
    assert "@reproduce_failure" in text
    assert "hypothesis: profile ci, derandomized" in text


# -- looked at in a real browser ------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# No sandbox (CI runs as root); no background networking: the machine's network is closed.
CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
)  # fmt: skip


def chromium(page: Path, profile_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    return subprocess.run(
        [CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={profile_dir}", *args, page.as_uri()],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip


@pytest.mark.skipif(
    CHROMIUM is None, reason="no chromium on PATH (Debian: apt-get install chromium)"
)
def test_the_certificate_renders_in_headless_chromium(defect_run: Run, tmp_path: Path) -> None:
    page = defect_run.bundle / "index.html"
    screenshot = ROOT / "reports" / "screenshots" / "certificate-paradex-not-certified.png"
    screenshot.parent.mkdir(parents=True, exist_ok=True)
    shot = chromium(page, tmp_path / "a", f"--screenshot={screenshot}", "--window-size=1280,2000")
    assert screenshot.is_file() and screenshot.stat().st_size > 10_000, shot.stderr[-2000:]

    dom = chromium(page, tmp_path / "b", "--dump-dom").stdout
    assert '<p id="verdict"><span class="verdict v-FAIL"' in dom and "NOT CERTIFIED" in dom
    rows = dom.count('<tr id="PDX-')
    assert rows == len(defect_run.results["requirements"]) > 30
    for req in BROKEN:
        assert f'<tr id="{req}">' in dom


def test_verify_calls_an_envelope_broken_by_a_changed_byte_changed(
    defect_run: Run, tmp_path: Path
) -> None:
    """A changed byte that breaks the envelope's JSON is a changed bundle (exit 1), not "not a
    bundle" (exit 2)."""
    copy = tmp_path / "broken"
    shutil.copytree(defect_run.bundle, copy)
    data = (copy / attestation.FILE).read_bytes()
    (copy / attestation.FILE).write_bytes(b"[" + data[1:])
    done = wsconform("verify", copy, "--public-key", defect_run.public_key)
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"{attestation.FILE}: changed, no longer readable" in done.stdout


def test_verify_without_a_trust_policy_refuses_to_judge(defect_run: Run) -> None:
    done = wsconform("verify", defect_run.bundle)
    assert done.returncode == 2 and "no trust policy" in done.stderr, done.stdout + done.stderr
    embedded = wsconform("verify", defect_run.bundle, "--trust-embedded-key")
    assert embedded.returncode == 0 and "NOT who signed them" in embedded.stdout


def forge(bundle: Path, where: Path, change: Callable[[dict], None]) -> Path:
    """A copy of `bundle` with its results.json changed by `change` and everything re-signed
    with a fresh key, as anyone can: the forger's bundle."""
    forged = where / "forged"
    shutil.copytree(bundle, forged)
    document = json.loads((forged / "results.json").read_text())
    change(document)
    (forged / "results.json").write_text(json.dumps(document))
    key = signing.load_or_create(where / "forger.pem")
    (forged / "signer.pub.pem").write_bytes(signing.public_pem(key))
    envelope = attestation.read((forged / attestation.FILE).read_bytes())
    statement = attestation.contents(envelope)
    files = sorted(p for p in forged.rglob("*") if p.is_file() and p.name != attestation.FILE)
    subjects = {p.relative_to(forged).as_posix(): sha256(p) for p in files}
    statement["subject"] = [{"name": n, "digest": {"sha256": d}} for n, d in subjects.items()]
    statement["predicate"]["result"] = "PASSED"
    (forged / attestation.FILE).write_bytes(attestation.sign(statement, key))
    return forged


def test_a_forged_certified_bundle_is_refused(defect_run: Run, tmp_path: Path) -> None:
    """The forgery of issue 21: a NOT CERTIFIED bundle made CERTIFIED and re-signed with a
    fresh key. A pinned key refuses its signature; the bundle's own key, explicitly trusted,
    still refuses a CERTIFIED beside MUST requirements that failed."""

    def certified(document: dict) -> None:
        document["certification"] = {"verdict": "CERTIFIED", "reasons": []}

    forged = forge(defect_run.bundle, tmp_path, certified)
    pinned = wsconform("verify", forged, "--public-key", defect_run.public_key)
    assert pinned.returncode == 1 and "FAILED signature" in pinned.stdout, pinned.stdout
    embedded = wsconform("verify", forged, "--trust-embedded-key")
    assert embedded.returncode == 1, embedded.stdout
    for req in BROKEN:
        assert f"CERTIFIED, yet MUST {req} is FAIL" in embedded.stdout


def test_a_stale_bundle_is_refused_under_max_age(defect_run: Run) -> None:
    fresh = wsconform("verify", defect_run.bundle, "--trust-embedded-key", "--max-age", "1")
    assert fresh.returncode == 0, fresh.stdout
    later = verify_bundle(defect_run.bundle, trust_embedded_key=True, max_age=60, now=4e9)
    assert not later.ok and "freshness" in later.problems[0]
