"""ETHGas official-protocol JSON Schemas (profile `ethgas-op`): mutations fail, variants pass.

Sources: the documents the ethgas-op catalogue names, as docs/facts/ethgas.md § Official protocol
and § python-ethgas give them. Files, metadata and the docs' examples: test_schemas.py.
"""

from __future__ import annotations

import pytest
from schema_cases import REGISTRY, Mutations, acceptance_test, drop, rejection_test, set_

from wsconform.vendors.ethgas.common import PRIVATE_CHANNELS, PUBLIC_CHANNELS
from wsconform.vendors.ethgas_op import protocol

VENDOR = "ethgas-op"
M = Mutations(VENDOR)
REQUESTS = ["login-request", "subscribe-request", "unsubscribe-request", "query-request"]
UNDOCUMENTED = ["error-event", "subscribe-ack", "unsubscribe-ack"]


def test_undocumented_frames_are_marked() -> None:
    for name in REGISTRY.names(VENDOR):
        document = REGISTRY.document(VENDOR, name)
        if name in UNDOCUMENTED:
            assert document["x-undocumented"] is True, name
            assert "UNDOCUMENTED" in document["description"]
            assert "examples" not in document
        else:
            assert "x-undocumented" not in document, name


def test_documented_error_codes_and_their_conflict() -> None:
    document = REGISTRY.document(VENDOR, "error-event")
    codes = document["x-documented-codes"]
    assert codes["websocket"] == {
        "1001": "Authentication failed",
        "1002": "Invalid channel",
        "1003": "Rate limit exceeded",
        "1004": "Connection timeout",
    }
    assert codes["general"] == {
        "1": "Success",
        "2": "Permission Denied",
        "99": "Unexpected",
        "1000": "Permission Denied",
        "1001": "Validation Error",
        "1002": "Operation Failed",
        "9999": "Unexpected",
    }
    clashing = sorted(
        code
        for code in set(codes["websocket"]) & set(codes["general"])
        if codes["websocket"][code] != codes["general"][code]
    )
    assert clashing == ["1001", "1002"]
    for code in clashing:
        assert code in document["x-doc-conflict"]


def test_text_heartbeat_recorded_without_a_schema() -> None:
    description = REGISTRY.document(VENDOR, "common")["description"]
    assert "NOT JSON" in description
    assert '"ping"' in description and '"pong"' in description
    assert not [n for n in REGISTRY.names(VENDOR) if "ping" in n or "pong" in n]


def test_login_ack_is_a_login_reply_and_failure_is_not_an_ack() -> None:
    for example in REGISTRY.document(VENDOR, "login-ack")["examples"]:
        assert REGISTRY.errors(VENDOR, "login-reply", example) == []
    for failure in REGISTRY.document(VENDOR, "login-reply")["x-derived-examples"]:
        assert failure["code"] != 0
        assert not REGISTRY.is_valid(VENDOR, "login-ack", failure)


def test_replies_do_not_cross_validate() -> None:
    """A data frame is not a query reply, a login ack is not an error event, and so on."""
    data = M.first("data-frame")
    query = M.first("query-reply")
    ack = M.first("login-ack")
    assert not REGISTRY.is_valid(VENDOR, "query-reply", data)
    assert not REGISTRY.is_valid(VENDOR, "data-frame", query)
    assert not REGISTRY.is_valid(VENDOR, "error-event", ack)
    assert not REGISTRY.is_valid(VENDOR, "subscribe-ack", ack)
    assert not REGISTRY.is_valid(VENDOR, "unsubscribe-ack", M.derived("subscribe-ack"))


@pytest.mark.parametrize("channel", PUBLIC_CHANNELS + PRIVATE_CHANNELS)
def test_documented_channels_subscribe(channel: str) -> None:
    frame = protocol.op(protocol.SUBSCRIBE, {"channel": channel})
    assert REGISTRY.errors(VENDOR, "subscribe-request", frame) == []


# Requests: op/args envelope.
for _name in REQUESTS:
    _op = _name.split("-")[0]
    M.case(_name, "not an object", [M.first(_name)])
    M.case(_name, "op missing", M.mutate(_name, drop("op")))
    M.case(_name, "op a number", M.mutate(_name, set_("op", 1)))
    M.case(_name, "op capitalised", M.mutate(_name, set_("op", _op.capitalize())))
    M.case(_name, "cmd instead of op", {"cmd": _op, "args": M.first(_name)["args"]})
    M.case(_name, "args missing", M.mutate(_name, drop("args")))
    M.case(_name, "args not an array", M.mutate(_name, set_("args", M.first(_name)["args"][0])))
    M.case(_name, "args empty", M.mutate(_name, set_("args", [])))
    M.case(_name, "args null", M.mutate(_name, set_("args", None)))
    M.case(_name, "args with a string", M.mutate(_name, set_("args", ["x"])))
    M.case(_name, "id a string", M.mutate(_name, set_("id", "1")))
    M.case(_name, "id 1.5", M.mutate(_name, set_("id", 1.5)))
