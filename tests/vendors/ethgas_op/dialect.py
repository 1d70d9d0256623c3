"""The ETHGas `op` dialect for the hostile-client tests (tests/mock_dialects.py): its frames from
the protocol core, and the answers the mock documents or chooses."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mock_dialects import MISSING, NOT_A_TOKEN, Dialect, Expect, FieldRule, Frame, Path, one, put

from wsconform.vendors.ethgas.common import PRIVATE_CHANNELS, PUBLIC_CHANNELS
from wsconform.vendors.ethgas_op import protocol
from wsconform.vendors.ethgas_op.protocol import (
    AUTH_FAILED,
    INVALID_CHANNEL,
    INVALID_CHANNEL_MSG,
    OPERATION_FAILED,
    OPERATION_FAILED_MSG,
    SYNC_QUERY,
)

PRIVATE = {"channel": PRIVATE_CHANNELS[0]}


def error(code: int, msg: str, arg: Any = MISSING) -> tuple[Expect, str]:
    def check(f: Frame) -> bool:
        echoed = arg is MISSING or f.get("arg", MISSING) == arg
        coded = f.get("code") == code and f.get("msg") == msg
        return protocol.is_event(protocol.ERROR)(f) and coded and echoed

    return one(check), f"error {code} {msg!r}" + ("" if arg is MISSING else f", arg {arg!r}")


def login_failed() -> tuple[Expect, str]:
    def check(f: Frame) -> bool:
        return protocol.is_event(protocol.LOGIN)(f) and f.get("code") == AUTH_FAILED

    return one(check), f"login code {AUTH_FAILED}"


_LOGIN = protocol.login(NOT_A_TOKEN)
_SUBSCRIBE = protocol.op(protocol.SUBSCRIBE, {"channel": PUBLIC_CHANNELS[0]})
_QUERY = protocol.query(SYNC_QUERY)
OPERATION_FAILED_ERROR = error(OPERATION_FAILED, OPERATION_FAILED_MSG)


def arg_rule(template: dict[str, Any], code: int, msg: str) -> Callable[[Any], Any]:
    """An arg (or its channel/queryType) of the wrong type: an error that echoes the arg."""

    def expect(value: Any) -> tuple[Expect, str]:
        arg = put(template, template_path(template), value)["args"][0]
        return error(code, msg, arg)

    return expect


def template_path(template: dict[str, Any]) -> Path:
    return ("args", 0, next(iter(template["args"][0])))


def arg_itself(value: Any) -> tuple[Expect, str]:
    """No arg at all leaves args empty, which is no request; any other names no channel."""
    if value is MISSING:
        return OPERATION_FAILED_ERROR
    return error(INVALID_CHANNEL, INVALID_CHANNEL_MSG, value)


ETHGAS_OP = Dialect(
    profile="ethgas-op",
    subprotocols=None,
    login=protocol.login,
    logged_in=protocol.is_login_success,
    subscribe=protocol.op(protocol.SUBSCRIBE, PRIVATE),
    subscribed=lambda f: f == protocol.arg_ack(protocol.SUBSCRIBE, PRIVATE),
    is_data=protocol.is_any_data,
    barrier=lambda n: protocol.TEXT_PING,
    barrier_reply=lambda f, n: f == protocol.TEXT_PONG,
    not_json=OPERATION_FAILED_ERROR,
    not_object=OPERATION_FAILED_ERROR,
    fields=[
        FieldRule(_LOGIN, ("op",), lambda v: OPERATION_FAILED_ERROR),
        FieldRule(
            _LOGIN, ("args",), lambda v: login_failed() if v is MISSING else OPERATION_FAILED_ERROR
        ),
        FieldRule(_LOGIN, ("args", 0), lambda v: login_failed()),
        FieldRule(_LOGIN, ("args", 0, "accessToken"), lambda v: login_failed()),
        FieldRule(_SUBSCRIBE, ("args",), lambda v: OPERATION_FAILED_ERROR),
        FieldRule(_SUBSCRIBE, ("args", 0), arg_itself),
        FieldRule(
            _SUBSCRIBE,
            ("args", 0, "channel"),
            arg_rule(_SUBSCRIBE, INVALID_CHANNEL, INVALID_CHANNEL_MSG),
        ),
        FieldRule(
            _QUERY,
            ("args", 0, "queryType"),
            arg_rule(_QUERY, OPERATION_FAILED, OPERATION_FAILED_MSG),
        ),
    ],
    big_string=protocol.login,
    big_string_answer=login_failed(),
    # An Invalid channel error that carries the arg back.
    echoes=lambda s: protocol.op(protocol.SUBSCRIBE, {"channel": s}),
    bad_header_status=101,  # variant bad-header-token's default: upgrade-unauthenticated
    reads_header=True,
)
