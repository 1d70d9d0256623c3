"""The graphql-ws dialect of the hostile-client tests (tests/mock_dialects.py): an invalid message
is answered by closing the socket 4400 (PROTOCOL § Invalid message), a refused ConnectionInit by
closing it 4403; messages built by the protocol core."""

from __future__ import annotations

import json
from typing import Any

from mock_dialects import MISSING, NOT_A_TOKEN, Dialect, Expect, FieldRule, Frame

from wsconform.vendors.graphql_ws import protocol


def closed(code: int) -> tuple[Expect, str]:
    """Nothing but the close, with `code`."""
    return (lambda frames: frames == [{"close": code}]), f"the socket closed {code}"


INVALID = closed(protocol.BAD_REQUEST)
REFUSED = closed(protocol.FORBIDDEN)
_SUBSCRIBE = protocol.subscribe("1", protocol.SINGLE_RESULT)
_INIT = protocol.connection_init(NOT_A_TOKEN)


def payload_rule(value: Any) -> tuple[Expect, str]:
    """A ConnectionInit payload is an object or null; without one (or null) it is anonymous,
    which the mock refuses."""
    return REFUSED if value is None or value is MISSING else INVALID


def is_next(f: Frame) -> bool:
    return isinstance(f, dict) and f.get("type") == protocol.NEXT


GRAPHQL_WS = Dialect(
    profile="graphql-ws",
    subprotocols=[protocol.SUBPROTOCOL],
    login=protocol.connection_init,
    logged_in=lambda f: f.get("type") == protocol.CONNECTION_ACK,
    subscribe=protocol.subscribe("stream", protocol.STREAMING),
    subscribed=None,
    is_data=is_next,
    barrier=lambda n: json.dumps(protocol.ping({"n": n})),
    barrier_reply=lambda f, n: f.get("type") == protocol.PONG,
    not_json=INVALID,
    not_object=INVALID,
    fields=[
        FieldRule(_SUBSCRIBE, ("type",), lambda v: INVALID),
        FieldRule(_SUBSCRIBE, ("id",), lambda v: INVALID),
        FieldRule(_SUBSCRIBE, ("payload",), lambda v: INVALID),
        FieldRule(_SUBSCRIBE, ("payload", "query"), lambda v: INVALID),
        FieldRule(_INIT, ("payload",), payload_rule),
        FieldRule(_INIT, ("payload", "Authorization"), lambda v: REFUSED),
    ],
    big_string=protocol.connection_init,
    big_string_answer=REFUSED,
    answers_by_closing=True,
)
