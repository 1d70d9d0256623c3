"""The ETHGas `op`-dialect mock: its documented behaviour, its variants and its defect switches."""

from __future__ import annotations

import re
from typing import Any

import pytest
from schema_cases import REGISTRY

from vendors.ethgas.mock_helpers import Harness, Own, mock_fixtures
from vendors.ethgas.mock_helpers import settle as settle_on
from wsconform.mock.server import MockContext
from wsconform.session import ExpectTimeout, HandshakeRejected, PeerClosed, ProbeSession
from wsconform.vendors.ethgas.common import PRIVATE_CHANNELS, PUBLIC_CHANNELS
from wsconform.vendors.ethgas_op import payloads, protocol
from wsconform.vendors.ethgas_op.client import is_event, is_text_pong
from wsconform.vendors.ethgas_op.mock import GENESIS, EthgasOpMock
from wsconform.vendors.ethgas_op.protocol import (
    LOGIN,
    LOGOUT,
    PRIVATE_QUERIES,
    PUBLIC_QUERIES,
    SUBSCRIBE,
    SYNC_QUERY,
    TEXT_PING,
    TEXT_PONG,
    UNSUBSCRIBE,
    arg_ack,
    op,
    query,
    query_reply,
)

VENDOR = "ethgas-op"
PUBLIC = {"channel": PUBLIC_CHANNELS[0], "marketType": "inclusionPreconf"}
PRIVATE = {"channel": PRIVATE_CHANNELS[0]}
AUTH_FAILED = protocol.error_event(protocol.AUTH_FAILED, protocol.AUTH_FAILED_MSG)
INVALID_CHANNEL = protocol.error_event(protocol.INVALID_CHANNEL, protocol.INVALID_CHANNEL_MSG)
OPERATION_FAILED = protocol.error_event(protocol.OPERATION_FAILED, protocol.OPERATION_FAILED_MSG)


# -- frames -------------------------------------------------------------------------------------


def login(token: Any, request_id: int | None = 1) -> dict[str, Any]:
    """A login, with the "id" python-ethgas sends unless `request_id` is None."""
    if request_id is None:
        return protocol.login(token)
    return protocol.login(token, id=request_id)


is_login = is_event(LOGIN, "auth")  # "auth": defect login-ack-renamed


def settle(s: ProbeSession) -> list[dict[str, Any]]:
    """Every frame the server sent up to now, claimed, in order (a text ping round trip)."""
    return [f.obj for f in settle_on(s, TEXT_PING, is_text_pong)]


def log_in(s: ProbeSession, token: Any) -> dict[str, Any]:
    return s.request(login(token), is_login, "login ack").obj


def events(s: ProbeSession) -> list[str]:
    """The channels (`e`) of the data frames the server sent up to now."""
    return [f["e"] for f in settle(s) if "e" in f]


def subscribed(mock: Harness, token: str | None, *args: dict[str, Any], **kw: Any) -> ProbeSession:
    """A session (opened with `kw`) logged in with `token` when given, subscribed to `args`."""
    s = mock.open(**kw)
    if token is not None:
        assert log_in(s, token)["code"] == 0
    if args:
        s.send(op(SUBSCRIBE, *args))
    settle(s)
    return s


def bearer(token: str) -> dict[str, Any]:
    return {"headers": protocol.bearer(token)}


def error(base: dict[str, Any], arg: Any) -> dict[str, Any]:
    return {**base, "arg": arg}


# -- fixtures -----------------------------------------------------------------------------------


shared, mock, own_mock = mock_fixtures(EthgasOpMock)


# -- login --------------------------------------------------------------------------------------


def test_url_path_is_ws(mock: Harness) -> None:
    assert re.fullmatch(r"ws://127\.0\.0\.1:\d+/ws", mock.url)


def test_login_ack_and_conn_id(mock: Harness) -> None:
    s = mock.open()
    first = log_in(s, mock.issuer.mint("valid"))
    assert set(first) == {"event", "code", "msg", "connId"}
    assert first["event"] == "login" and first["code"] == 0 and first["msg"] == ""
    assert re.fullmatch(r"[0-9a-f]{8}", first["connId"])
    assert s.request(login(mock.issuer.mint("valid"), None), is_login, "ack").obj == first
    other = log_in(mock.open(), mock.issuer.mint("valid"))
    assert other["connId"] != first["connId"]


