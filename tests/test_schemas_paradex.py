"""Paradex JSON Schemas: the docs' examples validate, mutated frames do not.

Sources: /work/shared/vendor-docs/paradex-websocket-authentication.txt and
/work/shared/reference/vendor-facts.md §3 (Paradex) and §4 items 12-18.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from wsconform.schemas import SCHEMA_ROOT, SchemaRegistry

VENDOR = "paradex"
EXPECTED_NAMES = [
    "auth-request",
    "auth-success",
    "common",
    "error",
    "subscribe-request",
    "subscribe-result",
    "subscription-notification",
    "unsubscribe-request",
    "unsubscribe-result",
]

REGISTRY = SchemaRegistry()


def _examples() -> list[Any]:
    params = []
    for name in REGISTRY.names(VENDOR):
        for index, example in enumerate(REGISTRY.document(VENDOR, name).get("examples", [])):
            params.append(pytest.param(name, example, id=f"{name}[{index}]"))
    return params


def test_all_files_load_with_expected_names() -> None:
    assert REGISTRY.names(VENDOR) == EXPECTED_NAMES
    on_disk = sorted(p.stem for p in (SCHEMA_ROOT / VENDOR).glob("*.json"))
    assert on_disk == EXPECTED_NAMES


@pytest.mark.parametrize("name", EXPECTED_NAMES)
def test_schema_metadata(name: str) -> None:
    document = REGISTRY.document(VENDOR, name)
    assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert document["$id"] == f"https://wsconform.dev/schemas/{VENDOR}/{name}.json"
    assert document["title"]
    assert ".md §" in document["description"] or ".txt §" in document["description"]
    REGISTRY.validator(VENDOR, name)  # compiles, refs resolve
    if name != "common":
        assert document["examples"], f"{name} carries no doc examples"


@pytest.mark.parametrize(("name", "example"), _examples())
def test_doc_example_validates(name: str, example: Any) -> None:
    assert REGISTRY.errors(VENDOR, name, example) == []


def test_nested_error_object_example_validates() -> None:
    sub = REGISTRY.document(VENDOR, "error")["$defs"]["errorObject"]
    assert sub["examples"]
    for example in sub["examples"]:
        Draft202012Validator(sub).validate(example)


def _first(name: str, index: int = 0) -> dict[str, Any]:
    return copy.deepcopy(REGISTRY.document(VENDOR, name)["examples"][index])


def _mutate(name: str, change: Callable[[dict[str, Any]], None], index: int = 0) -> dict[str, Any]:
    instance = _first(name, index)
    change(instance)
    return instance


def _set(*path_and_value: Any) -> Callable[[dict[str, Any]], None]:
    *path, value = path_and_value

    def change(instance: dict[str, Any]) -> None:
        target = instance
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return change


def _drop(*path: str) -> Callable[[dict[str, Any]], None]:
    def change(instance: dict[str, Any]) -> None:
        target = instance
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]

    return change


ALL_ENVELOPES = [n for n in EXPECTED_NAMES if n != "common"]
WITH_ID = [n for n in ALL_ENVELOPES if n != "subscription-notification"]
REPLIES = ["auth-success", "error", "subscribe-result", "unsubscribe-result"]

MUTATIONS: list[Any] = []


def _case(name: str, what: str, instance: Any) -> None:
    MUTATIONS.append(pytest.param(name, instance, id=f"{name}: {what}"))


for _name in ALL_ENVELOPES:
    _case(_name, 'jsonrpc "1.0"', _mutate(_name, _set("jsonrpc", "1.0")))
    _case(_name, "jsonrpc 2.0 as number", _mutate(_name, _set("jsonrpc", 2.0)))
    _case(_name, "jsonrpc missing", _mutate(_name, _drop("jsonrpc")))
    _case(_name, "not an object", [_first(_name)])
for _name in WITH_ID:
    _case(_name, "id float 1.5", _mutate(_name, _set("id", 1.5)))
    _case(_name, "id object", _mutate(_name, _set("id", {"n": 1})))
    _case(_name, "id array", _mutate(_name, _set("id", [0])))
    _case(_name, "id boolean", _mutate(_name, _set("id", True)))
    _case(_name, "id missing", _mutate(_name, _drop("id")))
for _name in [n for n in WITH_ID if n != "error"]:
    _case(_name, "id null", _mutate(_name, _set("id", None)))
for _name in REPLIES:
    _case(_name, "usIn string", _mutate(_name, _set("usIn", "1682556415569005368")))
    _case(_name, "usOut float", _mutate(_name, _set("usOut", 1.5)))
    _case(_name, "usDiff null", _mutate(_name, _set("usDiff", None)))

# auth-success: result must be an object, and result/error are exclusive.
for _value, _label in [(True, "true"), (None, "null"), ([], "[]"), ("ok", '"ok"'), (0, "0")]:
    _case("auth-success", f"result {_label}", _mutate("auth-success", _set("result", _value)))
_case("auth-success", "result missing", _mutate("auth-success", _drop("result")))
_case(
    "auth-success",
    "node_id not a string",
    _mutate("auth-success", _set("result", "node_id", 12345), index=1),
)
_case(
    "auth-success",
    "result and error both present",
    _mutate("auth-success", _set("error", {"code": 40111, "message": "Invalid Bearer Token"})),
)

# error: envelope and error object.
for _code, _label in [
    (40113, "40113"),
    ("40111", '"40111" string'),
    (0, "0"),
    (40111.5, "40111.5"),
]:
    _case("error", f"code {_label}", _mutate("error", _set("error", "code", _code)))
_case("error", "code missing", _mutate("error", _drop("error", "code")))
_case("error", "message missing", _mutate("error", _drop("error", "message")))
_case("error", "message not a string", _mutate("error", _set("error", "message", 40111)))
_case("error", "data not a string", _mutate("error", _set("error", "data", {"x": 1})))
_case("error", "error object missing", _mutate("error", _drop("error")))
_case("error", "error not an object", _mutate("error", _set("error", "Invalid Bearer Token")))
_case("error", "error null", _mutate("error", _set("error", None)))
_case("error", "result and error both present", _mutate("error", _set("result", {})))

# auth-request.
_case("auth-request", "params without bearer", _mutate("auth-request", _set("params", {})))
_case("auth-request", "params missing", _mutate("auth-request", _drop("params")))
for _value, _label in [(123, "number"), (None, "null"), (["t"], "array"), ({"t": "x"}, "object")]:
    _case(
        "auth-request",
        f"bearer {_label}",
        _mutate("auth-request", _set("params", "bearer", _value)),
    )
for _method in ["Auth", "login", "public/auth", ""]:
    _case("auth-request", f"method {_method!r}", _mutate("auth-request", _set("method", _method)))
_case("auth-request", "method missing", _mutate("auth-request", _drop("method")))

# subscribe / unsubscribe.
for _name, _method in [("subscribe-request", "unsubscribe"), ("unsubscribe-request", "subscribe")]:
    _case(_name, f"method {_method!r}", _mutate(_name, _set("method", _method)))
    _case(_name, "params.channel missing", _mutate(_name, _drop("params", "channel")))
    _case(_name, "params.channel empty", _mutate(_name, _set("params", "channel", "")))
    _case(_name, "params.channel number", _mutate(_name, _set("params", "channel", 1)))
_case(
    "subscribe-request",
    "markets not an array",
    _mutate("subscribe-request", _set("params", "markets", "ETH-USD-PERP")),
)
_case(
    "subscribe-request",
    "markets with a number",
    _mutate("subscribe-request", _set("params", "markets", ["ETH-USD-PERP", 1])),
)
for _name in ["subscribe-result", "unsubscribe-result"]:
    _case(_name, "result missing channel", _mutate(_name, _set("result", {})))
    _case(_name, "result null", _mutate(_name, _set("result", None)))
    _case(_name, "result channel number", _mutate(_name, _set("result", "channel", 7)))
    _case(
        _name,
        "result and error both present",
        _mutate(_name, _set("error", {"code": -32602, "message": "Invalid parameters"})),
    )

# subscription notification.
_N = "subscription-notification"
_case(_N, "params.channel missing", _mutate(_N, _drop("params", "channel")))
_case(_N, "params.channel empty", _mutate(_N, _set("params", "channel", "")))
_case(_N, "params.data missing", _mutate(_N, _drop("params", "data")))
_case(_N, "params missing", _mutate(_N, _drop("params")))
_case(_N, "method 'subscribe'", _mutate(_N, _set("method", "subscribe")))
_case(_N, "carries an id", _mutate(_N, _set("id", 1)))


@pytest.mark.parametrize(("name", "instance"), MUTATIONS)
def test_mutation_rejected(name: str, instance: Any) -> None:
    assert not REGISTRY.is_valid(VENDOR, name, instance)
    assert REGISTRY.errors(VENDOR, name, instance)


ACCEPTED_VARIANTS = [
    pytest.param("auth-success", _mutate("auth-success", _set("id", "abc")), id="string id"),
    pytest.param(
        "auth-success",
        _mutate("auth-success", _set("result", "extra", 1), index=1),
        id="extra member in result (WARN elsewhere)",
    ),
    pytest.param(
        "auth-success",
        _mutate("auth-success", _set("server_time", 1)),
        id="undocumented top-level member",
    ),
    pytest.param(
        "error",
        _mutate("error", _set("error", "message", "invalid bearer token")),
        id="live lowercase message",
    ),
    pytest.param("error", _mutate("error", _set("id", None)), id="null id"),
    pytest.param("error", _mutate("error", _set("error", "data", "details")), id="data string"),
    pytest.param("error", _mutate("error", _set("id", "1718179273230201")), id="string id"),
    pytest.param(
        "subscribe-request",
        _mutate("subscribe-request", _set("params", "markets", ["ETH-USD-PERP"])),
        id="markets",
    ),
    pytest.param(
        "unsubscribe-request",
        _mutate("unsubscribe-request", _set("id", "1718179273230201")),
        id="paradex-py string id",
    ),
    pytest.param("subscription-notification", _mutate(_N, _set("params", "data", None)), id="data"),
]


@pytest.mark.parametrize(("name", "instance"), ACCEPTED_VARIANTS)
def test_documented_variant_accepted(name: str, instance: Any) -> None:
    assert REGISTRY.errors(VENDOR, name, instance) == []


def test_documented_messages_cover_exactly_the_code_enum() -> None:
    document = REGISTRY.document(VENDOR, "error")
    codes = document["$defs"]["errorObject"]["properties"]["code"]["enum"]
    messages: dict[str, list[str]] = document["x-documented-messages"]
    assert sorted(int(code) for code in messages) == sorted(codes)
    assert all(key == str(int(key)) for key in messages)
    assert len(codes) == len(set(codes)) == 9
    for code, texts in messages.items():
        assert texts, f"no documented message for {code}"
        assert all(isinstance(text, str) and text for text in texts)
    for example in document["examples"]:
        error = example["error"]
        known = {text.casefold() for text in messages[str(error["code"])]}
        assert error["message"].casefold() in known
