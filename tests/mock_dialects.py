"""What a hostile-client test needs to know of each profile's wire protocol: a normal login and
subscription, a barrier request (its reply says every earlier frame has been answered), and
hostile frames with the answer each protocol documents (or the mock's documented choice).

A case's `expect` sees the frames answered to it, data frames left out, and says whether they
are the protocol's answer. Field cases take a valid request and put a value of the wrong JSON type
into one field the protocol reads, for every field and every wrong type.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

Frame = Any  # a parsed JSON frame, or the raw text/bytes when it is not JSON
Expect = Callable[[list[Frame]], bool]
Path = tuple[str | int, ...]

# One value of each JSON type (integer and number apart, as JSON Schema has them); a field gets
# every one whose type is not the field's own.
WRONG_TYPES: dict[str, Any] = {
    "null": None,
    "true": True,
    "zero": 0,
    "float": 1.5,
    "string": "x",
    "array": [1],
    "object": {"a": 1},
}
DEEP = 100_000  # nesting no JSON parser here takes: Python's would overflow its stack
NOT_A_TOKEN = "not-a-token"
MIB = 2**20


@dataclass(frozen=True)
class Case:
    name: str
    message: str | bytes
    expect: Expect
    wanted: str  # the expected answer, for the failure message


@dataclass(frozen=True)
class FieldRule:
    """A request template, one field in it, and the answer to a wrong value there."""

    template: dict[str, Any]
    path: Path
    expect: Callable[[Any], tuple[Expect, str]]  # wrong value → (check, what is wanted)


@dataclass
class Dialect:
    profile: str
    subprotocols: list[str] | None
    login: Callable[[str], dict[str, Any]]
    logged_in: Callable[[Frame], bool]
    subscribe: dict[str, Any]  # a private channel: needs the login
    subscribed: Callable[[Frame], bool] | None  # the ack, when the protocol sends one
    is_data: Callable[[Frame], bool]  # a data frame of that channel (or of any channel)
    barrier: Callable[[int], str]
    barrier_reply: Callable[[Frame, int], bool]
    not_json: tuple[Expect, str]  # the answer to a frame that is no JSON (or no request)
    not_object: tuple[Expect, str]  # the answer to JSON that is not an object
    fields: list[FieldRule]
    big_string: Callable[[str], dict[str, Any]]  # a request carrying a huge string
    big_string_answer: tuple[Expect, str]
    echoes: Callable[[str], dict[str, Any]] | None = None  # a request whose answer echoes it
    # The handshake's Authorization header, for the protocols that read it: the status a bad
    # one gets (101: upgraded, unauthenticated), and whether it is read at all.
    bad_header_status: int = 101
    reads_header: bool = False

    def cases(self) -> Iterator[Case]:
        """Every hostile frame: whole-message garbage, then each field rule's wrong types."""
        garbage: list[tuple[str, str | bytes, tuple[Expect, str]]] = [
            ("non-JSON text", "this is not json {", self.not_json),
            ("empty text", "", self.not_json),
            ("binary garbage", b"\xff\xfe\x00\x01", self.not_json),
            ("binary empty", b"", self.not_json),
            ("nesting too deep", "[" * DEEP + "]" * DEEP, self.not_json),
            ("unclosed nesting", "{" * DEEP, self.not_json),
            ("number too long", "1" * 5000, self.not_json),
        ]
        for name, value in WRONG_TYPES.items():
            if name != "object":
                garbage.append((f"JSON {name}", json.dumps(value), self.not_object))
        garbage.append(("JSON empty array", "[]", self.not_object))
        for name, message, (expect, wanted) in garbage:
            yield Case(name, message, expect, wanted)
        for rule in self.fields:
            original = get(rule.template, rule.path)
            for type_name, value in WRONG_TYPES.items():
                if type(value) is type(original):
                    continue  # another value of the field's own type is no wrong type
                message = json.dumps(put(rule.template, rule.path, value))
                expect, wanted = rule.expect(value)
                yield Case(
                    f"{'.'.join(map(str, rule.path))} = {type_name}", message, expect, wanted
                )
            without = json.dumps(put(rule.template, rule.path, MISSING))
            expect, wanted = rule.expect(MISSING)
            yield Case(f"{'.'.join(map(str, rule.path))} absent", without, expect, wanted)


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()  # a field left out altogether


