"""The matrix: several runs' results.json side by side, one column per run.

Runs of several profiles line up by behaviour (suites/behaviours.toml), the way Autobahn's
report lines up implementations: a row is "an expired token is refused", and each vendor's cell
is the verdict of its own requirement(s) for it, judged by its own documents. A requirement no
shared behaviour names keeps a row of its own. Runs of one profile (staging vs production, last
night vs tonight) line up requirement by requirement. Rows are grouped by family, each with a
per-column summary; the differences view keeps the rows whose columns disagree.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path

from wsconform.report import html as html_report
from wsconform.report.results import RequirementResult, Results, ResultsError
from wsconform.requirements import FAMILIES, Level, behaviours

ABSENT = "—"
LEVELS = tuple(str(level) for level in Level)
# The order the non-PASS verdicts are listed in a summary: the worst first.
VERDICT_ORDER = ("FAIL", "ERROR", "WARN", "INFO", "SKIP", "UNTESTED")
# A cell of several requirements is coloured by its worst verdict; INFO only records.
WORST_FIRST = ("FAIL", "ERROR", "WARN", "SKIP", "UNTESTED", "PASS", "INFO")
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
        shown = r.mock_defect and r.mock_defect not in r.target  # the mock's target names it
        defect = f" [defect: {r.mock_defect}]" if shown else ""
        return f"{r.profile} @ {r.target}{defect}"

    @property
    def when(self) -> str:
        """When the run finished and with which suite: two runs of one target differ here."""
        finished = datetime.fromtimestamp(self.results.finished, UTC)
        return f"{finished:%Y-%m-%d %H:%M} UTC, wsconform {self.results.suite_version}"


Cell = tuple[RequirementResult, ...]  # a column's requirements for a row; () where it has none


@dataclass(frozen=True)
class Row:
    key: str  # a behaviour id, or a requirement id where no behaviour names it
    level: str  # the requirements' level(s), e.g. "MUST" or "MUST/INFO"
    title: str
    cells: tuple[Cell, ...]  # one per column
    shared: bool  # a behaviour row: cells name their requirement ids

    def differs(self, across_profiles: bool) -> bool:
        """Whether the columns disagree. Runs of one profile: a verdict differs, or one run
        lacks the requirement. Across profiles, where most rows are some vendor's alone: the
        columns that have the row give different verdicts."""
        cells = [c for c in self.cells if c] if across_profiles else self.cells
        return len({frozenset(verdict_text(e) for e in cell) for cell in cells}) > 1


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


def families(columns: list[Column], differences: bool = False) -> list[Family]:
    """Rows grouped by family in FAMILIES order; a family no row is in is left out. With
    `differences`, only the rows whose columns disagree."""
    everything, across = _rows(columns), by_behaviour(columns)
    found = []
    for name in _family_names(everything):
        rows = [row for family, row in everything if family == name]
        shown = tuple(row for row in rows if not differences or row.differs(across))
        if shown:
            found.append(Family(name, shown, tuple(_summary(rows, i) for i in range(len(columns)))))
    return found


def by_behaviour(columns: list[Column]) -> bool:
    """Runs of several profiles line up by behaviour; runs of one, requirement by requirement."""
    return len({c.results.profile for c in columns}) > 1


def _family_names(rows: list[tuple[str, Row]]) -> list[str]:
    # A family a newer suite added still shows, after the known ones, rather than vanishing.
    return list(FAMILIES) + [f for f in dict.fromkeys(f for f, _ in rows) if f not in FAMILIES]


def _rows(columns: list[Column]) -> list[tuple[str, Row]]:
    """(family, row): the shared behaviours first, in their vocabulary's order, then each
    vendor's own requirements in catalogue order, its IDs together."""
    shared = behaviours() if by_behaviour(columns) else {}

    def key(entry: RequirementResult) -> str:
        named = entry.requirement.behaviour
        return named if named in shared else entry.id

    first: dict[str, RequirementResult] = {}
    for column in columns:
        for entry in column.requirements.values():
            first.setdefault(key(entry), entry)
    rows = []
    for name, entry in first.items():
        cells = tuple(tuple(e for e in c.requirements.values() if key(e) == name) for c in columns)
        levels = "/".join(dict.fromkeys(str(e.level) for cell in cells for e in cell))
        if name in shared:
            behaviour = shared[name]
            rows.append((behaviour.family, Row(name, levels, behaviour.title, cells, True)))
        else:
            rows.append((entry.family, Row(name, levels, entry.title, cells, False)))
    order = {key: i for i, key in enumerate(shared)}
    return sorted(rows, key=lambda pair: order.get(pair[1].key, len(order)))


