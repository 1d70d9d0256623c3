"""Paradex checks as small named functions (in the manner of schemathesis' checks): each takes
the test's Checker and, at the call site, the requirement it judges, so that a suite test and the
lifecycle machine judge a reply the same way. Each returns what its caller goes on with."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from wsconform.checks import HIDE_CHECK_FRAMES, Checker
from wsconform.vendors.paradex import protocol


def is_error_response(
    check: Checker, req_id: str, reply: dict[str, Any], what: str, *, codes: Iterable[int] = ()
) -> bool:
    """An error response (an error, no result)."""
    __tracebackhide__ = HIDE_CHECK_FRAMES
    listed = " or ".join(map(str, codes))
    expected = f"an error response with code {listed}" if listed else "an error response"
    return check.true(req_id, protocol.is_error(reply), what, expected=expected, actual=reply)


def is_result_response(check: Checker, req_id: str, reply: dict[str, Any], what: str) -> bool:
    """A success response (a result, no error)."""
    __tracebackhide__ = HIDE_CHECK_FRAMES
    ok = protocol.is_result(reply)
    return check.true(req_id, ok, what, expected="a result, not an error", actual=reply)


def error_code_in(
    check: Checker, req_id: str, reply: dict[str, Any], codes: Sequence[int], what: str
) -> Any:
    """The reply's error code is one of `codes`; returns the code."""
    __tracebackhide__ = HIDE_CHECK_FRAMES
    code = protocol.error_code(reply)
    check.one_of(req_id, code, list(codes), what=what)
    return code


def error_response(
    check: Checker,
    req_id: str,
    reply: dict[str, Any],
    codes: Sequence[int],
    what: str,
    *,
    schema_req: str = "",
) -> Any:
    """An error response with one of `codes`, valid against the error schema (judged under
    `schema_req`, default `req_id`); returns the code."""
    __tracebackhide__ = HIDE_CHECK_FRAMES
    is_error_response(check, req_id, reply, what, codes=codes)
    check.schema(schema_req or req_id, reply, "error")
    return error_code_in(check, req_id, reply, codes, f"{what}: error code")


def documented_message(check: Checker, req_id: str, reply: dict[str, Any]) -> bool:
    """The error's message is one of the texts documented for its code (case aside)."""
    __tracebackhide__ = HIDE_CHECK_FRAMES
    code = protocol.error_code(reply)
    message = reply["error"]["message"]
    known = check.schemas.document(check.vendor, "error")["x-documented-messages"]
    documented: list[str] = known.get(str(code), [])
    return check.true(
        req_id,
        message.casefold() in {m.casefold() for m in documented},
        f"message of error {code} is a documented text",
        expected=f"one of {documented}",
        actual=message,
    )


def auth_succeeded(check: Checker, req_id: str, reply: dict[str, Any], what: str = "") -> bool:
    """The auth reply is the documented success reply."""
    __tracebackhide__ = HIDE_CHECK_FRAMES
    return check.schema(req_id, reply, "auth-success", what=what)


def documented_auth_result(check: Checker, req_id: str, reply: dict[str, Any]) -> bool:
    """The auth result is one of the documented shapes: {} or {"node_id": string}."""
    __tracebackhide__ = HIDE_CHECK_FRAMES
    result = reply["result"]
    return check.true(
        req_id,
        result == {} or (set(result) == {"node_id"} and isinstance(result["node_id"], str)),
        "auth result is {} or {node_id: string}",
        expected='{} or {"node_id": "<string>"}',
        actual=result,
    )


def channel_confirmed(
    check: Checker, req_id: str, reply: dict[str, Any], channel: str, *, schema: str
) -> bool:
    """A (un)subscribe result, valid against `schema`, that names the channel."""
    __tracebackhide__ = HIDE_CHECK_FRAMES
    check.schema(req_id, reply, schema)
    return check.equal(
        req_id, reply["result"].get("channel"), channel, what=f"{schema} result.channel"
    )
