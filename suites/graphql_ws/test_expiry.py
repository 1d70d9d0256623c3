"""Expiry: PROTOCOL.md says nothing of credentials that expire after the ConnectionAck. The suite
records what the server does to an active subscription and the socket, and what a Subscribe made
after the expiry gets. On the embedded mock the clock jumps; live, the wait is real.

PROTOCOL § ConnectionInit, § Subscribe (silent)."""

from __future__ import annotations

import contextlib

import pytest

from wsconform.session import PeerClosed
from wsconform.vendors.graphql_ws import protocol
from wsconform.vendors.graphql_ws.checks import outcome, streams

LIFETIME = 5  # seconds: a short-lived token, so that a live run waits only this long


@pytest.mark.req("GQL-EXP-01", "GQL-EXP-02", "GQL-SUB-01", "GQL-AUTH-01")
def test_what_becomes_of_a_subscription_when_the_token_expires(
    acked, tokens, target, wait_past, check
):
    token = tokens.get("short-lived", LIFETIME)
    c = acked(token.value)
    op_id = c.subscribe(target.private_channel)
    streams(check, "GQL-SUB-01", c, op_id, "the subscription streams before expiry")
    wait_past(token.expires_at)
    c.sync()  # what the server sent up to now is in
    c.session.drain()
    with contextlib.suppress(PeerClosed):  # a close at expiry is what is recorded below
        target.settle(c.session)
    if c.session.closed:
        check.info("GQL-EXP-01", f"at expiry: {outcome(c, None)}")
        return
    ticks = c.session.pending(protocol.of_operation(op_id, protocol.NEXT))
    ended = c.session.pending(protocol.of_operation(op_id, protocol.ERROR, protocol.COMPLETE))
    check.info(
        "GQL-EXP-01",
        f"after expiry the socket stays open; the subscription: {len(ticks)} Next in the window"
        + (f", ended by {ended[0].data}" if ended else ""),
    )
    later = c.subscribe(target.public_channel)
    check.info(
        "GQL-EXP-02",
        f"a Subscribe after expiry gets {outcome(c, c.of_operation(later, 'its answer'))}",
    )
