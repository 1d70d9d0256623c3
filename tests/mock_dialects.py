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
    # A protocol that answers an invalid message by closing the socket (graphql-ws: 4400): each
    # hostile message goes on a socket of its own, and its answer ends with {"close": code}.
    answers_by_closing: bool = False

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
