"""Checks: each one names a requirement, and the requirement's level decides what a miss means.

    check.equal("PDX-ENV-02", reply.get("id"), 7, what="id echoed")

A MUST miss raises ConformanceFailure at once (the test fails, h2spec-style: the requirement, the
doc clause quoted, expected and actual). A SHOULD miss is recorded as WARN and the test goes on,
unless --strict. INFO records what the server did where the docs are silent.
"""

from __future__ import annotations

import json
import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING, Any

from wsconform.redact import Redactor
from wsconform.requirements import Catalogue, Level, Requirement, Verdict
from wsconform.schemas import SchemaRegistry
from wsconform.session import Frame, TargetSilent

if TYPE_CHECKING:
    from wsconform.target import Target


class ConformanceFailure(AssertionError):
    """A MUST requirement (or a SHOULD under --strict) was violated."""

    def __init__(self, requirement: Requirement, message: str) -> None:
        super().__init__(message)
        self.requirement = requirement


# `__tracebackhide__ = HIDE_CHECK_FRAMES` in a check helper: a check's failure shows the test's own
# line, then the conformance message; any other error (a bug of the suite) keeps the helper's frame.
HIDE_CHECK_FRAMES = operator.methodcaller("errisinstance", ConformanceFailure)


class Unfinished(Exception):
    """The test could not finish (the target stopped answering, our own harness broke, the time
    ran out): an ERROR, never a verdict on the target. The message says what was awaited."""


def fail_if_broken(target: Target) -> None:
    """A target that never completed the preflight handshake: every test ERRORs at once (the
    run could not be made against it)."""
    if target.broken:
        raise Unfinished(target.broken)


def conformance_failure_in(error: BaseException | None) -> ConformanceFailure | None:
    """The check's failure behind `error`: itself, or the one hypothesis wraps when a replay
    of a failing example turned out otherwise (FlakyFailure groups it; FlakyStrategyDefinition
    is raised while handling it). Timing can make a replay differ on a loaded machine; the
    failure seen first, with its wire, stays the verdict of its requirement."""
    pending, seen = [error], set()
    while pending:
        current = pending.pop(0)
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, ConformanceFailure):
            return current
        if isinstance(current, BaseExceptionGroup):
            pending += current.exceptions
        pending += [current.__cause__, current.__context__]
    return None


@dataclass(frozen=True)
class CheckRecord:
    req_id: str
    verdict: Verdict
    what: str
    detail: str = ""

    def as_dict(self) -> dict[str, str]:
        return {
            "req": self.req_id,
            "verdict": str(self.verdict),
            "what": self.what,
            "detail": self.detail,
        }


SHOWN_CHARS = 600


def show(value: Any) -> str:
    """A value as it would look on the wire (shortened only after redaction, see `failed`)."""
    try:
        return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        return repr(value)


def _shorten(text: str) -> str:
    return text if len(text) <= SHOWN_CHARS else f"{text[:SHOWN_CHARS]}… ({len(text)} chars)"


