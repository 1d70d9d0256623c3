"""The baseline gate: known failures, each with a reason, that do not fail the run.

A baseline file (`--baseline FILE`, written by `wsconform baseline`) lists entries by test node ID
or by requirement ID:

    {"format": "wsconform-baseline/1",
     "entries": [{"requirement": "PDX-REJ-01", "reason": "vendor ticket 123"},
                 {"test": "suites/paradex/test_rejection.py::test_x", "reason": "..."}]}

A failed test is baselined when an entry names it (a node ID without `[...]` covers every
parametrization), or when every requirement its failure falls on is baselined. The failure is
still reported, marked as baselined; only the gate lets it pass. An entry whose test passed, or
whose requirement is no longer red, is stale: the report lists it, so the baseline can shrink.
"""

from __future__ import annotations

import json
import textwrap
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

FORMAT = "wsconform-baseline/1"
RED = ("FAIL", "ERROR")


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

    def stale(self, tests: list[dict[str, Any]], requirements: list[dict[str, Any]]) -> list[Entry]:
        """Entries about tests or requirements this run judged, which no longer fail."""
        verdicts = {r["id"]: r["verdict"] for r in requirements}
        found = []
        for entry in self.entries:
            if entry.requirement is not None:
                if entry.requirement in verdicts and verdicts[entry.requirement] not in RED:
                    found.append(entry)
                continue
            outcomes = [t["outcome"] for t in tests if entry.covers_test(t["nodeid"])]
            if outcomes and all(o == "passed" for o in outcomes):
                found.append(entry)
        return found


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


def from_results(documents: list[dict[str, Any]]) -> dict[str, Any]:
    """A baseline of every red requirement in the given results.json documents (edit the
    reasons: they say only when and where the failure was seen)."""
    entries = []
    for doc in documents:
        for req in doc["requirements"]:
            if req["verdict"] in RED:
                seen = f"{req['verdict']} against {doc['target']}"
                note = req["notes"][0].splitlines()[0] if req["notes"] else ""
                reason = f"{seen}: {textwrap.shorten(note, 160)}" if note else seen
                entries.append({"requirement": req["id"], "reason": reason})
    return {"format": FORMAT, "entries": entries}
