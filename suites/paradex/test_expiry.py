"""Expiry: a connection authenticated once keeps its private data past the JWT's exp; the expired
JWT is refused on a new connection. On the embedded mock the clock jumps; live, the wait is real."""

from __future__ import annotations

import pytest

from wsconform.vendors.paradex import protocol
from wsconform.vendors.paradex.checks import (
    data_still_arrives,
    documented_message,
    error_response,
)

LIFETIME = 5  # seconds: a short-lived token, so a live run waits only this long


@pytest.mark.req("PDX-EXP-01", "PDX-EXP-02", "PDX-AUTH-01", "PDX-AUTH-05")
def test_private_data_continues_after_exp(client, authenticate, tokens, target, wait_past, check):
    token = tokens.get("short-lived", LIFETIME)
    c = client()
    authenticate(c, token.value)
    c.subscribe(target.private_channel)
    with check.scope("PDX-AUTH-05", "private data flows before expiry"):
        c.data(target.private_channel)
    wait_past(token.expires_at)
    c.session.barrier()
    before = c.session.drain()  # everything sent up to the expiry instant
    target.settle(c.session)
    others = [
        f.data for f in c.session.pending() if not protocol.data_frame(target.private_channel)(f)
    ]
    check.info(
        "PDX-EXP-02",
        f"at exp: {len(before)} frames drained, other frames after: {others or 'none'}, "
        f"connection {'closed' if c.session.closed else 'open'}",
    )
    data_still_arrives(
        check,
        "PDX-EXP-01",
        c.session,
        target.private_channel,
        "private data still arrives after the JWT's exp",
        expected="subscription data after exp",
    )


@pytest.mark.req("PDX-REJ-03", "PDX-AUTH-01")
def test_jwt_expired_on_the_clock_is_refused_on_a_new_connection(
    client, authenticate, tokens, wait_past, check
):
    token = tokens.get("short-lived", LIFETIME)
    authenticate(client(), token.value)
    wait_past(token.expires_at)
    reply = client().auth(token.value)
    error_response(
        check,
        "PDX-REJ-03",
        reply,
        (protocol.INVALID_BEARER,),
        "the JWT, now expired, gets 40111 on a new connection",
    )
    documented_message(check, "PDX-ENV-07", reply)
