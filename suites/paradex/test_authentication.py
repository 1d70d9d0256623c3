"""Authentication: a valid JWT authenticates the connection, and only that connection."""

from __future__ import annotations

import pytest

from wsconform.vendors.paradex import protocol
from wsconform.vendors.paradex.checks import (
    auth_succeeded,
    documented_auth_result,
    is_error_response,
    subscribe_succeeded,
)


@pytest.mark.req("PDX-AUTH-01", "PDX-AUTH-02", "PDX-ENV-01", "PDX-ENV-02", "PDX-ENV-08")
def test_valid_jwt_gets_the_documented_success_reply(client, tokens, check):
    reply = client().auth(tokens.get("valid").value, request_id=0)  # the page's own example id
    check.equal("PDX-ENV-01", reply.get("jsonrpc"), protocol.JSONRPC, what="its jsonrpc member")
    check.equal("PDX-ENV-02", reply.get("id"), 0, what="auth reply echoes id 0")
    auth_succeeded(check, "PDX-AUTH-01", reply)
    documented_auth_result(check, "PDX-AUTH-02", reply)
    timing = [member for member in protocol.TIMING_MEMBERS if member in reply]
    check.info("PDX-ENV-08", f"auth reply timing members: {timing or 'none'}")


@pytest.mark.req("PDX-AUTH-03", "PDX-AUTH-06")
def test_private_channel_is_refused_before_auth(client, target, check, expect_no_data):
    c = client()
    reply = c.subscribe(target.private_channel)
    is_error_response(
        check,
        "PDX-AUTH-03",
        reply,
        f"subscribe to private {target.private_channel!r} without auth is refused",
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
    subscribe_succeeded(
        check,
        "PDX-AUTH-04",
        reply,
        "public subscribe without auth succeeds",
        channel=target.public_channel,
    )
    with check.scope("PDX-AUTH-04", "public data arrives without auth"):
        data = c.data(target.public_channel)
    check.schema("PDX-SUB-01", data, "subscription-notification")


@pytest.mark.req("PDX-AUTH-05", "PDX-AUTH-01", "PDX-SUB-01")
def test_authenticated_connection_gets_private_data(client, authenticate, target, check):
    c = client()
    authenticate(c)
    reply = c.subscribe(target.private_channel)
    subscribe_succeeded(check, "PDX-AUTH-05", reply, "private subscribe after auth succeeds")
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
    is_error_response(
        check,
        "PDX-AUTH-07",
        reply,
        "a second, unauthenticated connection is refused the private channel",
    )
    expect_no_data("PDX-AUTH-07", other, target.private_channel, "no private data on the other")
