"""wsconform.report.results: results.json as a typed model. The document on disk keeps every key
in its order, a saved run loads back as the same run and saves as the same bytes, a file from
before a key existed still loads, and a file that is not one says which and what is wrong, in
the words each reader (matrix, replay, baseline) has always used."""

from __future__ import annotations

import argparse
import json
import re
from dataclasses import replace
from pathlib import Path

import pytest

from wsconform import cli, replay
from wsconform.checks import CheckRecord
from wsconform.profiles import get_profile
from wsconform.report import attestation, bundle, completeness, matrix, rollup, signing
from wsconform.report.baseline import Baseline, Entry
from wsconform.report.junit import junit_xml
from wsconform.report.results import (
    AppliedBaseline,
    BaselineReport,
    Results,
    ResultsError,
    TestResult,
)
from wsconform.report.table import verdict_table
from wsconform.requirements import Verdict, catalogue, catalogue_path

# The keys of results.json in the order the plugin has always written them.
DOCUMENT_KEYS = [
    "profile", "title", "suite_version", "target", "tls_verified", "settings", "strict",
    "mock_defect", "capabilities", "hypothesis", "started", "finished", "summary",
    "requirements", "untested", "baseline", "selection", "interrupted", "completeness",
    "certification", "tests",
]  # fmt: skip
REQUIREMENT_KEYS = [
    "id", "level", "family", "title", "source", "link", "quote", "wording", "behaviour",
    "verdict", "tests", "notes", "baselined",
]  # fmt: skip
TEST_KEYS = [
    "nodeid", "profile", "reqs", "outcome", "duration", "checks", "failed_req", "message",
    "transcript", "baselined", "notes", "reproduce", "tokens",
]  # fmt: skip
CHECK_KEYS = ["req", "verdict", "what", "detail"]

SUITE = "suites/paradex/test_unit.py::"
OK, FAILED, ERRORED, SKIPPED, MACHINE = (
    SUITE + name for name in ("test_ok", "test_fail[x]", "test_error", "test_skip", "test_lc")
)
TOKEN = "eyJh…[sha256:1a2b3c4d]"


def paradex_run() -> Results:
    """A run as the plugin builds one, on paradex's own catalogue: tests that passed, failed
    (baselined), errored and were skipped; a partial selection; a baseline with a stale entry."""
    cat = catalogue("paradex")
    tests = [
        TestResult(
            OK, "paradex", ["PDX-AUTH-01", "PDX-ENV-08"], "passed", 0.25,
            checks=[
                CheckRecord("PDX-AUTH-01", Verdict.PASS, "a valid JWT authenticates"),
                CheckRecord("PDX-ENV-08", Verdict.INFO, "observed", "members: ['usIn', 'usOut']"),
            ],
            transcript="transcripts/test_unit.py__test_ok.txt",
            tokens={TOKEN: {"kind": "valid", "arg": None, "steps": [["bad_signature", [], {}]]}},
        ),
        TestResult(
            FAILED, "paradex", ["PDX-REJ-03"], "failed", 1.5,
            checks=[CheckRecord("PDX-REJ-03", Verdict.FAIL, "id echoed", "expected 7; got 8 — ü")],
            failed_req="PDX-REJ-03",
            message="ConformanceFailure: PDX-REJ-03 [MUST] an expired JWT is rejected",
            baselined="vendor ticket 12",
            reproduce=f"pytest '{FAILED}' --hypothesis-seed=7",
        ),
        TestResult(ERRORED, "paradex", ["PDX-SUB-01"], "error", 5.0, message="no token: gone"),
        TestResult(SKIPPED, "paradex", ["PDX-SUB-02"], "skipped", message="no limited token"),
        TestResult(MACHINE, "paradex", ["PDX-SUB-03"], "passed", notes=["3 steps explored"]),
    ]  # fmt: skip
    rolled = rollup.roll_up(cat, tests)
    selection = completeness.Selection(
        paths=["suites/paradex"], keyword="not slow",
        deselected={SUITE + "test_slow": ["PDX-HB-01"], SUITE + "test_a": ["PDX-ENV-01"]},
    )  # fmt: skip
    complete = completeness.assess(rolled, selection, None)
    known = Baseline(
        "b.json",
        (Entry("vendor ticket 12", test=FAILED), Entry("fixed", requirement="PDX-AUTH-01")),
    )
    return Results(
        profile="paradex",
        title="Paradex (JSON-RPC 2.0)",
        suite_version="0.1.0",
        target="ws://127.0.0.1:1/v1 (embedded paradex mock)",
        tls_verified=True,
        settings=["--op-timeout=5.0 (option)"],
        strict=False,
        mock_defect=None,
        hypothesis="profile ci, derandomized",
        started=1796296379.0234,
        finished=1796296391.5,
        requirements=rolled,
        baseline=BaselineReport(
            "b.json", [AppliedBaseline(FAILED, "vendor ticket 12")], known.stale(tests, rolled)
        ),
        selection=selection,
        interrupted=None,
        completeness=complete,
        certification=rollup.certification(rolled, tests, complete),
        tests=tests,
    )


