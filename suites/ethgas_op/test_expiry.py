"""Expiry: what a session does when its token expires is undocumented and recorded; a token past
its exp is refused afterwards, and a refreshed token works again. On the embedded mock the clock
jumps; live, the waits are real (short-lived tokens of a few seconds).

ETHGas_Docs getting-started/connecting.mdx ("valid for 1 hour", docs/facts/ethgas.md §Tokens);
RFC 7519 §4.1.4."""

from __future__ import annotations

import pytest

from wsconform.session import HandshakeRejected, PeerClosed
from wsconform.vendors.ethgas_op.checks import no_login_success, resumption_recorded
from wsconform.vendors.ethgas_op.client import EthgasOpClient, is_data
from wsconform.vendors.ethgas_op.protocol import PRIVATE_QUERIES, bearer, is_any_query_reply

LIFETIME = 5  # seconds: a short-lived token, so a live run waits only this long


def after_expiry(c: EthgasOpClient, target) -> str:
    """What the session does once its token has expired, in words (for EOP-EXP-01)."""
    s = c.session
    try:
        s.barrier()
        s.drain()  # everything sent up to the expiry instant
        target.settle(s)
        private = bool(s.pending(is_data(target.private_channel)))
        public = bool(s.pending(is_data(target.public_channel)))
        others = [f.data for f in s.pending() if not f.obj.get("e")]
        answers = c.ask(PRIVATE_QUERIES[0])
    except PeerClosed:
        return f"the connection closed (code {s.close_code}, reason {s.close_reason!r})"
    served = any(map(is_any_query_reply, answers))
    return (
        f"the connection stays open; private data {'goes on' if private else 'stopped'}, "
        f"public data {'goes on' if public else 'stopped'}; openOrders "
        + ("is answered" if served else f"is refused: {answers or 'no answer'}")
        + f"; other frames: {others or 'none'}"
    )


@pytest.mark.req("EOP-EXP-01", "EOP-EXP-03", "EOP-EXP-04", "EOP-AUTH-01", "EOP-AUTH-02")
def test_at_expiry_and_after_a_refreshed_login(
    client, authenticate, tokens, target, wait_past, check, expect_private
):
    token = tokens.get("short-lived", LIFETIME)
    c = client()
    authenticate(c, token.value)
    c.subscribe({"channel": target.private_channel}, {"channel": target.public_channel})
    with check.scope("EOP-AUTH-02", "private data flows before expiry"):
        c.data(target.private_channel)
    wait_past(token.expires_at)
    check.info("EOP-EXP-01", after_expiry(c, target))
    same = not c.session.closed
    again = c if same else client()
    with check.scope("EOP-EXP-03", "a login with a refreshed token after expiry"):
        reply = again.login(tokens.get("valid").value)
    check.schema("EOP-EXP-03", reply, "login-ack", what="the documented ack after expiry")
    if same:
        again.session.drain()
        target.settle(again.session)
        resumed = bool(again.session.pending(is_data(target.private_channel)))
        resumption_recorded(check, resumed)
    else:
        check.info("EOP-EXP-04", "the connection closed at expiry: nothing to resume")
    expect_private(
        "EOP-EXP-03", again, "after the re-login" + ("" if same else " on a new connection")
    )


@pytest.mark.req("EOP-EXP-02", "EOP-AUTH-01")
def test_a_token_past_its_exp_is_refused(
    client, connect, authenticate, tokens, wait_past, check, expect_no_private
):
    token = tokens.get("short-lived", LIFETIME)
    authenticate(client(), token.value)  # accepted while it lasts
    wait_past(token.expires_at)
    c = client()
    replies = c.attempt_login(token.value)
    no_login_success(check, "EOP-EXP-02", replies, "login with the token, now past its exp")
    expect_no_private("EOP-EXP-02", c, "after that login")
    try:
        session = connect(headers=bearer(token.value), refusal_expected=True)
    except HandshakeRejected:
        check.passed("EOP-EXP-02", "the token past its exp in the session header: refused")
        return
    expect_no_private(
        "EOP-EXP-02", EthgasOpClient(session), "with the token past its exp in the header"
    )