@pytest.mark.parametrize("kind", ["bad-signature", "alg-none", "wrong-key", "expired"])
def test_refused_token_is_1001(kind: str, mock: Harness) -> None:
    s = mock.open()
    ack = log_in(s, mock.issuer.mint(kind))
    assert ack == {"event": "login", "code": 1001, "msg": "Authentication failed",
                   "connId": ack["connId"]}  # fmt: skip
    assert not s.closed


@pytest.mark.parametrize(
    "request_",
    [
        login("not-a-jwt"),
        login(7),
        {"op": "login", "args": [{}]},
        {"op": "login", "args": ["token"]},
        {"op": "login", "args": []},
        {"op": "login"},
    ],
)
def test_malformed_login_is_1001(request_: dict[str, Any], mock: Harness) -> None:
    assert mock.open().request(request_, is_login, "ack").obj["code"] == 1001


def test_failed_login_keeps_the_identity(mock: Harness) -> None:
    s = mock.open()
    log_in(s, mock.issuer.mint("valid"))
    assert log_in(s, "junk")["code"] == 1001
    s.send(op(SUBSCRIBE, PRIVATE))
    assert settle(s) == [arg_ack(SUBSCRIBE, PRIVATE)]


# -- session header -----------------------------------------------------------------------------


def test_session_header_authenticates(mock: Harness) -> None:
    s = subscribed(mock, None, **bearer(mock.issuer.mint("valid")))
    s.send(op(SUBSCRIBE, PRIVATE))
    assert settle(s) == [arg_ack(SUBSCRIBE, PRIVATE)]
    mock.pump_now()
    assert events(s) == ["accountOrderUpdate"]


@pytest.mark.parametrize("header", ["Bearer junk", "Bearer {expired}", "Basic {valid}", "Bearer "])
def test_bad_session_header_is_upgraded_unauthenticated(header: str, mock: Harness) -> None:
    value = header.format(expired=mock.issuer.mint("expired"), valid=mock.issuer.mint("valid"))
    s = mock.open(headers=[("Authorization", value)])
    s.send(op(SUBSCRIBE, PRIVATE))
    assert settle(s) == [error(AUTH_FAILED, PRIVATE)]


def test_variant_bad_header_token_refuse_401(own_mock: Own) -> None:
    mock = own_mock(variant={"bad-header-token": "refuse-401"})
    with pytest.raises(HandshakeRejected) as caught:
        mock.open(**bearer("junk"))
    assert caught.value.status == 401
    s = subscribed(mock, None, PRIVATE, **bearer(mock.issuer.mint("valid")))
    mock.pump_now()
    assert events(s) == ["accountOrderUpdate"]
    assert settle(mock.open()) == []  # no header: upgraded


# -- subscribe, data ----------------------------------------------------------------------------


def test_multi_arg_subscribe_acks_each_arg(mock: Harness) -> None:
    s = mock.open()
    args = [PUBLIC, {"channel": "inclusionPreconfSaleUpdate"}, {"channel": "blockBuilderUpdate"}]
    s.send({**op(SUBSCRIBE, *args), "id": 3})
    assert settle(s) == [arg_ack(SUBSCRIBE, arg) for arg in args]
    mock.pump_now()
    assert events(s) == [arg["channel"] for arg in args]


def test_each_arg_handled_on_its_own(mock: Harness) -> None:
    s = mock.open()
    args = [PRIVATE, {"channel": "nope"}, "tickerUpdate", {"marketType": "wholeBlock"}, PUBLIC]
    s.send(op(SUBSCRIBE, *args))
    assert settle(s) == [
        error(AUTH_FAILED, PRIVATE),
        error(INVALID_CHANNEL, {"channel": "nope"}),
        error(INVALID_CHANNEL, "tickerUpdate"),
        error(INVALID_CHANNEL, {"marketType": "wholeBlock"}),
        arg_ack(SUBSCRIBE, PUBLIC),
    ]


def test_limited_token_refused_private(mock: Harness) -> None:
    s = subscribed(mock, mock.issuer.mint("limited"))
    s.send(op(SUBSCRIBE, PRIVATE))
    s.send(query(PRIVATE_QUERIES[0]))
    assert settle(s) == [
        error(AUTH_FAILED, PRIVATE),
        error(AUTH_FAILED, query(PRIVATE_QUERIES[0])["args"][0]),
    ]