def test_the_document_keeps_its_keys_in_their_order_and_plain_json_values() -> None:
    document = paradex_run().as_dict()
    assert list(document) == DOCUMENT_KEYS
    assert all(list(r) == REQUIREMENT_KEYS for r in document["requirements"])
    assert all(list(t) == TEST_KEYS for t in document["tests"])
    assert list(document["tests"][0]["checks"][0]) == CHECK_KEYS
    assert json.loads(json.dumps(document)) == document
    first = document["requirements"][0]
    assert type(first["level"]) is str and type(first["verdict"]) is str  # no enum leaks out
    assert document["selection"]["deselected"] == [SUITE + "test_a", SUITE + "test_slow"]
    assert document["baseline"] == {
        "file": "b.json",
        "applied": [{"test": FAILED, "reason": "vendor ticket 12"}],
        "stale": [{"reason": "fixed", "requirement": "PDX-AUTH-01"}],
    }
    assert document["certification"]["verdict"] == "NOT CERTIFIED"
    assert document["completeness"]["complete"] is False


def test_summary_and_untested_are_counted_from_the_requirements() -> None:
    run = paradex_run()
    counted: dict[str, dict[str, int]] = {}
    for r in run.as_dict()["requirements"]:
        level = counted.setdefault(r["level"], {})
        level[r["verdict"]] = level.get(r["verdict"], 0) + 1
    assert run.summary == counted and list(run.summary) == ["MUST", "SHOULD", "INFO"]
    assert run.untested == [r.id for r in run.requirements if r.verdict == "UNTESTED"]
    assert "PDX-HB-01" in run.untested and "PDX-AUTH-01" not in run.untested


def test_a_saved_run_loads_as_the_same_run_and_saves_as_the_same_bytes(tmp_path: Path) -> None:
    run = paradex_run()
    path = run.save(tmp_path / "paradex" / "results.json")
    text = path.read_text(encoding="utf-8")
    assert text == json.dumps(run.as_dict(), indent=2, ensure_ascii=False) + "\n"
    assert "— ü" in text and "§" in text  # as written, not escaped
    loaded = Results.load(path)
    assert loaded.as_dict() == run.as_dict()
    assert loaded.save(tmp_path / "again.json").read_bytes() == path.read_bytes()
    # Typed all the way down: the catalogue's facts, the checks, the parts of the verdict.
    assert [r.requirement for r in loaded.requirements] == list(
        catalogue("paradex").requirements.values()
    )
    assert loaded.tests == run.tests
    assert loaded.tests[0].checks[0] == CheckRecord(
        "PDX-AUTH-01", Verdict.PASS, "a valid JWT authenticates"
    )
    assert (loaded.certification, loaded.completeness) == (run.certification, run.completeness)
    assert loaded.baseline == run.baseline
    assert loaded.selection is not None and sorted(loaded.selection.deselected) == sorted(
        run.selection.deselected if run.selection else {}
    )
    # The reports read the loaded run as they read the one just made.
    assert verdict_table(loaded) == verdict_table(run)
    assert junit_xml(loaded) == junit_xml(run)
    # The failure is baselined; the error is not, and never can be.
    assert rollup.exit_code(loaded.requirements, loaded.tests) == 1
    assert rollup.exit_code(loaded.requirements, loaded.tests[:2]) == 0


