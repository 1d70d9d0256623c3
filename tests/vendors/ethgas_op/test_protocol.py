"""The `op` dialect's protocol core: its frames are valid against schemas/ethgas-op, its
classifiers tell replies apart, and its codes are the documented ones."""

from __future__ import annotations

from typing import Any

import pytest
from schema_cases import REGISTRY

from wsconform.vendors.ethgas.common import PRIVATE_CHANNELS, PUBLIC_CHANNELS
from wsconform.vendors.ethgas_op import payloads, protocol

VENDOR = "ethgas-op"
ARG = {"channel": PUBLIC_CHANNELS[0]}

FRAMES: list[tuple[str, Any]] = [
    ("login-request", protocol.login("t")),
    ("login-request", protocol.login("t", id=1)),
    ("subscribe-request", protocol.op(protocol.SUBSCRIBE, ARG, {"channel": PRIVATE_CHANNELS[0]})),
    ("unsubscribe-request", protocol.op(protocol.UNSUBSCRIBE, ARG)),
    ("query-request", protocol.query(protocol.SYNC_QUERY)),
    ("login-ack", protocol.ack(protocol.LOGIN, protocol.SUCCESS, "", "25f9ee2c")),
    ("login-reply", protocol.ack(protocol.LOGIN, protocol.AUTH_FAILED, "x", "25f9ee2c")),
    ("subscribe-ack", protocol.arg_ack(protocol.SUBSCRIBE, ARG)),
    ("unsubscribe-ack", protocol.arg_ack(protocol.UNSUBSCRIBE, ARG)),
    ("query-reply", protocol.query_reply(protocol.SYNC_QUERY, {"s": 603410})),
    ("query-reply", protocol.query_reply(protocol.PRIVATE_QUERIES[0], [])),
    ("data-frame", payloads.data_frame(PUBLIC_CHANNELS[0], 1)),
    ("channel-data", payloads.data_frame(PUBLIC_CHANNELS[0], 1)),
    ("error-event", protocol.error_event(protocol.INVALID_CHANNEL, "x", arg=ARG)),
    ("error-event", protocol.error_event(protocol.OPERATION_FAILED, "x")),
]


@pytest.mark.parametrize(
    ("schema", "frame"), FRAMES, ids=[f"{s}-{i}" for i, (s, _) in enumerate(FRAMES)]
)
def test_frames_are_valid_against_the_schemas(schema: str, frame: Any) -> None:
    assert REGISTRY.errors(VENDOR, schema, frame) == []


def test_codes_are_the_documented_ones() -> None:
    codes = REGISTRY.document(VENDOR, "error-event")["x-documented-codes"]
    assert codes["websocket"][str(protocol.AUTH_FAILED)] == protocol.AUTH_FAILED_MSG
    assert codes["websocket"][str(protocol.INVALID_CHANNEL)] == protocol.INVALID_CHANNEL_MSG
    assert codes["general"][str(protocol.OPERATION_FAILED)] == protocol.OPERATION_FAILED_MSG


def test_the_login_success_is_event_login_code_0() -> None:
    assert protocol.is_login_success(protocol.ack(protocol.LOGIN, protocol.SUCCESS, "", "c"))
    assert not protocol.is_login_success(
        protocol.ack(protocol.LOGIN, protocol.AUTH_FAILED, "", "c")
    )
    assert not protocol.is_login_success(protocol.ack("auth", protocol.SUCCESS, "", "c"))
    assert not protocol.is_login_success({"event": protocol.LOGIN, "code": False})


def test_classifiers() -> None:
    data = payloads.data_frame(ARG["channel"], 1)
    assert protocol.is_data(ARG["channel"])(data) and protocol.is_any_data(data)
    assert not protocol.is_data(PRIVATE_CHANNELS[0])(data)
    private_reply = protocol.query_reply(protocol.PRIVATE_QUERIES[0], [])
    slot = protocol.query_reply(protocol.SYNC_QUERY, {"s": 1})
    assert protocol.is_private_reply(private_reply) and not protocol.is_private_reply(slot)
    assert protocol.is_any_query_reply(slot) and not protocol.is_any_query_reply(data)
    assert protocol.is_query_reply(protocol.SYNC_QUERY)(slot)
    error = protocol.error_event(protocol.AUTH_FAILED, "x")
    assert protocol.is_event(protocol.ERROR)(error) and not protocol.is_any_data(error)
    for message in (None, protocol.TEXT_PONG, [data]):
        assert not protocol.is_any_data(message) and not protocol.is_event(protocol.ERROR)(message)


def test_the_session_header() -> None:
    assert protocol.bearer("t") == [("Authorization", "Bearer t")]
