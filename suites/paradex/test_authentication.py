"""Authentication: a valid JWT authenticates the connection, and only that connection."""

from __future__ import annotations

import pytest

from wsconform.vendors.paradex import protocol


@pytest.mark.req("PDX-AUTH-01", "PDX-AUTH-02", "PDX-ENV-01", "PDX-ENV-02", "PDX-ENV-08")
def test_valid_jwt_gets_the_documented_success_reply(client, tokens, check):
    reply = client().auth(tokens.get("valid").value, request_id=0)  # the page's own example id
    check.equal(
        "PDX-ENV-01",
        reply.get("jsonrpc"),
        protocol.JSONRPC,
        what="jsonrpc member of the auth reply",
    )
    check.equal("PDX-ENV-02", reply.get("id"), 0, what="auth reply echoes id 0")
    check.schema("PDX-AUTH-01", reply, "auth-success")
    result = reply["result"]
    documented = result == {} or (set(result) == {"node_id"} and isinstance(result["node_id"], str))
    check.true(
        "PDX-AUTH-02",
        documented,
        "auth result is {} or {node_id: string}",
        expected='{} or {"node_id": "<string>"}',
        actual=result,
    )
    timing = [member for member in protocol.TIMING_MEMBERS if member in reply]
    check.info("PDX-ENV-08", f"auth reply timing members: {timing or 'none'}")


@pytest.mark.req("PDX-AUTH-03", "PDX-AUTH-06")
def test_private_channel_is_refused_before_auth(client, target, check, expect_no_data):
    c = client()
    reply = c.subscribe(target.private_channel)
    check.true(
        "PDX-AUTH-03",
        "error" in reply and "result" not in reply,
        f"subscribe to private {target.private_channel!r} without auth is refused",
        expected="an error response",
        actual=reply,
    )
    check.info(
        "PDX-AUTH-06",
        f"private subscribe before auth: error {protocol.error_code(reply)}: {reply.get('error')}",
    )
    expect_no_data("PDX-AUTH-03", c, target.private_channel, "no private data before auth")


@pytest.mark.req("PDX-AUTH-04", "PDX-SUB-01")
def test_public_channel_is_served_without_auth(client, target, check):
    c = client()
    reply = c.subscribe(target.public_channel)
    check.true(
        "PDX-AUTH-04",
        "result" in reply and "error" not in reply,
        "public subscribe without auth succeeds",
        expected="a result, not an error",
        actual=reply,
    )
    check.schema("PDX-SUB-01", reply, "subscribe-result")
    check.equal(
        "PDX-SUB-01", reply["result"].get("channel"), target.public_channel, what="result.channel"
    )
    with check.scope("PDX-AUTH-04", "public data arrives without auth"):
        data = c.data(target.public_channel)
    check.schema("PDX-SUB-01", data, "subscription-notification")


@pytest.mark.req("PDX-AUTH-05", "PDX-AUTH-01", "PDX-SUB-01")
def test_authenticated_connection_gets_private_data(client, authenticate, target, check):
    c = client()
    authenticate(c)
    reply = c.subscribe(target.private_channel)
    check.true(
        "PDX-AUTH-05",
        "result" in reply and "error" not in reply,
        "private subscribe after auth succeeds",
        expected="a result, not an error",
        actual=reply,
    )
    check.schema("PDX-SUB-01", reply, "subscribe-result")
    with check.scope("PDX-AUTH-05", "private data arrives after auth"):
        data = c.data(target.private_channel)
    check.schema("PDX-AUTH-05", data, "subscription-notification")


@pytest.mark.req("PDX-AUTH-07", "PDX-AUTH-01")
def test_auth_on_one_connection_does_not_authenticate_another(
    client, authenticate, target, check, expect_no_data
):
    authenticate(client())
    other = client()
    reply = other.subscribe(target.private_channel)
    check.true(
        "PDX-AUTH-07",
        "error" in reply,
        "a second, unauthenticated connection is refused the private channel",
        expected="an error response",
        actual=reply,
    )
    expect_no_data("PDX-AUTH-07", other, target.private_channel, "no private data on the other")
