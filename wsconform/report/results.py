"""results.json as a typed model: one profile's run, what every report reads (issue 19 §4).

settings → run → session → checks → results → reports. The plugin builds a `Results` from what
its tests recorded and saves it as reports/<profile>/results.json; the exit code, the verdict
table, the signed bundle (its results.json, JUnit and index.html), the baseline, the matrix,
replay, the flake finder and the kill matrix read that model, never the JSON by key.

On disk it is the document it always was: the same keys in the same order, the same values
(`as_dict`). The keys every results.json has had since the first are required; one written
before a later key existed still loads, with that key's default. `summary` and `untested` are
not stored in the model: they are counted from the requirements, as the file's were.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any, TypeVar

from wsconform.checks import CheckRecord
from wsconform.report.baseline import Entry
from wsconform.report.completeness import Completeness, Selection
from wsconform.requirements import Level, Requirement, Verdict

OUTCOMES = ("passed", "failed", "skipped", "error")
# What every results.json has held since the first one; keys added later are optional.
DOCUMENT_KEYS = (
    "profile", "title", "suite_version", "target", "strict", "mock_defect", "started", "finished",
    "requirements", "tests",
)  # fmt: skip
REQUIREMENT_KEYS = (
    "id", "level", "family", "title", "source", "quote", "verdict", "tests", "notes",
)  # fmt: skip
TEST_KEYS = (
    "nodeid", "profile", "reqs", "outcome", "duration", "checks", "failed_req", "message",
    "transcript",
)  # fmt: skip
CHECK_KEYS = ("req", "verdict", "what", "detail")
SHOWN = 300  # characters of a malformed entry an error message quotes
E = TypeVar("E", Level, Verdict)
T = TypeVar("T")


class ResultsError(ValueError):
    """A file that is not a wsconform results.json, or cannot be read: the message names the
    file and what is wrong. `strerror` is set when the file could not be read at all."""

    def __init__(self, problem: str, path: str | Path | None = None, strerror: str | None = None):
        super().__init__(problem if path is None else f"{path}: {problem}")
        self.problem = problem
        self.path = path
        self.strerror = strerror


def _fields(raw: Any, keys: tuple[str, ...], what: str) -> dict[str, Any]:
    """`raw`, when it is an object holding every one of `keys`."""
    if not isinstance(raw, dict) or any(k not in raw for k in keys):
        shown = repr(raw)
        shown = shown if len(shown) <= SHOWN else shown[:SHOWN] + "…"
        raise ResultsError(f"{what} lacks one of {list(keys)}: {shown}")
    return raw


def _known(cls: type, raw: dict[str, Any]) -> dict[str, Any]:
    """The members of `raw` that are fields of the dataclass `cls` (a newer suite's are left)."""
    names = {f.name for f in fields(cls)}
    return {k: v for k, v in raw.items() if k in names}


def _make(cls: type[T], raw: Any, keys: tuple[str, ...], what: str) -> T:
    """The dataclass `cls` from an object that holds at least `keys`."""
    return cls(**_known(cls, _fields(raw, keys, what)))


def _list(raw: Any, what: str) -> list[Any]:
    if not isinstance(raw, list):
        raise ResultsError(f"{what} is not a list: {raw!r}")
    return raw


def _enum(kind: type[E], value: Any, where: str, what: str) -> E:
    try:
        return kind(value)
    except ValueError:
        raise ResultsError(f"{where} has an unknown {what} {value!r}") from None


def _check(raw: Any, nodeid: str) -> CheckRecord:
    """A check record as results.json holds it (CheckRecord.as_dict)."""
    raw = _fields(raw, CHECK_KEYS, f"a check of {nodeid}")
    verdict = _enum(Verdict, raw["verdict"], f"a check of {nodeid}", "verdict")
    return CheckRecord(raw["req"], verdict, raw["what"], raw["detail"])


@dataclass
class TestResult:
    """One test's record: what it covered, how it ended, every check it made."""

    __test__ = False  # a record, not a test class pytest should collect where it is imported

    nodeid: str
    profile: str
    reqs: list[str]
    outcome: str  # passed | failed | skipped | error
    duration: float = 0.0
    checks: list[CheckRecord] = field(default_factory=list)
    failed_req: str | None = None  # the requirement a ConformanceFailure named
    message: str = ""  # redacted failure text or skip reason
    transcript: str | None = None  # path relative to the profile's report directory
    baselined: str | None = None  # why this failure is known (--baseline): it does not gate
    notes: list[str] = field(default_factory=list)  # what it covered (a machine's exploration)
    reproduce: str = ""  # the command that re-runs a failed or errored test exactly
    # mask → origin of each secret its transcript shows (wsconform.provenance): what a replay
    # substitutes a fresh secret of the same kind for.
    tokens: dict[str, dict[str, Any]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """Its entry in results.json: every field in order, each check as CheckRecord writes it."""
        document = {f.name: getattr(self, f.name) for f in fields(self)}
        return document | {"checks": [c.as_dict() for c in self.checks]}

    @classmethod
    def from_dict(cls, raw: Any) -> TestResult:
        raw = _fields(raw, TEST_KEYS, "a test entry")
        nodeid = raw["nodeid"]
        if raw["outcome"] not in OUTCOMES:
            raise ResultsError(f"{nodeid} has an unknown outcome {raw['outcome']!r}")
        checks = [_check(c, nodeid) for c in _list(raw["checks"], f"the checks of {nodeid}")]
        return cls(**_known(cls, {**raw, "checks": checks}))


@dataclass
class RequirementResult:
    """One requirement of the catalogue and its verdict over the tests that covered it."""

    requirement: Requirement
    verdict: Verdict
    tests: list[str]
    notes: list[str]
    baselined: str | None = None  # every red test of it is baselined, for this reason
    link: str | None = None  # where the requirement's documentation is public

    # The catalogue's facts, read through: a report says r.id, r.level, as the JSON does.
    @property
    def id(self) -> str:
        return self.requirement.id

    @property
    def level(self) -> Level:
        return self.requirement.level

    @property
    def family(self) -> str:
        return self.requirement.family

    @property
    def title(self) -> str:
        return self.requirement.title

    @property
    def source(self) -> str:
        return self.requirement.source

    @property
    def quote(self) -> str:
        return self.requirement.quote

    def as_dict(self) -> dict[str, Any]:
        r = self.requirement
        return {
            "id": r.id,
            "level": str(r.level),
            "family": r.family,
            "title": r.title,
            "source": r.source,
            "link": self.link,
            "quote": r.quote,
            "wording": r.wording,
            "behaviour": r.behaviour,
            "verdict": str(self.verdict),
            "tests": self.tests,
            "notes": self.notes,
            "baselined": self.baselined,
        }

    @classmethod
    def from_dict(cls, raw: Any) -> RequirementResult:
        raw = _fields(raw, REQUIREMENT_KEYS, "a requirement entry")
        level = _enum(Level, raw["level"], raw["id"], "level")
        verdict = _enum(Verdict, raw["verdict"], raw["id"], "verdict")
        requirement = Requirement(
            raw["id"],
            level,
            raw["family"],
            raw["title"],
            raw["source"],
            raw["quote"],
            raw.get("wording", "verbatim"),
            raw.get("behaviour"),
        )
        return cls(
            requirement,
            verdict,
            _list(raw["tests"], f"the tests of {raw['id']}"),
            _list(raw["notes"], f"the notes of {raw['id']}"),
            raw.get("baselined"),
            raw.get("link"),
        )


@dataclass(frozen=True)
class Certification:
    """The run's one verdict: the exit code, the bundle and the matrix all state it."""

    verdict: str  # CERTIFIED | NOT CERTIFIED | INCOMPLETE
    reasons: list[str]


@dataclass(frozen=True)
class AppliedBaseline:
    """A failed test that a baseline entry knew (--baseline), and why."""

    test: str
    reason: str


@dataclass(frozen=True)
class BaselineReport:
    """What the run's baseline did: the failures it knew, the entries that no longer fail."""

    file: str
    applied: list[AppliedBaseline]
    stale: list[Entry]

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "applied": [asdict(a) for a in self.applied],
            "stale": [e.as_dict() for e in self.stale],
        }

    @classmethod
    def from_dict(cls, raw: Any) -> BaselineReport:
        raw = _fields(raw, ("file", "applied", "stale"), "the baseline")
        applied = [
            _make(AppliedBaseline, a, ("test", "reason"), "an applied baseline entry")
            for a in _list(raw["applied"], "the applied baseline entries")
        ]
        stale = [
            _make(Entry, e, ("reason",), "a stale baseline entry")
            for e in _list(raw["stale"], "the stale baseline entries")
        ]
        return cls(raw["file"], applied, stale)


def _optional(raw: dict[str, Any], key: str, convert: Callable[[Any], Any]) -> Any:
    """`raw[key]` converted, or None where it is null or absent (a run before the key was)."""
    return None if raw.get(key) is None else convert(raw[key])


@dataclass
class Results:
    """One profile's run: reports/<profile>/results.json, and the bundle's copy of it."""

    profile: str
    title: str
    suite_version: str
    target: str  # as the target describes itself: URL, live or embedded, the mock's defect
    requirements: list[RequirementResult]  # the catalogue's order
    tests: list[TestResult]
    started: float
    finished: float
    tls_verified: bool = True
    settings: list[str] = field(default_factory=list)  # each non-default setting, its origin
    strict: bool = False
    mock_defect: str | None = None
    capabilities: dict[str, Any] | None = None  # the vendor's statement (capabilities.as_dict)
    hypothesis: str = ""  # the hypothesis profile and seed
    baseline: BaselineReport | None = None  # with --baseline
    # Before completeness was part of the verdict (issue 18 §1) a run recorded none of these.
    selection: Selection | None = None
    interrupted: str | None = None
    completeness: Completeness | None = None
    certification: Certification | None = None

    @property
    def summary(self) -> dict[str, dict[str, int]]:
        """Level → verdict → how many requirements, in the order they first come."""
        counts: dict[str, dict[str, int]] = {}
        for r in self.requirements:
            level = counts.setdefault(str(r.level), {})
            level[str(r.verdict)] = level.get(str(r.verdict), 0) + 1
        return counts

    @property
    def untested(self) -> list[str]:
        return [r.id for r in self.requirements if r.verdict == Verdict.UNTESTED]

    def as_dict(self) -> dict[str, Any]:
        """The results.json document, key for key as it has always been written."""
        return {
            "profile": self.profile,
            "title": self.title,
            "suite_version": self.suite_version,
            "target": self.target,
            "tls_verified": self.tls_verified,
            "settings": self.settings,
            "strict": self.strict,
            "mock_defect": self.mock_defect,
            "capabilities": self.capabilities,
            "hypothesis": self.hypothesis,
            "started": self.started,
            "finished": self.finished,
            "summary": self.summary,
            "requirements": [r.as_dict() for r in self.requirements],
            "untested": self.untested,
            "baseline": self.baseline.as_dict() if self.baseline else None,
            "selection": self.selection.as_dict() if self.selection else None,
            "interrupted": self.interrupted,
            "completeness": asdict(self.completeness) if self.completeness else None,
            "certification": asdict(self.certification) if self.certification else None,
            "tests": [t.as_dict() for t in self.tests],
        }

    @classmethod
    def from_dict(cls, document: Any) -> Results:
        """The model of a results.json document; ResultsError says what is wrong with it."""
        if not isinstance(document, dict) or not isinstance(document.get("requirements"), list):
            raise ResultsError("not a wsconform results.json (no requirements list)")
        missing = [k for k in DOCUMENT_KEYS if k not in document]
        if missing:
            raise ResultsError(f"not a wsconform results.json (lacks {missing})")
        d = document
        return cls(
            profile=d["profile"],
            title=d["title"],
            suite_version=d["suite_version"],
            target=d["target"],
            requirements=[RequirementResult.from_dict(r) for r in d["requirements"]],
            tests=[TestResult.from_dict(t) for t in _list(d["tests"], "tests")],
            started=d["started"],
            finished=d["finished"],
            tls_verified=d.get("tls_verified", True),
            settings=d.get("settings", []),
            strict=d["strict"],
            mock_defect=d["mock_defect"],
            capabilities=d.get("capabilities"),
            hypothesis=d.get("hypothesis", ""),
            baseline=_optional(d, "baseline", BaselineReport.from_dict),
            selection=_optional(d, "selection", _selection),
            interrupted=d.get("interrupted"),
            completeness=_optional(d, "completeness", _completeness),
            certification=_optional(d, "certification", _certification),
        )

    @classmethod
    def load(cls, path: str | Path) -> Results:
        """Read results.json at `path`; ResultsError names the file and what is wrong."""
        try:
            document = json.loads(Path(path).read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise ResultsError("no such file", path, exc.strerror) from None
        except OSError as exc:
            raise ResultsError(f"not a readable JSON file ({exc})", path, exc.strerror) from None
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ResultsError(f"not a readable JSON file ({exc})", path) from None
        try:
            return cls.from_dict(document)
        except ResultsError as exc:
            raise ResultsError(exc.problem, path) from None

    def dumps(self) -> str:
        return json.dumps(self.as_dict(), indent=2, ensure_ascii=False) + "\n"

    def save(self, path: str | Path) -> Path:
        """Write results.json at `path` (its directory made if need be); the path."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.dumps(), encoding="utf-8")
        return path


def _selection(raw: Any) -> Selection:
    """As Selection.as_dict wrote it: the deselected tests by name only (their requirements,
    which decided the completeness, are not recorded)."""
    keys = ("paths", "keyword", "marks", "requirements", "last_failed", "deselected")
    raw = _fields(raw, keys, "the selection")
    deselected = {nodeid: [] for nodeid in _list(raw["deselected"], "the deselected tests")}
    return Selection(**_known(Selection, {**raw, "deselected": deselected}))


def _completeness(raw: Any) -> Completeness:
    return _make(Completeness, raw, ("complete", "reasons"), "the completeness")


def _certification(raw: Any) -> Certification:
    return _make(Certification, raw, ("verdict", "reasons"), "the certification")
