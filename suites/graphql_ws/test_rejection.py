"""Rejection: forged, expired and malformed tokens, in the payload or the upgrade's header, get
no ConnectionAck; the refusal is the close 4403 PROTOCOL.md recommends.

RFC 7519 § 7.2, § 4.1.4; PROTOCOL § ConnectionInit."""

from __future__ import annotations

import pytest

from wsconform import jwt_forge
from wsconform.session import HandshakeRejected
from wsconform.vendors.graphql_ws import protocol
from wsconform.vendors.graphql_ws.checks import refused
from wsconform.vendors.graphql_ws.client import NO_TOKEN, GraphqlWsClient

MALFORMED = {
    "not-a-jwt": "not-a-jwt",
    "two-segments": "eyJhbGciOiJFUzI1NiJ9.e30",
    "bad-base64": "!!!.???.***",
}
FORGERIES = {
    **jwt_forge.FORGED,
    "escalated-claims": lambda t: jwt_forge.tampered_claims(t, sub="admin", exp=2**31 - 1),
}
LIFETIME = 5  # seconds: a short-lived token, so that a live run waits only this long


@pytest.mark.req("GQL-REJ-01", "GQL-REJ-02")
@pytest.mark.parametrize("forge", FORGERIES.values(), ids=FORGERIES.keys())
def test_an_invalid_token_gets_no_acknowledgement(client, tokens, check, forge):
    token = forge(tokens.get("valid").value)
    refused(check, "GQL-REJ-01", client(), token, "a forged token gets no ConnectionAck")


@pytest.mark.req("GQL-REJ-03", "GQL-REJ-02")
def test_an_expired_token_gets_no_acknowledgement(client, tokens, check):
    token = tokens.get("expired").value
    refused(check, "GQL-REJ-03", client(), token, "an expired token gets no ConnectionAck")


@pytest.mark.req("GQL-REJ-03", "GQL-REJ-02", "GQL-AUTH-01")
def test_a_token_that_expired_on_the_clock_is_refused_on_a_new_socket(
    acked, client, tokens, wait_past, check
):
    token = tokens.get("short-lived", LIFETIME)
    acked(token.value)
    wait_past(token.expires_at)
    what = "the token, now expired, gets no ConnectionAck on a new socket"
    refused(check, "GQL-REJ-03", client(), token.value, what)


@pytest.mark.req("GQL-REJ-04", "GQL-REJ-02")
@pytest.mark.parametrize("token", MALFORMED.values(), ids=MALFORMED.keys())
def test_a_malformed_token_gets_no_acknowledgement(client, check, token):
    refused(check, "GQL-REJ-04", client(), token, "a malformed token gets no ConnectionAck")


def header_refused(check, connect, token: str, what: str) -> None:
    """GQL-REJ-06 for a token in the upgrade's header and a ConnectionInit without payload: the
    upgrade refused by HTTP status, or the ConnectionInit refused (as GQL-REJ-01 judges it)."""
    try:
        session = connect(
            headers=[("Authorization", protocol.bearer(token))], refusal_expected=True
        )
    except HandshakeRejected as exc:
        check.passed("GQL-REJ-06", f"{what}: the upgrade is refused ({exc})")
        return
    refused(check, "GQL-REJ-06", GraphqlWsClient(session), NO_TOKEN, what)


@pytest.mark.req("GQL-REJ-06", "GQL-REJ-02")
@pytest.mark.feature("header-auth")
@pytest.mark.parametrize("kind", ["bad-signature", "alg-none", "expired"])
def test_an_invalid_token_in_the_upgrade_header_gets_no_acknowledgement(
    connect, tokens, check, kind
):
    valid = tokens.get("valid").value
    token = tokens.get("expired").value if kind == "expired" else jwt_forge.FORGED[kind](valid)
    header_refused(check, connect, token, f"a {kind} token in the Authorization header")
