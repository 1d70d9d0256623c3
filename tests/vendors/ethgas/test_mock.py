"""The ETHGas `cmd`-dialect mock: its documented behaviour, its variants and its defect switches."""

from __future__ import annotations

import re
from typing import Any

import pytest

from vendors.ethgas.mock_helpers import Harness, Own, mock_fixtures
from vendors.ethgas.mock_helpers import settle as settle_on
from wsconform.mock.server import MockContext
from wsconform.session import ExpectTimeout, ProbeSession
from wsconform.vendors.ethgas import protocol
from wsconform.vendors.ethgas.client import is_cmd, is_pong
from wsconform.vendors.ethgas.common import PERMISSIONS, PRIVATE_CHANNELS, PUBLIC_CHANNELS
from wsconform.vendors.ethgas.mock import EthgasMock
from wsconform.vendors.ethgas.protocol import login, subscribe, unsubscribe

PUBLIC = "tickerUpdate"
PRIVATE = PRIVATE_CHANNELS[0]
ALL_PERMISSIONS = [name for names in PERMISSIONS.values() for name in names]


def login_error(code: int, message: str) -> dict[str, Any]:
    return protocol.login_error(protocol.error_body(code, message))


def error_frame(code: int, message: str) -> dict[str, Any]:
    return protocol.error_frame(protocol.error_body(code, message))


INVALID_TOKEN = login_error(401, "Invalid access token")
RATE_LIMITED = login_error(429, "Rate limited")
AUTH_REQUIRED = error_frame(401, "Authentication required")
INSUFFICIENT = error_frame(403, "Insufficient permissions")
INVALID_CHANNEL = error_frame(1002, "Invalid channel")
INVALID_REQUEST = error_frame(400, "Invalid request")
EXPIRED_EVENT = protocol.expiry_event()
PING, PONG, LOGOUT = (protocol.bare(c) for c in (protocol.PING, protocol.PONG, protocol.LOGOUT))


# -- frames -------------------------------------------------------------------------------------


def ack(channel: str, cmd: str = protocol.SUBSCRIBE) -> dict[str, Any]:
    return protocol.reply(cmd, {"channel": channel})


def settle(s: ProbeSession) -> list[dict[str, Any]]:
    """Every frame the server sent up to now, claimed, in order (a cmd ping round trip)."""
    return [f.obj for f in settle_on(s, PING, is_pong)]


def log_in(s: ProbeSession, token: str, member: str = protocol.SEED_MEMBER) -> dict[str, Any]:
    return s.request(login(token, member), is_cmd(protocol.LOGIN), "login reply").obj


def data_channels(s: ProbeSession) -> list[str]:
    """The channels of the data frames the server sent up to now."""
    return [f["data"]["channel"] for f in settle(s) if protocol.is_any_data(f)]


def subscribed(mock: Harness, token: str | None, *channels: str) -> ProbeSession:
    """A session logged in with `token` (when given) and subscribed to `channels`, settled."""
    s = mock.open()
    if token is not None:
        assert log_in(s, token)["status"] == "success"
    for channel in channels:
        s.send(subscribe(channel))
    settle(s)
    return s


# -- fixtures -----------------------------------------------------------------------------------


shared, mock, own_mock = mock_fixtures(EthgasMock)


# -- login --------------------------------------------------------------------------------------


def test_url_is_the_root_path(mock: Harness) -> None:
    assert re.fullmatch(r"ws://127\.0\.0\.1:\d+/", mock.url)


@pytest.mark.parametrize("member", [protocol.SEED_MEMBER, protocol.COMPANION_MEMBER])
def test_login_success(member: str, mock: Harness) -> None:
    """The seed page's `data` and the companion page's `args` log in alike."""
    reply = log_in(mock.open(), mock.issuer.issue(subject="alice"), member)
    assert reply == protocol.login_success(
        {"userId": "alice", "username": "alice", "permissions": ALL_PERMISSIONS}
    )