def test_every_channel_is_served(mock: Harness) -> None:
    s = mock.open(**bearer(mock.issuer.mint("valid")))
    s.send(op(SUBSCRIBE, *[{"channel": c} for c in PUBLIC_CHANNELS + PRIVATE_CHANNELS]))
    assert len(settle(s)) == len(PUBLIC_CHANNELS + PRIVATE_CHANNELS)
    mock.pump_now()
    assert events(s) == list(PUBLIC_CHANNELS + PRIVATE_CHANNELS)


def test_data_frames(mock: Harness) -> None:
    s = subscribed(mock, mock.issuer.mint("valid"), PUBLIC, PRIVATE)
    mock.pump_now()
    mock.pump_now()
    frames = settle(s)
    now_ms = mock.server.ctx.clock.now() * 1000
    assert [f["e"] for f in frames] == ["preconfMarketUpdate", "accountOrderUpdate"] * 2
    for f in frames:
        assert isinstance(f["E"], int) and now_ms - 5000 < f["E"] <= now_ms
        assert {**f, "E": 0} == {**documented_frame(f["e"]), "E": 0}


def documented_frame(channel: str) -> dict[str, Any]:
    """The docs' example frame of `channel` (x-derived-examples: the two the docs do not show)."""
    document = REGISTRY.document(VENDOR, "channel-data")
    frames = document["examples"] + document["x-derived-examples"]
    return next(f for f in frames if f["e"] == channel)


@pytest.mark.parametrize("channel", PUBLIC_CHANNELS + PRIVATE_CHANNELS)
def test_each_channel_publishes_its_documented_shape(mock: Harness, channel: str) -> None:
    s = subscribed(mock, mock.issuer.mint("valid"), {"channel": channel})
    mock.pump_now()
    (frame,) = [f for f in settle(s) if "e" in f]
    assert REGISTRY.errors(VENDOR, "channel-data", frame) == []
    assert frame["P"] == documented_frame(channel)["P"]


@pytest.mark.parametrize("query_type", PUBLIC_QUERIES + PRIVATE_QUERIES)
def test_each_query_answers_its_documented_shape(mock: Harness, query_type: str) -> None:
    s = mock.open()
    log_in(s, mock.issuer.mint("valid"))
    reply = s.request(query(query_type), lambda f: "q" in f.obj, f"{query_type} reply").obj
    assert REGISTRY.errors(VENDOR, "query-data", reply) == []


def test_names_the_docs_do_not_list_are_refused_1002(mock: Harness) -> None:
    """python-ethgas's own private channels and two of its queryTypes are in no ETHGas document:
    the mock refuses them with the documented 1002, logged in or not, rather than guess a shape."""
    channels = [{"channel": "userOrder"}, {"channel": "userTrade"}]
    queries = [{"queryType": "currentPositions"}, {"queryType": "blockSpaceSale"}]
    s = mock.open()
    log_in(s, mock.issuer.mint("valid"))
    s.send(op(SUBSCRIBE, *channels))
    s.send(op("query", *queries))
    assert settle(s) == [error(INVALID_CHANNEL, arg) for arg in channels] + [
        error(OPERATION_FAILED, arg) for arg in queries
    ]


def test_subscriptions_are_keyed_by_the_arg(mock: Harness) -> None:
    whole = {"channel": "preconfMarketUpdate", "marketType": "wholeBlock"}
    s = subscribed(mock, None, PUBLIC, whole, PUBLIC)
    mock.pump_now()
    assert events(s) == ["preconfMarketUpdate"] * 2  # PUBLIC twice is one subscription
    s.send(op(UNSUBSCRIBE, whole, {"channel": "tickerUpdate"}, {"channel": "nope"}))
    assert settle(s) == [
        arg_ack(UNSUBSCRIBE, whole),
        arg_ack(UNSUBSCRIBE, {"channel": "tickerUpdate"}),  # never subscribed: acked
        error(INVALID_CHANNEL, {"channel": "nope"}),
    ]
    mock.pump_now()
    assert events(s) == ["preconfMarketUpdate"]


def test_queries(mock: Harness) -> None:
    s = mock.open()
    slot = s.request(query(SYNC_QUERY), lambda f: "q" in f.obj, "q").obj
    expected = int(mock.server.ctx.clock.now() - GENESIS) // 12
    assert slot["q"] == SYNC_QUERY and set(slot["P"]) == {"s"}
    assert expected - 1 <= slot["P"]["s"] <= expected
    private = [{"queryType": t} for t in PRIVATE_QUERIES]
    s.send(op("query", *private, {"queryType": "nope"}))
    assert settle(s) == [error(AUTH_FAILED, arg) for arg in private] + [
        error(OPERATION_FAILED, {"queryType": "nope"})
    ]
    log_in(s, mock.issuer.mint("valid"))
    s.send(op("query", *private))
    assert [reply["q"] for reply in settle(s)] == list(PRIVATE_QUERIES)


