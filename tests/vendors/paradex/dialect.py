"""The Paradex dialect of the hostile-client tests (tests/mock_dialects.py): JSON-RPC 2.0, its
frames built by the protocol core."""

from __future__ import annotations

import json
from typing import Any

from mock_dialects import MISSING, NOT_A_TOKEN, Dialect, Expect, FieldRule, Frame, one

from wsconform.vendors.paradex import protocol

LOGIN_ID, SUBSCRIBE_ID = 1, 2


def rpc_error(code: int, request_id: Any = None) -> tuple[Expect, str]:
    def check(f: Frame) -> bool:
        return protocol.error_code(f) == code and f.get("id") == request_id

    return one(check), f"JSON-RPC error {code}, id {request_id!r}"


def rpc_id_rule(value: Any) -> tuple[Expect, str]:
    """JSON-RPC 2.0 §4: an id is a String, a Number or Null (or absent: a notification, which
    the mock answers anyway); anything else makes the request invalid, answered with id null."""
    if value is MISSING or value is None:
        return rpc_error(protocol.INVALID_PARAMS, None)
    if not protocol.valid_id(value):
        return rpc_error(protocol.INVALID_REQUEST, None)
    return rpc_error(protocol.INVALID_PARAMS, value)  # the request is valid: its own error


_UNSUBSCRIBE = protocol.unsubscribe_request("bbo.X", 7)
_AUTH = protocol.auth_request(NOT_A_TOKEN, 8)
_INVALID_PARAMS = rpc_error(protocol.INVALID_PARAMS, 7)
_INVALID_REQUEST = rpc_error(protocol.INVALID_REQUEST, 7)

PARADEX = Dialect(
    profile="paradex",
    subprotocols=None,
    login=lambda t: protocol.auth_request(t, LOGIN_ID),
    logged_in=lambda f: f.get("id") == LOGIN_ID and isinstance(f.get("result"), dict),
    subscribe=protocol.subscribe_request(protocol.DEFAULT_PRIVATE_CHANNEL, SUBSCRIBE_ID),
    subscribed=lambda f: (
        f.get("id") == SUBSCRIBE_ID
        and f.get("result") == {"channel": protocol.DEFAULT_PRIVATE_CHANNEL}
    ),
    is_data=protocol.is_data,
    barrier=lambda n: json.dumps(protocol.request("barrier", f"barrier-{n}")),
    barrier_reply=lambda f, n: f.get("id") == f"barrier-{n}",
    not_json=rpc_error(protocol.PARSE_ERROR),
    not_object=rpc_error(protocol.INVALID_REQUEST),
    fields=[
        FieldRule(_UNSUBSCRIBE, ("jsonrpc",), lambda v: _INVALID_REQUEST),
        FieldRule(_UNSUBSCRIBE, ("method",), lambda v: _INVALID_REQUEST),
        FieldRule(_UNSUBSCRIBE, ("id",), rpc_id_rule),
        FieldRule(_UNSUBSCRIBE, ("params",), lambda v: _INVALID_PARAMS),
        FieldRule(_UNSUBSCRIBE, ("params", "channel"), lambda v: _INVALID_PARAMS),
        FieldRule(_AUTH, ("params", "bearer"), lambda v: rpc_error(protocol.INVALID_PARAMS, 8)),
    ],
    big_string=lambda s: protocol.auth_request(s, 8),
    big_string_answer=rpc_error(protocol.MALFORMED_BEARER, 8),
    echoes=lambda s: protocol.request(s, 9),  # -32601 names the method
)