def _summary(rows: list[Row], column: int) -> str:
    """E.g. "7/9 PASS, 1 FAIL, 1 INFO" over the column's requirements in these rows."""
    verdicts = [e.verdict for row in rows for e in row.cells[column]]
    if not verdicts:
        return ABSENT
    counts = Counter(verdicts)
    rest = [f"{counts[v]} {v}" for v in VERDICT_ORDER if counts[v]]
    return ", ".join([f"{counts['PASS']}/{len(verdicts)} PASS", *rest])


def worst(cell: Cell) -> str:
    """The verdict a cell is coloured by."""
    return min((str(e.verdict) for e in cell), key=WORST_FIRST.index, default="absent")


def cell_text(row: Row, cell: Cell) -> str:
    """ "PASS", or for a behaviour row each requirement with its verdict."""
    if not cell:
        return ABSENT
    if not row.shared:
        return verdict_text(cell[0])
    return ", ".join(f"{e.id} {verdict_text(e)}" for e in cell)


def changes(columns: list[Column]) -> list[str]:
    """One line per row whose columns disagree: its key and each column's cell, in order (runs
    of one profile: from each run to the next)."""
    between = " | " if by_behaviour(columns) else " → "
    return [
        f"{row.key}: " + between.join(cell_text(row, cell) for cell in row.cells)
        for family in families(columns, differences=True)
        for row in family.rows
    ]


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


def _column_caption(i: int, column: Column) -> str:
    flags = [column.when, column.results.title, str(column.path)]
    if not column.results.tls_verified:
        flags.append("TLS NOT verified")
    if column.results.strict:
        flags.append("strict")
    return f"{i}. **{_md(column.label)}** — " + "; ".join(_md(f) for f in flags)


def heading(columns: list[Column], differences: bool) -> str:
    kind = "cross-profile matrix, by behaviour" if by_behaviour(columns) else "run comparison"
    return f"wsconform {kind}" + (": differences only" if differences else "")


def markdown(columns: list[Column], differences: bool = False) -> str:
    lines = [f"# {heading(columns, differences)}", ""]
    lines += [_column_caption(i, c) for i, c in enumerate(columns, 1)]
    header = ["Row", "Level", "Requirement or behaviour", *(_md(c.label) for c in columns)]
    lines += ["", _md_row(header), _md_row(["---"] * len(header))]
    lines.append(_md_row(["**overall**", "", "", *(_md(overall(c).text) for c in columns)]))
    for fam in families(columns, differences):
        lines.append(_md_row([f"**{_md(fam.name)}**", "", "", *(_md(s) for s in fam.summaries)]))
        for row in fam.rows:
            cells = [_md(cell_text(row, cell)) for cell in row.cells]
            lines.append(_md_row([_md(row.key), row.level, _md(row.title), *cells]))
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


def html(columns: list[Column], differences: bool = False) -> str:
    return html_report.render(
        "matrix.html.j2",
        heading=heading(columns, differences),
        columns=columns,
        overalls=[overall(c) for c in columns],
        families=families(columns, differences),
        explained=[(c, explained(c)) for c in columns],
        cell_text=cell_text,
        worst=worst,
        text=verdict_text,
    )


def write(columns: list[Column], out_prefix: Path, differences: bool = False) -> tuple[Path, Path]:
    """Write <prefix>.html and <prefix>.md; returns (html_path, md_path)."""
    out_prefix = Path(out_prefix)
    out_prefix.parent.mkdir(parents=True, exist_ok=True)
    # with_name, not with_suffix: a prefix like "matrix-0.1" must not lose its ".1".
    html_path = out_prefix.with_name(out_prefix.name + ".html")
    md_path = out_prefix.with_name(out_prefix.name + ".md")
    html_path.write_text(html(columns, differences), encoding="utf-8")
    md_path.write_text(markdown(columns, differences), encoding="utf-8")
    return html_path, md_path