def test_pings(mock: Harness) -> None:
    s = mock.open()
    assert s.request(TEXT_PING, is_text_pong, "pong").data == TEXT_PONG
    s.send(TEXT_PONG)  # ignored
    assert settle(s) == []
    s.barrier(timeout=2)  # WebSocket ping answered


@pytest.mark.parametrize(
    "frame",
    [
        "hello",
        "[1]",
        "null",
        b"\x01",
        {"op": "nope", "args": []},
        {"args": [PUBLIC]},
        {"op": "subscribe"},
        {"op": "subscribe", "args": PUBLIC},
        {"op": "subscribe", "args": []},
        {"op": "query", "args": []},
        {"op": "login", "args": {"accessToken": "x"}},
    ],
)
def test_bad_requests_are_operation_failed(frame: Any, mock: Harness) -> None:
    s = mock.open()
    s.send(frame)
    assert settle(s) == [OPERATION_FAILED]
    assert not s.closed


def test_logout_clears_the_identity(mock: Harness) -> None:
    s = subscribed(mock, mock.issuer.mint("valid"), PRIVATE, PUBLIC)
    ack = s.request(op(LOGOUT), is_event(LOGOUT), "ack").obj
    assert ack["code"] == 0 and ack["msg"] == "" and re.fullmatch(r"[0-9a-f]{8}", ack["connId"])
    mock.pump_now()
    assert events(s) == ["preconfMarketUpdate"]
    log_in(s, mock.issuer.mint("valid"))
    mock.pump_now()
    assert events(s) == ["accountOrderUpdate", "preconfMarketUpdate"]


# -- expiry -------------------------------------------------------------------------------------


def test_at_expiry_continue_is_the_default(mock: Harness) -> None:
    s = subscribed(mock, mock.issuer.mint("short-lived", "10"), PRIVATE)
    mock.advance(20)
    mock.pump_now()
    assert events(s) == ["accountOrderUpdate"]
    s.send(op(SUBSCRIBE, {"channel": "preconfBundleUpdate"}))
    assert settle(s) == [arg_ack(SUBSCRIBE, {"channel": "preconfBundleUpdate"})]


def test_variant_at_expiry_stop(own_mock: Own) -> None:
    mock = own_mock(variant={"at-expiry": "stop"})
    s = subscribed(mock, mock.issuer.mint("short-lived", "10"), PRIVATE, PUBLIC)
    mock.advance(20)
    mock.pump_now()
    assert events(s) == ["preconfMarketUpdate"]  # silently: no event, no close
    s.send(op(SUBSCRIBE, {"channel": "preconfBundleUpdate"}))
    assert settle(s) == [error(AUTH_FAILED, {"channel": "preconfBundleUpdate"})]
    log_in(s, mock.issuer.mint("valid"))
    mock.pump_now()
    assert events(s) == ["accountOrderUpdate", "preconfMarketUpdate"]


def test_variant_at_expiry_close(own_mock: Own) -> None:
    mock = own_mock(variant={"at-expiry": "close"})
    s = subscribed(mock, mock.issuer.mint("short-lived", "10"), PRIVATE)
    bystander = subscribed(mock, None, PUBLIC)
    renewed = subscribed(mock, mock.issuer.mint("short-lived", "10"))
    log_in(renewed, mock.issuer.mint("valid"))
    mock.advance(20)
    with pytest.raises(PeerClosed):
        s.expect(lambda f: False, "the close", timeout=2)
    assert (s.close_code, s.close_reason) == (4000, "token expired")
    assert settle(bystander) == settle(renewed) == []  # both still open


def test_variant_subscribe_ack_no(own_mock: Own) -> None:
    mock = own_mock(variant={"subscribe-ack": "no"})
    s = mock.open()
    s.send(op(SUBSCRIBE, PUBLIC, PRIVATE))
    s.send(op(UNSUBSCRIBE, PUBLIC))
    assert settle(s) == [error(AUTH_FAILED, PRIVATE)]


def test_unknown_variant_is_refused() -> None:
    with pytest.raises(ValueError, match="at-expiry"):
        EthgasOpMock(MockContext(variant={"at-expiry": "explode"}))


# -- defects ------------------------------------------------------------------------------------