def get(tree: Any, path: Path) -> Any:
    for key in path:
        tree = tree[key]
    return tree


def put(template: dict[str, Any], path: Path, value: Any) -> dict[str, Any]:
    """A copy of the template with the value at `path` (or the member removed: MISSING)."""
    tree = copy.deepcopy(template)
    parent = get(tree, path[:-1])
    if value is MISSING:
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return tree


def one(check: Callable[[Frame], bool]) -> Expect:
    """Exactly one frame answered, and it passes the check."""
    return lambda frames: len(frames) == 1 and isinstance(frames[0], dict) and check(frames[0])


# -- Paradex: JSON-RPC 2.0 ---------------------------------------------------------------------


def rpc_error(code: int, request_id: Any = None) -> tuple[Expect, str]:
    def check(f: Frame) -> bool:
        error = f.get("error")
        return isinstance(error, dict) and error.get("code") == code and f.get("id") == request_id

    return one(check), f"JSON-RPC error {code}, id {request_id!r}"


def rpc_id_rule(value: Any) -> tuple[Expect, str]:
    """JSON-RPC 2.0 §4: an id is a String, a Number or Null (or absent: a notification, which
    the mock answers anyway); anything else makes the request invalid, answered with id null."""
    if value is MISSING or value is None:
        return rpc_error(-32602, None)
    if isinstance(value, bool | list | dict):
        return rpc_error(-32600, None)
    return rpc_error(-32602, value)  # the request is valid: its own error, id echoed


_UNSUBSCRIBE = {"jsonrpc": "2.0", "id": 7, "method": "unsubscribe", "params": {"channel": "bbo.X"}}
_AUTH = {"jsonrpc": "2.0", "id": 8, "method": "auth", "params": {"bearer": NOT_A_TOKEN}}

PARADEX = Dialect(
    profile="paradex",
    subprotocols=None,
    login=lambda t: {"jsonrpc": "2.0", "id": 1, "method": "auth", "params": {"bearer": t}},
    logged_in=lambda f: f.get("id") == 1 and isinstance(f.get("result"), dict),
    subscribe={"jsonrpc": "2.0", "id": 2, "method": "subscribe", "params": {"channel": "account"}},
    subscribed=lambda f: f.get("id") == 2 and f.get("result") == {"channel": "account"},
    is_data=lambda f: f.get("method") == "subscription",
    barrier=lambda n: json.dumps({"jsonrpc": "2.0", "id": f"barrier-{n}", "method": "barrier"}),
    barrier_reply=lambda f, n: f.get("id") == f"barrier-{n}",
    not_json=rpc_error(-32700),
    not_object=rpc_error(-32600),
    fields=[
        FieldRule(_UNSUBSCRIBE, ("jsonrpc",), lambda v: rpc_error(-32600, 7)),
        FieldRule(_UNSUBSCRIBE, ("method",), lambda v: rpc_error(-32600, 7)),
        FieldRule(_UNSUBSCRIBE, ("id",), rpc_id_rule),
        FieldRule(_UNSUBSCRIBE, ("params",), lambda v: rpc_error(-32602, 7)),
        FieldRule(_UNSUBSCRIBE, ("params", "channel"), lambda v: rpc_error(-32602, 7)),
        FieldRule(_AUTH, ("params", "bearer"), lambda v: rpc_error(-32602, 8)),
    ],
    big_string=lambda s: {**_AUTH, "params": {"bearer": s}},
    big_string_answer=rpc_error(40110, 8),
    echoes=lambda s: {"jsonrpc": "2.0", "id": 9, "method": s},  # -32601 names the method
)


# -- Zenith: ZenithJson ------------------------------------------------------------------------


def zenith_error(code: str) -> tuple[Expect, str]:
    return one(lambda f: f.get("Action") == "Error" and f.get("Data") == code), f"Error {code}"


def zenith_reject(tid: Any = 7) -> tuple[Expect, str]:
    def check(f: Frame) -> bool:
        data = f.get("Data")
        return (
            f.get("Controller") == "Auth"
            and f.get("TransactionID", None) == tid
            and isinstance(data, dict)
            and data.get("Result") == "Reject"
        )

    return one(check), f"Auth reply Result Reject, TransactionID {tid!r}"


