"""What a hostile-client test needs of Zenith (tests/mock_dialects.py): a login and a Sub built by
protocol.py, and the mock's documented answer to each hostile frame."""

from __future__ import annotations

import json
from typing import Any

from mock_dialects import MISSING, NOT_A_TOKEN, Dialect, Expect, FieldRule, Frame, one, put

from wsconform.vendors.zenith import protocol

BARRIER_TID = 100_000  # + n: a QueryIdentify round trip per barrier


def error(code: str) -> tuple[Expect, str]:
    def check(f: Frame) -> bool:
        return protocol.action_of(f) == protocol.ERROR and f.get("Data") == code

    return one(check), f"Error {code}"


def reject(tid: Any = 7) -> tuple[Expect, str]:
    def check(f: Frame) -> bool:
        return (
            f.get("Controller") == protocol.AUTH
            and f.get("TransactionID", None) == tid
            and protocol.result_of(f) == protocol.REJECT
        )

    return one(check), f"Auth reply Result Reject, TransactionID {tid!r}"


def tid_rule(value: Any) -> tuple[Expect, str]:
    """A TransactionID is a number; null or absent is no TransactionID."""
    if value is MISSING or value is None:
        return reject(None)
    if protocol.is_transaction_id(value):
        return reject(value)
    return error(protocol.DESERIALISE)


# Motif's AuthToken, with its explicit Action, so that a wrong Action is one of the cases.
AUTH_TOKEN = {**protocol.auth_token(NOT_A_TOKEN, 7), "Action": protocol.PUBLISH}
SUB = protocol.sub(protocol.PUBLIC_CHANNEL, 9)


def action_rule(value: Any) -> tuple[Expect, str]:
    """Action defaults to Publish when absent; any other non-string cannot be read."""
    return reject() if value is MISSING else error(protocol.DESERIALISE)


def controller_rule(value: Any) -> tuple[Expect, str]:
    """Controller defaults to Zenith when absent, a controller the mock does not serve."""
    if value is MISSING:
        return error(protocol.UNKNOWN_CONTROLLER)
    return error(protocol.DESERIALISE)


def logged_in(f: Frame) -> bool:
    return f.get("TransactionID") == 1 and protocol.result_of(f) == protocol.SUCCESS


ZENITH = Dialect(
    profile="zenith",
    subprotocols=[protocol.SUBPROTOCOL],
    login=lambda token: put(put(AUTH_TOKEN, ("TransactionID",), 1), ("Data", "AccessToken"), token),
    logged_in=logged_in,
    subscribe={**SUB, "TransactionID": 2},
    subscribed=lambda f: f.get("TransactionID") == 2 and f.get("Confirm") is True,
    is_data=protocol.is_data(protocol.PUBLIC_CHANNEL),
    barrier=lambda n: json.dumps(protocol.query_identify(BARRIER_TID + n)),
    barrier_reply=lambda f, n: f.get("TransactionID") == BARRIER_TID + n,
    not_json=error(protocol.DESERIALISE),
    not_object=error(protocol.DESERIALISE),
    fields=[
        FieldRule(AUTH_TOKEN, ("Controller",), controller_rule),
        FieldRule(AUTH_TOKEN, ("Topic",), lambda v: error(protocol.UNKNOWN_OPERATION)),
        FieldRule(AUTH_TOKEN, ("Action",), action_rule),
        FieldRule(AUTH_TOKEN, ("TransactionID",), tid_rule),
        FieldRule(AUTH_TOKEN, ("Data",), lambda v: reject()),
        FieldRule(AUTH_TOKEN, ("Data", "Provider"), lambda v: reject()),
        FieldRule(AUTH_TOKEN, ("Data", "AccessToken"), lambda v: reject()),
        # Not logged in: refused by right, whatever Confirm says (only true asks for a reply).
        FieldRule(SUB, ("Confirm",), lambda v: error(protocol.AUTHORITY)),
    ],
    big_string=lambda s: put(AUTH_TOKEN, ("Data", "AccessToken"), s),
    big_string_answer=reject(),
    echoes=lambda s: {"Controller": s, "Topic": "Echo"},  # an Error that names the controller
    bad_header_status=403,  # "an invalid token ... HTTP 403"
    reads_header=True,
)