@pytest.mark.parametrize("defect", sorted(EthgasOpMock.DEFECTS))
def test_every_defect_can_be_switched_on(defect: str, own_mock: Own) -> None:
    s = own_mock(defect=defect).open()
    assert s.request(op(LOGOUT), is_event(LOGOUT), "ack").obj


def test_defect_accept_any_token(own_mock: Own) -> None:
    mock = own_mock(defect="accept-any-token")
    s = subscribed(mock, "junk", PRIVATE)
    mock.pump_now()
    assert events(s) == ["accountOrderUpdate"]
    s = subscribed(mock, None, PRIVATE, **bearer("junk"))
    mock.pump_now()
    assert events(s) == ["accountOrderUpdate"]


def test_defect_private_without_login(own_mock: Own) -> None:
    mock = own_mock(defect="private-without-login")
    s = mock.open()
    s.send(op(SUBSCRIBE, PRIVATE))
    s.send(query(PRIVATE_QUERIES[0]))
    reply = query_reply(PRIVATE_QUERIES[0], payloads.query_payload(PRIVATE_QUERIES[0]))
    assert settle(s) == [arg_ack(SUBSCRIBE, PRIVATE), reply]
    mock.pump_now()
    assert events(s) == ["accountOrderUpdate"]


def test_defect_session_header_ignored(own_mock: Own) -> None:
    mock = own_mock(defect="session-header-ignored")
    s = mock.open(**bearer(mock.issuer.mint("valid")))
    s.send(op(SUBSCRIBE, PRIVATE))
    assert settle(s) == [error(AUTH_FAILED, PRIVATE)]
    assert log_in(s, mock.issuer.mint("valid"))["code"] == 0  # the login op still works


@pytest.mark.parametrize(
    ("defect", "event", "code"),
    [("login-ack-renamed", "auth", 0), ("success-nonzero-code", "login", 99)],
)
def test_defects_on_the_login_ack(defect: str, event: str, code: int, own_mock: Own) -> None:
    mock = own_mock(defect=defect)
    s = mock.open()
    ack = log_in(s, mock.issuer.mint("valid"))
    assert (ack["event"], ack["code"], ack["msg"]) == (event, code, "")
    s.send(op(SUBSCRIBE, PRIVATE))
    assert settle(s) == [arg_ack(SUBSCRIBE, PRIVATE)]  # logged in all the same
    assert log_in(s, "junk") == {**ack, "event": "login", "code": 1001,
                                 "msg": "Authentication failed"}  # fmt: skip


def test_defect_accept_expired(own_mock: Own) -> None:
    mock = own_mock(defect="accept-expired")
    s = subscribed(mock, mock.issuer.mint("expired"), PRIVATE)
    mock.pump_now()
    assert events(s) == ["accountOrderUpdate"]
    s = subscribed(mock, None, PRIVATE, **bearer(mock.issuer.mint("expired")))
    mock.pump_now()
    assert events(s) == ["accountOrderUpdate"]


def test_defect_text_ping_unanswered(own_mock: Own) -> None:
    s = own_mock(defect="text-ping-unanswered").open()
    s.send(TEXT_PING)
    s.send(query(SYNC_QUERY))
    s.expect(lambda f: f.obj.get("q") == SYNC_QUERY, "the reply to a later request")
    assert s.drain() == []


def test_defect_pong_withheld(own_mock: Own) -> None:
    s = own_mock(defect="pong-withheld").open()
    with pytest.raises(ExpectTimeout):
        s.barrier(timeout=0.2)


def test_defect_multi_arg_subscribe_first_only(own_mock: Own) -> None:
    mock = own_mock(defect="multi-arg-subscribe-first-only")
    args = [PUBLIC, {"channel": "tickerUpdate"}, {"channel": "blockBuilderUpdate"}]
    s = mock.open()
    s.send(op(SUBSCRIBE, *args))
    assert settle(s) == [arg_ack(SUBSCRIBE, arg) for arg in args]
    mock.pump_now()
    assert events(s) == ["preconfMarketUpdate"]


def test_defect_unsubscribe_keeps_data(own_mock: Own) -> None:
    mock = own_mock(defect="unsubscribe-keeps-data")
    s = subscribed(mock, None, PUBLIC)
    s.send(op(UNSUBSCRIBE, PUBLIC))
    assert settle(s) == [arg_ack(UNSUBSCRIBE, PUBLIC)]
    mock.pump_now()
    assert events(s) == ["preconfMarketUpdate"]