def test_limited_token_has_market_data_only(mock: Harness) -> None:
    assert log_in(mock.open(), mock.issuer.mint("limited"))["data"]["permissions"] == [
        "market_data"
    ]


@pytest.mark.parametrize("kind", ["bad-signature", "alg-none", "wrong-key", "expired"])
def test_refused_token_is_401(kind: str, mock: Harness) -> None:
    s = mock.open()
    assert log_in(s, mock.issuer.mint(kind)) == INVALID_TOKEN
    assert not s.closed


@pytest.mark.parametrize(
    "request_",
    [
        login("not-a-jwt"),
        login(7),
        login(None),
        login("x", member="params"),
        {"cmd": "login", "data": {}},
        {"cmd": "login", "data": "token"},
        {"cmd": "login"},
    ],
)
def test_malformed_login_is_401(request_: dict[str, Any], mock: Harness) -> None:
    s = mock.open()
    assert s.request(request_, is_cmd(protocol.LOGIN), "reply").obj == INVALID_TOKEN
    assert not s.closed


def test_failed_login_keeps_the_identity(mock: Harness) -> None:
    s = mock.open()
    log_in(s, mock.issuer.mint("valid"))
    assert log_in(s, "junk") == INVALID_TOKEN
    s.send(subscribe(PRIVATE))
    assert settle(s) == [ack(PRIVATE)]


def test_rate_limit_after_five_failures_per_connection(mock: Harness) -> None:
    s = mock.open()
    for _ in range(EthgasMock.RATE_LIMIT):
        assert log_in(s, "junk") == INVALID_TOKEN
    assert log_in(s, mock.issuer.mint("valid")) == RATE_LIMITED  # unchecked
    assert log_in(s, "junk") == RATE_LIMITED
    assert log_in(mock.open(), mock.issuer.mint("valid"))["status"] == "success"  # per connection
    mock.advance(EthgasMock.RATE_WINDOW / 2)
    assert log_in(s, mock.issuer.mint("valid")) == RATE_LIMITED
    mock.advance(EthgasMock.RATE_WINDOW / 2 + 1)
    assert log_in(s, mock.issuer.mint("valid"))["status"] == "success"


# -- subscribe, data ----------------------------------------------------------------------------


def test_public_without_login_private_refused(mock: Harness) -> None:
    s = mock.open()
    s.send(subscribe("preconfMarketUpdate", marketId=12345))
    s.send(subscribe(PRIVATE))
    s.send(subscribe("nope"))
    s.send(subscribe(7))
    s.send({"cmd": "subscribe", "args": ["tickerUpdate"]})
    s.send({"cmd": "subscribe"})
    assert settle(s) == [
        ack("preconfMarketUpdate"),
        AUTH_REQUIRED,
        INVALID_CHANNEL,
        *[INVALID_REQUEST] * 3,
    ]


def test_limited_token_refused_private_403(mock: Harness) -> None:
    s = mock.open()
    log_in(s, mock.issuer.mint("limited"))
    s.send(subscribe(PRIVATE))
    s.send(subscribe(PUBLIC))
    assert settle(s) == [INSUFFICIENT, ack(PUBLIC)]


def test_every_channel_is_served(mock: Harness) -> None:
    s = mock.open()
    log_in(s, mock.issuer.mint("valid"))
    for channel in PUBLIC_CHANNELS + PRIVATE_CHANNELS:
        s.send(subscribe(channel))
    assert settle(s) == [ack(c) for c in PUBLIC_CHANNELS + PRIVATE_CHANNELS]
    mock.pump_now()
    assert [f["cmd"] for f in settle(s)] == list(PUBLIC_CHANNELS + PRIVATE_CHANNELS)


