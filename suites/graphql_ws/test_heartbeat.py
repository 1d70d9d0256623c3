"""Ping and Pong, at any time within the socket, and WebSocket pings.

PROTOCOL § Ping, § Pong; RFC 6455 § 5.5.2."""

from __future__ import annotations

import pytest

from wsconform.vendors.graphql_ws import protocol
from wsconform.vendors.graphql_ws.checks import well_formed


@pytest.mark.req("GQL-HB-01", "GQL-AUTH-01", "GQL-ENV-05")
def test_a_ping_gets_a_pong(acked, check):
    c = acked()
    with check.scope("GQL-HB-01", "a Ping message is answered with a Pong message"):
        pong = c.ping({"sent": "by wsconform"})
    well_formed(check, "GQL-ENV-05", pong)


@pytest.mark.req("GQL-HB-03")
def test_a_ping_before_connection_init_gets_a_pong(client, check):
    c = client()
    with check.scope("GQL-HB-03", "a Ping before any ConnectionInit is answered with a Pong"):
        c.ping()


@pytest.mark.req("GQL-HB-02")
def test_websocket_pings_are_answered(client, expect_pongs):
    expect_pongs("GQL-HB-02", client().session)


@pytest.mark.req("GQL-HB-04", "GQL-AUTH-01")
def test_what_the_server_sends_of_its_own(acked, target, check):
    c = acked()
    target.settle(c.session)
    own = [f.data for f in c.session.pending(protocol.of_type(protocol.PING, protocol.PONG))]
    pings = c.session.pings_received
    check.info(
        "GQL-HB-04",
        f"over the observation window: {len(own)} Ping/Pong messages {own[:2] or ''}, "
        f"{pings} WebSocket pings",
    )
