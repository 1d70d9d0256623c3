"""Envelope and heartbeat: query replies {q, P}, python-ethgas's extra "id", malformed requests,
JSON-only frames, the text ping/pong python-ethgas sends, and WebSocket pings.

developers.ethgas.com § query (docs/facts/ethgas.md §Queries); python-ethgas
(docs/facts/ethgas.md §python-ethgas); RFC 6455."""

from __future__ import annotations

import contextlib

import pytest

from wsconform.session import PeerClosed
from wsconform.vendors.ethgas.common import PUBLIC_CHANNELS
from wsconform.vendors.ethgas_op import protocol
from wsconform.vendors.ethgas_op.checks import all_json, codes_documented
from wsconform.vendors.ethgas_op.protocol import SYNC_QUERY, is_login_success


@pytest.mark.req("EOP-ENV-01", "EOP-AUTH-05")
def test_the_docs_query_example_is_answered_with_q(client, check, note_sync_fallback):
    c = client()
    note_sync_fallback(c)
    with check.scope("EOP-AUTH-05", "the reply to the docs' currentSlot query"):
        reply = c.query(SYNC_QUERY)
    check.schema("EOP-ENV-01", reply, "query-reply", what="the currentSlot reply is {q, P}")
    check.equal("EOP-ENV-01", reply.get("q"), SYNC_QUERY, what="q names the query")


@pytest.mark.req("EOP-ENV-02")
def test_requests_with_python_ethgas_ids_are_served(client, tokens, target, check):
    c = client()
    reply = None  # stays None when the scope records a WARN (SHOULD): nothing left to check
    with check.scope("EOP-ENV-02", 'a login with "id": 1, as python-ethgas sends it'):
        reply = c.login(tokens.get("valid").value, request_id=1)
    if reply is None:
        return
    check.true(
        "EOP-ENV-02",
        is_login_success(reply),
        'login with "id": 1 gets the documented ack',
        expected='{"event":"login","code":0,...}',
        actual=reply,
    )
    with check.scope("EOP-ENV-02", 'a subscribe with "id": 2 is served'):
        c.subscribe({"channel": target.public_channel}, id=2)
        c.data(target.public_channel)


CHANNEL = {"channel": PUBLIC_CHANNELS[0]}
MALFORMED = {
    "not-json": "this is not json {",
    "json-array": [protocol.query(SYNC_QUERY)],
    "unknown-op": protocol.op("noSuchOp"),
    "no-op": {"args": [CHANNEL]},
    "args-not-a-list": {"op": protocol.SUBSCRIBE, "args": CHANNEL},
}


@pytest.mark.req("EOP-ENV-05", "EOP-ENV-04", "EOP-ENV-03")
@pytest.mark.parametrize("frame", MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_requests(request, client, check, frame):
    kind = request.node.callspec.id
    c = client()
    c.session.send(frame)
    with contextlib.suppress(PeerClosed):  # a close is recorded below
        c.sync()
    answers = c.session.drain()
    s = c.session
    check.info(
        "EOP-ENV-05",
        f"{kind}: answered {[f.data for f in answers] or 'nothing'}; the connection "
        + (f"closed (code {s.close_code})" if s.closed else "stays open"),
    )
    codes_documented(
        check, "EOP-ENV-03", [f.obj for f in answers], f"the answer to a {kind} request"
    )
    all_json(
        check,
        "EOP-ENV-04",
        answers,
        f"the answer to a {kind} request is JSON (python-ethgas json.loads every frame)",
    )


@pytest.mark.req("EOP-HB-01")
def test_the_text_ping_gets_a_text_pong(client, check):
    c = client()
    with check.scope("EOP-HB-01", 'a text "pong" answers each of three text "ping"s'):
        for _ in range(3):
            c.ping()
        check.passed("EOP-HB-01", 'each text "ping" got a text "pong"')


@pytest.mark.req("EOP-HB-02")
def test_websocket_pings_are_answered(client, expect_pongs):
    expect_pongs("EOP-HB-02", client().session)