def test_data_frames(mock: Harness) -> None:
    s = subscribed(mock, mock.issuer.mint("valid"), PUBLIC, PRIVATE)
    mock.pump_now()
    mock.pump_now()
    frames = settle(s)
    now_ms = mock.server.ctx.clock.now() * 1000
    assert [(f["cmd"], f["data"]["channel"], f["data"]["seq"]) for f in frames] == [
        (PUBLIC, PUBLIC, 1),
        (PRIVATE, PRIVATE, 2),
        (PUBLIC, PUBLIC, 3),
        (PRIVATE, PRIVATE, 4),
    ]
    for f in frames:
        assert set(f) == {"cmd", "data"} and set(f["data"]) == {"channel", "seq", "timestamp"}
        assert isinstance(f["data"]["timestamp"], int)
        assert now_ms - 5000 < f["data"]["timestamp"] <= now_ms


def test_unsubscribe_stops_data(mock: Harness) -> None:
    s = subscribed(mock, mock.issuer.mint("valid"), PUBLIC, PRIVATE)
    s.send(unsubscribe(PRIVATE))
    s.send(unsubscribe(PUBLIC))
    s.send(unsubscribe("candlestickUpdate"))  # never subscribed: acked all the same
    s.send(unsubscribe("nope"))
    assert settle(s) == [
        ack(PRIVATE, "unsubscribe"),
        ack(PUBLIC, "unsubscribe"),
        ack("candlestickUpdate", "unsubscribe"),
        INVALID_CHANNEL,
    ]
    mock.pump_now()
    assert settle(s) == []


def test_pings(mock: Harness) -> None:
    s = mock.open()
    assert s.request(PING, is_pong, "pong").obj == PONG
    s.send(PONG)  # ignored
    assert settle(s) == []
    s.barrier(timeout=2)  # WebSocket ping answered


def test_logout_clears_the_identity(mock: Harness) -> None:
    s = subscribed(mock, mock.issuer.mint("valid"), PUBLIC, PRIVATE)
    s.send(LOGOUT)
    s.send(subscribe("accountPositionUpdate"))
    assert settle(s) == [protocol.reply(protocol.LOGOUT, {}), AUTH_REQUIRED]
    mock.pump_now()
    assert data_channels(s) == [PUBLIC]
    log_in(s, mock.issuer.mint("valid"))  # subscriptions were kept
    mock.pump_now()
    assert data_channels(s) == [PUBLIC, PRIVATE]


@pytest.mark.parametrize(
    "frame", ["not json", "[1, 2]", "42", b"\x00\x01", {"cmd": "query"}, {"cmd": 7}, {"x": 1}]
)
def test_invalid_requests_are_400_and_keep_the_connection(frame: Any, mock: Harness) -> None:
    s = mock.open()
    s.send(frame)
    assert settle(s) == [INVALID_REQUEST]
    assert not s.closed


# -- expiry -------------------------------------------------------------------------------------


def test_token_expired_once_private_stops_relogin_resumes(mock: Harness) -> None:
    s = subscribed(mock, mock.issuer.mint("short-lived", "10"), PUBLIC, PRIVATE)
    mock.advance(5)
    assert settle(s) == []
    mock.advance(10)
    assert settle(s) == [EXPIRED_EVENT]
    mock.advance(10)
    mock.pump_now()
    assert data_channels(s) == [PUBLIC]  # once; private data stopped; still open
    s.send(subscribe("accountTransactionUpdate"))
    assert settle(s) == [AUTH_REQUIRED]
    log_in(s, mock.issuer.mint("short-lived", "10"))
    mock.pump_now()
    assert data_channels(s) == [PUBLIC, PRIVATE]  # kept subscriptions resume
    mock.advance(20)
    assert settle(s) == [EXPIRED_EVENT]  # each identity's expiry is announced


def test_expiry_noticed_without_clock_advanced(mock: Harness) -> None:
    """A clock that moved on its own (the standalone mock): the pump or the next reply tells."""
    s = subscribed(mock, mock.issuer.mint("short-lived", "10"), PRIVATE)
    mock.server.ctx.clock.advance(20)
    assert settle(s) == [EXPIRED_EVENT]  # ahead of the pong
    log_in(s, mock.issuer.mint("short-lived", "10"))
    mock.server.ctx.clock.advance(20)
    mock.pump_now()
    assert settle(s) == [EXPIRED_EVENT]  # and no private data


