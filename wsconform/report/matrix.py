"""A cross-vendor matrix: several runs' results.json side by side, one column per target.

Requirement IDs are per vendor (ZEN-AUTH-01, PDX-AUTH-01), so a row is one requirement and a
column that has no such requirement shows "—". Rows are grouped by behaviour family, which is
what makes vendors comparable at a glance: each family gets a per-column summary line.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from wsconform.report import html as html_report
from wsconform.report.results import RequirementResult, Results, ResultsError
from wsconform.requirements import FAMILIES, Level

ABSENT = "—"
LEVELS = tuple(str(level) for level in Level)
# The order the non-PASS verdicts are listed in a summary: the worst first.
VERDICT_ORDER = ("FAIL", "ERROR", "WARN", "INFO", "SKIP", "UNTESTED")
# Verdicts the overall row counts; ERROR too, since it means a check never finished.
OVERALL_VERDICTS = ("FAIL", "ERROR", "WARN")
# Cells whose notes the details section lists: a PASS or an INFO needs no explanation.
EXPLAINED = frozenset({"FAIL", "ERROR", "WARN", "SKIP", "UNTESTED"})


class MatrixError(Exception):
    """A results file the matrix cannot use; the message names the file."""


def verdict_text(entry: RequirementResult) -> str:
    """A cell's text: the verdict, and whether a baseline knows it."""
    return f"{entry.verdict} (baselined)" if entry.baselined else str(entry.verdict)


@dataclass(frozen=True)
class Column:
    """One target: one results.json."""

    path: Path
    results: Results

    @cached_property
    def requirements(self) -> dict[str, RequirementResult]:
        """By id, in catalogue order."""
        return {r.id: r for r in self.results.requirements}

    @property
    def certification(self) -> str:
        """The run's verdict, as its results.json and bundle state it (load refuses a column
        without one)."""
        return self.results.certification.verdict if self.results.certification else ABSENT

    @property
    def label(self) -> str:
        r = self.results
        defect = f" [defect: {r.mock_defect}]" if r.mock_defect else ""
        return f"{r.profile} @ {r.target}{defect}"


@dataclass(frozen=True)
class Row:
    id: str
    level: str
    title: str
    cells: tuple[RequirementResult | None, ...]  # one per column; None where it lacks the id


@dataclass(frozen=True)
class Family:
    name: str
    rows: tuple[Row, ...]
    summaries: tuple[str, ...]  # one per column


@dataclass(frozen=True)
class Overall:
    """A column's verdict at a glance: the run's certification (the one its exit code and bundle
    state), then the FAIL/ERROR/WARN counts per level."""

    certification: str  # CERTIFIED | NOT CERTIFIED | INCOMPLETE
    counts: dict[str, dict[str, int]]  # level → verdict → n, non-zero only
    baselined: int  # how many of the counted verdicts carry a baseline
    must_failed: bool  # any MUST FAIL, baselined or not: the matrix does not hide them

    @property
    def head(self) -> str:
        return self.certification

    @property
    def css(self) -> str:
        return {"CERTIFIED": "v-PASS", "INCOMPLETE": "v-ERROR"}.get(self.certification, "v-FAIL")

    @property
    def tail(self) -> str:
        parts = [
            f"{level}: " + ", ".join(f"{n} {v}" for v, n in verdicts.items())
            for level, verdicts in self.counts.items()
        ]
        tail = "; ".join(parts) or "no FAIL, ERROR or WARN"
        return tail + (f" ({self.baselined} baselined)" if self.baselined else "")

    @property
    def text(self) -> str:
        return f"{self.head} — {self.tail}"


# --- loading -----------------------------------------------------------------------------------


def load(paths: list[Path]) -> list[Column]:
    """One column per results.json, in the order given."""
    return [_load_one(Path(p)) for p in paths]


def _load_one(path: Path) -> Column:
    try:
        results = Results.load(path)
    except ResultsError as exc:
        raise MatrixError(str(exc)) from None
    if results.certification is None:  # a run from before the run's verdict was recorded
        raise MatrixError(f"{path}: not a wsconform results.json (lacks ['certification'])")
    return Column(path, results)


# --- the table ---------------------------------------------------------------------------------


def families(columns: list[Column]) -> list[Family]:
    """Rows grouped by family in FAMILIES order; a family no column has is left out."""
    return [
        Family(name, tuple(rows), tuple(_summary(c, name) for c in columns))
        for name in _family_names(columns)
        if (rows := _rows(columns, name))
    ]


def _family_names(columns: list[Column]) -> list[str]:
    # A family a newer suite added still shows, after the known ones, rather than vanishing.
    seen = [e.family for c in columns for e in c.requirements.values()]
    return list(FAMILIES) + [f for f in dict.fromkeys(seen) if f not in FAMILIES]


