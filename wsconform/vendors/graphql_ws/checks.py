"""Checks the graphql-ws suite makes in more than one test (or a test and the state machine),
each taking the `check` fixture and, at the call site, the requirement it judges."""

from __future__ import annotations

from wsconform.checks import HIDE_CHECK_FRAMES, Checker, show
from wsconform.session import ExpectTimeout, Frame, TargetSilent
from wsconform.vendors.graphql_ws import protocol
from wsconform.vendors.graphql_ws.client import GraphqlWsClient

SCHEMA_OF = {
    protocol.CONNECTION_ACK: "connection-ack",
    protocol.PING: "ping",
    protocol.PONG: "pong",
    protocol.NEXT: "subscribe-next",
    protocol.ERROR: "subscribe-error",
    protocol.COMPLETE: "subscribe-complete",
}


def outcome(client: GraphqlWsClient, answer: Frame | None) -> str:
    """An answer as a verdict shows it: the message, or the close and its code."""
    if answer is not None:
        return show(answer.data)
    session = client.session
    return f"the socket closed (code={session.close_code}, reason={session.close_reason!r})"


def well_formed(check: Checker, req_id: str, answer: Frame) -> None:
    """GQL-ENV-05 for one server message: JSON with a type, valid against its type's schema."""
    __tracebackhide__ = HIDE_CHECK_FRAMES
    kind = protocol.type_of(answer.obj)
    if check.true(
        req_id,
        kind in SCHEMA_OF,
        "the message is JSON with a type PROTOCOL.md gives the server",
        expected=f"type one of {sorted(SCHEMA_OF)}",
        actual=answer.data,
    ):
        check.schema(req_id, answer.json, SCHEMA_OF[kind])  # type: ignore[index]


def answered_with(
    check: Checker,
    req_id: str,
    client: GraphqlWsClient,
    answer: Frame | None,
    kind: str,
    what: str,
    op_id: str | None = None,
) -> Frame:
    """`answer` is a `kind` message (of operation `op_id`, when given), well-formed (GQL-ENV-05):
    `req_id`'s check. A socket closed instead, or another message, is the miss."""
    __tracebackhide__ = HIDE_CHECK_FRAMES
    right = answer is not None and protocol.type_of(answer.obj) == kind
    if op_id is not None:
        right = right and answer is not None and answer.obj.get("id") == op_id
    with_id = f" with id {op_id!r}" if op_id is not None else ""
    check.true(
        req_id, right, what, expected=f"a {kind} message{with_id}", actual=outcome(client, answer)
    )
    assert answer is not None
    well_formed(check, "GQL-ENV-05", answer)
    return answer


def acknowledged(
    check: Checker, req_id: str, client: GraphqlWsClient, answer: Frame | None
) -> None:
    """The ConnectionInit was answered ConnectionAck (`req_id`)."""
    __tracebackhide__ = HIDE_CHECK_FRAMES
    what = "the ConnectionInit is answered ConnectionAck"
    answered_with(check, req_id, client, answer, protocol.CONNECTION_ACK, what)


def refused(
    check: Checker, req_id: str, client: GraphqlWsClient, token: object, what: str
) -> Frame | None:
    """A ConnectionInit with `token` gets no ConnectionAck (`req_id`); refused as recommended,
    by a close 4403 (GQL-REJ-02, SHOULD). A server that neither acknowledges nor closes within
    the op time-out has not admitted the connection: the MUST holds, the SHOULD is missed."""
    __tracebackhide__ = HIDE_CHECK_FRAMES
    try:
        answer = client.init(token)
    except ExpectTimeout as exc:
        check.passed(req_id, what)
        check.failed("GQL-REJ-02", "the refusal closes 4403", "a close 4403", str(exc))
        return None
    acked = answer is not None and protocol.type_of(answer.obj) == protocol.CONNECTION_ACK
    check.true(
        req_id, not acked, what, expected="no connection_ack", actual=outcome(client, answer)
    )
    closed_4403(check, "GQL-REJ-02", client, answer, "the refusal closes the socket 4403")
    return answer


def closed_4403(
    check: Checker, req_id: str, client: GraphqlWsClient, answer: Frame | None, what: str
) -> None:
    __tracebackhide__ = HIDE_CHECK_FRAMES
    check.true(
        req_id,
        answer is None and client.session.close_code == protocol.FORBIDDEN,
        what,
        expected="a close 4403 (Forbidden)",
        actual=outcome(client, answer),
    )


def closes_with(check: Checker, req_id: str, client: GraphqlWsClient, code: int, what: str) -> None:
    """The server closes the socket with `code` within the op time-out (`req_id`). Messages may
    come meanwhile (an operation already active goes on streaming until the close): no close
    at all, or another code, is the miss. A target that went silent is no verdict (ERROR)."""
    __tracebackhide__ = HIDE_CHECK_FRAMES
    try:
        closed = client.closed_with(f"the close {code}")
    except TargetSilent:
        raise
    except ExpectTimeout as exc:
        served = [f.data for f in client.session.pending()]
        check.failed(req_id, what, f"a close {code}", f"{exc}; meanwhile: {show(served[-3:])}")
        return
    check.equal(req_id, closed, code, what=f"{what}: the close code")


def streams(check: Checker, req_id: str, client: GraphqlWsClient, op_id: str, what: str) -> Frame:
    """The subscription `op_id` delivers a Next message carrying its id (`req_id`)."""
    __tracebackhide__ = HIDE_CHECK_FRAMES
    answer = client.answer(f"a Next of operation {op_id}")
    return answered_with(check, req_id, client, answer, protocol.NEXT, what, op_id)
