"""Paradex checks as small named functions (in the manner of schemathesis' checks): each takes
the test's Checker and, at the call site, the requirement it judges, so that a suite test and the
lifecycle machine judge a reply the same way. Each returns what its caller goes on with."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from wsconform.checks import HIDE_CHECK_FRAMES, Checker
from wsconform.vendors.paradex import protocol

if TYPE_CHECKING:
    from wsconform.session import ProbeSession


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


def subscribe_succeeded(
    check: Checker, req_id: str, reply: dict[str, Any], what: str, *, channel: str | None = None
) -> bool:
    """A subscribe that `req_id` entitles to succeed got a success response, valid against
    subscribe-result (PDX-SUB-01), naming `channel` when one is given."""
    __tracebackhide__ = HIDE_CHECK_FRAMES
    is_result_response(check, req_id, reply, what)
    if channel is not None:
        return channel_confirmed(check, "PDX-SUB-01", reply, channel, schema="subscribe-result")
    return check.schema("PDX-SUB-01", reply, "subscribe-result")


def unsubscribe_succeeded(check: Checker, reply: dict[str, Any], channel: str) -> bool:
    """An unsubscribe from a channel subscribed got a success response, valid against
    unsubscribe-result, naming the channel (PDX-SUB-02)."""
    __tracebackhide__ = HIDE_CHECK_FRAMES
    what = f"unsubscribe from {channel!r} succeeds"
    is_result_response(check, "PDX-SUB-02", reply, what)
    return channel_confirmed(check, "PDX-SUB-02", reply, channel, schema="unsubscribe-result")


def bearer_refused(check: Checker, req_id: str, reply: dict[str, Any], code: int, what: str) -> Any:
    """A bearer refused: an error response, valid against the error schema (PDX-REJ-04), with an
    auth code (PDX-REJ-07, a SHOULD: judged before `code`, so that a wrong code is recorded as
    its WARN before `req_id` fails); returns the code."""
    __tracebackhide__ = HIDE_CHECK_FRAMES
    is_error_response(check, req_id, reply, what)
    check.schema("PDX-REJ-04", reply, "error", what="a rejection is a valid error reply")
    error_code_in(check, "PDX-REJ-07", reply, protocol.BEARER_REFUSED, f"{what}: an auth code")
    return error_code_in(check, req_id, reply, (code,), f"{what}: error code")


def subscription_error(
    check: Checker, req_id: str, reply: dict[str, Any], what: str, *, situation: str
) -> bool:
    """A (un)subscribe the documents call an error got a schema-valid error response; its code,
    not enumerated, is recorded under PDX-SUB-08 (`situation`: when it came)."""
    __tracebackhide__ = HIDE_CHECK_FRAMES
    is_error_response(check, req_id, reply, what)
    valid = check.schema(req_id, reply, "error")
    check.info("PDX-SUB-08", f"{situation}: error {protocol.error_code(reply)}")
    return valid


def data_still_arrives(
    check: Checker,
    req_id: str,
    session: ProbeSession,
    channel: str,
    what: str,
    *,
    expected: str = "subscription data",
) -> bool:
    """Data on `channel` is pending on `session` (after time passed); a connection closed
    meanwhile is named with its close code."""
    __tracebackhide__ = HIDE_CHECK_FRAMES
    gone = f" (connection closed, code {session.close_code})" if session.closed else ""
    data = session.pending(protocol.data_frame(channel))
    return check.true(req_id, bool(data), what, expected=expected, actual="no data" + gone)


def private_refused(check: Checker, req_id: str, reply: dict[str, Any], what: str) -> bool:
    """A private subscribe before auth got an error response (`req_id`). The error is
    undocumented: what it is, and whether it is a valid error reply, PDX-AUTH-06 records (INFO)."""
    __tracebackhide__ = HIDE_CHECK_FRAMES
    refused = is_error_response(check, req_id, reply, what)
    invalid = check.schemas.errors(check.vendor, "error", reply)
    check.info(
        "PDX-AUTH-06",
        f"private subscribe before auth: error {protocol.error_code(reply)}"
        + (f", not a valid error reply: {invalid[0]}" if invalid else ""),
    )
    return refused


def replay_recorded(check: Checker, req_id: str, replayed: bool) -> None:
    """Whether a new connection got data without subscribing (INFO: the documents are silent)."""
    check.info(
        req_id,
        "new connection got data without subscribing: "
        + ("yes (subscriptions replayed)" if replayed else "no (subscriptions per connection)"),
    )