def zenith_tid_rule(value: Any) -> tuple[Expect, str]:
    """A TransactionID is a number; null or absent is no TransactionID."""
    if value is MISSING or value is None:
        return zenith_reject(None)
    if isinstance(value, int) and not isinstance(value, bool):
        return zenith_reject(value)
    return zenith_error("Data.Deserialise")


_AUTH_TOKEN = {
    "Controller": "Auth",
    "Topic": "AuthToken",
    "Action": "Publish",
    "TransactionID": 7,
    "Data": {"Provider": "Bearer", "AccessToken": NOT_A_TOKEN},
}
_SUB = {
    "Controller": "Market",
    "Topic": "Trades!BHP.ASX",
    "Action": "Sub",
    "TransactionID": 9,
    "Confirm": True,
}


def zenith_action_rule(value: Any) -> tuple[Expect, str]:
    """Action defaults to Publish when absent; any other non-string cannot be read."""
    return zenith_reject() if value is MISSING else zenith_error("Data.Deserialise")


def zenith_controller_rule(value: Any) -> tuple[Expect, str]:
    """Controller defaults to Zenith when absent, a controller the mock does not serve."""
    if value is MISSING:
        return zenith_error("Controller")
    return zenith_error("Data.Deserialise")


def zenith_login(token: str) -> dict[str, Any]:
    return put(put(_AUTH_TOKEN, ("TransactionID",), 1), ("Data", "AccessToken"), token)


def zenith_logged_in(f: Frame) -> bool:
    data = f.get("Data")
    return (
        f.get("TransactionID") == 1 and isinstance(data, dict) and data.get("Result") == "Success"
    )


ZENITH = Dialect(
    profile="zenith",
    subprotocols=["ZenithJson"],
    login=zenith_login,
    logged_in=zenith_logged_in,
    subscribe={**_SUB, "TransactionID": 2},
    subscribed=lambda f: f.get("TransactionID") == 2 and f.get("Confirm") is True,
    is_data=lambda f: "Action" not in f and isinstance(f.get("Data"), list),
    barrier=lambda n: json.dumps(
        {"Controller": "Auth", "Topic": "QueryIdentify", "TransactionID": 100_000 + n}
    ),
    barrier_reply=lambda f, n: f.get("TransactionID") == 100_000 + n,
    not_json=zenith_error("Data.Deserialise"),
    not_object=zenith_error("Data.Deserialise"),
    fields=[
        FieldRule(_AUTH_TOKEN, ("Controller",), zenith_controller_rule),
        FieldRule(_AUTH_TOKEN, ("Topic",), lambda v: zenith_error("Operation.Unknown")),
        FieldRule(_AUTH_TOKEN, ("Action",), zenith_action_rule),
        FieldRule(_AUTH_TOKEN, ("TransactionID",), zenith_tid_rule),
        FieldRule(_AUTH_TOKEN, ("Data",), lambda v: zenith_reject()),
        FieldRule(_AUTH_TOKEN, ("Data", "Provider"), lambda v: zenith_reject()),
        FieldRule(_AUTH_TOKEN, ("Data", "AccessToken"), lambda v: zenith_reject()),
        # Not logged in: refused by right, whatever Confirm says (only true asks for a reply).
        FieldRule(_SUB, ("Confirm",), lambda v: zenith_error("Authority")),
    ],
    big_string=lambda s: {**_AUTH_TOKEN, "Data": {"Provider": "Bearer", "AccessToken": s}},
    big_string_answer=zenith_reject(),
    echoes=lambda s: {"Controller": s, "Topic": "Echo"},  # an Error that names the controller
    bad_header_status=403,  # "an invalid token ... HTTP 403"
    reads_header=True,
)


# Each vendor's Dialect lives beside its tests, built on the machinery above (hence imported
# last: it imports this module).
from vendors.ethgas.dialect import ETHGAS  # noqa: E402
from vendors.ethgas_op.dialect import ETHGAS_OP  # noqa: E402

DIALECTS = {d.profile: d for d in (PARADEX, ZENITH, ETHGAS, ETHGAS_OP)}
