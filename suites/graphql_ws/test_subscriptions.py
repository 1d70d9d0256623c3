"""Operations after the ConnectionAck: a streaming subscription delivers Next messages with its
id and stops at the client's Complete; a single result is one Next and a Complete; an operation
the server cannot execute gets an Error and nothing after it; a completed id may be used again.

PROTOCOL § Next, § Error, § Complete, § Subscribe, § Single result operation."""

from __future__ import annotations

import pytest

from wsconform.session import ExpectTimeout
from wsconform.vendors.graphql_ws import protocol
from wsconform.vendors.graphql_ws.checks import answered_with, streams


@pytest.mark.req("GQL-SUB-01", "GQL-SUB-02", "GQL-AUTH-01", "GQL-ENV-05")
def test_a_subscription_streams_until_the_client_completes_it(acked, target, check):
    c = acked()
    op_id = c.subscribe(target.private_channel)
    streams(check, "GQL-SUB-01", c, op_id, "the subscription delivers Next messages with its id")
    c.complete(op_id)  # synced: what the server sent before it read it was in flight, allowed
    c.session.drain()
    target.settle(c.session)
    late = c.session.pending(protocol.of_operation(op_id, protocol.NEXT))
    check.true(
        "GQL-SUB-02",
        not late,
        "no Next of the operation after its Complete",
        expected="no next message",
        actual=late[0].data if late else None,
    )


@pytest.mark.req("GQL-SUB-03", "GQL-AUTH-01", "GQL-ENV-05")
def test_a_single_result_is_one_next_then_complete(acked, target, check):
    c = acked()
    op_id = c.subscribe(target.public_channel)
    first = c.of_operation(op_id, "the result")
    answered_with(check, "GQL-SUB-03", c, first, protocol.NEXT, "the single-result's Next")
    try:
        then = c.of_operation(op_id, "the Complete after the result")
    except ExpectTimeout as exc:
        check.failed(
            "GQL-SUB-03", "the Next is followed by Complete", "a complete message", str(exc)
        )
        return
    what = "the Next is followed by Complete, not another Next"
    answered_with(check, "GQL-SUB-03", c, then, protocol.COMPLETE, what)


@pytest.mark.req("GQL-SUB-04", "GQL-AUTH-01", "GQL-ENV-05")
def test_an_operation_the_server_cannot_execute_gets_an_error_and_nothing_after(
    acked, target, check
):
    c = acked()
    op_id = c.subscribe(protocol.INVALID_OPERATION)
    answer = c.of_operation(op_id, "the Error")
    what = "a query no schema validates gets an Error message"
    answered_with(check, "GQL-SUB-04", c, answer, protocol.ERROR, what)
    c.sync()  # whatever the server sent after the Error is in
    after = c.session.pending(protocol.of_operation(op_id))
    check.true(
        "GQL-SUB-04",
        not after,
        "no Complete (nor anything) of the operation after its Error",
        expected="nothing more",
        actual=after[0].data if after else None,
    )


@pytest.mark.req("GQL-SUB-05", "GQL-AUTH-01")
def test_a_completed_id_may_be_used_again(acked, target, check):
    c = acked()
    op_id = c.subscribe(target.private_channel)
    streams(check, "GQL-SUB-05", c, op_id, "the first subscription streams")
    c.complete(op_id)  # synced: the Complete is read before the id comes again
    c.session.drain()
    c.subscribe(target.private_channel, op_id)
    streams(check, "GQL-SUB-05", c, op_id, "the same id, used again, streams")
