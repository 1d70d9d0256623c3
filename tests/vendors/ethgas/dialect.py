"""The ETHGas `cmd` dialect for the hostile-client tests (tests/mock_dialects.py): its frames from
the protocol core, and the answers the mock documents or chooses."""

from __future__ import annotations

import json

from mock_dialects import NOT_A_TOKEN, Dialect, Expect, FieldRule, Frame, one

from wsconform.vendors.ethgas import protocol
from wsconform.vendors.ethgas.common import PRIVATE_CHANNELS, PUBLIC_CHANNELS
from wsconform.vendors.ethgas.mock import INVALID_REQUEST

PRIVATE = PRIVATE_CHANNELS[0]


def error(code: int) -> tuple[Expect, str]:
    def check(f: Frame) -> bool:
        return protocol.is_error_frame(f) and protocol.error_code(f) == code

    return one(check), f"error frame code {code}"


def login_refused() -> tuple[Expect, str]:
    """401, or 429 once the connection has failed too many logins (both documented)."""

    def check(f: Frame) -> bool:
        refused = (protocol.INVALID_TOKEN, protocol.RATE_LIMITED)
        return protocol.is_login_refusal(f) and protocol.error_code(f) in refused

    return one(check), "login error 401 (or 429 once rate limited)"


_LOGIN = protocol.login(NOT_A_TOKEN)
_SUBSCRIBE = protocol.subscribe(PUBLIC_CHANNELS[0])

ETHGAS = Dialect(
    profile="ethgas",
    subprotocols=None,
    login=protocol.login,
    logged_in=lambda f: protocol.is_login_reply(f) and protocol.status_of(f) == protocol.SUCCESS,
    subscribe=protocol.subscribe(PRIVATE),
    subscribed=lambda f: f == protocol.reply(protocol.SUBSCRIBE, {"channel": PRIVATE}),
    is_data=protocol.is_any_data,
    barrier=lambda n: json.dumps(protocol.bare(protocol.PING)),
    barrier_reply=lambda f, n: f == protocol.bare(protocol.PONG),
    not_json=error(INVALID_REQUEST),
    not_object=error(INVALID_REQUEST),
    fields=[
        FieldRule(_LOGIN, ("cmd",), lambda v: error(INVALID_REQUEST)),
        FieldRule(_LOGIN, (protocol.SEED_MEMBER,), lambda v: login_refused()),
        FieldRule(_LOGIN, (protocol.SEED_MEMBER, "accessToken"), lambda v: login_refused()),
        FieldRule(_SUBSCRIBE, ("args",), lambda v: error(INVALID_REQUEST)),
        FieldRule(_SUBSCRIBE, ("args", "channel"), lambda v: error(INVALID_REQUEST)),
    ],
    big_string=protocol.login,
    big_string_answer=login_refused(),
    echoes=None,  # no answer carries what the client sent
)