for _name, _other in [
    ("login-request", "subscribe"),
    ("subscribe-request", "unsubscribe"),
    ("unsubscribe-request", "subscribe"),
    ("query-request", "login"),
    ("login-request", "logout"),
]:
    M.case(_name, f"op {_other!r}", M.mutate(_name, set_("op", _other)))

# login-request.
_L = "login-request"
M.case(_L, "accessToken missing", M.mutate(_L, set_("args", [{}])))
for _value, _label in [(123, "number"), (None, "null"), (["t"], "array")]:
    M.case(_L, f"accessToken {_label}", M.mutate(_L, set_("args", 0, "accessToken", _value)))
M.case(
    _L,
    "cmd dialect's data object",
    {"op": "login", "data": {"accessToken": "your_access_token_here"}},
)
M.case(_L, "second arg without accessToken", M.mutate(_L, set_("args", [{"accessToken": "t"}, {}])))

# login-ack: the documented success.
_A = "login-ack"
for _code, _label in [("0", '"0" string'), (0.5, "0.5"), (1, "1"), (1001, "1001"), (None, "null")]:
    M.case(_A, f"code {_label}", M.mutate(_A, set_("code", _code)))
for _member in ["event", "code", "msg", "connId"]:
    M.case(_A, f"{_member} missing", M.mutate(_A, drop(_member)))
M.case(_A, "event Login", M.mutate(_A, set_("event", "Login")))
M.case(_A, "event subscribe", M.mutate(_A, set_("event", "subscribe")))
M.case(_A, "msg null", M.mutate(_A, set_("msg", None)))
M.case(_A, "connId a number", M.mutate(_A, set_("connId", 25)))
M.case(_A, "not an object", [M.first(_A)])

# login-reply: any login reply, code an integer.
_P = "login-reply"
for _code, _label in [("0", '"0" string'), ("1001", '"1001" string'), (0.5, "0.5"), (None, "null")]:
    M.case(_P, f"code {_label}", M.mutate(_P, set_("code", _code)))
for _member in ["event", "code", "msg"]:
    M.case(_P, f"{_member} missing", M.mutate(_P, drop(_member)))
M.case(_P, "event error", M.mutate(_P, set_("event", "error")))
M.case(_P, "msg a number", M.mutate(_P, set_("msg", 0)))
M.case(_P, "connId a number", M.mutate(_P, set_("connId", 1)))
M.case(_P, "cmd dialect success", {"cmd": "login", "status": "success", "data": {"userId": "u"}})

# subscribe / unsubscribe args.
for _name in ["subscribe-request", "unsubscribe-request"]:
    M.case(_name, "arg without channel", M.mutate(_name, drop("args", 0, "channel")))
    M.case(_name, "channel empty", M.mutate(_name, set_("args", 0, "channel", "")))
    M.case(_name, "channel a number", M.mutate(_name, set_("args", 0, "channel", 1)))
    for _type in ["InclusionPreconf", "inclusion_preconf", "wholeblock", "", 1]:
        M.case(
            _name, f"marketType {_type!r}", M.mutate(_name, set_("args", 0, "marketType", _type))
        )
    M.case(_name, "pricerOnly a string", M.mutate(_name, set_("args", 0, "pricerOnly", "true")))
    M.case(_name, "pricerOnly 1", M.mutate(_name, set_("args", 0, "pricerOnly", 1)))
    M.case(
        _name,
        "cmd dialect's args object",
        {"op": _name.split("-")[0], "args": {"channel": "preconfMarketUpdate"}},
    )
M.case(
    "subscribe-request",
    "later arg without channel",
    M.mutate("subscribe-request", set_("args", 2, {"marketType": "wholeBlock"})),
)

# subscribe-ack / unsubscribe-ack (undocumented [INF] shapes).
for _name, _other in [("subscribe-ack", "unsubscribe"), ("unsubscribe-ack", "subscribe")]:
    _ack = M.derived(_name)
    M.case(_name, f"event {_other!r}", {**_ack, "event": _other})
    M.case(_name, "arg missing", {"event": _ack["event"]})
    M.case(_name, "arg an array (args)", {"event": _ack["event"], "arg": [_ack["arg"]]})
    M.case(_name, "arg without channel", {**_ack, "arg": {"marketType": "inclusionPreconf"}})
    M.case(
        _name, "marketType outside the enum", {**_ack, "arg": {"channel": "x", "marketType": "y"}}
    )

# data-frame.
_D = "data-frame"
for _member in ["e", "E", "P"]:  # not s: two of the docs' examples carry none
    M.case(_D, f"{_member} missing", M.mutate(_D, drop(_member)))
M.case(_D, "e empty", M.mutate(_D, set_("e", "")))
M.case(_D, "e a number", M.mutate(_D, set_("e", 1)))
M.case(_D, "E a string", M.mutate(_D, set_("E", "1736751224943")))
M.case(_D, "E a float", M.mutate(_D, set_("E", 1736751224943.5)))
M.case(_D, "E negative", M.mutate(_D, set_("E", -1)))
M.case(_D, "s a number", M.mutate(_D, set_("s", 863)))
M.case(_D, "q instead of e (a query reply)", {"q": "orderBookUpdate", "E": 1, "s": "x", "P": {}})
M.case(_D, "not an object", [M.first(_D)])

