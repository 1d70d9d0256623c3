"""The echo protocol's requirements (PROTOCOL.md), one test each."""

from __future__ import annotations

import pytest

from wsconform_echo import protocol


@pytest.mark.req("ECHO-AUTH-01")
def test_a_valid_token_authenticates(client, tokens, check):
    reply = client().auth(tokens.get("valid").value)
    check.schema("ECHO-AUTH-01", reply, "auth-reply", what="the auth reply")
    check.equal("ECHO-AUTH-01", reply.get("ok"), True, what="a valid token authenticates")


@pytest.mark.req("ECHO-REJ-01")
def test_a_token_that_is_no_jwt_is_refused(client, check):
    reply = client().auth("not-a-jwt")
    check.equal("ECHO-REJ-01", reply.get("code"), protocol.INVALID_TOKEN, what="refused 401")


@pytest.mark.req("ECHO-REJ-02")
def test_an_expired_token_is_refused(client, tokens, check):
    reply = client().auth(tokens.get("expired").value)
    check.equal("ECHO-REJ-02", reply.get("code"), protocol.INVALID_TOKEN, what="refused 401")


@pytest.mark.req("ECHO-SUB-01")
def test_the_private_channel_needs_authentication(client, check):
    reply = client().request(protocol.subscribe(protocol.PRIVATE_CHANNEL))
    check.equal("ECHO-SUB-01", reply.get("code"), protocol.NOT_AUTHENTICATED, what="refused 403")


@pytest.mark.req("ECHO-HB-01")
def test_pings_are_answered(client, expect_pongs):
    expect_pongs("ECHO-HB-01", client().session, count=1)
