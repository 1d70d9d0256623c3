"""Whether a run decided what it set out to decide, and if not, why (issue 18 §1).

A run is COMPLETE when it ran its profile's whole suite to the end and decided every MUST
requirement (PASS or FAIL). Otherwise it is INCOMPLETE, with one reason per gap: a MUST
requirement skipped (no token source for a kind), errored, deselected or never reached; a partial
selection (-k, -m, --req, --lf, a file or a test id instead of the suite); an interruption
(Ctrl-C, -x). A partial or interrupted run is never CERTIFIED, whatever it decided.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wsconform.requirements import Level, Verdict

if TYPE_CHECKING:  # results holds a Selection and a Completeness: it imports this module
    from wsconform.report.results import RequirementResult

UNDECIDED = (Verdict.SKIP, Verdict.ERROR, Verdict.UNTESTED)


@dataclass
class Selection:
    """What a run was asked to run, as the bundle records it."""

    paths: list[str] = field(default_factory=list)  # as given on the command line
    keyword: str = ""  # -k
    marks: str = ""  # -m
    requirements: list[str] = field(default_factory=list)  # --req
    last_failed: bool = False  # --lf
    deselected: dict[str, list[str]] = field(default_factory=dict)  # test id → its requirements

    def narrowed(self) -> list[str]:
        """The paths that name a file or a test rather than a suite directory."""
        return [p for p in self.paths if "::" in p or Path(p).is_file()]

    def partial(self) -> list[str]:
        """Why this selection is less than the whole suite (none when it is all of it)."""
        reasons = [f"partial selection: {p} is not a whole suite" for p in self.narrowed()]
        if self.last_failed:
            reasons.append("partial selection: only the last run's failures (--lf)")
        if self.deselected:
            by = [
                f"{flag} {value!r}"
                for flag, value in (("-k", self.keyword), ("-m", self.marks))
                if value
            ]
            if self.requirements:
                by.append(f"--req {','.join(self.requirements)}")
            how = f" by {', '.join(by)}" if by else ""
            reasons.append(f"partial selection: {len(self.deselected)} tests deselected{how}")
        return reasons

    def as_dict(self) -> dict[str, Any]:
        document = asdict(self)
        document["deselected"] = sorted(self.deselected)
        return document


@dataclass(frozen=True)
class Completeness:
    complete: bool
    reasons: list[str]


def assess(
    requirements: list[RequirementResult], selection: Selection, interrupted: str | None
) -> Completeness:
    """COMPLETE, or INCOMPLETE with every reason: the run's, then each undecided MUST's."""
    reasons = selection.partial()
    if interrupted:
        reasons.append(f"interrupted: {interrupted}")
    deselected = {r for reqs in selection.deselected.values() for r in reqs}
    for req in requirements:
        if req.level != Level.MUST or req.verdict not in UNDECIDED:
            continue
        reasons.append(f"{req.id} [MUST] {_why_undecided(req, deselected, interrupted)}")
    return Completeness(not reasons, reasons)


def _why_undecided(req: RequirementResult, deselected: set[str], interrupted: str | None) -> str:
    note = req.notes[0].splitlines()[0] if req.notes else ""
    if req.verdict == Verdict.SKIP:
        return f"skipped: {note}"
    if req.verdict == Verdict.ERROR:
        return f"errored: {note}"
    if req.id in deselected:
        return "not run: its tests were deselected"
    if interrupted:
        return "not reached: the run was interrupted"
    return f"untested: {note}"
