"""The Paradex protocol core: its builders make frames the vendor's JSON schemas accept, its
classifiers tell replies, errors and data apart, and each fact has one home."""

from __future__ import annotations

from typing import Any

import pytest
from received import frame

from wsconform.schemas import registry
from wsconform.vendors.paradex import protocol
from wsconform.vendors.paradex.mock import ParadexMock
from wsconform.vendors.paradex.profile import PROFILE

PUBLIC, PRIVATE = protocol.DEFAULT_PUBLIC_CHANNEL, protocol.DEFAULT_PRIVATE_CHANNEL
TIMING = {"usIn": 1, "usOut": 3, "usDiff": 2}  # as the mock adds them to every reply


BUILT = {
    "auth-request": protocol.auth_request("a.b.c", 0),
    "subscribe-request": protocol.subscribe_request(PUBLIC, 1),
    "unsubscribe-request": protocol.unsubscribe_request(PUBLIC, "2"),
    "auth-success": {**protocol.result_reply(0, {"node_id": "a1b2c3d4e5f6g7h8"}), **TIMING},
    "subscribe-result": {**protocol.result_reply(1, {"channel": PUBLIC}), **TIMING},
    "unsubscribe-result": {**protocol.result_reply("2", {"channel": PUBLIC}), **TIMING},
    "subscription-notification": protocol.notification(PRIVATE, {"seq": 1}),
}


@pytest.mark.parametrize(("schema", "message"), BUILT.items(), ids=BUILT.keys())
def test_built_frames_are_schema_valid(schema: str, message: dict[str, Any]) -> None:
    assert registry().errors("paradex", schema, message) == []


@pytest.mark.parametrize("code", protocol.LIVE_MESSAGES)
def test_error_replies_with_the_live_messages_are_schema_valid(code: int) -> None:
    reply = {**protocol.error_reply(7, code, protocol.LIVE_MESSAGES[code], "details"), **TIMING}
    assert registry().errors("paradex", "error", reply) == []
    assert protocol.is_error(reply) and not protocol.is_result(reply)
    assert protocol.error_code(reply) == code


def test_documented_codes_are_the_schemas_code_enum() -> None:
    schema = registry().document("paradex", "error")
    enum = schema["$defs"]["errorObject"]["properties"]["code"]["enum"]
    assert sorted(protocol.DOCUMENTED_CODES) == sorted(enum)


def test_a_request_without_params_has_no_params_member() -> None:
    assert protocol.request("barrier", "b-1") == {
        "jsonrpc": "2.0",
        "method": "barrier",
        "id": "b-1",
    }


def test_responses_are_told_from_notifications() -> None:
    result = protocol.result_reply(1, {"channel": PUBLIC})
    error = protocol.error_reply(None, protocol.PARSE_ERROR, "parse error")
    data = protocol.notification(PUBLIC, {})
    assert protocol.is_response(result) and protocol.is_result(result)
    assert protocol.is_response(error) and protocol.is_error(error)
    assert not protocol.is_response(data) and not protocol.is_response("text")
    assert protocol.error_code(result) is None
    assert protocol.error_code({"error": "not an object"}) is None


def test_data_is_recognised_by_channel() -> None:
    data = protocol.notification(PRIVATE, {"seq": 1})
    assert protocol.is_data(data) and protocol.is_data(data, PRIVATE)
    assert not protocol.is_data(data, PUBLIC)
    assert not protocol.is_data(protocol.result_reply(1, {"channel": PRIVATE}), PRIVATE)
    assert not protocol.is_data([data])


def test_frame_predicates_read_the_parsed_frame() -> None:
    data = frame(protocol.notification(PUBLIC, {}))
    reply = frame(protocol.result_reply(5, {"channel": PUBLIC}))
    assert protocol.data_frame(PUBLIC)(data) and not protocol.data_frame(PRIVATE)(data)
    assert protocol.any_data_frame(data) and not protocol.any_data_frame(reply)
    assert protocol.response_frame(reply) and not protocol.response_frame(data)
    assert protocol.reply_to(5)(reply) and not protocol.reply_to("5")(reply)


@pytest.mark.parametrize("good", [None, 0, -1, 1.5, "x", ""])
def test_valid_ids(good: Any) -> None:
    assert protocol.valid_id(good)
    assert protocol.is_request(protocol.request(protocol.SUBSCRIBE, good, {"channel": PUBLIC}))


@pytest.mark.parametrize("bad", [True, [1], {"n": 1}, float("inf"), float("nan")])
def test_invalid_ids(bad: Any) -> None:
    assert not protocol.valid_id(bad)
    assert not protocol.is_request(protocol.request(protocol.SUBSCRIBE, bad))


def test_requests_need_the_version_and_a_string_method() -> None:
    assert not protocol.is_request({"jsonrpc": "1.0", "method": protocol.AUTH, "id": 1})
    assert not protocol.is_request({"jsonrpc": "2.0", "method": 42, "id": 1})
    assert not protocol.is_request([protocol.auth_request("t", 1)])


@pytest.mark.parametrize(
    "channel",
    ["bbo.ETH-USD-PERP", "trades.ALL", "markets_summary", "order_book.X.snapshot@15@50ms"],
)
def test_public_channels(channel: str) -> None:
    assert protocol.is_public(channel) and not protocol.is_private(channel)


@pytest.mark.parametrize("channel", ["account", "fills.ETH-USD-PERP", "rfq", "positions"])
def test_private_channels(channel: str) -> None:
    assert protocol.is_private(channel) and not protocol.is_public(channel)


def test_profile_and_mock_state_each_fact_once() -> None:
    assert PROFILE.heartbeat is ParadexMock.HEARTBEAT is protocol.HEARTBEAT
    assert (PROFILE.public_channel, PROFILE.private_channel) == (PUBLIC, PRIVATE)
    assert PROFILE.data_on is protocol.data_frame
