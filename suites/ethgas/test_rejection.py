"""Rejection: invalid, malformed and expired tokens get the seed page's 401; repeated failures get
401 or 429 (whether and when is recorded), a 429 in the documented shape.

vendor-docs/ethgas-websocket-authentication.md § Error Response, § Authentication Errors."""

from __future__ import annotations

import pytest

from wsconform import jwt_forge
from wsconform.vendors.ethgas.checks import login_refused
from wsconform.vendors.ethgas.protocol import INVALID_TOKEN, RATE_LIMITED, error_code, status_of

FORGERIES = {
    **jwt_forge.FORGED,
    "escalated-claims": lambda t: jwt_forge.tampered_claims(t, sub="admin", exp=2**31 - 1),
}

MALFORMED = {
    "placeholder": "your_access_token_here",  # the page's own example value
    "not-a-jwt": "not-a-jwt",
    "empty": "",
    "two-segments": "eyJhbGciOiJFUzI1NiJ9.e30",
    "bad-base64": "!!!.???.***",
    "single-char-segments": "a.b.c",
}

# How many failed logins one connection sends to see whether the server limits them: enough to
# pass any small per-connection limit, few enough not to lock a live test account out for long.
FAILED_LOGINS = 12


@pytest.mark.req("ETH-REJ-01", "ETH-ENV-01")
@pytest.mark.parametrize("forge", FORGERIES.values(), ids=FORGERIES.keys())
def test_an_invalid_token_is_refused_with_401(client, tokens, check, forge):
    reply = client().login(forge(tokens.get("valid").value))
    login_refused(check, "ETH-REJ-01", reply, "a forged token")


@pytest.mark.req("ETH-REJ-02", "ETH-ENV-01")
@pytest.mark.parametrize("token", MALFORMED.values(), ids=MALFORMED.keys())
def test_a_malformed_token_is_refused_with_401(client, check, token):
    reply = client().login(token)
    login_refused(check, "ETH-REJ-02", reply, "a malformed token")


@pytest.mark.req("ETH-REJ-03", "ETH-ENV-01")
def test_an_expired_token_is_refused_with_401(client, tokens, check):
    reply = client().login(tokens.get("expired").value)
    login_refused(check, "ETH-REJ-03", reply, "an expired token")


@pytest.mark.req("ETH-REJ-04", "ETH-REJ-05")
def test_repeated_failed_logins_get_401_or_a_documented_429(client, tokens, check):
    c = client()
    bad = jwt_forge.bad_signature(tokens.get("valid").value)
    codes = []
    for attempt in range(1, FAILED_LOGINS + 1):
        code = login_refused(
            check,
            "ETH-REJ-04",
            c.login(bad),
            f"failed login {attempt}",
            codes=(INVALID_TOKEN, RATE_LIMITED),
            shape_req="ETH-REJ-04",  # a 429 in another shape is what this requirement is about
        )
        codes.append(code)
    limited = [n for n, code in enumerate(codes, 1) if code == RATE_LIMITED]
    check.info(
        "ETH-REJ-05",
        f"{FAILED_LOGINS} failed logins on one connection: "
        + (f"429 from attempt {limited[0]} on" if limited else "no 429")
        + f" (codes {codes})",
    )


@pytest.mark.req("ETH-REJ-07", "ETH-REJ-01")
def test_a_valid_login_after_a_refused_one(client, tokens, check):
    c = client()
    forged = jwt_forge.bad_signature(tokens.get("valid").value)
    login_refused(check, "ETH-REJ-01", c.login(forged), "a forged token")
    if c.session.closed:
        check.info(
            "ETH-REJ-07", f"the connection closed after the refusal ({c.session.close_code})"
        )
        return
    reply = c.login(tokens.get("valid").value)
    check.info(
        "ETH-REJ-07",
        f"connection open after the refusal; a valid login then: status {status_of(reply)!r}"
        + (f", code {error_code(reply)}" if error_code(reply) is not None else ""),
    )
