"""Envelope and heartbeat: TransactionIDs echoed as sent, pings answered, and the server's own
30 s pings and 60 s idle close recorded (INFO; a minute live, so live only with --run-slow).

Catalogue documents EXCHANGING § Calling Actions and § Activity and Timeouts, AUTH § Maintaining
a connection (docs/facts/zenith.md §Message container, §Heartbeat); RFC 6455 §5.5.2."""

from __future__ import annotations

import pytest

from wsconform.vendors.zenith.client import frames
from wsconform.vendors.zenith.protocol import is_query_identify_reply, query_identify

TRANSACTION_IDS = {"zero": 0, "large": 2**31 - 1, "repeated": 7}


@pytest.mark.req("ZEN-ENV-01", "ZEN-AUTH-05")
@pytest.mark.parametrize("tid", TRANSACTION_IDS.values(), ids=TRANSACTION_IDS.keys())
def test_transaction_ids_are_echoed(client, tokens, check, tid):
    c = client()
    reply = c.auth(tokens.get("valid").value, transaction_id=tid)
    check.equal("ZEN-ENV-01", reply.get("TransactionID"), tid, what="AuthToken reply's TID")
    c.send(query_identify(tid))
    again = c.session.expect(frames(is_query_identify_reply), "QueryIdentify").obj
    check.equal("ZEN-ENV-01", again.get("TransactionID"), tid, what="QueryIdentify reply's TID")


@pytest.mark.req("ZEN-HB-01")
def test_pings_are_answered(client, expect_pongs):
    expect_pongs("ZEN-HB-01", client().session)


@pytest.mark.slow
@pytest.mark.req("ZEN-HB-02")
def test_server_heartbeat_is_recorded(observe_heartbeat):
    """The server's 30 s pings and its 1008 close of a silent client: INFO
    (docs/facts/zenith.md §Heartbeat)."""
    observe_heartbeat("ZEN-HB-02")
