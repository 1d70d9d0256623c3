"""protocol.py on its own: its builders make frames the Zenith schemas accept, and its
classifiers tell the docs' frames apart."""

from __future__ import annotations

from typing import Any

import pytest
from schema_cases import REGISTRY

from wsconform.vendors.zenith import protocol
from wsconform.vendors.zenith.protocol import Message

VENDOR = "zenith"
CHANNEL = "Market/Markets"  # the docs' examples' channel


@pytest.mark.parametrize(
    ("schema", "frame"),
    [
        ("auth-token-request", protocol.auth_token("mF_9.B5f-4.1JqM", 1)),
        ("auth-token-request", protocol.auth_token(protocol.base64_of("mF_9.B5f-4.1JqM"), 2)),
        ("query-identify-request", protocol.query_identify(1)),
        ("sub-request", protocol.sub(CHANNEL)),
        ("sub-request", protocol.sub(CHANNEL, 3, confirm=False)),
        ("identify-sub-request", protocol.sub(protocol.IDENTIFY_CHANNEL, confirm=False)),
        ("unsub-request", protocol.unsub(CHANNEL)),
        ("error-frame", protocol.error("Market", "Markets", None, protocol.AUTHORITY)),
        ("error-frame", protocol.error("Auth", "AuthToken", 1, protocol.UNKNOWN_OPERATION)),
        ("error-frame", protocol.error(None, None, None, protocol.DESERIALISE)),
        ("sub-confirm", protocol.message("Market", "Markets", protocol.SUB, confirm=True)),
        ("server-unsub", protocol.message("Market", "Markets", protocol.UNSUB, confirm=True)),
        ("unsub-reply", protocol.message("Market", "Markets", protocol.UNSUB)),
        ("data-frame", protocol.message("Market", "Trades!BHP.ASX", data=[{"O": "I", "ID": 1}])),
    ],
)
def test_a_built_frame_is_documented(schema: str, frame: Message) -> None:
    assert REGISTRY.errors(VENDOR, schema, frame) == []


def test_the_documented_identity_data_validates() -> None:
    identity = {
        "Result": protocol.SUCCESS,
        "AccessToken": protocol.base64_of("token"),
        "ExpiryDate": protocol.basic_iso8601(1341050550),
        "Scope": protocol.dotted_scope(["Zenith/Trading", "Zenith/Market"]),
    }
    assert identity["ExpiryDate"] == "20120630T100230Z"  # the docs' example instant
    assert identity["Scope"] == ["Paritech.Zenith.Market", "Paritech.Zenith.Trading"]
    assert REGISTRY.errors(VENDOR, "identify-data", identity) == []
    assert not REGISTRY.is_valid(VENDOR, "identify-data", {"Result": protocol.REJECTED})


def test_message_keeps_the_docs_member_order_and_omits_absent_members() -> None:
    built = protocol.message("Auth", "AuthToken", protocol.ERROR, 7, confirm=True, data="Fault")
    assert list(built) == ["Controller", "Topic", "Action", "TransactionID", "Confirm", "Data"]
    assert protocol.message(None, "X") == {"Topic": "X"}
    assert protocol.sub(CHANNEL, confirm=False) == {
        "Controller": "Market",
        "Topic": "Markets",
        "Action": "Sub",
    }


def test_a_channel_without_controller_belongs_to_zenith() -> None:
    assert protocol.split_channel("Market/Trades!BHP.ASX") == ("Market", "Trades!BHP.ASX")
    assert protocol.split_channel("QueryMarkets") == ("Zenith", "QueryMarkets")
    assert protocol.channel_of(*protocol.split_channel(protocol.PRIVATE_CHANNEL)) == (
        protocol.PRIVATE_CHANNEL
    )


