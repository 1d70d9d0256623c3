"""Rejection: invalid and expired tokens get Reject; an invalid header token gets HTTP 403.

Catalogue documents AUTHTOKEN (response table: Result), GETTING-STARTED § Authenticate (HTTP 403);
docs/facts/zenith.md §Header authentication, §Reject spelling."""

from __future__ import annotations

import functools

import pytest

from wsconform import jwt_forge
from wsconform.vendors.zenith.checks import (
    header_token_refused,
    reject_spelled_as_documented,
    token_refused,
)
from wsconform.vendors.zenith.protocol import bearer_header

INVALID = {
    "garbage": lambda t: "mF_9.B5f-4.1JqM",  # the docs' own placeholder token
    **jwt_forge.FORGED,
}


@pytest.mark.req("ZEN-REJ-01", "ZEN-REJ-02", "ZEN-REJ-07")
@pytest.mark.parametrize("forge", INVALID.values(), ids=INVALID.keys())
def test_an_invalid_token_is_rejected(client, tokens, target, check, forge):
    c = client()
    reply = c.auth(forge(tokens.get("valid").value))
    token_refused(check, "ZEN-REJ-01", reply, what="AuthToken with an invalid token")
    reject_spelled_as_documented(check, "ZEN-REJ-02", reply)
    still = c.query_identify() if not c.session.closed else None
    check.info(
        "ZEN-REJ-07",
        "after Reject the connection is "
        + ("closed" if still is None else f"open; QueryIdentify: {still.get('Data')!r}"),
    )


@pytest.mark.req("ZEN-REJ-04", "ZEN-REJ-01", "ZEN-REJ-02")
def test_an_expired_token_is_rejected(client, tokens, check):
    reply = client().auth(tokens.get("expired").value)
    token_refused(check, "ZEN-REJ-04", reply, what="AuthToken with an expired token")


@pytest.mark.req("ZEN-REJ-03")
@pytest.mark.feature("handshake-authorization")
def test_an_invalid_header_token_is_refused_with_403(connect, tokens, check):
    bad = jwt_forge.bad_signature(tokens.get("valid").value)
    attempt = functools.partial(connect, headers=[bearer_header(bad)], refusal_expected=True)
    header_token_refused(check, "ZEN-REJ-03", attempt, what="an invalid header token")
