"""Zenith JSON Schemas: the docs' examples validate, mutated frames do not.

Sources: /work/shared/vendor-docs/zenith-authentication.md,
/work/shared/vendor-docs/zenith-auth-token-action.txt and
/work/shared/reference/vendor-facts.md §1.1-1.9 and §4 items 1-6.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from wsconform.schemas import SCHEMA_ROOT, SchemaRegistry

VENDOR = "zenith"
EXPECTED_NAMES = [
    "auth-token-reply",
    "auth-token-request",
    "container",
    "data-frame",
    "error-frame",
    "identify-data",
    "identify-data-frame",
    "identify-sub-request",
    "query-identify-reply",
    "query-identify-request",
    "server-unsub",
    "sub-confirm",
    "sub-failed-confirm",
    "sub-request",
    "unsub-reply",
    "unsub-request",
]
# No document shows a failed-subscription confirmation; its example is derived (x-derived-examples).
WITHOUT_DOC_EXAMPLES = {"sub-failed-confirm"}
# Schemas of whole frames (every one builds on container.json); identify-data is a Data payload.
FRAMES = [n for n in EXPECTED_NAMES if n != "identify-data"]
WITH_TRANSACTION_ID = [
    "auth-token-reply",
    "auth-token-request",
    "query-identify-reply",
    "query-identify-request",
]
IDENTIFY_CARRIERS = ["auth-token-reply", "query-identify-reply", "identify-data-frame"]

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
    Draft202012Validator.check_schema(document)
    assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert document["$id"] == f"https://wsconform.dev/schemas/{VENDOR}/{name}.json"
    assert document["title"]
    assert ".md §" in document["description"] or ".txt §" in document["description"]
    REGISTRY.validator(VENDOR, name)  # compiles, refs resolve
    if name in WITHOUT_DOC_EXAMPLES:
        assert "examples" not in document
        assert document["x-derived-examples"]
    else:
        assert document["examples"], f"{name} carries no doc examples"
    if name in FRAMES and name != "container":
        assert document["$ref"].endswith(".json"), f"{name} does not build on the container"


@pytest.mark.parametrize(("name", "example"), _examples())
def test_doc_example_validates(name: str, example: Any) -> None:
    assert REGISTRY.errors(VENDOR, name, example) == []
    if name in FRAMES:
        assert REGISTRY.errors(VENDOR, "container", example) == []


def test_derived_examples_validate() -> None:
    for example in REGISTRY.document(VENDOR, "sub-failed-confirm")["x-derived-examples"]:
        assert REGISTRY.errors(VENDOR, "sub-failed-confirm", example) == []
        assert not REGISTRY.is_valid(VENDOR, "sub-confirm", example)


def test_nested_examples_validate() -> None:
    expiry = REGISTRY.document(VENDOR, "identify-data")["properties"]["ExpiryDate"]
    code = REGISTRY.document(VENDOR, "error-frame")["$defs"]["code"]
    for sub in (expiry, code):
        assert sub["examples"]
        for example in sub["examples"]:
            Draft202012Validator(sub).validate(example)


def test_container_documents_the_defaults() -> None:
    properties = REGISTRY.document(VENDOR, "container")["properties"]
    assert properties["Controller"]["default"] == "Zenith"
    assert properties["Action"]["default"] == "Publish"
    assert properties["Confirm"]["default"] is False
    assert properties["Action"]["enum"] == ["Sub", "Unsub", "Error", "Publish", "Cancel"]


def test_malformed_doc_example_recorded_not_fixed() -> None:
    document = REGISTRY.document(VENDOR, "server-unsub")
    recorded = document["x-malformed-doc-example"]
    text = recorded["text"]
    assert ',Action":"Unsub"' in text
    assert "not valid JSON" in recorded["note"]
    with pytest.raises(json.JSONDecodeError):
        json.loads(text)
    corrected = json.loads(text.replace(',Action"', ',"Action"'))
    assert corrected in document["examples"]
    assert REGISTRY.errors(VENDOR, "server-unsub", corrected) == []
    assert not REGISTRY.is_valid(VENDOR, "unsub-reply", corrected)


def test_appendix_d_codes_match_the_pattern() -> None:
    document = REGISTRY.document(VENDOR, "error-frame")
    codes: list[str] = document["x-appendix-d-codes"]
    assert len(codes) == len(set(codes)) == 36
    expected = "^(" + "|".join(re.escape(code) for code in codes) + ")( .+)?$"
    assert document["$defs"]["code"]["pattern"] == expected
    for code in codes:
        assert REGISTRY.is_valid(VENDOR, "error-frame", {"Action": "Error", "Data": code})
        with_suffix = {"Action": "Error", "Data": f"{code} BHP.ASX"}
        assert REGISTRY.is_valid(VENDOR, "error-frame", with_suffix)


def test_rejected_is_a_known_variant_not_a_value() -> None:
    result = REGISTRY.document(VENDOR, "identify-data")["properties"]["Result"]
    assert result["enum"] == ["Success", "Reject"]
    assert "Rejected" in result["x-known-variants"]
    assert "facts §1.9" in result["x-known-variants"]["Rejected"]


def test_reply_topic_conflict_is_annotated() -> None:
    topic = REGISTRY.document(VENDOR, "auth-token-reply")["properties"]["Topic"]
    assert sorted(topic["enum"]) == ["AuthToken", "Identify"]
    assert "§1.3" in topic["x-doc-conflict"] and "§4" in topic["x-doc-conflict"]


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


MUTATIONS: list[Any] = []


def _case(name: str, what: str, instance: Any) -> None:
    MUTATIONS.append(pytest.param(name, instance, id=f"{name}: {what}"))


for _name in FRAMES:
    if _name in WITHOUT_DOC_EXAMPLES:
        continue
    _case(_name, "not an object", [_first(_name)])
    _case(_name, "Controller a number", _mutate(_name, _set("Controller", 1)))
    _case(_name, "Action outside the enum", _mutate(_name, _set("Action", "Subscribe")))
    _case(_name, "Confirm a string", _mutate(_name, _set("Confirm", "true")))
for _name in [*WITH_TRANSACTION_ID, "container"]:
    _case(_name, "TransactionID a string", _mutate(_name, _set("TransactionID", "1")))
    _case(_name, "TransactionID 1.5", _mutate(_name, _set("TransactionID", 1.5)))
for _name in WITH_TRANSACTION_ID:
    _case(_name, "TransactionID missing", _mutate(_name, _drop("TransactionID")))
    _case(_name, "Controller missing (defaults to Zenith)", _mutate(_name, _drop("Controller")))
    _case(_name, "Controller Zenith", _mutate(_name, _set("Controller", "Zenith")))
    _case(_name, "Action Sub", _mutate(_name, _set("Action", "Sub")))

# container: Topic is required unless Action is Error (a missing Action means Publish).
_case("container", "Publish without Topic", _mutate("container", _drop("Topic")))
_case("container", "Sub without Topic", _mutate("container", _drop("Topic"), index=2))
_case("container", "Unsub without Topic", _mutate("container", _drop("Topic"), index=9))

# auth-token-request.
_R = "auth-token-request"
_case(_R, "without AccessToken", _mutate(_R, _drop("Data", "AccessToken")))
_case(_R, "without Provider", _mutate(_R, _drop("Data", "Provider")))
_case(_R, "AccessToken a number", _mutate(_R, _set("Data", "AccessToken", 12345)))
_case(_R, "Data missing", _mutate(_R, _drop("Data")))
_case(_R, "Data a string", _mutate(_R, _set("Data", "mF_9.B5f-4.1JqM")))
_case(_R, "Topic AuthOwner", _mutate(_R, _set("Topic", "AuthOwner")))

# Identify payload carriers (replies and the Identify data frame).
for _name in IDENTIFY_CARRIERS:
    _case(_name, 'Result "Rejected"', _mutate(_name, _set("Data", "Result", "Rejected")))
    _case(_name, 'Result "success"', _mutate(_name, _set("Data", "Result", "success")))
    _case(_name, "Result missing", _mutate(_name, _drop("Data", "Result")))
    _case(_name, "Data missing", _mutate(_name, _drop("Data")))
    _case(_name, "Data null", _mutate(_name, _set("Data", None)))
    _case(_name, "Scope a string", _mutate(_name, _set("Data", "Scope", "Zenith/Market")))
    _case(_name, "Scope with a number", _mutate(_name, _set("Data", "Scope", ["Zenith/Market", 1])))
    _case(_name, "Controller Market", _mutate(_name, _set("Controller", "Market")))
for _topic in ["Other", "QueryIdentify", "identify", ""]:
    _case(
        "auth-token-reply",
        f"Topic {_topic!r}",
        _mutate("auth-token-reply", _set("Topic", _topic)),
    )
_case(
    "query-identify-reply",
    "Topic Identify",
    _mutate("query-identify-reply", _set("Topic", "Identify")),
)
_case(
    "query-identify-request",
    "Topic Identify",
    _mutate("query-identify-request", _set("Topic", "Identify")),
)

# identify-data: the payload on its own.
_D = "identify-data"
_case(_D, 'Result "Rejected"', _mutate(_D, _set("Result", "Rejected")))
_case(_D, "Result missing", _mutate(_D, _drop("Result")))
_case(_D, "AccessToken not Base-64", _mutate(_D, _set("AccessToken", "mF_9.B5f-4.1JqM")))
_case(_D, "AccessToken a number", _mutate(_D, _set("AccessToken", 1)))
_case(_D, "DisplayName a number", _mutate(_D, _set("DisplayName", 1)))
_case(_D, "UserID a number", _mutate(_D, _set("UserID", 1)))
for _date in [
    "2012-06-30",
    "20120630",
    "20120630T100230",
    "2012-06-30 10:02:30Z",
    "20120630T10:02:30Z",
    "30/06/2012 10:02:30",
    "1341050550",
    "",
]:
    _case(_D, f"ExpiryDate {_date!r}", _mutate(_D, _set("ExpiryDate", _date)))
_case(_D, "ExpiryDate a number", _mutate(_D, _set("ExpiryDate", 20120630)))
_case(_D, "not an object", "Success")

# identify-sub-request / identify-data-frame.
_S = "identify-sub-request"
_case(_S, "Action missing (a Publish)", _mutate(_S, _drop("Action")))
_case(_S, "Action Unsub", _mutate(_S, _set("Action", "Unsub")))
_case(_S, "Topic AuthToken", _mutate(_S, _set("Topic", "AuthToken")))
_case(_S, "Confirm a string", _mutate(_S, _set("Confirm", "yes")))
_F = "identify-data-frame"
_case(_F, "carries an Action", _mutate(_F, _set("Action", "Publish")))
_case(_F, "carries a TransactionID", _mutate(_F, _set("TransactionID", 1)))

# data-frame: no Action, no TransactionID.
for _action in ["Publish", "Sub", "Unsub", "Error"]:
    _case("data-frame", f"Action {_action}", _mutate("data-frame", _set("Action", _action)))
_case("data-frame", "TransactionID", _mutate("data-frame", _set("TransactionID", 1)))
_case("data-frame", "Data missing", _mutate("data-frame", _drop("Data")))
_case("data-frame", "Topic missing", _mutate("data-frame", _drop("Topic")))
_case("data-frame", "Controller missing", _mutate("data-frame", _drop("Controller")))

# Sub / Unsub.
_case("sub-request", "Action Unsub", _mutate("sub-request", _set("Action", "Unsub")))
_case("sub-request", "Action missing", _mutate("sub-request", _drop("Action")))
_case("sub-request", "Topic missing", _mutate("sub-request", _drop("Topic")))
_case("sub-confirm", "Confirm missing", _mutate("sub-confirm", _drop("Confirm")))
_case("sub-confirm", "Confirm false", _mutate("sub-confirm", _set("Confirm", False)))
_case("sub-confirm", "Data present", _mutate("sub-confirm", _set("Data", "Authority")))
_case("sub-confirm", "Action Unsub", _mutate("sub-confirm", _set("Action", "Unsub")))
_FAILED = REGISTRY.document(VENDOR, "sub-failed-confirm")["x-derived-examples"][0]
for _value in [True, False]:
    _case("sub-failed-confirm", f"Confirm {_value}", {**_FAILED, "Confirm": _value})
_case("sub-failed-confirm", "Action Unsub", {**_FAILED, "Action": "Unsub"})
_case("unsub-request", "Action Sub", _mutate("unsub-request", _set("Action", "Sub")))
_case("unsub-request", "Topic missing", _mutate("unsub-request", _drop("Topic")))
_case(
    "unsub-reply", "Confirm true (server-initiated)", _mutate("unsub-reply", _set("Confirm", True))
)
_case("unsub-reply", "Action Sub", _mutate("unsub-reply", _set("Action", "Sub")))
_case("server-unsub", "Confirm missing", _mutate("server-unsub", _drop("Confirm")))
_case("server-unsub", "Confirm false", _mutate("server-unsub", _set("Confirm", False)))
_case("server-unsub", "Action Sub", _mutate("server-unsub", _set("Action", "Sub")))

# error-frame.
_E = "error-frame"
for _data in ["NotACode", "authority", "Authority.Foo", "", " Authority", "Authority ", "Retry"]:
    _case(_E, f"Data {_data!r}", _mutate(_E, _set("Data", _data)))
_case(_E, "Data array with a bad code", _mutate(_E, _set("Data", ["Authority", "NotACode"])))
_case(_E, "Data a number", _mutate(_E, _set("Data", 1)))
_case(_E, "Data null", _mutate(_E, _set("Data", None)))
_case(_E, "Data an object", _mutate(_E, _set("Data", {"Code": "Authority"})))
_case(_E, "Action missing", _mutate(_E, _drop("Action")))
_case(_E, "Action Sub", _mutate(_E, _set("Action", "Sub")))
_case(_E, "TransactionID a string", _mutate(_E, _set("TransactionID", "1")))


@pytest.mark.parametrize(("name", "instance"), MUTATIONS)
def test_mutation_rejected(name: str, instance: Any) -> None:
    assert not REGISTRY.is_valid(VENDOR, name, instance)
    assert REGISTRY.errors(VENDOR, name, instance)


ACCEPTED_VARIANTS = [
    pytest.param(
        "auth-token-reply",
        _mutate("auth-token-reply", _set("Topic", "AuthToken")),
        id="reply Topic AuthToken (Motif)",
    ),
    pytest.param(
        "auth-token-reply",
        _mutate("auth-token-reply", _set("Topic", "Identify")),
        id="reply Topic Identify (docs)",
    ),
    pytest.param(
        "auth-token-reply",
        _mutate("auth-token-reply", _set("Action", "Publish")),
        id="reply with explicit Action Publish",
    ),
    pytest.param(
        "auth-token-reply",
        _mutate("auth-token-reply", _set("Data", "ExpiresIn", "00:59:59.9990000")),
        id="undocumented ExpiresIn (Motif)",
    ),
    pytest.param(
        "auth-token-reply",
        _mutate(
            "auth-token-reply",
            _set(
                "Data",
                {
                    "Result": "Success",
                    "AccessToken": "bUZfOS5CNWYtNC4xSnFN",
                    "DisplayName": "Shodan",
                    "UserID": "shodan",
                    "ExpiryDate": "20120630T100230Z",
                    "Scope": ["Zenith/Market"],
                },
            ),
        ),
        id="every documented Data member",
    ),
    pytest.param(
        "auth-token-request",
        _mutate("auth-token-request", _set("Action", "Publish")),
        id="Motif's explicit Action Publish",
    ),
    pytest.param(
        "auth-token-request",
        _mutate("auth-token-request", _set("Data", "AccessToken", "bUZfOS5CNWYtNC4xSnFN")),
        id="Base-64 AccessToken",
    ),
    pytest.param(
        "query-identify-request",
        _mutate("query-identify-request", _set("Data", None)),
        id="QueryIdentify with Data null",
    ),
    pytest.param(
        "identify-sub-request",
        _mutate("identify-sub-request", _set("Confirm", True)),
        id="Identify Sub with Confirm",
    ),
    pytest.param("container", {"Topic": "QueryMarkets"}, id="no Controller, no Action"),
    pytest.param("container", {"Action": "Error"}, id="Error without Topic"),
    pytest.param("container", {"Topic": "X", "Extra": 1}, id="undocumented member"),
    pytest.param(
        "data-frame",
        _mutate("data-frame", _set("Data", None)),
        id="data frame with Data null",
    ),
    pytest.param(
        "sub-confirm",
        _mutate("sub-confirm", _set("Data", None)),
        id="sub confirm with Data null",
    ),
    pytest.param(
        "sub-failed-confirm",
        {**_FAILED, "Data": "Authority"},
        id="failed confirm with a reason",
    ),
    pytest.param(
        "unsub-reply",
        _mutate("unsub-reply", _set("Confirm", False)),
        id="unsub reply with Confirm false",
    ),
    pytest.param(
        "unsub-request",
        _mutate("unsub-request", _set("Confirm", False)),
        id="Motif's Unsub with Confirm false",
    ),
    pytest.param("error-frame", _mutate(_E, _set("Data", "Symbol.NotFound BHP.ASX")), id="suffix"),
    pytest.param(
        "error-frame",
        _mutate(_E, _set("Data", ["Market.Unavailable ASX", "Limited"])),
        id="Data string[] (Motif)",
    ),
    pytest.param("error-frame", _mutate(_E, _set("Data", [])), id="Data empty array"),
    pytest.param("error-frame", _mutate(_E, _drop("Data")), id="Data omitted"),
    pytest.param("error-frame", _mutate(_E, _drop("Topic")), id="controller-wide (no Topic)"),
    pytest.param("error-frame", {"Action": "Error", "Data": "Fault"}, id="no Controller"),
    pytest.param(
        "error-frame",
        {
            "Controller": "Auth",
            "Topic": "AuthToken",
            "Action": "Error",
            "TransactionID": 1,
            "Data": "Operation.Timeout",
        },
        id="transaction error",
    ),
]

SCOPE_STYLES = [
    ["Paritech.Zenith.Market", "Paritech.Zenith.Trading"],
    ["Paritech.Zenith.Market.Data", "Paritech.Zenith.Market.News"],
    ["Zenith/Market", "Zenith/News", "Zenith/Trading", "Zenith/OrderPad"],
    [],
]
for _scope in SCOPE_STYLES:
    ACCEPTED_VARIANTS.append(
        pytest.param("identify-data", {"Result": "Success", "Scope": _scope}, id=f"Scope {_scope}")
    )
for _date in [
    "20120630T100230Z",
    "2012-06-30T10:02:30Z",
    "20120630T100230.123Z",
    "2012-06-30T10:02:30.1234567Z",
    "2012-06-30T20:02:30+10:00",
    "20120630T200230+1000",
    "20120630T200230+10",
]:
    ACCEPTED_VARIANTS.append(
        pytest.param(
            "identify-data", {"Result": "Success", "ExpiryDate": _date}, id=f"ExpiryDate {_date}"
        )
    )
for _token in ["", "bUZfOS5CNWYtNC4xSnFN", "YQ==", "YWI=", "a+b/"]:
    ACCEPTED_VARIANTS.append(
        pytest.param(
            "identify-data",
            {"Result": "Success", "AccessToken": _token},
            id=f"AccessToken {_token!r}",
        )
    )


@pytest.mark.parametrize(("name", "instance"), ACCEPTED_VARIANTS)
def test_documented_variant_accepted(name: str, instance: Any) -> None:
    assert REGISTRY.errors(VENDOR, name, instance) == []


def test_documented_scope_styles_annotated() -> None:
    scope = REGISTRY.document(VENDOR, "identify-data")["properties"]["Scope"]
    assert scope["items"] == {"type": "string"}
    assert sorted(scope["x-documented-styles"]) == sorted(
        ["Paritech.Zenith.Market", "Paritech.Zenith.Market.Data", "Zenith/Market"]
    )


def test_reauth_sequence_validates() -> None:
    """vendor-facts.md §1.5: the corrected re-auth sequence, frame by frame."""
    request, reply = (
        _first("auth-token-request"),
        _first("auth-token-reply", index=2),
    )
    unsub = _first("server-unsub")
    assert reply["Data"]["Scope"] == ["Zenith/Market", "Zenith/Trading"]
    assert REGISTRY.errors(VENDOR, "auth-token-request", request) == []
    assert REGISTRY.errors(VENDOR, "auth-token-reply", reply) == []
    assert reply["TransactionID"] == request["TransactionID"]
    assert REGISTRY.errors(VENDOR, "server-unsub", unsub) == []