def test_what_a_worker_sends_is_the_test_record_itself() -> None:
    for test in paradex_run().tests:
        assert TestResult.from_dict(json.loads(json.dumps(test.as_dict()))) == test


def first_version(**changes: object) -> dict:
    """A results.json as the first wsconform wrote it, before links, baselines, TLS, settings,
    hypothesis, completeness, the certification, notes, replay tokens and reproduction lines."""
    document = {
        "profile": "paradex", "title": "Paradex", "suite_version": "0.1.0",
        "target": "ws://127.0.0.1:1/v1 (embedded paradex mock)", "strict": False,
        "mock_defect": None, "started": 1.0, "finished": 2.5,
        "summary": {"MUST": {"PASS": 1}}, "untested": [],
        "requirements": [{
            "id": "PDX-AUTH-01", "level": "MUST", "family": "authentication", "title": "t",
            "source": "PAGE", "quote": "q", "verdict": "PASS", "tests": [OK], "notes": [],
        }],
        "tests": [{
            "nodeid": OK, "profile": "paradex", "reqs": ["PDX-AUTH-01"], "outcome": "passed",
            "duration": 0.1, "checks": [{"req": "PDX-AUTH-01", "verdict": "PASS", "what": "w",
                                         "detail": ""}],
            "failed_req": None, "message": "", "transcript": None,
        }],
    }  # fmt: skip
    return document | changes


def test_a_results_json_from_before_a_key_existed_loads_with_its_default(tmp_path: Path) -> None:
    path = tmp_path / "results.json"
    path.write_text(json.dumps(first_version()), encoding="utf-8")
    old = Results.load(path)
    assert (old.selection, old.completeness, old.certification, old.baseline) == (None,) * 4
    assert (old.tls_verified, old.settings, old.hypothesis, old.interrupted) == (True, [], "", None)
    assert old.requirements[0].link is None and old.requirements[0].baselined is None
    test = old.tests[0]
    assert (test.baselined, test.notes, test.reproduce, test.tokens) == (None, [], "", {})
    assert old.summary == {"MUST": {"PASS": 1}} and old.untested == []
    assert "wsconform verdicts — Paradex" in verdict_table(old)
    # The matrix shows a run's certification; a run that recorded none it refuses, as before.
    with pytest.raises(matrix.MatrixError, match=re.escape("lacks ['certification']")):
        matrix.load([path])


def test_members_a_newer_suite_added_are_left_aside() -> None:
    document = first_version(verdict_of_the_future=1)
    document["requirements"][0]["weight"] = 3
    document["tests"][0]["retries"] = 2
    document["tests"][0]["checks"][0]["where"] = "c1"
    loaded = Results.from_dict(document)
    assert loaded.tests[0].checks[0].req_id == "PDX-AUTH-01"


def unlike(key: str, value: object) -> dict:
    """The first version's document with one member (of its first entry, `list.member`) changed."""
    where, _, member = key.partition(".")
    document = first_version()
    (document[where][0] if member else document)[member or where] = value
    return document


CHECK = {"req": "PDX-AUTH-01", "verdict": "PASS", "what": "w", "detail": ""}
NOT_RESULTS = [
    ("not json {", "not a readable JSON file (Expecting value"),
    ([1, 2], "not a wsconform results.json (no requirements list)"),
    ({"requirements": [], "tests": []}, "not a wsconform results.json (lacks ['profile', 'title',"),
    (unlike("requirements", [{"id": "PDX-AUTH-01"}]), "a requirement entry lacks one of ['id',"),
    (unlike("requirements.verdict", "MAYBE"), "PDX-AUTH-01 has an unknown verdict 'MAYBE'"),
    (unlike("requirements.level", "MAY"), "PDX-AUTH-01 has an unknown level 'MAY'"),
    (unlike("tests", {}), "tests is not a list: {}"),
    (unlike("tests.outcome", "exploded"), f"{OK} has an unknown outcome 'exploded'"),
    (unlike("tests.checks", [{"req": "X"}]), f"a check of {OK} lacks one of ['req', 'verdict',"),
    (
        unlike("tests.checks", [CHECK | {"verdict": "OK"}]),
        f"a check of {OK} has an unknown verdict",
    ),
    (first_version(certification={"verdict": "x"}), "the certification lacks one of ['verdict',"),
]