# -- variants -----------------------------------------------------------------------------------


def test_variant_subscribe_ack_no(own_mock: Own) -> None:
    mock = own_mock(variant={"subscribe-ack": "no"})
    s = mock.open()
    s.send(subscribe(PUBLIC))
    s.send(subscribe(PRIVATE))
    s.send(unsubscribe(PUBLIC))
    assert settle(s) == [AUTH_REQUIRED]


def test_variant_subscriptions_dropped_at_expiry(own_mock: Own) -> None:
    mock = own_mock(variant={"subscriptions-at-expiry": "dropped"})
    s = subscribed(mock, mock.issuer.mint("short-lived", "10"), PUBLIC, PRIVATE)
    mock.advance(20)
    assert settle(s) == [EXPIRED_EVENT]
    log_in(s, mock.issuer.mint("valid"))
    mock.pump_now()
    assert data_channels(s) == [PUBLIC]  # the private one needs a new subscribe
    s.send(subscribe(PRIVATE))
    settle(s)
    mock.pump_now()
    assert data_channels(s) == [PUBLIC, PRIVATE]


def test_unknown_variant_is_refused() -> None:
    with pytest.raises(ValueError, match="subscribe-ack"):
        EthgasMock(MockContext(variant={"subscribe-ack": "maybe"}))


# -- defects ------------------------------------------------------------------------------------


@pytest.mark.parametrize("defect", sorted(EthgasMock.DEFECTS))
def test_every_defect_can_be_switched_on(defect: str, own_mock: Own) -> None:
    s = own_mock(defect=defect).open()
    assert s.request(LOGOUT, is_cmd(protocol.LOGOUT), "reply").obj


def test_defect_invalid_token_answered_403(own_mock: Own) -> None:
    reply = log_in(own_mock(defect="invalid-token-answered-403").open(), "junk")
    assert reply["error"]["code"] == 403


def test_defects_at_expiry(own_mock: Own) -> None:
    """no-token-expired-event, expiry-event-renamed, private-data-after-expiry."""
    mock = own_mock(defect="no-token-expired-event")
    s = subscribed(mock, mock.issuer.mint("short-lived", "10"), PRIVATE)
    mock.advance(20)
    mock.pump_now()
    assert settle(s) == []
    mock = own_mock(defect="expiry-event-renamed")
    s = subscribed(mock, mock.issuer.mint("short-lived", "10"), PRIVATE)
    mock.advance(20)
    assert settle(s) == [{**EXPIRED_EVENT, "cmd": "session_expired"}]
    mock = own_mock(defect="private-data-after-expiry")
    s = subscribed(mock, mock.issuer.mint("short-lived", "10"), PRIVATE)
    mock.advance(20)
    mock.pump_now()
    frames = settle(s)
    assert frames[0] == EXPIRED_EVENT
    assert [f["cmd"] for f in frames[1:]] == [PRIVATE]


def test_defects_on_the_success_reply(own_mock: Own) -> None:
    mock = own_mock(defect="status-ok")
    assert log_in(mock.open(), mock.issuer.mint("valid"))["status"] == "ok"
    mock = own_mock(defect="success-without-permissions")
    reply = log_in(mock.open(), mock.issuer.issue(subject="bob"))
    assert reply == protocol.login_success({"userId": "bob", "username": "bob"})


def test_defect_private_without_login(own_mock: Own) -> None:
    mock = own_mock(defect="private-without-login")
    s = subscribed(mock, None)
    s.send(subscribe(PRIVATE))
    assert settle(s) == [ack(PRIVATE)]
    mock.pump_now()
    assert data_channels(s) == [PRIVATE]