# channel-data: each documented channel's P as its example shows it.
_C = "channel-data"
_ORDER_BOOK, _TICKER = 3, 4  # indexes of the orderBookUpdate and tickerUpdate examples
M.case(_C, "e undocumented (the SDK's userOrder)", M.mutate(_C, set_("e", "userOrder")))
M.case(_C, "P of another channel", M.mutate(_C, set_("P", M.first(_C, _TICKER)["P"]), _ORDER_BOOK))
M.case(_C, "a P member missing", M.mutate(_C, drop("P", "b"), _ORDER_BOOK))
M.case(_C, "a price level without q", M.mutate(_C, drop("P", "b", 0, "q"), _ORDER_BOOK))
M.case(_C, "a P member of another type", M.mutate(_C, set_("P", "A", "18855242"), _TICKER))
M.case(_C, "E missing (data-frame.json applies)", M.mutate(_C, drop("E")))

# query-data: each documented query's P as its example shows it.
_QD = "query-data"
_SLOT, _OPEN_ORDERS = 2, 7  # indexes of the currentSlot and openOrders examples
M.case(
    _QD, "q undocumented (the SDK's currentPositions)", M.mutate(_QD, set_("q", "currentPositions"))
)
M.case(
    _QD,
    "a list reply as one object",
    M.mutate(_QD, set_("P", M.first(_QD, _OPEN_ORDERS)["P"][0]), _OPEN_ORDERS),
)
M.case(_QD, "slot a string", M.mutate(_QD, set_("P", "s", "603410"), _SLOT))
M.case(_QD, "P missing (query-reply.json applies)", M.mutate(_QD, drop("P")))

# query-request / query-reply.
_Q = "query-request"
M.case(_Q, "queryType missing", M.mutate(_Q, set_("args", [{}])))
M.case(_Q, "queryType empty", M.mutate(_Q, set_("args", 0, "queryType", "")))
M.case(_Q, "queryType a number", M.mutate(_Q, set_("args", 0, "queryType", 1)))
_R = "query-reply"
M.case(_R, "q missing", M.mutate(_R, drop("q")))
M.case(_R, "P missing", M.mutate(_R, drop("P")))
M.case(_R, "q empty", M.mutate(_R, set_("q", "")))
M.case(_R, "q a number", M.mutate(_R, set_("q", 1)))
M.case(_R, "not an object", [M.first(_R)])

# error-event (undocumented [INF] shape).
_X = "error-event"
_ERR = M.derived(_X)
for _code, _label in [("1001", '"1001" string'), (1001.5, "1001.5"), (None, "null")]:
    M.case(_X, f"code {_label}", {**_ERR, "code": _code})
for _member in ["event", "code", "msg"]:
    M.case(_X, f"{_member} missing", {k: v for k, v in _ERR.items() if k != _member})
M.case(_X, "event login", {**_ERR, "event": "login"})
M.case(_X, "msg a number", {**_ERR, "msg": 1})
M.case(_X, "cmd dialect error", {"cmd": "error", "error": {"code": 1001, "message": "x"}})


test_mutation_rejected = rejection_test(M)

# Documented variants: accepted.
M.variant(_L, "python-ethgas id", M.mutate(_L, set_("id", 1)))
M.variant(
    "subscribe-request",
    "python-ethgas id on subscribe",
    M.mutate("subscribe-request", set_("id", 7)),
)
M.variant(
    "subscribe-request",
    "pricerOnly",
    {"op": "subscribe", "args": [{"channel": "accountPositionUpdate", "pricerOnly": True}]},
)
M.variant(
    "subscribe-request",
    "marketType wholeBlock",
    {
        "op": "subscribe",
        "args": [{"channel": "preconfMarketUpdate", "marketType": "wholeBlock"}],
    },
)
M.variant(
    "subscribe-request",
    "unknown channel (the server answers 1002)",
    {"op": "subscribe", "args": [{"channel": "noSuchChannel"}]},
)
M.variant(
    "subscribe-request",
    "undocumented extra key in an arg",
    M.mutate("subscribe-request", set_("args", 1, "symbol", "ETH-PC-863")),
)
M.variant(_A, "non-empty msg", M.mutate(_A, set_("msg", "ok")))
M.variant(_P, "no connId", M.mutate(_P, drop("connId")))
M.variant(
    _P,
    "failure with a general-table code",
    {"event": "login", "code": 2, "msg": "Permission Denied"},
)
M.variant(_D, "action type a", M.mutate(_D, set_("a", "update")))
M.variant(_D, "payload an array", M.mutate(_D, set_("P", [])))
M.variant(
    _Q, "private query with id", {"op": "query", "args": [{"queryType": "openOrders"}], "id": 3}
)
M.variant(_R, "payload null", M.mutate(_R, set_("P", None)))
M.variant(_X, "general-table code", {"event": "error", "code": 9999, "msg": "Unexpected"})


test_documented_variant_accepted = acceptance_test(M)