@pytest.mark.parametrize(("content", "problem"), NOT_RESULTS)
def test_a_file_that_is_not_a_results_json_says_which_and_what_is_wrong(
    tmp_path: Path, content: object, problem: str
) -> None:
    path = tmp_path / "results.json"
    path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    with pytest.raises(ResultsError) as raised:
        Results.load(path)
    assert str(raised.value).startswith(f"{path}: {problem}")
    assert raised.value.path == path and raised.value.strerror is None


def test_a_file_that_cannot_be_read_says_why(tmp_path: Path) -> None:
    with pytest.raises(ResultsError, match=re.escape(f"{tmp_path / 'nope.json'}: no such file")):
        Results.load(tmp_path / "nope.json")
    with pytest.raises(ResultsError, match="not a readable JSON file") as raised:
        Results.load(tmp_path)  # a directory
    assert raised.value.strerror == "Is a directory"


def test_each_reader_keeps_its_own_error_and_exit_code(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad" / "results.json"
    bad.parent.mkdir()
    bad.write_text(json.dumps({"tests": []}), encoding="utf-8")
    expected = f"{bad}: not a wsconform results.json (no requirements list)"
    with pytest.raises(matrix.MatrixError) as in_matrix:
        matrix.load([bad])
    assert str(in_matrix.value) == expected
    with pytest.raises(replay.ReplayError) as in_replay:
        replay.load(bad.parent, "test_ok")
    assert str(in_replay.value) == expected
    with pytest.raises(replay.ReplayError) as nothing_there:
        replay.load(tmp_path / "nothing", "test_ok")
    assert str(nothing_there.value) == (
        f"{tmp_path / 'nothing'}: no results.json to read (No such file or directory)"
    )
    assert cli.write_baseline(argparse.Namespace(results=[str(bad)], output="-")) == 2
    assert capsys.readouterr().err == f"wsconform baseline: not wsconform results: {expected}\n"


def test_the_bundle_is_written_from_the_model_and_verifies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bundle, "suite_commit", lambda: "0123abc")  # no git in a unit test
    run = paradex_run()
    report_dir = tmp_path / "reports" / "paradex"
    run.save(report_dir / "results.json")
    transcript = report_dir / "transcripts" / "test_unit.py__test_ok.txt"
    transcript.parent.mkdir()
    transcript.write_text(f"{OK}\n  0.1 ms c1 connect ws://127.0.0.1:1/v1\n", encoding="utf-8")
    run.tests[2].transcript = "transcripts/gone.txt"  # an older run's: not in this bundle
    profile = get_profile("paradex")
    written = bundle.write(
        run,
        profile_report_dir=report_dir,
        schema_dir=profile.schemas,
        catalogue_file=catalogue_path("paradex"),
        home=profile.home,
        documents=catalogue("paradex").documents,
        capabilities=None,
        hypothesis_seed="7",
        key=signing.load_or_create(tmp_path / "key.pem"),
        leaks=lambda text: False,
    )
    held = Results.load(written / "results.json")
    assert held.tests[2].transcript is None and held.tests[0].transcript == run.tests[0].transcript
    assert held.as_dict() == replace(run, tests=held.tests).as_dict()
    assert (written / "transcripts" / transcript.name).read_text() == transcript.read_text()
    statement = attestation.contents(attestation.read((written / attestation.FILE).read_bytes()))
    facts = statement["predicate"]["configuration"][0]["annotations"]
    assert facts["verdict"] == "NOT CERTIFIED" and facts["target"] == run.target
    assert "<h1>wsconform certification: Paradex (JSON-RPC 2.0)</h1>" in (
        written / "index.html"
    ).read_text(encoding="utf-8")
    verified = bundle.verify(written, trust_embedded_key=True)
    assert verified.ok and verified.verdict == "NOT CERTIFIED", verified.problems
    with pytest.raises(bundle.BundleError, match="state no certification"):
        bundle.write(
            replace(run, certification=None), profile_report_dir=report_dir,
            schema_dir=profile.schemas, catalogue_file=catalogue_path("paradex"),
            home=profile.home, documents={}, capabilities=None, hypothesis_seed=None,
            key=signing.load_or_create(tmp_path / "key.pem"), leaks=lambda text: False,
        )  # fmt: skip
