"""wsconform.checks: a requirement's level decides what a missed check means."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from wsconform.checks import Checker, ConformanceFailure, conformance_failure_in
from wsconform.redact import Redactor, mask
from wsconform.requirements import Catalogue, CatalogueError, Level, Requirement, Verdict
from wsconform.schemas import SchemaRegistry
from wsconform.session import ExpectTimeout

MUST = Requirement(
    id="UT-MUST-01",
    level=Level.MUST,
    family="envelope",
    title="id is echoed",
    source="UNIT PAGE § Envelope",
    quote="The id of the request MUST be echoed.",
)
SHOULD = Requirement(
    id="UT-SHOULD-01",
    level=Level.SHOULD,
    family="envelope",
    title="usDiff is present",
    source="UNIT PAGE § Timing",
    quote="Replies should carry usDiff.",
)
INFO = Requirement(
    id="UT-INFO-01",
    level=Level.INFO,
    family="heartbeat",
    title="ping cadence",
    source="UNIT PAGE § (silent)",
    quote="The docs do not say.",
)
CATALOGUE = Catalogue(
    profile="unit", documents={}, requirements={r.id: r for r in (MUST, SHOULD, INFO)}
)


@pytest.fixture
def redactor() -> Redactor:
    return Redactor()


@pytest.fixture
def make_checker(tmp_path: Path, redactor: Redactor) -> Callable[..., Checker]:
    def make(strict: bool = False, tail: str = "") -> Checker:
        return Checker(
            CATALOGUE,
            SchemaRegistry(tmp_path),  # empty: these tests need no schema
            redactor,
            vendor="unit",
            strict=strict,
            transcript_tail=lambda: tail,
        )

    return make


def test_must_miss_raises_with_full_message(make_checker) -> None:
    """A MUST miss raises ConformanceFailure naming id, level, quote, expected and actual."""
    check = make_checker(tail="   1.0 ms c1 → hello")
    with pytest.raises(ConformanceFailure) as caught:
        check.equal(MUST.id, 8, 7, what="id echoed")
    message = str(caught.value)
    assert caught.value.requirement is MUST
    assert MUST.id in message
    assert "[MUST]" in message
    assert f'"{MUST.quote}"' in message
    assert MUST.source in message
    assert "expected: 7" in message
    assert "actual:   8" in message
    assert "c1 → hello" in message
    assert [r.verdict for r in check.records] == [Verdict.FAIL]


def test_should_miss_warns_and_goes_on(make_checker) -> None:
    """A SHOULD miss records WARN and returns False without raising."""
    check = make_checker()
    assert check.true(SHOULD.id, False, "usDiff present", expected="a number", actual=None) is False
    assert [(r.req_id, r.verdict) for r in check.records] == [(SHOULD.id, Verdict.WARN)]
    assert check.records[0].detail == "expected a number; got null"
    assert check.worst() is Verdict.WARN


def test_should_miss_raises_under_strict(make_checker) -> None:
    """Under strict, a SHOULD miss is a FAIL and raises."""
    check = make_checker(strict=True)
    with pytest.raises(ConformanceFailure) as caught:
        check.true(SHOULD.id, False, "usDiff present", expected="a number", actual=None)
    assert "[SHOULD]" in str(caught.value)
    assert check.records[0].verdict is Verdict.FAIL


def test_info_records_and_never_fails(make_checker) -> None:
    """INFO requirements record observations; a 'miss' is recorded as INFO too."""
    check = make_checker(strict=True)
    check.info(INFO.id, "server pings every 30 s")
    assert check.true(INFO.id, False, "pings", expected="?", actual="every 30 s") is False
    assert [r.verdict for r in check.records] == [Verdict.INFO, Verdict.INFO]
    assert check.records[0].detail == "server pings every 30 s"
    assert check.records[1].detail == "observed: every 30 s"


@pytest.mark.parametrize(
    ("actual", "expected"),
    [(1, "1"), ("1", 1), (True, 1), (1, True), (1.0, 1), (None, 0), ([1], (1,))],
)
def test_equal_is_type_strict(make_checker, actual: object, expected: object) -> None:
    """equal() keeps JSON types apart: 1 vs "1" vs True vs 1.0 are all different."""
    check = make_checker()
    assert check.equal(SHOULD.id, actual, expected, what="typed") is False
    assert check.records[-1].verdict is Verdict.WARN


@pytest.mark.parametrize("value", [1, "1", True, None, {"a": [1, "x"]}])
def test_equal_passes_same_type_and_value(make_checker, value: object) -> None:
    """equal() passes when type and value both match."""
    check = make_checker()
    assert check.equal(MUST.id, value, value, what="same") is True
    assert check.records[-1].verdict is Verdict.PASS


def test_one_of_is_type_strict(make_checker) -> None:
    """one_of() accepts only an allowed value of the same type."""
    check = make_checker()
    assert check.one_of(SHOULD.id, 2, [1, 2], what="in set") is True
    assert check.one_of(SHOULD.id, "2", [1, 2], what="str not int") is False
    assert check.one_of(SHOULD.id, True, [1, 2], what="bool not int") is False


def test_secrets_are_redacted_in_message_and_records(make_checker, redactor: Redactor) -> None:
    """Secrets in expected or actual never reach the failure message or the records."""
    secret = "opaque-bearer-secret-9f8e7d6c"
    redactor.add(secret)
    check = make_checker()
    with pytest.raises(ConformanceFailure) as caught:
        check.equal(MUST.id, {"bearer": secret}, secret, what="bearer echoed")
    message = str(caught.value)
    assert secret not in message
    assert mask(secret) in message
    assert all(secret not in r.detail for r in check.records)


def test_secret_at_the_show_cut_is_not_partly_revealed(make_checker, redactor: Redactor) -> None:
    """A secret that straddles show()'s 600-char cut does not leak its first characters."""
    secret = "Zq7Kp2Lm9Xw4Rt8Vb3Nc6Hy1Jd5Fg0Su"
    redactor.add(secret)
    check = make_checker()
    with pytest.raises(ConformanceFailure) as caught:
        check.equal(MUST.id, "x" * 580 + secret, "y", what="long actual")
    assert secret[:12] not in str(caught.value)


