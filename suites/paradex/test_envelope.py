"""The JSON-RPC 2.0 envelope (version member, ids echoed with their type, the standard errors)
and the heartbeat (client pings answered; the server's own pings recorded)."""

from __future__ import annotations

import pytest

from wsconform.vendors.paradex import protocol
from wsconform.vendors.paradex.checks import documented_message, error_response

IDS = {"zero": 0, "integer": 7, "large-integer": 2**53 - 1, "string": "req-7", "digit-string": "12"}


@pytest.mark.req("PDX-ENV-01", "PDX-ENV-02")
@pytest.mark.parametrize("request_id", IDS.values(), ids=IDS.keys())
def test_id_is_echoed_with_its_type(client, target, check, request_id):
    reply = client().call(
        protocol.SUBSCRIBE, {"channel": target.public_channel}, request_id=request_id
    )
    check.equal("PDX-ENV-01", reply.get("jsonrpc"), protocol.JSONRPC, what="jsonrpc member")
    check.equal("PDX-ENV-02", reply.get("id"), request_id, what="id echoed with its JSON type")


@pytest.mark.req("PDX-ENV-03", "PDX-ENV-07")
def test_non_json_gets_a_parse_error(client, check):
    c = client()
    with check.scope("PDX-ENV-03", "a reply to a non-JSON frame"):
        reply = c.send_raw("this is not json {", "reply to a non-JSON frame")
    error_response(check, "PDX-ENV-03", reply, (protocol.PARSE_ERROR,), "non-JSON input")
    documented_message(check, "PDX-ENV-07", reply)
    check.true(
        "PDX-ENV-03",
        reply.get("id", "absent") is None,
        "the parse error's id is null",
        expected="id: null",
        actual=reply.get("id", "absent"),
    )


INVALID_REQUESTS = {
    "no-method": {"jsonrpc": protocol.JSONRPC, "id": 5},
    "method-not-a-string": {"jsonrpc": protocol.JSONRPC, "method": 42, "id": 5},
}


@pytest.mark.req("PDX-ENV-04", "PDX-ENV-07")
@pytest.mark.parametrize("message", INVALID_REQUESTS.values(), ids=INVALID_REQUESTS.keys())
def test_invalid_request_gets_32600(client, check, message):
    with check.scope("PDX-ENV-04", "a reply to an invalid request object"):
        reply = client().send_raw(message, "reply to an invalid request")
    error_response(
        check, "PDX-ENV-04", reply, (protocol.INVALID_REQUEST,), "an invalid request object"
    )
    documented_message(check, "PDX-ENV-07", reply)


@pytest.mark.req("PDX-ENV-05", "PDX-ENV-07")
def test_unknown_method_gets_32601(client, check):
    with check.scope("PDX-ENV-05", "a reply to an unknown method"):
        reply = client().call("no.such.method", {})
    error_response(check, "PDX-ENV-05", reply, (protocol.METHOD_NOT_FOUND,), "an unknown method")
    documented_message(check, "PDX-ENV-07", reply)


INVALID_PARAMS = {
    "no-channel": (protocol.SUBSCRIBE, {}),
    "channel-a-number": (protocol.SUBSCRIBE, {"channel": 42}),
    "params-a-list": (protocol.SUBSCRIBE, [protocol.DEFAULT_PUBLIC_CHANNEL]),
}


@pytest.mark.req("PDX-ENV-06", "PDX-ENV-07")
@pytest.mark.parametrize(("method", "params"), INVALID_PARAMS.values(), ids=INVALID_PARAMS.keys())
def test_invalid_params_get_32602(client, check, method, params):
    reply = client().call(method, params)
    error_response(
        check, "PDX-ENV-06", reply, (protocol.INVALID_PARAMS,), f"{method} with invalid params"
    )
    documented_message(check, "PDX-ENV-07", reply)


@pytest.mark.req("PDX-HB-01")
def test_client_ping_is_answered(client, expect_pongs):
    expect_pongs("PDX-HB-01", client().session, count=1)


@pytest.mark.slow
@pytest.mark.req("PDX-HB-02")
def test_server_heartbeat_is_recorded(observe_heartbeat):
    """The server's 55 s pings, and what befalls a client that never pongs: INFO
    (docs/facts/paradex.md §Heartbeat)."""
    observe_heartbeat("PDX-HB-02")
