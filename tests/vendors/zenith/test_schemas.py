"""Zenith JSON Schemas: the docs' examples validate, mutated frames do not.

Sources: the documents the zenith catalogue names (suites/zenith/requirements.toml
[documents]) and the project's account of the rest, docs/facts/zenith.md.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from schema_cases import REGISTRY, Mutations, acceptance_test, drop, examples, rejection_test, set_

VENDOR = "zenith"
M = Mutations(VENDOR)
# Schemas of whole frames (every one builds on container.json); identify-data is a Data payload.
FRAMES = [n for n in REGISTRY.names(VENDOR) if n != "identify-data"]
WITH_TRANSACTION_ID = [
    "auth-token-reply",
    "auth-token-request",
    "query-identify-reply",
    "query-identify-request",
]
IDENTIFY_CARRIERS = ["auth-token-reply", "query-identify-reply", "identify-data-frame"]


@pytest.mark.parametrize("name", [n for n in FRAMES if n != "container"])
def test_frame_builds_on_the_container(name: str) -> None:
    document = REGISTRY.document(VENDOR, name)
    assert document["$ref"].endswith(".json"), f"{name} does not build on the container"


@pytest.mark.parametrize(
    ("name", "example"), [p for p in examples(VENDOR) if p.values[0] in FRAMES]
)
def test_frame_example_validates_against_the_container(name: str, example: Any) -> None:
    assert REGISTRY.errors(VENDOR, "container", example) == []


def test_derived_failed_confirm_is_not_a_confirm() -> None:
    # That the derived examples validate against their own schema: test_schemas.py.
    for example in REGISTRY.document(VENDOR, "sub-failed-confirm")["x-derived-examples"]:
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
    assert "§ Reject spelling" in result["x-known-variants"]["Rejected"]


def test_reply_topic_conflict_is_annotated() -> None:
    topic = REGISTRY.document(VENDOR, "auth-token-reply")["properties"]["Topic"]
    assert sorted(topic["enum"]) == ["AuthToken", "Identify"]
    assert "AUTHTOKEN" in topic["x-doc-conflict"] and "MOTIF-PUBLISHER" in topic["x-doc-conflict"]


for _name in FRAMES:
    if "examples" not in REGISTRY.document(VENDOR, _name):
        continue  # sub-failed-confirm: no doc example, its derived one is mutated below
    M.case(_name, "not an object", [M.first(_name)])
    M.case(_name, "Controller a number", M.mutate(_name, set_("Controller", 1)))
    M.case(_name, "Action outside the enum", M.mutate(_name, set_("Action", "Subscribe")))
    M.case(_name, "Confirm a string", M.mutate(_name, set_("Confirm", "true")))
for _name in [*WITH_TRANSACTION_ID, "container"]:
    M.case(_name, "TransactionID a string", M.mutate(_name, set_("TransactionID", "1")))
    M.case(_name, "TransactionID 1.5", M.mutate(_name, set_("TransactionID", 1.5)))
for _name in WITH_TRANSACTION_ID:
    M.case(_name, "TransactionID missing", M.mutate(_name, drop("TransactionID")))
    M.case(_name, "Controller missing (defaults to Zenith)", M.mutate(_name, drop("Controller")))
    M.case(_name, "Controller Zenith", M.mutate(_name, set_("Controller", "Zenith")))
    M.case(_name, "Action Sub", M.mutate(_name, set_("Action", "Sub")))

# container: Topic is required unless Action is Error (a missing Action means Publish).
M.case("container", "Publish without Topic", M.mutate("container", drop("Topic")))
M.case("container", "Sub without Topic", M.mutate("container", drop("Topic"), index=2))
M.case("container", "Unsub without Topic", M.mutate("container", drop("Topic"), index=9))

# auth-token-request.
_R = "auth-token-request"
M.case(_R, "without AccessToken", M.mutate(_R, drop("Data", "AccessToken")))
M.case(_R, "without Provider", M.mutate(_R, drop("Data", "Provider")))
M.case(_R, "AccessToken a number", M.mutate(_R, set_("Data", "AccessToken", 12345)))
M.case(_R, "Data missing", M.mutate(_R, drop("Data")))
M.case(_R, "Data a string", M.mutate(_R, set_("Data", "mF_9.B5f-4.1JqM")))
M.case(_R, "Topic AuthOwner", M.mutate(_R, set_("Topic", "AuthOwner")))

# Identify payload carriers (replies and the Identify data frame).
for _name in IDENTIFY_CARRIERS:
    M.case(_name, 'Result "Rejected"', M.mutate(_name, set_("Data", "Result", "Rejected")))
    M.case(_name, 'Result "success"', M.mutate(_name, set_("Data", "Result", "success")))
    M.case(_name, "Result missing", M.mutate(_name, drop("Data", "Result")))
    M.case(_name, "Data missing", M.mutate(_name, drop("Data")))
    M.case(_name, "Data null", M.mutate(_name, set_("Data", None)))
    M.case(_name, "Scope a string", M.mutate(_name, set_("Data", "Scope", "Zenith/Market")))
    M.case(
        _name, "Scope with a number", M.mutate(_name, set_("Data", "Scope", ["Zenith/Market", 1]))
    )
    M.case(_name, "Controller Market", M.mutate(_name, set_("Controller", "Market")))
_A = "auth-token-reply"
for _topic in ["Other", "QueryIdentify", "identify", ""]:
    M.case(_A, f"Topic {_topic!r}", M.mutate(_A, set_("Topic", _topic)))
for _name in ["query-identify-reply", "query-identify-request"]:
    M.case(_name, "Topic Identify", M.mutate(_name, set_("Topic", "Identify")))

# identify-data: the payload on its own.
_D = "identify-data"
M.case(_D, 'Result "Rejected"', M.mutate(_D, set_("Result", "Rejected")))
M.case(_D, "Result missing", M.mutate(_D, drop("Result")))
M.case(_D, "AccessToken not Base-64", M.mutate(_D, set_("AccessToken", "mF_9.B5f-4.1JqM")))
M.case(_D, "AccessToken a number", M.mutate(_D, set_("AccessToken", 1)))
M.case(_D, "DisplayName a number", M.mutate(_D, set_("DisplayName", 1)))
M.case(_D, "UserID a number", M.mutate(_D, set_("UserID", 1)))
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
    M.case(_D, f"ExpiryDate {_date!r}", M.mutate(_D, set_("ExpiryDate", _date)))
M.case(_D, "ExpiryDate a number", M.mutate(_D, set_("ExpiryDate", 20120630)))
M.case(_D, "not an object", "Success")

# identify-sub-request / identify-data-frame.
_S = "identify-sub-request"
M.case(_S, "Action missing (a Publish)", M.mutate(_S, drop("Action")))
M.case(_S, "Action Unsub", M.mutate(_S, set_("Action", "Unsub")))
M.case(_S, "Topic AuthToken", M.mutate(_S, set_("Topic", "AuthToken")))
M.case(_S, "Confirm a string", M.mutate(_S, set_("Confirm", "yes")))
_F = "identify-data-frame"
M.case(_F, "carries an Action", M.mutate(_F, set_("Action", "Publish")))
M.case(_F, "carries a TransactionID", M.mutate(_F, set_("TransactionID", 1)))

# data-frame: no Action, no TransactionID.
for _action in ["Publish", "Sub", "Unsub", "Error"]:
    M.case("data-frame", f"Action {_action}", M.mutate("data-frame", set_("Action", _action)))
M.case("data-frame", "TransactionID", M.mutate("data-frame", set_("TransactionID", 1)))
M.case("data-frame", "Data missing", M.mutate("data-frame", drop("Data")))
M.case("data-frame", "Topic missing", M.mutate("data-frame", drop("Topic")))
M.case("data-frame", "Controller missing", M.mutate("data-frame", drop("Controller")))

# Sub / Unsub.
M.case("sub-request", "Action Unsub", M.mutate("sub-request", set_("Action", "Unsub")))
M.case("sub-request", "Action missing", M.mutate("sub-request", drop("Action")))
M.case("sub-request", "Topic missing", M.mutate("sub-request", drop("Topic")))
M.case("sub-confirm", "Confirm missing", M.mutate("sub-confirm", drop("Confirm")))
M.case("sub-confirm", "Confirm false", M.mutate("sub-confirm", set_("Confirm", False)))
M.case("sub-confirm", "Data present", M.mutate("sub-confirm", set_("Data", "Authority")))
M.case("sub-confirm", "Action Unsub", M.mutate("sub-confirm", set_("Action", "Unsub")))
_FAILED = M.derived("sub-failed-confirm")
for _value in [True, False]:
    M.case("sub-failed-confirm", f"Confirm {_value}", {**_FAILED, "Confirm": _value})
M.case("sub-failed-confirm", "Action Unsub", {**_FAILED, "Action": "Unsub"})
M.case("unsub-request", "Action Sub", M.mutate("unsub-request", set_("Action", "Sub")))
M.case("unsub-request", "Topic missing", M.mutate("unsub-request", drop("Topic")))
M.case(
    "unsub-reply", "Confirm true (server-initiated)", M.mutate("unsub-reply", set_("Confirm", True))
)
M.case("unsub-reply", "Action Sub", M.mutate("unsub-reply", set_("Action", "Sub")))
M.case("server-unsub", "Confirm missing", M.mutate("server-unsub", drop("Confirm")))
M.case("server-unsub", "Confirm false", M.mutate("server-unsub", set_("Confirm", False)))
M.case("server-unsub", "Action Sub", M.mutate("server-unsub", set_("Action", "Sub")))

# error-frame.
_E = "error-frame"
for _data in ["NotACode", "authority", "Authority.Foo", "", " Authority", "Authority ", "Retry"]:
    M.case(_E, f"Data {_data!r}", M.mutate(_E, set_("Data", _data)))
M.case(_E, "Data array with a bad code", M.mutate(_E, set_("Data", ["Authority", "NotACode"])))
M.case(_E, "Data a number", M.mutate(_E, set_("Data", 1)))
M.case(_E, "Data null", M.mutate(_E, set_("Data", None)))
M.case(_E, "Data an object", M.mutate(_E, set_("Data", {"Code": "Authority"})))
M.case(_E, "Action missing", M.mutate(_E, drop("Action")))
M.case(_E, "Action Sub", M.mutate(_E, set_("Action", "Sub")))
M.case(_E, "TransactionID a string", M.mutate(_E, set_("TransactionID", "1")))


test_mutation_rejected = rejection_test(M)

# Documented variants: accepted.
M.variant(_A, "reply Topic AuthToken (Motif)", M.mutate(_A, set_("Topic", "AuthToken")))
M.variant(_A, "reply Topic Identify (docs)", M.mutate(_A, set_("Topic", "Identify")))
M.variant(_A, "reply with explicit Action Publish", M.mutate(_A, set_("Action", "Publish")))
M.variant(
    _A,
    "undocumented ExpiresIn (Motif)",
    M.mutate(_A, set_("Data", "ExpiresIn", "00:59:59.9990000")),
)
M.variant(
    _A,
    "every documented Data member",
    M.mutate(
        _A,
        set_(
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
)
M.variant(_R, "Motif's explicit Action Publish", M.mutate(_R, set_("Action", "Publish")))
M.variant(
    _R, "Base-64 AccessToken", M.mutate(_R, set_("Data", "AccessToken", "bUZfOS5CNWYtNC4xSnFN"))
)
M.variant(
    "query-identify-request",
    "QueryIdentify with Data null",
    M.mutate("query-identify-request", set_("Data", None)),
)
M.variant(_S, "Identify Sub with Confirm", M.mutate(_S, set_("Confirm", True)))
M.variant("container", "no Controller, no Action", {"Topic": "QueryMarkets"})
M.variant("container", "Error without Topic", {"Action": "Error"})
M.variant("container", "undocumented member", {"Topic": "X", "Extra": 1})
M.variant("data-frame", "data frame with Data null", M.mutate("data-frame", set_("Data", None)))
M.variant("sub-confirm", "sub confirm with Data null", M.mutate("sub-confirm", set_("Data", None)))
M.variant("sub-failed-confirm", "failed confirm with a reason", {**_FAILED, "Data": "Authority"})
M.variant(
    "unsub-reply", "unsub reply with Confirm false", M.mutate("unsub-reply", set_("Confirm", False))
)
M.variant(
    "unsub-request",
    "Motif's Unsub with Confirm false",
    M.mutate("unsub-request", set_("Confirm", False)),
)
M.variant(_E, "code with a suffix", M.mutate(_E, set_("Data", "Symbol.NotFound BHP.ASX")))
M.variant(
    _E, "Data string[] (Motif)", M.mutate(_E, set_("Data", ["Market.Unavailable ASX", "Limited"]))
)
M.variant(_E, "Data empty array", M.mutate(_E, set_("Data", [])))
M.variant(_E, "Data omitted", M.mutate(_E, drop("Data")))
M.variant(_E, "controller-wide (no Topic)", M.mutate(_E, drop("Topic")))
M.variant(_E, "no Controller", {"Action": "Error", "Data": "Fault"})
M.variant(
    _E,
    "transaction error",
    {
        "Controller": "Auth",
        "Topic": "AuthToken",
        "Action": "Error",
        "TransactionID": 1,
        "Data": "Operation.Timeout",
    },
)

SCOPE_STYLES = [
    ["Paritech.Zenith.Market", "Paritech.Zenith.Trading"],
    ["Paritech.Zenith.Market.Data", "Paritech.Zenith.Market.News"],
    ["Zenith/Market", "Zenith/News", "Zenith/Trading", "Zenith/OrderPad"],
    [],
]
for _scope in SCOPE_STYLES:
    M.variant(_D, f"Scope {_scope}", {"Result": "Success", "Scope": _scope})
for _date in [
    "20120630T100230Z",
    "2012-06-30T10:02:30Z",
    "20120630T100230.123Z",
    "2012-06-30T10:02:30.1234567Z",
    "2012-06-30T20:02:30+10:00",
    "20120630T200230+1000",
    "20120630T200230+10",
]:
    M.variant(_D, f"ExpiryDate {_date}", {"Result": "Success", "ExpiryDate": _date})
for _token in ["", "bUZfOS5CNWYtNC4xSnFN", "YQ==", "YWI=", "a+b/"]:
    M.variant(_D, f"AccessToken {_token!r}", {"Result": "Success", "AccessToken": _token})


test_documented_variant_accepted = acceptance_test(M)


def test_documented_scope_styles_annotated() -> None:
    scope = REGISTRY.document(VENDOR, "identify-data")["properties"]["Scope"]
    assert scope["items"] == {"type": "string"}
    assert sorted(scope["x-documented-styles"]) == sorted(
        ["Paritech.Zenith.Market", "Paritech.Zenith.Market.Data", "Zenith/Market"]
    )


def test_reauth_sequence_validates() -> None:
    """docs/facts/zenith.md § Subscriptions: the corrected re-auth sequence, frame by frame."""
    request, reply = (
        M.first("auth-token-request"),
        M.first("auth-token-reply", index=2),
    )
    unsub = M.first("server-unsub")
    assert reply["Data"]["Scope"] == ["Zenith/Market", "Zenith/Trading"]
    assert REGISTRY.errors(VENDOR, "auth-token-request", request) == []
    assert REGISTRY.errors(VENDOR, "auth-token-reply", reply) == []
    assert reply["TransactionID"] == request["TransactionID"]
    assert REGISTRY.errors(VENDOR, "server-unsub", unsub) == []