def _rows(columns: list[Column], family: str) -> list[Row]:
    # First-seen order keeps each vendor's catalogue order, and its IDs together.
    first: dict[str, RequirementResult] = {}
    for column in columns:
        for entry in column.requirements.values():
            if entry.family == family:
                first.setdefault(entry.id, entry)
    return [
        Row(e.id, str(e.level), e.title, tuple(c.requirements.get(e.id) for c in columns))
        for e in first.values()
    ]


def _summary(column: Column, family: str) -> str:
    """E.g. "7/9 PASS, 1 FAIL, 1 INFO" over the requirements this column has in `family`."""
    verdicts = [e.verdict for e in column.requirements.values() if e.family == family]
    if not verdicts:
        return ABSENT
    counts = Counter(verdicts)
    rest = [f"{counts[v]} {v}" for v in VERDICT_ORDER if counts[v]]
    return ", ".join([f"{counts['PASS']}/{len(verdicts)} PASS", *rest])


def overall(column: Column) -> Overall:
    counts: dict[str, dict[str, int]] = {}
    baselined = 0
    for level in LEVELS:
        hits = [
            e
            for e in column.requirements.values()
            if e.level == level and e.verdict in OVERALL_VERDICTS
        ]
        baselined += sum(1 for e in hits if e.baselined)
        tally = Counter(e.verdict for e in hits)
        if tally:
            counts[level] = {v: tally[v] for v in OVERALL_VERDICTS if tally[v]}
    must_failed = "FAIL" in counts.get("MUST", {})
    return Overall(column.certification, counts, baselined, must_failed)


def explained(column: Column) -> list[RequirementResult]:
    """The entries whose verdict wants a reason: non-PASS/INFO ones, and any baselined one."""
    return [e for e in column.requirements.values() if e.verdict in EXPLAINED or e.baselined]


# --- renderings --------------------------------------------------------------------------------


def _md(text: str) -> str:
    """Text safe inside a Markdown table cell: one line, no column break, no raw HTML."""
    flat = " ".join(text.split())
    return flat.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")


def _md_row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _cell_text(entry: RequirementResult | None) -> str:
    return verdict_text(entry) if entry else ABSENT


def _column_caption(i: int, column: Column) -> str:
    flags = [column.results.title, str(column.path)]
    if not column.results.tls_verified:
        flags.append("TLS NOT verified")
    if column.results.strict:
        flags.append("strict")
    return f"{i}. **{_md(column.label)}** — " + "; ".join(_md(f) for f in flags)


def markdown(columns: list[Column]) -> str:
    lines = ["# wsconform cross-vendor matrix", ""]
    lines += [_column_caption(i, c) for i, c in enumerate(columns, 1)]
    lines += ["", _md_row(["ID", "Level", "Requirement", *(_md(c.label) for c in columns)])]
    lines.append(_md_row(["---"] * (3 + len(columns))))
    lines.append(_md_row(["**overall**", "", "", *(_md(overall(c).text) for c in columns)]))
    for fam in families(columns):
        lines.append(_md_row([f"**{_md(fam.name)}**", "", "", *(_md(s) for s in fam.summaries)]))
        for row in fam.rows:
            cells = [_md(_cell_text(e)) for e in row.cells]
            lines.append(_md_row([_md(row.id), row.level, _md(row.title), *cells]))
    lines += _md_details(columns)
    return "\n".join(lines) + "\n"


def _md_details(columns: list[Column]) -> list[str]:
    lines = ["", "## Details", ""]
    for column in columns:
        entries = explained(column)
        if not entries:
            continue
        lines += [f"### {_md(column.label)}", ""]
        for e in entries:
            lines.append(f"- **{_md(e.id)}** {_md(verdict_text(e))} — {_md(e.title)}")
            if e.baselined:
                lines.append(f"  - baselined: {_md(e.baselined)}")
            lines += [f"  - {_md(note)}" for note in e.notes]
        lines.append("")
    if lines[-1] == "":
        lines.pop()
    return lines if len(lines) > 3 else []


def html(columns: list[Column]) -> str:
    return html_report.render(
        "matrix.html.j2",
        columns=columns,
        overalls=[overall(c) for c in columns],
        families=families(columns),
        explained=[(c, explained(c)) for c in columns],
        absent=ABSENT,
        text=verdict_text,
    )


def write(columns: list[Column], out_prefix: Path) -> tuple[Path, Path]:
    """Write <prefix>.html and <prefix>.md; returns (html_path, md_path)."""
    out_prefix = Path(out_prefix)
    out_prefix.parent.mkdir(parents=True, exist_ok=True)
    # with_name, not with_suffix: a prefix like "matrix-0.1" must not lose its ".1".
    html_path = out_prefix.with_name(out_prefix.name + ".html")
    md_path = out_prefix.with_name(out_prefix.name + ".md")
    html_path.write_text(html(columns), encoding="utf-8")
    md_path.write_text(markdown(columns), encoding="utf-8")
    return html_path, md_path