def test_defect_accept_expired(own_mock: Own) -> None:
    mock = own_mock(defect="accept-expired")
    assert log_in(mock.open(), mock.issuer.mint("expired"))["status"] == "success"


def test_defect_relogin_after_expiry_refused(own_mock: Own) -> None:
    mock = own_mock(defect="relogin-after-expiry-refused")
    s = subscribed(mock, mock.issuer.mint("short-lived", "10"))
    mock.advance(20)
    assert settle(s) == [EXPIRED_EVENT]
    assert log_in(s, mock.issuer.mint("valid")) == INVALID_TOKEN
    assert log_in(mock.open(), mock.issuer.mint("valid"))["status"] == "success"


def test_defect_error_without_code(own_mock: Own) -> None:
    mock = own_mock(defect="error-without-code")
    s = mock.open()
    assert log_in(s, "junk") == {"cmd": "login", "status": "error",
                                 "error": {"message": "Invalid access token"}}  # fmt: skip
    s.send(subscribe("nope"))
    s.send("not json")
    assert settle(s) == [
        {"cmd": "error", "error": {"message": "Invalid channel"}},
        {"cmd": "error", "error": {"message": "Invalid request"}},
    ]


def test_defect_accept_any_token(own_mock: Own) -> None:
    mock = own_mock(defect="accept-any-token")
    s = mock.open()
    reply = log_in(s, "junk")
    assert reply["status"] == "success" and reply["data"]["permissions"] == ALL_PERMISSIONS
    s.send(subscribe(PRIVATE))
    assert settle(s) == [ack(PRIVATE)]
    mock.advance(3590)
    assert settle(s) == []
    mock.advance(20)
    assert settle(s) == [EXPIRED_EVENT]  # an hour
    assert log_in(s, 7) == INVALID_TOKEN  # a string, though any string


def test_defect_limited_reads_private(own_mock: Own) -> None:
    mock = own_mock(defect="limited-reads-private")
    s = subscribed(mock, mock.issuer.mint("limited"))
    s.send(subscribe(PRIVATE))
    assert settle(s) == [ack(PRIVATE)]
    mock.pump_now()
    assert data_channels(s) == [PRIVATE]
    assert data_channels(subscribed(mock, None, PRIVATE)) == []  # still not without login


def test_defect_rate_limit_shape_undocumented(own_mock: Own) -> None:
    s = own_mock(defect="rate-limit-shape-undocumented").open()
    for _ in range(EthgasMock.RATE_LIMIT):
        log_in(s, "junk")
    assert log_in(s, "junk") == {"cmd": "login", "status": "error", "error": "rate limited"}


def test_defect_cmd_ping_unanswered(own_mock: Own) -> None:
    s = own_mock(defect="cmd-ping-unanswered").open()
    s.send(PING)
    s.send(protocol.bare("unknown"))
    s.expect(lambda f: f.obj == INVALID_REQUEST, "the reply to a later request")
    assert [f.obj for f in s.drain()] == []


def test_defect_pong_withheld(own_mock: Own) -> None:
    s = own_mock(defect="pong-withheld").open()
    with pytest.raises(ExpectTimeout):
        s.barrier(timeout=0.2)


def test_defect_public_needs_login(own_mock: Own) -> None:
    mock = own_mock(defect="public-needs-login")
    s = mock.open()
    s.send(subscribe(PUBLIC))
    assert settle(s) == [AUTH_REQUIRED]
    log_in(s, mock.issuer.mint("limited"))
    s.send(subscribe(PUBLIC))
    assert settle(s) == [ack(PUBLIC)]


def test_defect_unsubscribe_keeps_data(own_mock: Own) -> None:
    mock = own_mock(defect="unsubscribe-keeps-data")
    s = subscribed(mock, None, PUBLIC)
    s.send(unsubscribe(PUBLIC))
    assert settle(s) == [ack(PUBLIC, "unsubscribe")]
    mock.pump_now()
    assert data_channels(s) == [PUBLIC]
