"""The `cmd` dialect's protocol core: its frames are valid against schemas/ethgas, its
classifiers tell replies apart, and its codes are the documented ones."""

from __future__ import annotations

from typing import Any

import pytest
from schema_cases import REGISTRY

from wsconform.vendors.ethgas import protocol
from wsconform.vendors.ethgas.common import PRIVATE_CHANNELS, PUBLIC_CHANNELS

VENDOR = "ethgas"
CHANNEL = PUBLIC_CHANNELS[0]
SUCCESS_DATA = {"userId": "u", "username": "u", "permissions": ["market_data"]}
INVALID_TOKEN = protocol.error_body(protocol.INVALID_TOKEN, protocol.INVALID_TOKEN_MESSAGE)

FRAMES: list[tuple[str, Any]] = [
    ("login-request", protocol.login("t")),
    ("login-request", protocol.login("t", protocol.COMPANION_MEMBER)),
    ("subscribe-request", protocol.subscribe(CHANNEL, marketId=12345)),
    ("unsubscribe-request", protocol.unsubscribe(CHANNEL)),
    ("ping", protocol.bare(protocol.PING)),
    ("pong", protocol.bare(protocol.PONG)),
    ("login-success", protocol.login_success(SUCCESS_DATA)),
    ("login-error", protocol.login_error(INVALID_TOKEN)),
    ("error-frame", protocol.error_frame(protocol.error_body(protocol.INVALID_CHANNEL, "x"))),
    ("token-expired", protocol.expiry_event()),
    ("data-frame", protocol.reply(PRIVATE_CHANNELS[0], {"seq": 1})),
]


@pytest.mark.parametrize(
    ("schema", "frame"), FRAMES, ids=[f"{s}-{i}" for i, (s, _) in enumerate(FRAMES)]
)
def test_frames_are_valid_against_the_schemas(schema: str, frame: Any) -> None:
    assert REGISTRY.errors(VENDOR, schema, frame) == []


def test_codes_are_the_documented_ones() -> None:
    login_codes = REGISTRY.document(VENDOR, "login-error")["x-documented-codes"]
    assert sorted(map(int, login_codes)) == list(protocol.LOGIN_ERROR_CODES)
    frame_codes = REGISTRY.document(VENDOR, "error-frame")["x-documented-codes"]
    assert sorted(map(int, frame_codes)) == list(protocol.ERROR_FRAME_CODES)
    assert frame_codes[str(protocol.INVALID_CHANNEL)]["description"] == "Invalid channel"


def test_classifiers() -> None:
    success = protocol.login_success(SUCCESS_DATA)
    refusal = protocol.login_error(INVALID_TOKEN)
    error = protocol.error_frame(protocol.error_body(1002, "x"))
    assert protocol.is_login_reply(success) and protocol.is_login_reply(refusal)
    assert protocol.is_login_refusal(refusal) and not protocol.is_login_refusal(success)
    assert protocol.is_refusal(error) and protocol.is_refusal(refusal)
    assert not protocol.is_refusal(success)
    assert protocol.is_error_frame(error) and not protocol.is_error_frame(refusal)
    assert protocol.is_expiry_event(protocol.expiry_event())
    assert not protocol.is_expiry_event(protocol.expiry_event("session_expired"))
    assert protocol.is_pong(protocol.bare(protocol.PONG))
    for message in (None, "pong", [protocol.bare(protocol.PONG)]):
        assert not protocol.is_pong(message)


def test_data_frames_are_known_by_their_channel() -> None:
    frame = protocol.reply(CHANNEL, {})
    assert protocol.is_data(CHANNEL)(frame) and protocol.is_any_data(frame)
    assert not protocol.is_data(PRIVATE_CHANNELS[0])(frame)
    assert not protocol.is_any_data(protocol.reply(protocol.SUBSCRIBE, {"channel": CHANNEL}))


def test_reading_replies() -> None:
    assert protocol.status_of(protocol.login_success(SUCCESS_DATA)) == protocol.SUCCESS
    companion = {"cmd": protocol.LOGIN, "data": {"status": protocol.SUCCESS, "userId": "u"}}
    assert protocol.status_of(companion) == protocol.SUCCESS
    assert protocol.error_code(protocol.login_error(INVALID_TOKEN)) == protocol.INVALID_TOKEN
    assert protocol.error_code(protocol.login_error("rate limited")) is None
    answers = [protocol.reply(protocol.SUBSCRIBE, {}), protocol.error_frame({"message": "x"})]
    assert protocol.errors_in(answers) == answers[1:]


@pytest.mark.parametrize("member", [protocol.SEED_MEMBER, protocol.COMPANION_MEMBER])
def test_the_token_is_read_from_either_spelling(member: str) -> None:
    assert protocol.token_of(protocol.login("t", member), None) == "t"
    missing = object()
    assert protocol.token_of(protocol.login("t", "params"), missing) is missing