class Checker:
    """The verdict recorder of one test, bound to its profile's catalogue."""

    def __init__(
        self,
        catalogue: Catalogue,
        schemas: SchemaRegistry,
        redactor: Redactor,
        *,
        vendor: str,
        strict: bool = False,
        transcript_tail: Callable[[], str] = lambda: "",
    ) -> None:
        self.catalogue = catalogue
        self.schemas = schemas
        self.redactor = redactor
        self.vendor = vendor
        self.strict = strict
        self.transcript_tail = transcript_tail
        self.records: list[CheckRecord] = []
        self.notes: list[str] = []  # what the test covered (a state machine's exploration)
        self._passes: set[tuple[str, str]] = set()

    # -- outcomes -----------------------------------------------------------------------------

    def passed(self, req_id: str, what: str) -> None:
        self.catalogue[req_id]  # unknown IDs are a bug of the suite: fail loudly
        if (req_id, what) not in self._passes:  # a fuzz test passes one check per example
            self._passes.add((req_id, what))
            self.records.append(CheckRecord(req_id, Verdict.PASS, what))

    def info(self, req_id: str, observed: str) -> None:
        """Record what the server did where the docs are silent (never fails); once, however
        many examples of a fuzz test or state machine observe it."""
        self.catalogue[req_id]
        record = CheckRecord(req_id, Verdict.INFO, "observed", self.redactor.text(observed))
        if record not in self.records:
            self.records.append(record)

    def note(self, text: str) -> None:
        """Say what the test covered (not a verdict): it goes into the test's report."""
        self.notes.append(self.redactor.text(text))

    def failed(self, req_id: str, what: str, expected: str, actual: str) -> None:
        """A miss: FAIL for MUST (raises), WARN for SHOULD (raises under --strict)."""
        __tracebackhide__ = HIDE_CHECK_FRAMES
        req = self.catalogue[req_id]
        # Redact whole texts first: a secret cut in two by shortening would escape the redactor.
        actual = _shorten(self.redactor.text(actual))
        expected = _shorten(self.redactor.text(expected))
        what = self.redactor.text(what)
        if req.level is Level.INFO:
            self.records.append(CheckRecord(req_id, Verdict.INFO, what, f"observed: {actual}"))
            return
        verdict = Verdict.FAIL if req.level is Level.MUST or self.strict else Verdict.WARN
        self.records.append(
            CheckRecord(req_id, verdict, what, f"expected {expected}; got {actual}")
        )
        if verdict is Verdict.FAIL:
            raise ConformanceFailure(req, self._message(req, what, expected, actual))

    def _message(self, req: Requirement, what: str, expected: str, actual: str) -> str:
        tail = self.transcript_tail()
        lines = [
            f"{req.id} [{req.level}] {req.title}",
            f"  clause:   {req.source}",
            f'  quote:    "{req.quote}"',
            f"  check:    {what}",
            f"  expected: {expected}",
            f"  actual:   {actual}",
        ]
        if tail:
            lines += ["  wire (latest entries):", *("    " + ln for ln in tail.splitlines())]
        return "\n".join(lines)

    # -- checks ----------------------------------------------------------------------------------

    def true(self, req_id: str, condition: bool, what: str, *, expected: str, actual: Any) -> bool:
        __tracebackhide__ = HIDE_CHECK_FRAMES
        if condition:
            self.passed(req_id, what)
        else:
            self.failed(req_id, what, expected, show(actual))
        return condition

    def equal(self, req_id: str, actual: Any, expected: Any, *, what: str) -> bool:
        __tracebackhide__ = HIDE_CHECK_FRAMES
        # JSON equality keeps types apart: 1 != "1" and 1 != True, as on the wire.
        same = type(actual) is type(expected) and actual == expected
        return self.true(req_id, same, what, expected=show(expected), actual=actual)

    def one_of(self, req_id: str, actual: Any, allowed: list[Any], *, what: str) -> bool:
        __tracebackhide__ = HIDE_CHECK_FRAMES
        ok = any(type(actual) is type(a) and actual == a for a in allowed)
        return self.true(req_id, ok, what, expected=f"one of {show(allowed)}", actual=actual)

    def schema(self, req_id: str, message: Any, schema: str, *, what: str = "") -> bool:
        __tracebackhide__ = HIDE_CHECK_FRAMES
        errors = self.schemas.errors(self.vendor, schema, message)
        what = what or f"message is valid against schemas/{self.vendor}/{schema}.json"
        if errors:
            self.failed(
                req_id, what, f"valid {schema}", f"{show(message)} — " + "; ".join(errors[:3])
            )
            return False
        self.passed(req_id, what)
        return True

    def scope(self, req_id: str, what: str) -> Scope:
        """Attribute a failure inside (timeout, closed connection) to `req_id`, at its level;
        an exchange that completes is a PASS of it (checks of its result may still fail it)."""
        return Scope(self, req_id, what)

    def worst(self) -> Verdict | None:
        order = [Verdict.FAIL, Verdict.WARN, Verdict.PASS, Verdict.INFO]
        present = {r.verdict for r in self.records}
        return next((v for v in order if v in present), None)


class Scope:
    """Checker.scope's context. A class, not @contextlib.contextmanager: contextlib's own frame
    cannot be hidden, and would stand between the test's line and the conformance message."""

    def __init__(self, checker: Checker, req_id: str, what: str) -> None:
        self.checker, self.req_id, self.what = checker, req_id, what

    def __enter__(self) -> None:
        return None

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> bool:
        __tracebackhide__ = HIDE_CHECK_FRAMES
        checker = self.checker
        if exc is None:
            if checker.catalogue[self.req_id].level is not Level.INFO:
                checker.passed(self.req_id, self.what)
            return False
        if isinstance(exc, ConformanceFailure | TargetSilent):
            return False  # a verdict already, or no verdict at all: the target stopped answering
        if not isinstance(exc, AssertionError | TimeoutError | ConnectionError):
            return False
        # Raised while `exc` is handled, so the failure keeps it as its __context__.
        actual = f"{type(exc).__name__}: {exc}"
        checker.failed(self.req_id, self.what, "the exchange to complete", actual)
        return True  # a WARN or INFO: recorded, and the test goes on


def none_of(check: Checker, req_id: str, found: Sequence[Any], what: str, *, expected: str) -> bool:
    """Nothing was `found` that `req_id` forbids (data on a channel left, a private answer
    without login): the first one found is the evidence."""
    __tracebackhide__ = HIDE_CHECK_FRAMES
    first = found[0] if found else None
    actual = first.data if isinstance(first, Frame) else first
    return check.true(req_id, not found, what, expected=expected, actual=actual)
