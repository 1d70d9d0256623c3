"""The Paradex lifecycle model (wsconform/vendors/paradex/model.py): which outcome an auth may
get by the JWT's exp, which requirement governs data on a channel in each state, the refusal
requirement, expiry bookkeeping, the state summary and the frame descriptions. No target."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from received import frame

from wsconform.jwt_forge import FORGED
from wsconform.requirements import catalogue
from wsconform.tokens import Token
from wsconform.vendors.paradex import model, protocol
from wsconform.vendors.paradex.model import (
    MALFORMED,
    SKEW,
    AuthOutcome,
    Connection,
    Model,
    Status,
    Subscribe,
    at_exp,
    auth_outcome,
    describe,
    expect_auth,
)

PUBLIC, PRIVATE = protocol.DEFAULT_PUBLIC_CHANNEL, protocol.DEFAULT_PRIVATE_CHANNEL
EXP = 1000.0


def jwt(kind: str = "short-lived", exp: float | None = EXP) -> Token:
    return Token(f"{kind}-{exp}", kind, exp)


def authed(m: Model, token: Token | None = None) -> Connection:
    conn = m.open()
    m.authenticated(conn, token or jwt())
    return conn


# -- auth ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "outcome"),
    [
        (EXP - SKEW - 0.1, AuthOutcome.ACCEPTED),
        (EXP - SKEW, AuthOutcome.EITHER),
        (EXP, AuthOutcome.EITHER),
        (EXP + SKEW, AuthOutcome.EITHER),
        (EXP + SKEW + 0.1, AuthOutcome.REFUSED),
    ],
)
def test_a_jwt_is_judged_by_its_exp_with_skew_either_side(now: float, outcome: AuthOutcome) -> None:
    assert auth_outcome(jwt(), now) is outcome


def test_a_jwt_without_exp_is_always_accepted() -> None:
    assert auth_outcome(jwt("valid", None), 10**9) is AuthOutcome.ACCEPTED


REFUSED_BEARERS = [
    *((kind, "PDX-REJ-01", protocol.MALFORMED_BEARER, "a malformed bearer") for kind in MALFORMED),
    *((kind, "PDX-REJ-02", protocol.INVALID_BEARER, "a forged JWT") for kind in FORGED),
]


@pytest.mark.parametrize(("kind", "req", "code", "what"), REFUSED_BEARERS)
def test_a_malformed_bearer_gets_40110_and_a_forged_jwt_40111(
    kind: str, req: str, code: int, what: str
) -> None:
    refusal, may_succeed = expect_auth(kind, None, 0.0)
    assert refusal is not None and not may_succeed
    assert (refusal.req, refusal.code, refusal.what) == (req, code, f"{what} ({kind})")


def test_a_real_jwt_must_succeed_before_exp_and_is_refused_past_it() -> None:
    assert expect_auth("valid", jwt("valid"), EXP - 10) == (None, True)
    refusal, may_succeed = expect_auth("reused", jwt(), EXP + 10)
    assert refusal is not None and not may_succeed
    assert (refusal.req, refusal.code) == ("PDX-REJ-03", protocol.INVALID_BEARER)
    assert refusal.what == "a JWT past its exp (reused)"


def test_at_exp_either_outcome_is_allowed_and_a_refusal_is_the_expired_ones() -> None:
    refusal, may_succeed = expect_auth("short-lived", jwt(), EXP)
    assert may_succeed
    assert refusal is not None and refusal.req == "PDX-REJ-03"
    assert refusal.what == "a JWT at its exp (short-lived)"


# -- connections and entitlements ----------------------------------------------------------------


def test_a_connection_is_anonymous_then_authed_then_expired_but_still_authenticated() -> None:
    m = Model(PUBLIC, PRIVATE)
    conn = m.open()
    assert conn.status(0.0) is Status.ANONYMOUS and not conn.authed
    m.authenticated(conn, jwt())
    assert conn.status(EXP + SKEW) is Status.AUTHED
    assert conn.status(EXP + SKEW + 0.1) is Status.EXPIRED and conn.authed
    assert conn.expired(EXP + SKEW + 0.1) and not m.open().expired(10**9)


def test_data_on_each_channel_is_governed_by_the_requirement_of_the_state() -> None:
    m = Model(PUBLIC, PRIVATE)
    anonymous, conn = m.open(), authed(m)
    assert m.data_req(anonymous, PUBLIC, 0.0) == "PDX-AUTH-04"
    assert m.data_req(conn, PUBLIC, 0.0) == "PDX-SUB-01"
    assert m.data_req(conn, PRIVATE, EXP) == "PDX-AUTH-05"
    assert m.data_req(conn, PRIVATE, EXP + SKEW + 1) == "PDX-EXP-01"  # authentication lasts


def test_a_private_refusal_is_isolations_when_another_connection_is_authenticated() -> None:
    m = Model(PUBLIC, PRIVATE)
    m.open()
    assert m.refusal_req() == "PDX-AUTH-03"
    conn = authed(m)
    assert m.refusal_req() == "PDX-AUTH-07"
    m.retire(conn)
    assert m.refusal_req() == "PDX-AUTH-03"


def test_subscribe_is_served_refused_without_auth_or_a_duplicate() -> None:
    m = Model(PUBLIC, PRIVATE)
    anonymous, conn = m.open(), authed(m)
    assert m.subscribe(anonymous, PRIVATE) is Subscribe.REFUSED
    assert m.subscribe(anonymous, PUBLIC) is Subscribe.SERVED
    assert m.subscribe(conn, PRIVATE) is Subscribe.SERVED
    m.subscribed(conn, PRIVATE)
    assert m.subscribe(conn, PRIVATE) is Subscribe.DUPLICATE


def test_unsubscribing_forbids_the_channels_data_until_subscribed_again() -> None:
    m = Model(PUBLIC, PRIVATE)
    conn = m.open()
    m.subscribed(conn, PUBLIC)
    m.unsubscribed(conn, PUBLIC)
    assert (conn.subs, conn.unsubscribed) == (set(), {PUBLIC})
    m.subscribed(conn, PUBLIC)
    assert (conn.subs, conn.unsubscribed) == ({PUBLIC}, set())


def test_eligible_connections() -> None:
    m = Model(PUBLIC, PRIVATE)
    anonymous, bare, subscribed = m.open(), authed(m), authed(m)
    m.subscribed(subscribed, PUBLIC)
    m.subscribed(anonymous, PUBLIC)
    assert m.anonymous() == [anonymous]
    assert m.reconnectable() == [subscribed]
    assert bare not in m.reconnectable()
    assert (m.channel(True), m.channel(False)) == (PRIVATE, PUBLIC)


# -- expiry bookkeeping --------------------------------------------------------------------------


def test_the_examples_short_lived_jwts_are_kept_once_and_the_latest_is_reused() -> None:
    m = Model(PUBLIC, PRIVATE)
    assert m.reused() is None
    first, second = jwt(exp=EXP), jwt(exp=EXP + 3)
    assert m.used_short_lived(first) is first
    m.used_short_lived(second)
    m.used_short_lived(second)
    assert m.short_lived == [first, second]
    assert m.reused() is second


def test_time_passes_beyond_the_latest_exp_while_some_jwt_is_not_surely_expired() -> None:
    m = Model(PUBLIC, PRIVATE)
    assert m.expiry_ahead(0.0) is None  # no short-lived JWT yet
    m.used_short_lived(jwt(exp=EXP))
    m.used_short_lived(jwt(exp=EXP + 3))
    assert m.expiry_ahead(0.0) == EXP + 3 + SKEW
    assert m.expiry_ahead(EXP + SKEW + 1) == EXP + 3 + SKEW  # the later one is still fresh
    assert m.expiry_ahead(EXP + 3 + SKEW + 0.1) is None


# -- descriptions --------------------------------------------------------------------------------


def test_the_state_summary_names_each_connection_sorted() -> None:
    m = Model(PUBLIC, PRIVATE)
    assert m.state(0.0) == "no connection"
    conn = authed(m)
    m.subscribed(conn, PUBLIC)
    m.subscribed(conn, PRIVATE)
    m.subscribed(m.open(), PUBLIC)
    assert m.state(0.0) == "anonymous[public] authed[private+public]"
    assert m.state(EXP + SKEW + 1) == "anonymous[public] expired[private+public]"


def test_frames_are_described_by_their_kind_not_their_content() -> None:
    assert describe(frame("not json")) == "a non-JSON frame"
    assert describe(frame([1, 2])) == "a non-JSON frame"
    assert describe(frame({"jsonrpc": "2.0", "method": "auth_expired"})) == (
        "a 'auth_expired' notification"
    )
    error = {"jsonrpc": "2.0", "error": {"code": 40111, "message": "x"}, "id": 1}
    assert describe(frame(error)) == "an error 40111"
    assert describe(frame(protocol.result_reply(1, {}))) == "a response"


def test_what_came_at_exp_leaves_the_data_out() -> None:
    data = frame(protocol.notification(PRIVATE, {"seq": 1}))
    error = frame({"jsonrpc": "2.0", "error": {"code": -32603, "message": "x"}})
    assert at_exp([data, data], closed=False) == (
        "at the JWT's exp an authenticated connection got no frame but subscription data, "
        "and stayed open"
    )
    assert at_exp([data, error, error, frame("bye")], closed=True) == (
        "at the JWT's exp an authenticated connection got a non-JSON frame, an error -32603, "
        "and was closed"
    )


# -- the model's bounds ----------------------------------------------------------------------------


def test_every_requirement_the_model_judges_is_in_the_catalogue() -> None:
    known = catalogue("paradex")
    for req_id in model.JUDGED:
        assert known[req_id].id == req_id
    assert len(set(model.JUDGED)) == len(model.JUDGED)


def test_the_model_does_no_io() -> None:
    """Its own imports (those for type checking aside) name no session, checker, pytest or
    hypothesis."""
    tree = ast.parse(Path(model.__file__).read_text())
    imported = []
    for node in tree.body:  # module level: an `if TYPE_CHECKING:` block is not run
        if isinstance(node, ast.Import):
            imported += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            imported.append(node.module or "")
    forbidden = ("wsconform.session", "wsconform.checks", "pytest", "hypothesis")
    assert imported and not [m for m in imported if m.startswith(forbidden)], imported
