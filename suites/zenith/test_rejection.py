"""Rejection: invalid and expired tokens get Reject; an invalid header token gets HTTP 403.

vendor-docs/zenith-auth-token-action.txt § Result; facts §1.3 (HTTP 403), §4 (Reject/Rejected)."""

from __future__ import annotations

import pytest

from wsconform import jwt_forge
from wsconform.session import HandshakeRejected
from wsconform.vendors.zenith.protocol import bearer_header, result_of

INVALID = {
    "garbage": lambda t: "mF_9.B5f-4.1JqM",  # the docs' own placeholder token
    "bad-signature": jwt_forge.bad_signature,
    "alg-none": jwt_forge.alg_none,
    "wrong-key": jwt_forge.wrong_key,
}


def expect_reject(check, reply, what):
    result = result_of(reply)
    check.true(
        "ZEN-REJ-01",
        result in ("Reject", "Rejected") or reply.get("Action") == "Error",
        what,
        expected='Result "Reject" (or an Error)',
        actual=reply,
    )
    if result == "Rejected":
        check.failed("ZEN-REJ-02", "the rejection's spelling", '"Reject"', '"Rejected"')
    elif result == "Reject":
        check.passed("ZEN-REJ-02", 'the rejection is spelled "Reject"')


@pytest.mark.req("ZEN-REJ-01", "ZEN-REJ-02", "ZEN-REJ-07")
@pytest.mark.parametrize("forge", INVALID.values(), ids=INVALID.keys())
def test_an_invalid_token_is_rejected(client, tokens, target, check, forge):
    c = client()
    expect_reject(
        check, c.auth(forge(tokens.get("valid").value)), "AuthToken with an invalid token"
    )
    still = c.query_identify() if not c.session.closed else None
    check.info(
        "ZEN-REJ-07",
        "after Reject the connection is "
        + ("closed" if still is None else f"open; QueryIdentify: {still.get('Data')!r}"),
    )


@pytest.mark.req("ZEN-REJ-04", "ZEN-REJ-01", "ZEN-REJ-02")
def test_an_expired_token_is_rejected(client, tokens, check):
    reply = client().auth(tokens.get("expired").value)
    result = result_of(reply)
    check.true(
        "ZEN-REJ-04",
        result in ("Reject", "Rejected") or reply.get("Action") == "Error",
        "AuthToken with an expired token",
        expected='Result "Reject"',
        actual=reply,
    )


@pytest.mark.req("ZEN-REJ-03")
def test_an_invalid_header_token_is_refused_with_403(connect, tokens, check):
    bad = jwt_forge.bad_signature(tokens.get("valid").value)
    try:
        session = connect(headers=[bearer_header(bad)], refusal_expected=True)
    except HandshakeRejected as exc:
        check.equal("ZEN-REJ-03", exc.status, 403, what="HTTP status for an invalid header token")
        return
    check.failed(
        "ZEN-REJ-03",
        "an invalid header token",
        "HTTP 403 Forbidden",
        f"upgraded (subprotocol {session.subprotocol!r})",
    )
