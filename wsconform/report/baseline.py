"""The baseline gate: known failures, each with a reason, that do not fail the run.

A baseline file (`--baseline FILE`, written by `wsconform baseline`) lists entries by test node ID
or by requirement ID:

    {"format": "wsconform-baseline/1",
     "entries": [{"requirement": "PDX-REJ-01", "reason": "vendor ticket 123"},
                 {"test": "suites/paradex/test_rejection.py::test_x", "reason": "..."}]}

A failed test is baselined when an entry names it (a node ID without `[...]` covers every
parametrization), or when every requirement its failure falls on is baselined. The failure is
still reported, marked as baselined; only the gate lets it pass. Only verdicts can be known
(FAIL, and WARN under --strict): a test that could not finish (ERROR) is never baselined. An
entry whose test passed, or whose requirement now passes, is stale: the report lists it, so the
baseline can shrink (--strict-baseline fails the run on it). An entry naming a requirement or a
test that does not exist is an error, not silently ignored.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Collection
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wsconform.requirements import Verdict

if TYPE_CHECKING:  # results holds the stale entries: it imports this module
    from wsconform.report.results import RequirementResult, Results, TestResult

FORMAT = "wsconform-baseline/1"
KNOWABLE = (Verdict.FAIL, Verdict.WARN)  # verdicts a baseline may cover; ERROR is never one
DECIDED_OK = (Verdict.PASS, Verdict.INFO)  # a requirement entry that now gets one is stale


class BaselineError(ValueError):
    """A baseline file that cannot be used; the message says which and why."""


@dataclass(frozen=True)
class Entry:
    reason: str
    test: str | None = None
    requirement: str | None = None

    def as_dict(self) -> dict[str, str]:
        return {k: v for k, v in asdict(self).items() if v is not None}

    def covers_test(self, nodeid: str) -> bool:
        return self.test is not None and self.test in (nodeid, nodeid.split("[", 1)[0])


@dataclass(frozen=True)
class Baseline:
    path: str
    entries: tuple[Entry, ...]

    def reason_for(self, nodeid: str, failing_requirements: list[str]) -> str | None:
        """Why this failure is known, or None when it is a new one."""
        for entry in self.entries:
            if entry.covers_test(nodeid):
                return entry.reason
        by_req = {e.requirement: e.reason for e in self.entries if e.requirement}
        if failing_requirements and all(r in by_req for r in failing_requirements):
            return "; ".join(dict.fromkeys(by_req[r] for r in failing_requirements))
        return None

    def stale(self, tests: list[TestResult], requirements: list[RequirementResult]) -> list[Entry]:
        """Entries about tests or requirements this run judged, which no longer fail."""
        verdicts = {r.id: r.verdict for r in requirements}
        found = []
        for entry in self.entries:
            if entry.requirement is not None:
                # A SKIP or an ERROR decided nothing: the entry may still be needed.
                if verdicts.get(entry.requirement) in DECIDED_OK:
                    found.append(entry)
                continue
            outcomes = [t.outcome for t in tests if entry.covers_test(t.nodeid)]
            if outcomes and all(o == "passed" for o in outcomes):
                found.append(entry)
        return found

    def check_requirements(self, known: Collection[str], where: str) -> None:
        """Raise BaselineError naming every requirement entry not in `known` (`where` says
        which catalogues those are)."""
        unknown = [
            e.requirement for e in self.entries if e.requirement and e.requirement not in known
        ]
        if unknown:
            raise BaselineError(
                f"baseline {self.path}: unknown requirement {', '.join(unknown)} (not in {where})"
            )

    def check_tests(self, collected: Collection[str], root: Path) -> None:
        """Raise BaselineError naming every test entry that does not exist: its file is missing
        under `root`, or the file was collected and holds no such test (a file this run did not
        collect cannot be told)."""
        files = {n.split("::", 1)[0] for n in collected}
        names = set(collected) | {n.split("[", 1)[0] for n in collected}
        unknown = []
        for entry in self.entries:
            if entry.test is None:
                continue
            file = entry.test.split("::", 1)[0]
            if not (root / file).is_file() or (file in files and entry.test not in names):
                unknown.append(entry.test)
        if unknown:
            raise BaselineError(f"baseline {self.path}: no such test {', '.join(unknown)}")


def load(path: str | Path) -> Baseline:
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BaselineError(f"baseline {path} does not exist") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BaselineError(f"baseline {path} is not readable JSON: {exc}") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise BaselineError(f'baseline {path}: expected a JSON object with "format": "{FORMAT}"')
    raw_entries = document.get("entries")
    if not isinstance(raw_entries, list):
        raise BaselineError(f'baseline {path}: "entries" must be a list')
    entries = []
    for n, raw in enumerate(raw_entries, 1):
        keys = set(raw) if isinstance(raw, dict) else set()
        named = keys & {"test", "requirement"}
        reason = raw.get("reason") if isinstance(raw, dict) else None
        if len(named) != 1 or not isinstance(reason, str) or not reason.strip():
            raise BaselineError(
                f"baseline {path}: entry {n} needs one of test or requirement, and a reason"
            )
        if keys - {"test", "requirement", "reason"}:
            raise BaselineError(f"baseline {path}: entry {n} has unknown keys {sorted(keys)}")
        entries.append(Entry(**raw))
    return Baseline(str(path), tuple(entries))


def from_results(runs: list[Results]) -> dict[str, Any]:
    """A baseline of every FAIL and WARN requirement in the given runs' results, each with the
    failed check's own message as its reason (edit it to say why it is accepted). ERROR
    requirements are left out: a test that could not finish cannot be baselined."""
    entries = []
    for run in runs:
        for req in run.requirements:
            if req.verdict in KNOWABLE:
                entries.append({"requirement": req.id, "reason": _check_message(run, req)})
    return {"format": FORMAT, "entries": entries}


def _check_message(run: Results, req: RequirementResult) -> str:
    """`what: expected …; got …` of the first check that missed the requirement."""
    for test in run.tests:
        for check in test.checks:
            if check.req_id == req.id and check.verdict == req.verdict:
                first = check.detail.splitlines()[0] if check.detail else ""
                return textwrap.shorten(f"{check.what}: {first}" if first else check.what, 200)
    # A failure no check attributed (a timeout, a closed socket): no message of a check to quote.
    return f"{req.verdict} against {run.target}, no check recorded why: see its tests"