def test_defaults_are_the_containers() -> None:
    """The defaults protocol.py reads absent members with are the ones container.json states."""
    properties = REGISTRY.document(VENDOR, "container")["properties"]
    assert properties["Controller"]["default"] == protocol.DEFAULT_CONTROLLER
    assert properties["Action"]["default"] == protocol.PUBLISH
    assert protocol.action_of({}) == protocol.PUBLISH
    assert protocol.controller_of({}) == protocol.DEFAULT_CONTROLLER


DATA = {"Controller": "Market", "Topic": "Markets", "Data": [{"Code": "ASX"}]}


@pytest.mark.parametrize(
    ("frame", "is_data"),
    [
        (DATA, True),
        ({**DATA, "Action": "Publish"}, True),  # still data: the shape check reports it
        ({**DATA, "Topic": "Other"}, False),
        ({**DATA, "Action": "Sub"}, False),
        ({"Controller": "Market", "Topic": "Markets"}, False),  # no Data
        ({"Controller": "Auth", "Topic": "Identify", "Data": {}}, True),  # the Identify push
        ({"Controller": "Auth", "Topic": "Identify", "TransactionID": 1, "Data": {}}, False),
    ],
)
def test_is_data(frame: Message, is_data: bool) -> None:
    channel = CHANNEL if frame["Controller"] == "Market" else protocol.IDENTIFY_CHANNEL
    assert protocol.is_data(channel)(frame) is is_data


def test_is_action_and_is_error() -> None:
    confirm = {"Controller": "Market", "Topic": "Markets", "Action": "Sub", "Confirm": True}
    failed = {"Controller": "Market", "Topic": "Markets", "Action": "Sub"}
    assert protocol.is_action(CHANNEL, protocol.SUB, confirm=True)(confirm)
    assert not protocol.is_action(CHANNEL, protocol.SUB, confirm=True)(failed)
    assert protocol.is_action(CHANNEL, protocol.SUB, confirm=False)(failed)
    assert protocol.is_action(CHANNEL, protocol.SUB)(failed)
    assert not protocol.is_action("Market/Other", protocol.SUB)(confirm)
    assert protocol.is_error(CHANNEL)({**failed, "Action": "Error", "Data": "Authority"})
    assert not protocol.is_error(CHANNEL)(confirm)


@pytest.mark.parametrize("topic", ["Identify", "AuthToken"])  # the docs / Motif
def test_is_auth_reply(topic: str) -> None:
    reply = {"Controller": "Auth", "Topic": topic, "TransactionID": 1, "Data": {"Result": "Reject"}}
    assert protocol.is_auth_reply(reply)
    assert protocol.is_auth_reply({**reply, "Action": "Error", "Data": "Fault"})
    assert not protocol.is_auth_reply({k: v for k, v in reply.items() if k != "TransactionID"})
    assert not protocol.is_auth_reply({**reply, "Topic": "QueryIdentify"})
    assert protocol.is_query_identify_reply({**reply, "Topic": "QueryIdentify"})


@pytest.mark.parametrize(
    ("reply", "refused"),
    [
        ({"Data": {"Result": "Reject"}}, True),
        ({"Data": {"Result": "Rejected"}}, True),  # Motif's spelling: refused all the same
        ({"Action": "Error", "Data": "Authority"}, True),
        ({"Data": {"Result": "Success"}}, False),
        ({"Data": {}}, False),
        ({}, False),
    ],
)
def test_is_refusal(reply: dict[str, Any], refused: bool) -> None:
    assert protocol.is_refusal(reply) is refused


def test_result_of_reads_only_an_identity() -> None:
    assert protocol.result_of({"Data": {"Result": "Success"}}) == "Success"
    assert protocol.result_of({"Data": "Authority"}) is None
    assert protocol.result_of({}) is None


def test_transaction_ids_are_numbers_not_booleans() -> None:
    assert protocol.is_transaction_id(0) and protocol.is_transaction_id(2**31 - 1)
    assert not any(protocol.is_transaction_id(v) for v in (True, "1", 1.5, None))


def test_the_bearer_header() -> None:
    assert protocol.bearer_header("abc") == ("Authorization", "Bearer abc")