def test_pass_records_are_deduplicated(make_checker) -> None:
    """The same passing check (req, what) is recorded once however often it runs."""
    check = make_checker()
    for _ in range(5):
        check.equal(MUST.id, 1, 1, what="id echoed")
    check.equal(MUST.id, 2, 2, what="another check")
    assert [(r.req_id, r.what) for r in check.records] == [
        (MUST.id, "id echoed"),
        (MUST.id, "another check"),
    ]


def test_info_records_are_deduplicated(make_checker) -> None:
    """The same observation is recorded once, however many examples of a fuzz test or state
    machine make it; a different one is recorded beside it."""
    check = make_checker()
    for _ in range(5):
        check.info(INFO.id, "subscriptions survive expiry")
    check.info(INFO.id, "subscriptions are dropped at expiry")
    assert [r.detail for r in check.records] == [
        "subscriptions survive expiry",
        "subscriptions are dropped at expiry",
    ]


def test_unknown_requirement_raises_catalogue_error(make_checker) -> None:
    """Every outcome method refuses a requirement id not in the catalogue."""
    check = make_checker()
    with pytest.raises(CatalogueError, match="UT-NOPE"):
        check.passed("UT-NOPE", "x")
    with pytest.raises(CatalogueError):
        check.info("UT-NOPE", "x")
    with pytest.raises(CatalogueError):
        check.failed("UT-NOPE", "x", "a", "b")
    assert check.records == []


def test_scope_turns_timeout_into_must_failure(make_checker) -> None:
    """scope(): a TimeoutError inside becomes a ConformanceFailure of a MUST requirement."""
    check = make_checker()
    with pytest.raises(ConformanceFailure) as caught, check.scope(MUST.id, "reply arrives"):
        raise ExpectTimeout("no reply within 0.2 s")
    assert caught.value.requirement is MUST
    assert "ExpectTimeout: no reply within 0.2 s" in str(caught.value)
    assert check.records[-1].verdict is Verdict.FAIL


def test_scope_turns_timeout_into_should_warning(make_checker) -> None:
    """scope(): for a SHOULD requirement the timeout becomes a WARN and is swallowed."""
    check = make_checker()
    with check.scope(SHOULD.id, "reply arrives"):
        raise TimeoutError("slow")
    assert check.records[-1].verdict is Verdict.WARN
    assert "TimeoutError: slow" in check.records[-1].detail


def test_a_completed_scope_is_a_pass_of_its_requirement(make_checker) -> None:
    """scope(): an exchange that completes is evidence for a MUST or SHOULD requirement (a PASS
    record, so a test that checks nothing else does not leave it UNTESTED); an INFO
    requirement's verdict is what was observed, so it gets no PASS."""
    check = make_checker()
    with check.scope(MUST.id, "reply arrives"):
        pass
    with check.scope(INFO.id, "reply arrives"):
        pass
    assert [(r.req_id, r.verdict) for r in check.records] == [(MUST.id, Verdict.PASS)]


def test_scope_lets_other_errors_through(make_checker) -> None:
    """scope() re-raises errors it does not attribute (a bug in the test is not a verdict)."""
    check = make_checker()
    with pytest.raises(KeyError), check.scope(MUST.id, "x"):
        raise KeyError("bug")
    assert check.records == []


def test_worst_orders_verdicts(make_checker) -> None:
    """worst() is FAIL over WARN over PASS over INFO, and None with no records."""
    check = make_checker()
    assert check.worst() is None
    check.info(INFO.id, "seen")
    assert check.worst() is Verdict.INFO
    check.passed(MUST.id, "ok")
    assert check.worst() is Verdict.PASS
    check.failed(SHOULD.id, "w", "a", "b")
    assert check.worst() is Verdict.WARN
    with pytest.raises(ConformanceFailure):
        check.failed(MUST.id, "f", "a", "b")
    assert check.worst() is Verdict.FAIL


def test_a_check_failure_that_hypothesis_wrapped_keeps_its_requirement():
    """A failing example whose replay differs comes back as hypothesis' Flaky error: the first
    failure is still the verdict of its requirement."""
    failure = ConformanceFailure(MUST, "first seen")
    flaky = BaseExceptionGroup("Inconsistent results from replaying a test case!", [failure])
    assert conformance_failure_in(flaky) is failure
    try:
        try:
            raise failure
        except ConformanceFailure:
            raise RuntimeError("Inconsistent data generation!")  # noqa: B904 (as hypothesis does)
    except RuntimeError as raised_while_handling:
        assert conformance_failure_in(raised_while_handling) is failure
    assert conformance_failure_in(ExpectTimeout("no reply")) is None
    assert conformance_failure_in(None) is None
