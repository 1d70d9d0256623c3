"""The graphql-ws protocol core (wsconform/vendors/graphql_ws/protocol.py): the agreed credential,
the messages it builds, and the predicates the probe waits on. No target."""

from __future__ import annotations

import pytest
from received import frame

from wsconform.vendors.graphql_ws import protocol


def test_a_connection_init_carries_the_agreed_credential_only_when_given_a_token():
    assert protocol.connection_init() == {"type": "connection_init"}
    assert protocol.connection_init("t0k3n") == {
        "type": "connection_init",
        "payload": {"Authorization": "Bearer t0k3n"},
    }


@pytest.mark.parametrize(
    ("payload", "carries"),
    [(None, False), ({}, False), ({"other": 1}, False), ({"Authorization": None}, True),
     ({"Authorization": "Bearer x"}, True), ("Authorization", False)],
)  # fmt: skip
def test_a_payload_carries_a_credential_when_it_has_the_member_whatever_it_holds(payload, carries):
    """{"Authorization": null} is a malformed credential, refused; not an anonymous init."""
    assert protocol.carries_credential(payload) is carries


@pytest.mark.parametrize(
    ("credential", "token"),
    [("Bearer abc", "abc"), ("Bearer ", ""), ("bearer abc", None), ("abc", None), (None, None),
     (12, None), (["Bearer abc"], None)],
)  # fmt: skip
def test_only_the_bearer_form_holds_a_token(credential, token):
    assert protocol.token_of(credential) == token


def test_operation_predicates_match_type_and_id_and_never_raise_on_garbage():
    next_1 = frame({"id": "1", "type": "next", "payload": {"data": {"ticks": 0}}})
    assert protocol.of_operation("1")(next_1)
    assert protocol.of_operation("1", protocol.NEXT)(next_1)
    assert not protocol.of_operation("2")(next_1)
    assert not protocol.of_operation("1", protocol.COMPLETE)(next_1)
    assert protocol.of_type(protocol.NEXT)(next_1)
    for garbage in ("not JSON {", [1, 2], "null", {"type": 7}):
        assert not protocol.of_type(protocol.NEXT)(frame(garbage))
        assert not protocol.of_operation("1")(frame(garbage))


def test_every_documented_close_code_is_distinct():
    codes = [
        protocol.BAD_REQUEST,
        protocol.UNAUTHORIZED,
        protocol.FORBIDDEN,
        protocol.INIT_TIMEOUT,
        protocol.SUBSCRIBER_EXISTS,
        protocol.TOO_MANY_INITS,
    ]
    assert codes == [4400, 4401, 4403, 4408, 4409, 4429]
