"""Fuzzed tokens (hypothesis), in the ConnectionInit payload and in the upgrade's Authorization
header: none is acknowledged. Strategies: wsconform.fuzz (structural JWT mutations, opaque text
up to 64 KiB, wrong JSON types; for the header, the strings a header can carry); every known-bad
class first, then the random search. Each example gets a socket of its own: a refused
ConnectionInit closes it, and a second one on a socket would be refused 4429 anyway.

RFC 7519 § 7.2; PROTOCOL § ConnectionInit."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from websockets.datastructures import is_valid_header_value

from wsconform import fuzz
from wsconform.fixtures import each_known_bad
from wsconform.session import HandshakeRejected
from wsconform.vendors.graphql_ws import protocol
from wsconform.vendors.graphql_ws.checks import refused
from wsconform.vendors.graphql_ws.client import NO_TOKEN, GraphqlWsClient

# A header cannot carry control characters, nor end in whitespace (HTTP's rules, not the
# protocol's): those classes are the payload's to try. A header line over 4 KiB tests HTTP
# servers' limits, not this protocol.
NOT_IN_A_HEADER = ("control-characters", "whitespace-only")
HEADER_CLASSES = tuple(c for c in fuzz.KNOWN_BAD_SHORT_STRINGS if c not in NOT_IN_A_HEADER)
MAX_HEADER_TOKEN = 4096


def expect_payload_refused(token: fuzz.FuzzToken, client, check) -> None:
    c = client()
    try:
        refused(
            check, "GQL-REJ-05", c, token.value, f"a {token.family} token gets no ConnectionAck"
        )
    finally:
        c.session.close()  # one example, one socket: do not hold them all to the end


@pytest.mark.req("GQL-REJ-05", "GQL-REJ-02")
@each_known_bad()
def test_no_fuzzed_known_bad_token_is_acknowledged(known_bad_token, client, check):
    expect_payload_refused(known_bad_token, client, check)


@pytest.mark.req("GQL-REJ-05", "GQL-REJ-02")
@given(data=st.data())
def test_no_fuzzed_token_is_acknowledged(data, client, fuzzed_tokens, check):
    expect_payload_refused(data.draw(fuzzed_tokens, label="token"), client, check)


def expect_header_refused(token: fuzz.FuzzToken, connect, check) -> None:
    what = f"a {token.family} token in the Authorization header gets no ConnectionAck"
    try:
        session = connect(
            headers=[("Authorization", protocol.bearer(token.value))], refusal_expected=True
        )
    except HandshakeRejected:
        check.passed("GQL-REJ-07", f"{what}: the upgrade is refused")
        return
    try:
        refused(check, "GQL-REJ-07", GraphqlWsClient(session), NO_TOKEN, what)
    finally:
        session.close()


@pytest.mark.req("GQL-REJ-07", "GQL-REJ-02")
@pytest.mark.feature("header-auth")
@each_known_bad(HEADER_CLASSES)
def test_no_fuzzed_known_bad_header_token_is_acknowledged(known_bad_token, connect, check):
    expect_header_refused(known_bad_token, connect, check)


@pytest.mark.req("GQL-REJ-07", "GQL-REJ-02")
@pytest.mark.feature("header-auth")
@given(data=st.data())
def test_no_fuzzed_header_token_is_acknowledged(data, connect, base_token, check):
    token = data.draw(fuzz.jwt_mutations(base_token), label="token")
    assume(is_valid_header_value(token.value) and len(token.value) <= MAX_HEADER_TOKEN)
    expect_header_refused(token, connect, check)
