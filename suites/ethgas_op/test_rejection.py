"""Rejection: invalid and expired tokens, by login and in the session header, get neither the
documented success nor private access. How they are refused is undocumented and recorded.

developers.ethgas.com; ETHGas_Docs getting-started/connecting.mdx (docs/facts/ethgas.md
§Session header, §Tokens); RFC 7519 §4.1.4."""

from __future__ import annotations

import pytest

from wsconform import jwt_forge
from wsconform.session import HandshakeRejected
from wsconform.vendors.ethgas_op.checks import codes_documented, header_refused, no_login_success
from wsconform.vendors.ethgas_op.client import EthgasOpClient
from wsconform.vendors.ethgas_op.protocol import bearer

# The docs' own login example token: jwt.io's HS256 sample ("John Doe"), signed by no ETHGas key.
DOCS_SAMPLE = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwi"
    "aWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
)
INVALID = {
    "docs-sample": lambda t: DOCS_SAMPLE,
    **jwt_forge.FORGED,
    "tampered-claims": lambda t: jwt_forge.tampered_claims(t, sub="admin", exp=2**31 - 1),
}


def closed_text(c: EthgasOpClient) -> str:
    s = c.session
    return f"closed (code {s.close_code}, reason {s.close_reason!r})" if s.closed else "open"


@pytest.mark.req("EOP-REJ-01", "EOP-REJ-04", "EOP-ENV-03")
@pytest.mark.parametrize("forge", INVALID.values(), ids=INVALID.keys())
def test_an_invalid_token_gets_no_login(request, client, tokens, check, forge, expect_no_private):
    kind = request.node.callspec.id
    c = client()
    replies = c.attempt_login(forge(tokens.get("valid").value))
    check.info("EOP-REJ-04", f"login, {kind} token: {replies or 'no reply'}; {closed_text(c)}")
    no_login_success(check, "EOP-REJ-01", replies, f"login, {kind} token")
    codes_documented(check, "EOP-ENV-03", replies, "the login failure")
    expect_no_private("EOP-REJ-01", c, f"after a login, {kind} token")


@pytest.mark.req("EOP-REJ-02", "EOP-REJ-04", "EOP-ENV-03")
def test_an_expired_token_gets_no_login(client, tokens, check, expect_no_private):
    c = client()
    replies = c.attempt_login(tokens.get("expired").value)
    check.info("EOP-REJ-04", f"login, expired token: {replies or 'no reply'}; {closed_text(c)}")
    no_login_success(check, "EOP-REJ-02", replies, "login with an expired token")
    codes_documented(check, "EOP-ENV-03", replies, "the login failure")
    expect_no_private("EOP-REJ-02", c, "after a login with an expired token")


@pytest.mark.req("EOP-REJ-03", "EOP-REJ-05")
@pytest.mark.feature("session-header")
@pytest.mark.parametrize("kind", [*INVALID, "expired"])
def test_a_bad_session_header_does_not_authenticate(
    connect, tokens, check, kind, expect_no_private
):
    if kind == "expired":
        token = tokens.get("expired").value
    else:
        token = INVALID[kind](tokens.get("valid").value)
    try:
        session = connect(headers=bearer(token), refusal_expected=True)
    except HandshakeRejected as exc:
        header_refused(check, "EOP-REJ-03", kind, exc.status)
        return
    check.info("EOP-REJ-05", f"session header, {kind} token: upgraded")
    expect_no_private("EOP-REJ-03", EthgasOpClient(session), f"session header, {kind} token")


@pytest.mark.req("EOP-REJ-08")
def test_a_valid_login_after_a_failed_one(client, tokens, check):
    c = client()
    failed = c.attempt_login(jwt_forge.bad_signature(tokens.get("valid").value))
    if c.session.closed:
        check.info("EOP-REJ-08", f"after the failed login {failed}: {closed_text(c)}")
        return
    then = c.attempt_login(tokens.get("valid").value)
    check.info(
        "EOP-REJ-08",
        f"after the failed login the connection is {closed_text(c)}; a valid login then got "
        f"{then or 'no reply'}",
    )
