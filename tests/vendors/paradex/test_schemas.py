"""Paradex JSON Schemas: the docs' examples validate, mutated frames do not.

Sources: the documents the paradex catalogue names (suites/paradex/requirements.toml
[documents]) and the project's account of the rest, docs/facts/paradex.md.
"""

from __future__ import annotations

from jsonschema import Draft202012Validator
from schema_cases import REGISTRY, Mutations, acceptance_test, drop, rejection_test, set_

from wsconform.vendors.paradex import protocol

VENDOR = "paradex"
M = Mutations(VENDOR)


def test_nested_error_object_example_validates() -> None:
    sub = REGISTRY.document(VENDOR, "error")["$defs"]["errorObject"]
    assert sub["examples"]
    for example in sub["examples"]:
        Draft202012Validator(sub).validate(example)


ALL_ENVELOPES = [n for n in REGISTRY.names(VENDOR) if n != "common"]
WITH_ID = [n for n in ALL_ENVELOPES if n != "subscription-notification"]
REPLIES = ["auth-success", "error", "subscribe-result", "unsubscribe-result"]

for _name in ALL_ENVELOPES:
    M.case(_name, 'jsonrpc "1.0"', M.mutate(_name, set_("jsonrpc", "1.0")))
    M.case(_name, "jsonrpc 2.0 as number", M.mutate(_name, set_("jsonrpc", 2.0)))
    M.case(_name, "jsonrpc missing", M.mutate(_name, drop("jsonrpc")))
    M.case(_name, "not an object", [M.first(_name)])
for _name in WITH_ID:
    M.case(_name, "id float 1.5", M.mutate(_name, set_("id", 1.5)))
    M.case(_name, "id object", M.mutate(_name, set_("id", {"n": 1})))
    M.case(_name, "id array", M.mutate(_name, set_("id", [0])))
    M.case(_name, "id boolean", M.mutate(_name, set_("id", True)))
    M.case(_name, "id missing", M.mutate(_name, drop("id")))
for _name in [n for n in WITH_ID if n != "error"]:
    M.case(_name, "id null", M.mutate(_name, set_("id", None)))
for _name in REPLIES:
    M.case(_name, "usIn string", M.mutate(_name, set_("usIn", "1682556415569005368")))
    M.case(_name, "usOut float", M.mutate(_name, set_("usOut", 1.5)))
    M.case(_name, "usDiff null", M.mutate(_name, set_("usDiff", None)))

# auth-success: result must be an object, and result/error are exclusive.
for _value, _label in [(True, "true"), (None, "null"), ([], "[]"), ("ok", '"ok"'), (0, "0")]:
    M.case("auth-success", f"result {_label}", M.mutate("auth-success", set_("result", _value)))
M.case("auth-success", "result missing", M.mutate("auth-success", drop("result")))
M.case(
    "auth-success",
    "node_id not a string",
    M.mutate("auth-success", set_("result", "node_id", 12345), index=1),
)
M.case(
    "auth-success",
    "result and error both present",
    M.mutate(
        "auth-success",
        set_("error", {"code": protocol.INVALID_BEARER, "message": "Invalid Bearer Token"}),
    ),
)

# error: envelope and error object.
for _code, _label in [
    (40113, "40113"),
    (str(protocol.INVALID_BEARER), '"40111" string'),
    (0, "0"),
    (40111.5, "40111.5"),
]:
    M.case("error", f"code {_label}", M.mutate("error", set_("error", "code", _code)))
M.case("error", "code missing", M.mutate("error", drop("error", "code")))
M.case("error", "message missing", M.mutate("error", drop("error", "message")))
M.case(
    "error",
    "message not a string",
    M.mutate("error", set_("error", "message", protocol.INVALID_BEARER)),
)
M.case("error", "data not a string", M.mutate("error", set_("error", "data", {"x": 1})))
M.case("error", "error object missing", M.mutate("error", drop("error")))
M.case("error", "error not an object", M.mutate("error", set_("error", "Invalid Bearer Token")))
M.case("error", "error null", M.mutate("error", set_("error", None)))
M.case("error", "result and error both present", M.mutate("error", set_("result", {})))

