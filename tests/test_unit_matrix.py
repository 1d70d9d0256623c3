"""wsconform.report.matrix: several results.json side by side, one column per target."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from wsconform.report import matrix
from wsconform.report.completeness import Selection, assess
from wsconform.report.matrix import MatrixError
from wsconform.report.results import RequirementResult, Results
from wsconform.report.rollup import certification
from wsconform.requirements import Level, Requirement, Verdict

SCRIPT = "<script>alert(1)</script>"


def req(
    req_id: str, level: str, family: str, verdict: str, *,
    title: str = "", notes: tuple[str, ...] = (), baselined: str | None = None,
    behaviour: str | None = None,
) -> RequirementResult:  # fmt: skip
    judged = Requirement(
        req_id,
        Level(level),
        family,
        title or f"title of {req_id}",
        "UNIT § 1",
        "quote",
        behaviour=behaviour,
    )
    return RequirementResult(judged, Verdict(verdict), [], list(notes), baselined)


def results(profile: str, target: str, reqs: list[RequirementResult], **extra: Any) -> Results:
    run = Results(profile, f"{profile} title", "0.1.0", target, reqs, [], 0.0, 1.0, **extra)
    # As the plugin writes it: the run's verdict from the same requirements and tests.
    run.certification = certification(reqs, [], assess(reqs, Selection(), None))
    return run


def write(tmp_path: Path, name: str, run: Results) -> Path:
    return run.save(tmp_path / name / "results.json")


# Two targets of one vendor (ZEN) and one of another (PDX, which lacks ZEN's IDs).
ZEN_A = [
    req("ZEN-AUTH-01", "MUST", "authentication", "PASS"),
    req("ZEN-AUTH-02", "MUST", "authentication", "PASS"),
    req("ZEN-AUTH-03", "INFO", "authentication", "INFO"),
    req("ZEN-EXP-01", "MUST", "expiry", "PASS"),
]
ZEN_B = [
    req("ZEN-AUTH-01", "MUST", "authentication", "PASS"),
    req("ZEN-AUTH-02", "MUST", "authentication", "FAIL", notes=("t: expected 1; got 2",)),
    req("ZEN-AUTH-03", "INFO", "authentication", "INFO"),
    req("ZEN-EXP-01", "MUST", "expiry", "FAIL", baselined="vendor ticket 42"),
    req("ZEN-HB-01", "SHOULD", "heartbeat", "WARN"),
]
PDX = [
    req("PDX-AUTH-01", "MUST", "authentication", "PASS"),
    req("PDX-ENV-01", "SHOULD", "envelope", "ERROR", notes=("token source broke",)),
]


@pytest.fixture
def columns(tmp_path: Path) -> list[matrix.Column]:
    paths = [
        write(tmp_path, "zen-a", results("zenith", "wss://a/Zenith", ZEN_A)),
        write(tmp_path, "zen-b", results("zenith", "wss://b/Zenith", ZEN_B, mock_defect="d1")),
        write(tmp_path, "pdx", results("paradex", "ws://p/v1", PDX)),
    ]
    return matrix.load(paths)


def md_table_row(md: str, first_cell: str) -> list[str]:
    """The cells of the Markdown table row whose first cell is `first_cell`."""
    for line in md.splitlines():
        if line.startswith(f"| {first_cell} |"):
            return [c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]]
    raise AssertionError(f"no row {first_cell!r} in\n{md}")


def test_columns_carry_label_and_requirements_by_id(columns: list[matrix.Column]) -> None:
    assert [c.label for c in columns] == [
        "zenith @ wss://a/Zenith",
        "zenith @ wss://b/Zenith [defect: d1]",
        "paradex @ ws://p/v1",
    ]
    assert list(columns[1].requirements) == [r.id for r in ZEN_B]
    assert matrix.verdict_text(columns[1].requirements["ZEN-EXP-01"]) == "FAIL (baselined)"


def test_rows_grouped_by_family_in_families_order(columns: list[matrix.Column]) -> None:
    fams = matrix.families(columns)
    # rejection and subscription replay: no column has one, so no group.
    assert [f.name for f in fams] == ["authentication", "expiry", "envelope", "heartbeat"]
    auth = fams[0]
    assert [r.key for r in auth.rows] == [
        "ZEN-AUTH-01",
        "ZEN-AUTH-02",
        "ZEN-AUTH-03",
        "PDX-AUTH-01",
    ]


def test_a_requirement_a_column_lacks_shows_a_dash(columns: list[matrix.Column]) -> None:
    md = matrix.markdown(columns)
    assert md_table_row(md, "ZEN-AUTH-02")[3:] == ["PASS", "FAIL", "—"]
    assert md_table_row(md, "PDX-AUTH-01")[3:] == ["—", "—", "PASS"]
    # ZEN-HB-01 exists only in the second zenith target's results.
    assert md_table_row(md, "ZEN-HB-01")[3:] == ["—", "WARN", "—"]
    assert md_table_row(md, "ZEN-EXP-01")[3:] == ["PASS", "FAIL (baselined)", "—"]


def test_family_summaries_count_each_columns_own_requirements(
    columns: list[matrix.Column],
) -> None:
    fams = {f.name: f.summaries for f in matrix.families(columns)}
    assert fams["authentication"] == ("2/3 PASS, 1 INFO", "1/3 PASS, 1 FAIL, 1 INFO", "1/1 PASS")
    assert fams["expiry"] == ("1/1 PASS", "0/1 PASS, 1 FAIL", "—")
    assert fams["envelope"] == ("—", "—", "0/1 PASS, 1 ERROR")
    md = matrix.markdown(columns)
    assert md_table_row(md, "**authentication**")[3:] == list(fams["authentication"])


def test_overall_counts_fail_and_warn_per_level(columns: list[matrix.Column]) -> None:
    clean, broken, errored = (matrix.overall(c) for c in columns)
    assert not clean.must_failed and clean.counts == {}
    assert broken.must_failed
    assert broken.counts == {"MUST": {"FAIL": 2}, "SHOULD": {"WARN": 1}}
    assert broken.baselined == 1
    assert broken.text == "NOT CERTIFIED — MUST: 2 FAIL; SHOULD: 1 WARN (1 baselined)"
    assert clean.head == "CERTIFIED"  # the verdict its results.json states, as its exit code
    assert not errored.must_failed and errored.counts == {"SHOULD": {"ERROR": 1}}
    assert md_table_row(matrix.markdown(columns), "**overall**")[4] == broken.text


def test_server_text_is_escaped_in_html(tmp_path: Path) -> None:
    hostile = [
        req("ZEN-AUTH-01", "MUST", "authentication", "FAIL", title=SCRIPT, notes=(SCRIPT,)),
        req("ZEN-AUTH-02", "MUST", "authentication", "FAIL", baselined=f'x" onmouseover="{SCRIPT}'),
    ]
    path = write(tmp_path, "z", results("zenith", f"wss://h/{SCRIPT}", hostile))
    page = matrix.html(matrix.load([path]))
    assert "<script" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'onmouseover="' not in page  # the quote in the baseline reason stays inside title=


def test_html_is_self_contained_and_colours_verdicts(columns: list[matrix.Column]) -> None:
    page = matrix.html(columns)
    assert '<meta charset="utf-8">' in page
    for external in ("<link", "<script", "src=", "@import", "url("):
        assert external not in page
    assert '<td class="v-FAIL">FAIL</td>' in page
    assert '<td class="v-FAIL baselined" title="baselined: vendor ticket 42">' in page
    assert '<td class="absent">—</td>' in page
    assert "t: expected 1; got 2" in page  # a FAIL's notes are listed


def test_pipes_and_markup_are_escaped_in_markdown(tmp_path: Path) -> None:
    doc = results(
        "zenith",
        "wss://x/a|b",
        [req("ZEN-AUTH-01", "MUST", "authentication", "FAIL", title="a | b", notes=(SCRIPT,))],
    )
    md = matrix.markdown(matrix.load([write(tmp_path, "z", doc)]))
    row = md_table_row(md, "ZEN-AUTH-01")
    assert row == ["ZEN-AUTH-01", "MUST", "a \\| b", "FAIL"]
    assert "# wsconform run comparison" in md and "wss://x/a\\|b" in md
    assert "<script" not in md


def test_write_puts_html_and_markdown_next_to_the_prefix(
    columns: list[matrix.Column], tmp_path: Path
) -> None:
    html_path, md_path = matrix.write(columns, tmp_path / "out" / "matrix-0.1")
    assert html_path == tmp_path / "out" / "matrix-0.1.html"
    assert md_path == tmp_path / "out" / "matrix-0.1.md"
    assert html_path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert md_path.read_text(encoding="utf-8") == matrix.markdown(columns)


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "nope" / "results.json"
    with pytest.raises(MatrixError, match=re.escape(str(missing))):
        matrix.load([missing])


def with_entry(entry: dict[str, Any]) -> str:
    """A results.json whose requirement entry is `entry`."""
    return json.dumps(results("zenith", "t", ZEN_A[:1]).as_dict() | {"requirements": [entry]})


@pytest.mark.parametrize(
    "content",
    [
        "not json {",
        json.dumps([1, 2]),
        json.dumps({"tests": [], "summary": {}}),  # some other JSON document
        with_entry({"id": "ZEN-AUTH-01"}),  # an entry lacks keys
        with_entry(ZEN_A[0].as_dict() | {"verdict": "MAYBE"}),
    ],
)
def test_a_file_that_is_not_a_results_json_is_named(tmp_path: Path, content: str) -> None:
    good = write(tmp_path, "good", results("zenith", "t", ZEN_A))
    bad = tmp_path / "bad.json"
    bad.write_text(content, encoding="utf-8")
    with pytest.raises(MatrixError, match=re.escape(str(bad))):
        matrix.load([good, bad])


def test_a_family_a_newer_suite_added_is_kept_after_the_known_ones(tmp_path: Path) -> None:
    doc = results("zenith", "t", [req("Z-1", "MUST", "telepathy", "PASS"), *ZEN_A])
    fams = matrix.families(matrix.load([write(tmp_path, "z", doc)]))
    assert [f.name for f in fams] == ["authentication", "expiry", "telepathy"]


# Two vendors' requirements for the same behaviours, and one of each vendor's own.
ZEN_SHARED = [
    req("ZEN-REJ-04", "MUST", "rejection", "PASS", behaviour="expired-token-refused"),
    req("ZEN-EXP-01", "MUST", "expiry", "FAIL", behaviour="private-data-at-expiry"),
    req("ZEN-SUB-04", "MUST", "subscription replay", "PASS"),
]
EOP_SHARED = [
    req("EOP-REJ-02", "MUST", "rejection", "PASS", behaviour="expired-token-refused"),
    req("EOP-EXP-02", "MUST", "expiry", "WARN", behaviour="expired-token-refused"),
]


def test_profiles_line_up_by_shared_behaviour(tmp_path: Path) -> None:
    columns = matrix.load([
        write(tmp_path, "z", results("zenith", "wss://z", ZEN_SHARED)),
        write(tmp_path, "e", results("ethgas-op", "wss://e", EOP_SHARED)),
    ])  # fmt: skip
    md = matrix.markdown(columns)
    assert md.startswith("# wsconform cross-profile matrix, by behaviour")
    row = md_table_row(md, "expired-token-refused")
    assert row[1:] == [
        "MUST", "an expired token is refused", "ZEN-REJ-04 PASS",
        "EOP-REJ-02 PASS, EOP-EXP-02 WARN",
    ]  # fmt: skip
    assert md_table_row(md, "ZEN-SUB-04")[3:] == ["PASS", "—"]  # no behaviour: its own row
    # The expiry requirement sits under its behaviour's family; the cell takes its worst colour.
    assert '<td class="v-WARN">EOP-REJ-02 PASS, EOP-EXP-02 WARN</td>' in matrix.html(columns)


def test_the_differences_view_keeps_rows_whose_columns_disagree(
    columns: list[matrix.Column],
) -> None:
    both_zenith = columns[:2]
    shown = [r.key for f in matrix.families(both_zenith, differences=True) for r in f.rows]
    assert shown == ["ZEN-AUTH-02", "ZEN-EXP-01", "ZEN-HB-01"]
    assert matrix.changes(both_zenith) == [
        "ZEN-AUTH-02: PASS → FAIL",
        "ZEN-EXP-01: PASS → FAIL (baselined)",
        "ZEN-HB-01: — → WARN",
    ]
    md = matrix.markdown(both_zenith, differences=True)
    assert md.startswith("# wsconform run comparison: differences only")
    assert "| ZEN-AUTH-01 |" not in md


def test_two_identical_runs_have_no_differences(tmp_path: Path) -> None:
    same = results("zenith", "wss://a", ZEN_A)
    columns = matrix.load([write(tmp_path, "1", same), write(tmp_path, "2", same)])
    assert matrix.changes(columns) == []
    assert 'id="no-differences"' in matrix.html(columns, differences=True)


def test_columns_are_labelled_with_time_and_suite_version(columns: list[matrix.Column]) -> None:
    assert columns[0].when == "1970-01-01 00:00 UTC, wsconform 0.1.0"
    assert "1970-01-01 00:00 UTC, wsconform 0.1.0" in matrix.html(columns)


def test_compare_lists_what_changed_and_reads_bundle_directories(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from wsconform import cli

    night = write(tmp_path, "night", results("zenith", "wss://a", ZEN_A))
    today = write(tmp_path, "today", results("zenith", "wss://a", ZEN_B))
    prefix = tmp_path / "diff"
    argv = ["compare", str(night.parent), str(today), "--differences", "-o", str(prefix)]
    assert cli.main(argv) == 0
    out = capsys.readouterr().out
    assert "3 of 5 rows differ" in out and "ZEN-AUTH-02: PASS → FAIL" in out
    assert "ZEN-AUTH-01" not in (prefix.with_name("diff.md")).read_text(encoding="utf-8")


def test_across_profiles_a_difference_is_a_verdict_not_an_absence(tmp_path: Path) -> None:
    """Most rows are one vendor's alone: only verdicts that disagree make a difference."""
    columns = matrix.load([
        write(tmp_path, "z", results("zenith", "wss://z", ZEN_SHARED)),
        write(tmp_path, "e", results("ethgas-op", "wss://e", EOP_SHARED)),
    ])  # fmt: skip
    assert matrix.changes(columns) == [
        "expired-token-refused: ZEN-REJ-04 PASS | EOP-REJ-02 PASS, EOP-EXP-02 WARN"
    ]
