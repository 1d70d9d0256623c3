"""Authentication: a valid token in the ConnectionInit payload (or the upgrade's header) is
acknowledged; nothing is executed before the ConnectionAck, on that socket or another.

PROTOCOL § ConnectionInit, § ConnectionAck, § Subscribe, § Communication."""

from __future__ import annotations

import pytest

from wsconform.vendors.graphql_ws import protocol
from wsconform.vendors.graphql_ws.checks import acknowledged, closes_with, outcome


@pytest.mark.req("GQL-AUTH-01", "GQL-ENV-05")
def test_a_valid_token_in_the_payload_is_acknowledged(acked):
    acked()


@pytest.mark.req("GQL-AUTH-02")
def test_the_handshake_selects_graphql_transport_ws(client, check):
    session = client().session
    check.equal(
        "GQL-AUTH-02",
        session.subprotocol,
        protocol.SUBPROTOCOL,
        what="the selected subprotocol is the one the client offered",
    )


@pytest.mark.req("GQL-AUTH-03", "GQL-ENV-05")
@pytest.mark.feature("header-auth")
def test_a_valid_token_in_the_upgrade_header_is_acknowledged(client, tokens, check):
    c = client(headers=[("Authorization", protocol.bearer(tokens.get("valid").value))])
    acknowledged(check, "GQL-AUTH-03", c, c.init())


@pytest.mark.req("GQL-AUTH-04")
def test_a_subscribe_before_the_acknowledgement_closes_4401(client, check):
    c = client()
    c.subscribe(protocol.SINGLE_RESULT)
    closes_with(
        check, "GQL-AUTH-04", c, protocol.UNAUTHORIZED, "a Subscribe before any ConnectionInit"
    )


@pytest.mark.req("GQL-AUTH-05", "GQL-AUTH-01")
def test_an_acknowledged_socket_acknowledges_no_other(acked, client, check):
    acked()
    other = client()
    other.subscribe(protocol.SINGLE_RESULT)
    closes_with(
        check,
        "GQL-AUTH-05",
        other,
        protocol.UNAUTHORIZED,
        "a Subscribe on a second socket, without its own ConnectionInit",
    )


@pytest.mark.req("GQL-REJ-08")
def test_what_an_init_without_a_token_gets(client, check):
    c = client()
    check.info("GQL-REJ-08", f"a ConnectionInit without payload: {outcome(c, c.init())}")