# auth-request.
M.case("auth-request", "params without bearer", M.mutate("auth-request", set_("params", {})))
M.case("auth-request", "params missing", M.mutate("auth-request", drop("params")))
for _value, _label in [(123, "number"), (None, "null"), (["t"], "array"), ({"t": "x"}, "object")]:
    M.case(
        "auth-request",
        f"bearer {_label}",
        M.mutate("auth-request", set_("params", "bearer", _value)),
    )
for _method in ["Auth", "login", "public/auth", ""]:  # wrong names for auth
    M.case("auth-request", f"method {_method!r}", M.mutate("auth-request", set_("method", _method)))
M.case("auth-request", "method missing", M.mutate("auth-request", drop("method")))

# subscribe / unsubscribe.
for _name, _method in [
    ("subscribe-request", protocol.UNSUBSCRIBE),
    ("unsubscribe-request", protocol.SUBSCRIBE),
]:
    M.case(_name, f"method {_method!r}", M.mutate(_name, set_("method", _method)))
    M.case(_name, "params.channel missing", M.mutate(_name, drop("params", "channel")))
    M.case(_name, "params.channel empty", M.mutate(_name, set_("params", "channel", "")))
    M.case(_name, "params.channel number", M.mutate(_name, set_("params", "channel", 1)))
M.case(
    "subscribe-request",
    "markets not an array",
    M.mutate("subscribe-request", set_("params", "markets", "ETH-USD-PERP")),
)
M.case(
    "subscribe-request",
    "markets with a number",
    M.mutate("subscribe-request", set_("params", "markets", ["ETH-USD-PERP", 1])),
)
for _name in ["subscribe-result", "unsubscribe-result"]:
    M.case(_name, "result missing channel", M.mutate(_name, set_("result", {})))
    M.case(_name, "result null", M.mutate(_name, set_("result", None)))
    M.case(_name, "result channel number", M.mutate(_name, set_("result", "channel", 7)))
    M.case(
        _name,
        "result and error both present",
        M.mutate(
            _name, set_("error", {"code": protocol.INVALID_PARAMS, "message": "Invalid parameters"})
        ),
    )

# subscription notification.
_N = "subscription-notification"
M.case(_N, "params.channel missing", M.mutate(_N, drop("params", "channel")))
M.case(_N, "params.channel empty", M.mutate(_N, set_("params", "channel", "")))
M.case(_N, "params.data missing", M.mutate(_N, drop("params", "data")))
M.case(_N, "params missing", M.mutate(_N, drop("params")))
M.case(_N, "method 'subscribe'", M.mutate(_N, set_("method", protocol.SUBSCRIBE)))
M.case(_N, "carries an id", M.mutate(_N, set_("id", 1)))


test_mutation_rejected = rejection_test(M)

# Documented variants: accepted.
M.variant("auth-success", "string id", M.mutate("auth-success", set_("id", "abc")))
M.variant(
    "auth-success",
    "extra member in result (WARN elsewhere)",
    M.mutate("auth-success", set_("result", "extra", 1), index=1),
)
M.variant(
    "auth-success",
    "undocumented top-level member",
    M.mutate("auth-success", set_("server_time", 1)),
)
M.variant(
    "error",
    "live lowercase message",
    M.mutate("error", set_("error", "message", "invalid bearer token")),
)
M.variant("error", "null id", M.mutate("error", set_("id", None)))
M.variant("error", "data string", M.mutate("error", set_("error", "data", "details")))
M.variant("error", "string id", M.mutate("error", set_("id", "1718179273230201")))
M.variant(
    "subscribe-request",
    "params.markets",
    M.mutate("subscribe-request", set_("params", "markets", ["ETH-USD-PERP"])),
)
M.variant(
    "unsubscribe-request",
    "paradex-py string id",
    M.mutate("unsubscribe-request", set_("id", "1718179273230201")),
)
M.variant(_N, "params.data null", M.mutate(_N, set_("params", "data", None)))


test_documented_variant_accepted = acceptance_test(M)


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
