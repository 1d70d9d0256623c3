"""The graphql-ws lifecycle model (wsconform/vendors/graphql_ws/model.py): what a ConnectionInit
must get by its token and the socket's state, the refusal requirement, sockets left waiting for
their ConnectionInit, and expiry bookkeeping. No target."""

from __future__ import annotations

import pytest

from wsconform.jwt_forge import FORGED
from wsconform.requirements import catalogue
from wsconform.tokens import Token
from wsconform.vendors.graphql_ws import model
from wsconform.vendors.graphql_ws.model import MALFORMED, SKEW, Init, Model
from wsconform.vendors.graphql_ws.protocol import INIT_WAIT

EXP = 1000.0


def jwt(kind: str = "short-lived", exp: float | None = EXP) -> Token:
    return Token(f"{kind}-{exp}", kind, exp)


@pytest.mark.parametrize(
    ("now", "expected"),
    [(EXP - SKEW - 0.1, Init.ACK), (EXP, Init.EITHER), (EXP + SKEW + 0.1, Init.REFUSED)],
)
def test_a_real_token_is_judged_by_its_exp(now, expected):
    m = Model()
    assert m.init(m.open(now), "short-lived", jwt(), now) is expected


@pytest.mark.parametrize("kind", [*FORGED, *MALFORMED])
def test_a_forged_or_malformed_token_is_refused_however_fresh(kind):
    m = Model()
    assert m.init(m.open(0.0), kind, None, 0.0) is Init.REFUSED


def test_a_second_connection_init_is_too_many():
    m = Model()
    socket = m.open(0.0)
    m.init(socket, "valid", jwt("valid", None), 0.0)
    assert m.init(socket, "valid", jwt("valid", None), 0.0) is Init.TOO_MANY


@pytest.mark.parametrize(
    ("kind", "header", "req"),
    [("bad-signature", False, "GQL-REJ-01"), ("not-a-jwt", False, "GQL-REJ-04"),
     ("expired", False, "GQL-REJ-03"), ("reused", False, "GQL-REJ-03"),
     ("expired", True, "GQL-REJ-06"), ("bad-signature", True, "GQL-REJ-06")],
)  # fmt: skip
def test_each_refusal_is_judged_by_its_own_requirement(kind, header, req):
    assert model.refusal_req(kind, header) == req


def test_a_socket_left_without_connection_init_past_half_the_wait_is_idle():
    m = Model()
    socket = m.open(0.0)
    assert m.fresh(INIT_WAIT / 2 - 0.1) == [socket] and not m.idle(INIT_WAIT / 2 - 0.1)
    assert m.idle(INIT_WAIT / 2) == [socket] and not m.fresh(INIT_WAIT / 2)
    assert m.usable(INIT_WAIT / 2) == []


def test_the_soonest_exp_ahead_and_the_sockets_past_it():
    m = Model()
    early, late = m.open(0.0), m.open(0.0)
    m.acknowledged(early, jwt(exp=10.0))
    m.acknowledged(late, jwt(exp=20.0))
    assert m.expiry_ahead(0.0) == 10.0 and m.expiry_ahead(15.0) == 20.0
    assert m.expired(15.0) == [early] and m.expiry_ahead(25.0) is None


def test_the_reused_token_is_the_latest_short_lived_one():
    m = Model()
    assert m.reused() is None
    first, second = m.used_short_lived(jwt(exp=1.0)), m.used_short_lived(jwt(exp=2.0))
    assert m.reused() is second and first is not second


def test_every_judged_requirement_is_in_the_catalogue():
    assert set(model.JUDGED) <= set(catalogue("graphql-ws").requirements)
