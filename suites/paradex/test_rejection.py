"""Rejection: malformed tokens get 40110, invalid and expired ones 40111.

Page § Authentication Errors."""

from __future__ import annotations

from typing import Any

import pytest

from wsconform import jwt_forge
from wsconform.checks import HIDE_CHECK_FRAMES, Checker
from wsconform.vendors.paradex import protocol
from wsconform.vendors.paradex.checks import documented_message, error_response
from wsconform.vendors.paradex.client import ParadexClient

MALFORMED = {
    "not-a-jwt": "not-a-jwt",
    "two-segments": "eyJhbGciOiJFUzI1NiJ9.e30",
    "bad-base64": "!!!.???.***",
    "single-char-segments": "a.b.c",
}

FORGERIES = {
    **jwt_forge.FORGED,
    "escalated-claims": lambda t: jwt_forge.tampered_claims(t, sub="admin", exp=2**31 - 1),
}


def expect_refusal(
    check: Checker, req_id: str, reply: dict[str, Any], code: int, what: str
) -> None:
    """A refusal with `code` (`req_id`) that is a valid error reply (PDX-REJ-04) with a
    documented message (PDX-ENV-07)."""
    __tracebackhide__ = HIDE_CHECK_FRAMES
    error_response(check, req_id, reply, (code,), what, schema_req="PDX-REJ-04")
    documented_message(check, "PDX-ENV-07", reply)


@pytest.mark.req("PDX-REJ-01", "PDX-REJ-04", "PDX-ENV-07")
@pytest.mark.parametrize("bearer", MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_token_is_rejected_with_40110(client, check, bearer):
    reply = client().auth(bearer)
    expect_refusal(
        check, "PDX-REJ-01", reply, protocol.MALFORMED_BEARER, "a malformed token gets 40110"
    )


@pytest.mark.req("PDX-REJ-02", "PDX-REJ-04", "PDX-ENV-07")
@pytest.mark.parametrize("forge", FORGERIES.values(), ids=FORGERIES.keys())
def test_invalid_token_is_rejected_with_40111(client, tokens, check, forge):
    reply = client().auth(forge(tokens.get("valid").value))
    expect_refusal(check, "PDX-REJ-02", reply, protocol.INVALID_BEARER, "a forged token gets 40111")


@pytest.mark.req("PDX-REJ-03", "PDX-REJ-04")
def test_expired_token_is_rejected_with_40111(client, tokens, check):
    reply = client().auth(tokens.get("expired").value)
    expect_refusal(check, "PDX-REJ-03", reply, protocol.INVALID_BEARER, "an expired JWT gets 40111")


@pytest.mark.req("PDX-REJ-05", "PDX-AUTH-01")
def test_connection_stays_usable_after_rejection(client, tokens, check):
    c = client()
    c.auth(jwt_forge.bad_signature(tokens.get("valid").value))
    with check.scope("PDX-REJ-05", "a valid auth on the same connection after a rejection"):
        reply = c.auth(tokens.get("valid").value)
        check.schema("PDX-REJ-05", reply, "auth-success", what="the retry authenticates")


@pytest.mark.req("PDX-REJ-09")
@pytest.mark.feature("geo-blocking")
def test_geo_blocked_client_gets_40112(connect, target, tokens, check):
    url = target.extra_urls.get(protocol.GEO_BLOCKED_ENDPOINT)
    if url is None:
        pytest.skip(
            "40112 (Geo IP blocked) cannot be provoked from this network: give "
            f"--extra-endpoint {protocol.GEO_BLOCKED_ENDPOINT}=URL, an endpoint that geo-blocks "
            "this client"
        )
    reply = ParadexClient(connect(url=url)).auth(tokens.get("valid").value)
    error_response(
        check, "PDX-REJ-09", reply, (protocol.GEO_BLOCKED,), "a geo-blocked client gets 40112"
    )
    documented_message(check, "PDX-ENV-07", reply)
