"""Authentication: the login op and the session header are the two ways to a private session;
without either, private channels and queries give nothing; public ones need neither.

developers.ethgas.com; ETHGas_Docs getting-started/connecting.mdx (docs/facts/ethgas.md
§Session header, §Tokens)."""

from __future__ import annotations

import pytest

from wsconform.vendors.ethgas_op import protocol
from wsconform.vendors.ethgas_op.checks import codes_documented, data_documented
from wsconform.vendors.ethgas_op.client import is_data
from wsconform.vendors.ethgas_op.protocol import SYNC_QUERY, bearer


@pytest.mark.req("EOP-AUTH-01", "EOP-AUTH-02", "EOP-ENV-01", "EOP-SUB-03")
def test_login_with_a_valid_token_opens_the_private_session(client, authenticate, expect_private):
    c = client()
    authenticate(c)
    expect_private("EOP-AUTH-02", c, "after login")


@pytest.mark.req("EOP-AUTH-03", "EOP-ENV-01", "EOP-SUB-03")
@pytest.mark.feature("session-header")
def test_the_session_header_authenticates_without_login(client, tokens, expect_private):
    c = client(headers=bearer(tokens.get("valid").value))
    expect_private("EOP-AUTH-03", c, "with the session header, no login")


@pytest.mark.req("EOP-AUTH-04", "EOP-AUTH-07", "EOP-SUB-05", "EOP-ENV-03")
def test_private_channels_need_login_or_the_session_header(
    client, target, check, expect_no_private
):
    c = client()
    public = {"channel": target.public_channel}
    mixed = c.subscribe(public, {"channel": target.private_channel})  # one frame, both kinds
    answers = expect_no_private("EOP-AUTH-04", c, "no login, no session header")
    check.info("EOP-AUTH-07", f"a private subscribe and queries unauthenticated got: {answers}")
    codes_documented(check, "EOP-ENV-03", mixed + answers, "a refusal")
    served = bool(c.session.pending(is_data(target.public_channel)))  # settled just above
    check.info(
        "EOP-SUB-05",
        f"subscribe [public, private] unauthenticated answered {mixed}; the public arg "
        + ("is served" if served else "got no data"),
    )


@pytest.mark.req("EOP-AUTH-05", "EOP-ENV-01", "EOP-SUB-03")
def test_public_channels_and_current_slot_need_no_auth(client, target, check, note_sync_fallback):
    c = client()
    note_sync_fallback(c)
    with check.scope("EOP-AUTH-05", "the currentSlot query, unauthenticated"):
        reply = c.query(SYNC_QUERY)
    check.equal("EOP-AUTH-05", reply.get("q"), SYNC_QUERY, what="currentSlot is answered")
    check.schema("EOP-ENV-01", reply, "query-reply", what="the currentSlot reply")
    with check.scope("EOP-AUTH-05", "public data, unauthenticated"):
        c.subscribe({"channel": target.public_channel})
        frame = c.data(target.public_channel)
    data_documented(check, frame, "a public data frame")


@pytest.mark.req("EOP-AUTH-06", "EOP-AUTH-01")
def test_login_on_one_connection_does_not_authenticate_another(
    client, authenticate, expect_no_private
):
    first, second = client(), client()
    authenticate(first)
    expect_no_private("EOP-AUTH-06", second, "another connection than the one logged in")


@pytest.mark.req("EOP-AUTH-08", "EOP-AUTH-01", "EOP-ENV-03")
def test_logout(client, authenticate, check):
    c = client()
    authenticate(c)
    answer = c.op_frame(
        protocol.op(protocol.LOGOUT), (protocol.LOGOUT, protocol.ERROR), may_close=True
    )
    codes_documented(check, "EOP-ENV-03", answer, "the logout reply")
    replies = (
        [a for a in c.ask(protocol.PRIVATE_QUERIES[0]) if protocol.is_any_query_reply(a)]
        if not c.session.closed
        else []
    )
    check.info(
        "EOP-AUTH-08",
        f"logout answered {answer or 'nothing'}; afterwards "
        + (
            "the connection is closed"
            if c.session.closed
            else f"openOrders is {'still answered' if replies else 'refused'}"
        ),
    )
