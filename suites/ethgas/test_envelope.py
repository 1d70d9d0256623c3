"""Envelope and heartbeat: what malformed requests get (recorded; an error frame in the documented
shape), WebSocket pings answered, and the companion page's ping command answered with pong.

docs/facts/ethgas.md §Companion page (the companion page: request/response/error formats,
commands ping and pong); RFC 6455 §5.5.2."""

from __future__ import annotations

import pytest

from wsconform.vendors.ethgas import protocol
from wsconform.vendors.ethgas.client import is_error_frame, is_pong
from wsconform.vendors.ethgas.common import PUBLIC_CHANNELS

CHANNEL = PUBLIC_CHANNELS[0]
MALFORMED_REQUESTS = {
    "not-json": "this is not json {",
    "json-array": [protocol.subscribe(CHANNEL)],
    "no-cmd": {"args": {"channel": CHANNEL}},
    "unknown-cmd": protocol.command("noSuchCommand", {}),
    "subscribe-without-channel": protocol.command(protocol.SUBSCRIBE, {}),
    "subscribe-args-a-list": {"cmd": protocol.SUBSCRIBE, "args": [CHANNEL]},
}


@pytest.mark.req("ETH-ENV-04", "ETH-ENV-02")
@pytest.mark.parametrize("message", MALFORMED_REQUESTS.values(), ids=MALFORMED_REQUESTS.keys())
def test_what_a_malformed_request_gets(client, check, message):
    c = client()
    c.session.send(message)
    with check.scope("ETH-ENV-04", "the connection answers a ping after the malformed request"):
        c.sync()
    frames = c.session.drain()
    check.info(
        "ETH-ENV-04",
        f"answered: {[f.data for f in frames] or 'nothing'}; "
        f"connection {'closed' if c.session.closed else 'open'}",
    )
    for frame in filter(is_error_frame, frames):
        check.schema("ETH-ENV-02", frame.obj, "error-frame", what="the error frame's shape")


@pytest.mark.req("ETH-HB-01")
def test_websocket_pings_are_answered(client, expect_pongs):
    expect_pongs("ETH-HB-01", client().session)


@pytest.mark.req("ETH-HB-02")
def test_the_ping_command_is_answered_with_pong(client, check):
    c = client()
    with check.scope("ETH-HB-02", '{"cmd":"ping"} is answered with {"cmd":"pong"}'):
        pong = c.ping()
        check.schema("ETH-HB-02", pong, "pong", what="the pong")
    if not c.session.closed:
        c.session.barrier()
        others = [f.data for f in c.session.drain() if not is_pong(f)]
        if others:
            check.info("ETH-HB-02", f"other frames after the ping command: {others}")
