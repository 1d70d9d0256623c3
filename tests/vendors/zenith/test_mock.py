"""The Zenith reference mock: its documented behaviour, its variants and its defect switches."""

from __future__ import annotations

import base64
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from wsconform.mock.issuer import TokenIssuer
from wsconform.mock.server import MockContext, MockServer
from wsconform.mock.tls import MockTLS
from wsconform.redact import Redactor
from wsconform.session import ExpectTimeout, Frame, HandshakeRejected, ProbeSession
from wsconform.transcript import Transcript
from wsconform.vendors.zenith.mock import ZenithMock
from wsconform.vendors.zenith.protocol import (
    AUTH,
    IDENTIFY_CHANNEL,
    PUBLIC_CHANNEL,
    QUERY_IDENTIFY,
    SUBPROTOCOL,
    auth_token,
    base64_of,
    bearer_header,
    dotnet_timespan,
    message,
    query_identify,
    split_channel,
    sub,
    unsub,
)

NO_AUTO_PUMP = 3600.0  # data only when a test says so: pump_now()
MARKET = PUBLIC_CHANNEL  # Zenith/Market: a limited token keeps it
TRADING = "Trading/Orders!ACC1"  # Zenith/Trading: over TLS, with the full token only
MARKET_TOPIC, TRADING_TOPIC = split_channel(MARKET)[1], split_channel(TRADING)[1]

Opener = Callable[..., ProbeSession]


# -- requests and their replies ------------------------------------------------------------------


def reply(tid: int) -> Callable[[Frame], bool]:
    return lambda f: f.obj.get("TransactionID") == tid


def authenticate(s: ProbeSession, token: str, tid: int = 1) -> dict[str, Any]:
    return s.request(auth_token(token, tid), reply(tid), "AuthToken reply").obj["Data"]


SYNC = 999_999  # the TransactionID of settle's round trip


def settle(s: ProbeSession) -> list[dict[str, Any]]:
    """Everything the server sent up to now, claimed, in order.

    A ping would not do: websockets pongs as soon as the ping is parsed, maybe before the app has
    handled the frames sent ahead of it. The app answers in order, so a QueryIdentify round trip
    proves every earlier frame was handled and its answers are on the wire.
    """
    s.send(query_identify(SYNC))
    s.expect(reply(SYNC), "the QueryIdentify reply settle waits for")
    return [f.obj for f in s.drain()]


def subscribed(s: ProbeSession, token: str, *channels: str) -> ProbeSession:
    """`s` authenticated with `token` and subscribed to each of `channels` in turn, settled."""
    authenticate(s, token)
    for channel in channels:
        s.send(sub(channel))
    settle(s)
    return s


# -- fixtures -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tls() -> MockTLS:
    return MockTLS()


def start(tls: MockTLS, **ctx: Any) -> MockServer:
    """wss:// and plain ws:// side by side; data only on pump_now()."""
    return MockServer(
        ZenithMock,
        MockContext(**ctx),
        ssl=tls.server_context(),
        plain_port=0,
        pump_interval=NO_AUTO_PUMP,
    ).start()


@pytest.fixture(scope="module")
def zenith(tls: MockTLS) -> Iterator[MockServer]:
    server = start(tls)
    yield server
    server.stop()


@pytest.fixture
def issuer(zenith: MockServer) -> TokenIssuer:
    assert zenith.ctx.issuer is not None
    return zenith.ctx.issuer


@pytest.fixture
def open_session() -> Iterator[Opener]:
    sessions: list[ProbeSession] = []

    def open_(url: str, **kw: Any) -> ProbeSession:
        kw.setdefault("subprotocols", [SUBPROTOCOL])
        session = ProbeSession(url, Transcript(Redactor()), **kw)
        sessions.append(session)
        return session.connect()

    yield open_
    for session in sessions:
        session.close()


@pytest.fixture
def wss(zenith: MockServer, tls: MockTLS, open_session: Opener) -> Callable[..., ProbeSession]:
    return lambda query="", **kw: open_session(zenith.url + query, ssl=tls.client_context(), **kw)


@pytest.fixture
def plain_ws(zenith: MockServer, open_session: Opener) -> Callable[..., ProbeSession]:
    assert zenith.plain_url is not None
    url = zenith.plain_url
    return lambda **kw: open_session(url, **kw)


# -- handshake ----------------------------------------------------------------------------------


def test_urls_path_and_subprotocol(zenith: MockServer, wss: Callable[..., ProbeSession]) -> None:
    """Zenith lives at /Zenith on both listeners, and the server selects ZenithJson."""
    assert re.fullmatch(r"wss://127\.0\.0\.1:\d+/Zenith", zenith.url)
    assert zenith.plain_url is not None and zenith.plain_url.endswith("/Zenith")
    assert wss("?version=2.0").subprotocol == SUBPROTOCOL
    assert wss(subprotocols=None).subprotocol is None  # none offered: upgraded all the same


def test_header_token_authenticates(issuer: TokenIssuer, wss: Callable[..., ProbeSession]) -> None:
    """A valid Authorization: Bearer header: the connection starts authenticated."""
    token = issuer.issue(subject="alice")
    s = wss(headers=[bearer_header(token)])
    data = s.request(query_identify(5), reply(5), "QueryIdentify reply").obj["Data"]
    assert data["Result"] == "Success"
    assert data["UserID"] == "alice"
    assert base64.b64decode(data["AccessToken"]).decode() == token
    assert re.fullmatch(r"\d{8}T\d{6}Z", data["ExpiryDate"])
    assert sorted(data["Scope"]) == [
        "Paritech.Zenith.Market",
        "Paritech.Zenith.News",
        "Paritech.Zenith.OrderPad",
        "Paritech.Zenith.Trading",
    ]


@pytest.mark.parametrize("header", ["Bearer {bad}", "Basic {good}", "Bearer "])
def test_bad_header_is_403(
    header: str, issuer: TokenIssuer, wss: Callable[..., ProbeSession]
) -> None:
    """An invalid header token (or another scheme) is refused at upgrade with HTTP 403."""
    value = header.format(bad=issuer.mint("bad-signature"), good=issuer.mint("valid"))
    with pytest.raises(HandshakeRejected) as caught:
        wss(headers=[("Authorization", value)])
    assert caught.value.status == 403


def test_no_header_is_unauthenticated(wss: Callable[..., ProbeSession]) -> None:
    s = wss()
    data = s.request(query_identify(1), reply(1), "QueryIdentify reply").obj
    assert data == {
        "Controller": "Auth",
        "Topic": "QueryIdentify",
        "TransactionID": 1,
        "Data": {"Result": "Reject"},
    }


def test_token_in_uri_is_ignored(issuer: TokenIssuer, wss: Callable[..., ProbeSession]) -> None:
    """Only the header is supported: a valid token in the query string authenticates nothing."""
    s = wss(f"?version=2.0&access_token={issuer.mint('valid')}")
    reply_data = s.request(query_identify(1), reply(1), "QueryIdentify reply").obj["Data"]
    assert reply_data == {"Result": "Reject"}
    assert s.request(sub(MARKET, 2), reply(2), "Sub refusal").obj["Data"] == "Authority"


# -- AuthToken ----------------------------------------------------------------------------------


def test_auth_token_base64_rule(issuer: TokenIssuer, wss: Callable[..., ProbeSession]) -> None:
    """Base-64 of a token is decoded and used; a raw JWT is used as is; 'abcd' decodes to junk."""
    s = wss()
    token = issuer.issue(subject="bob")
    assert authenticate(s, base64_of(token), 1)["UserID"] == "bob"
    assert authenticate(s, token, 2)["UserID"] == "bob"
    rejected = s.request(auth_token("abcd", 3), reply(3), "reply").obj
    assert rejected == {
        "Controller": "Auth",
        "Topic": "Identify",
        "TransactionID": 3,
        "Data": {"Result": "Reject"},
    }
    # A failed re-auth does not log out: the session in force stays, and so does the socket.
    assert s.request(query_identify(4), reply(4), "reply").obj["Data"]["UserID"] == "bob"


@pytest.mark.parametrize(
    "data",
    [
        None,
        "token",
        {},
        {"Provider": "Bearer"},
        {"Provider": "Bearer", "AccessToken": 7},
        {"Provider": "Bearer", "AccessToken": "jeton-é"},  # not ASCII: not Base-64, used raw
        {"Provider": "Other", "AccessToken": "x"},
    ],
)
def test_auth_token_malformed_data_is_reject(data: Any, wss: Callable[..., ProbeSession]) -> None:
    s = wss()
    request = {**auth_token(None, 9), "Data": data}  # Data exactly as given, null included
    assert s.request(request, reply(9), "reply").obj["Data"] == {"Result": "Reject"}


def test_returned_access_token_restores_on_a_new_connection(
    issuer: TokenIssuer, wss: Callable[..., ProbeSession]
) -> None:
    first = wss()
    explicit = {**auth_token(issuer.issue(subject="carol"), 1), "Action": "Publish"}
    saved = first.request(explicit, reply(1), "reply").obj["Data"]["AccessToken"]
    second = wss()
    data = authenticate(second, saved, 1)
    assert data["Result"] == "Success"
    assert data["UserID"] == "carol"


def test_identify_subscription(issuer: TokenIssuer, wss: Callable[..., ProbeSession]) -> None:
    """Subscribed before auth: confirmed, silent; each successful auth then publishes Identify."""
    s = wss()
    s.send(sub(IDENTIFY_CHANNEL))
    assert settle(s) == [
        {"Controller": "Auth", "Topic": "Identify", "Action": "Sub", "Confirm": True}
    ]
    s.send(auth_token(issuer.issue(subject="dave"), 1))
    frames = settle(s)
    assert [f.get("TransactionID") for f in frames] == [1, None]
    push = frames[1]
    assert set(push) == {"Controller", "Topic", "Data"}
    assert push["Topic"] == "Identify" and push["Data"]["UserID"] == "dave"
    # Subscribing while authenticated publishes at once.
    s.send(sub(IDENTIFY_CHANNEL, confirm=False))
    assert [f["Data"]["UserID"] for f in settle(s)] == ["dave"]


# -- rights -------------------------------------------------------------------------------------


def test_limited_token_gets_market_not_trading(
    issuer: TokenIssuer, wss: Callable[..., ProbeSession]
) -> None:
    s = wss()
    assert authenticate(s, issuer.mint("limited"))["Scope"] == [
        "Paritech.Zenith.Market",
        "Paritech.Zenith.News",
    ]
    s.send(sub(MARKET, 2))
    s.send(sub(TRADING, 3))
    assert settle(s) == [
        {"Controller": "Market", "Topic": MARKET_TOPIC, "Action": "Sub", "TransactionID": 2,
         "Confirm": True},
        {"Controller": "Trading", "Topic": TRADING_TOPIC, "Action": "Error", "TransactionID": 3,
         "Data": "Authority"},
        {"Controller": "Trading", "Topic": TRADING_TOPIC, "Action": "Sub", "TransactionID": 3},
    ]  # fmt: skip


def test_trading_never_over_plain_ws(
    issuer: TokenIssuer,
    zenith: MockServer,
    plain_ws: Callable[..., ProbeSession],
    wss: Callable[..., ProbeSession],
) -> None:
    """A full token over ws:// gets no Trading (AuthToken or header); over wss:// it does."""
    token = issuer.mint("valid")
    plain = plain_ws()
    assert "Paritech.Zenith.Trading" not in authenticate(plain, token)["Scope"]
    plain.send(sub(TRADING))
    assert [f["Action"] for f in settle(plain)] == ["Error", "Sub"]
    by_header = plain_ws(headers=[bearer_header(token)])
    by_header.send(sub(TRADING))
    assert [f["Action"] for f in settle(by_header)] == ["Error", "Sub"]
    secure = wss()
    authenticate(secure, token)
    secure.send(sub(TRADING))
    assert settle(secure) == [{"Controller": "Trading", "Topic": TRADING_TOPIC, "Action": "Sub",
                               "Confirm": True}]  # fmt: skip
    zenith.pump_now()
    assert [f["Data"] for f in settle(secure)] == [[{"O": "I", "ID": 1}]]
    assert settle(plain) == settle(by_header) == []


# -- expiry and re-auth -------------------------------------------------------------------------


def test_data_stops_silently_at_expiry_and_resumes_after_reauth(
    issuer: TokenIssuer, zenith: MockServer, wss: Callable[..., ProbeSession]
) -> None:
    s = subscribed(wss(), issuer.mint("short-lived", "10"), MARKET)
    zenith.pump_now()
    first = settle(s)
    assert first == [{"Controller": "Market", "Topic": MARKET_TOPIC, "Data": [{"O": "I", "ID": 1}]}]
    zenith.advance(20)
    zenith.pump_now()
    assert settle(s) == []  # no frame, no close
    assert not s.closed
    assert s.request(query_identify(2), reply(2), "reply").obj["Data"] == {"Result": "Reject"}
    authenticate(s, issuer.mint("valid"), 3)
    assert settle(s) == []  # still permitted: no Error, no Unsub
    zenith.pump_now()
    assert [f["Data"] for f in settle(s)] == [[{"O": "I", "ID": 2}]]


def test_reauth_with_fewer_rights_revokes_error_then_unsub(
    issuer: TokenIssuer, zenith: MockServer, wss: Callable[..., ProbeSession]
) -> None:
    # Two references to TRADING: two Error+Unsub pairs.
    s = subscribed(wss(), issuer.mint("valid"), MARKET, TRADING, TRADING)
    frames = [s.request(auth_token(issuer.mint("limited"), 7), reply(7), "reply").obj]
    frames += settle(s)
    trading = {"Controller": "Trading", "Topic": TRADING_TOPIC}
    error = {**trading, "Action": "Error", "Data": "Authority"}
    server_unsub = {**trading, "Action": "Unsub", "Confirm": True}
    assert frames[0]["Data"]["Result"] == "Success"
    assert frames[1:] == [error, server_unsub, error, server_unsub]
    zenith.pump_now()
    assert [(f["Controller"], f["Topic"]) for f in settle(s)] == [split_channel(MARKET)]


def test_reauth_extends_the_session(
    issuer: TokenIssuer, zenith: MockServer, wss: Callable[..., ProbeSession]
) -> None:
    s = wss()
    authenticate(s, issuer.mint("short-lived", "10"))
    s.send(sub(MARKET))
    authenticate(s, issuer.mint("short-lived", "100"), 2)
    settle(s)
    zenith.advance(20)
    zenith.pump_now()
    assert len(settle(s)) == 1


# -- envelope -----------------------------------------------------------------------------------


def test_transaction_id_echoed_everywhere(
    issuer: TokenIssuer, wss: Callable[..., ProbeSession]
) -> None:
    s = wss()
    s.send(auth_token(issuer.mint("limited"), 41))
    s.send(query_identify(42))
    s.send(sub(MARKET, 43))
    s.send(sub(TRADING, 44))
    s.send(message(AUTH, "AuthCode", None, 45))
    s.send(message("Market", "QueryMarkets", None, 46))
    s.send(sub("Nope/X", 47, confirm=False))
    frames = settle(s)
    assert [f.get("TransactionID") for f in frames] == [41, 42, 43, 44, 44, 45, 46, 47]
    assert [f.get("Data") for f in frames[5:]] == ["Operation.Unknown"] * 2 + ["Controller"]


def test_unsub_reply_has_no_confirm_and_data_stops(
    issuer: TokenIssuer, zenith: MockServer, wss: Callable[..., ProbeSession]
) -> None:
    s = subscribed(wss(), issuer.mint("valid"), MARKET, MARKET)  # reference-counted
    s.send(unsub(MARKET))
    assert settle(s) == [{"Controller": "Market", "Topic": MARKET_TOPIC, "Action": "Unsub"}]
    zenith.pump_now()
    assert len(settle(s)) == 1  # one reference left: data, once (not once per reference)
    s.send(unsub(MARKET))
    settle(s)
    zenith.pump_now()
    assert settle(s) == []


def test_errors_keep_the_connection_open(wss: Callable[..., ProbeSession]) -> None:
    s = wss()
    s.send("not json")
    s.send("[1, 2]")
    s.send(message(AUTH, QUERY_IDENTIFY, None, "x"))  # a TransactionID that is no number
    frames = settle(s)
    assert frames[:2] == [{"Action": "Error", "Data": "Data.Deserialise"}] * 2
    assert frames[2]["Data"] == "Data.Deserialise" and frames[2]["TransactionID"] == "x"
    assert not s.closed
    assert s.request(query_identify(1), reply(1), "reply").obj["Data"] == {"Result": "Reject"}


# -- a mock of a test's own ----------------------------------------------------------------------


@dataclass
class OwnMock:
    server: MockServer
    issuer: TokenIssuer
    open: Callable[..., ProbeSession]  # (query="", *, plain=False, **ProbeSession kwargs)


@pytest.fixture
def own_mock(tls: MockTLS) -> Iterator[Callable[..., OwnMock]]:
    """A mock with a defect or variants of its own, and an opener for it.

    Its sessions are closed before it stops: a stopping server waits for the close handshake,
    which a session idle between operations would answer only after the close timeout.
    """
    servers: list[MockServer] = []
    sessions: list[ProbeSession] = []

    def start_(**ctx: Any) -> OwnMock:
        server = start(tls, **ctx)
        servers.append(server)
        assert server.ctx.issuer is not None

        def open_(query: str = "", *, plain: bool = False, **kw: Any) -> ProbeSession:
            kw.setdefault("subprotocols", [SUBPROTOCOL])
            if plain:
                assert server.plain_url is not None
                url = server.plain_url
            else:
                url = server.url
                kw["ssl"] = tls.client_context()
            session = ProbeSession(url + query, Transcript(Redactor()), **kw)
            sessions.append(session)
            return session.connect()

        return OwnMock(server, server.ctx.issuer, open_)

    yield start_
    for session in sessions:
        session.close()
    for server in servers:
        server.stop()


Own = Callable[..., OwnMock]


# -- variants -----------------------------------------------------------------------------------


def test_variants(own_mock: Own) -> None:
    variant = {
        "auth-reply-topic": "AuthToken",
        "scope-style": "slash",
        "data-before-confirm": "yes",
    }
    mock = own_mock(variant=variant)
    s = mock.open()
    data = s.request(auth_token(mock.issuer.mint("limited"), 1), reply(1), "reply").obj
    assert data["Topic"] == "AuthToken"
    assert data["Data"]["Scope"] == ["Zenith/Market", "Zenith/News"]
    s.send(sub(MARKET))
    frames = settle(s)
    data = {"Controller": "Market", "Topic": MARKET_TOPIC, "Data": [{"O": "I", "ID": 1}]}
    assert frames[0] == data
    assert frames[1]["Action"] == "Sub" and frames[1]["Confirm"] is True


def test_unknown_variant_is_refused() -> None:
    with pytest.raises(ValueError, match="scope-style"):
        ZenithMock(MockContext(variant={"scope-style": "camel"}))


# -- presets ------------------------------------------------------------------------------------

# How Motif reads ExpiresIn (motif-core zenith-publisher.ts parseZenithTokenExpiresInInterval).
MOTIF_EXPIRES_IN = re.compile(r"^-?([0-9]{2}):([0-9]{2}):([0-9]{2})\.[0-9]+$")


def test_preset_motif_answers_as_motif_reads(own_mock: Own) -> None:
    mock = own_mock(preset="motif")
    s = mock.open()
    token = mock.issuer.mint("short-lived", "90")
    frame = s.request(auth_token(token, 1), reply(1), "AuthToken reply").obj
    assert frame["Topic"] == "AuthToken" and frame["Data"]["Result"] == "Success"
    parsed = MOTIF_EXPIRES_IN.match(frame["Data"]["ExpiresIn"])
    assert parsed is not None, frame["Data"]["ExpiresIn"]
    hours, minutes, seconds = (int(part) for part in parsed.groups())
    assert 80 <= hours * 3600 + minutes * 60 + seconds <= 90
    refused = s.request(auth_token("junk", 2), reply(2), "AuthToken reply").obj
    assert refused["Topic"] == "AuthToken" and refused["Data"] == {"Result": "Rejected"}


@pytest.mark.parametrize(
    ("seconds", "written"),
    [(3599.999, "00:59:59.9990000"), (0.0, "00:00:00.0000000"), (5.00000004, "00:00:05.0000000")],
)
def test_dotnet_timespan(seconds: float, written: str) -> None:
    assert dotnet_timespan(seconds) == written


# -- defects ------------------------------------------------------------------------------------


@pytest.mark.parametrize("defect", sorted(ZenithMock.DEFECTS))
def test_every_defect_can_be_switched_on(defect: str, own_mock: Own) -> None:
    s = own_mock(defect=defect).open()
    tid = 2 if defect == "transaction-id-not-echoed" else 1
    assert s.request(query_identify(1), reply(tid), "QueryIdentify reply").obj


def test_defect_no_base64_decoding(own_mock: Own) -> None:
    mock = own_mock(defect="no-base64-decoding")
    s = mock.open()
    token = mock.issuer.mint("valid")
    assert authenticate(s, base64_of(token))["Result"] == "Reject"
    assert authenticate(s, token, 2)["Result"] == "Success"


# What a re-auth with fewer rights sends about a Trading subscription: (Action, has Confirm).
# Without a defect: [("Error", False), ("Unsub", True)].
REVOCATIONS = {
    "unsub-before-error": [("Unsub", True), ("Error", False)],
    "no-unsub-after-reauth": [("Error", False)],
    "server-unsub-unconfirmed": [("Error", False), ("Unsub", False)],
}


@pytest.mark.parametrize("defect", REVOCATIONS)
def test_defects_on_the_revocation(defect: str, own_mock: Own) -> None:
    mock = own_mock(defect=defect)
    s = subscribed(mock.open(), mock.issuer.mint("valid"), TRADING)
    authenticate(s, mock.issuer.mint("limited"), 2)
    assert [(f["Action"], "Confirm" in f) for f in settle(s)] == REVOCATIONS[defect]


def test_defect_transaction_id_not_echoed(own_mock: Own) -> None:
    s = own_mock(defect="transaction-id-not-echoed").open()
    s.send(query_identify(10))
    s.send(sub(MARKET, 20))
    s.send(query_identify(30))
    s.expect(reply(31), "the last reply")
    assert [f.obj["TransactionID"] for f in s.drain()] == [11, 21, 21]


@pytest.mark.parametrize(
    ("defect", "kind"),
    [("bad-header-token-upgraded", "bad-signature"), ("handshake-header-ignored", "valid")],
)
def test_defects_on_the_header_token(defect: str, kind: str, own_mock: Own) -> None:
    """A header token of `kind`: upgraded, unauthenticated."""
    mock = own_mock(defect=defect)
    s = mock.open(headers=[bearer_header(mock.issuer.mint(kind))])
    assert s.request(query_identify(1), reply(1), "r").obj["Data"] == {"Result": "Reject"}


def test_defect_token_in_uri_accepted(own_mock: Own) -> None:
    mock = own_mock(defect="token-in-uri-accepted")
    s = mock.open(f"?version=2.0&token={mock.issuer.issue(subject='eve')}")
    assert s.request(query_identify(1), reply(1), "r").obj["Data"]["UserID"] == "eve"


def test_defect_trading_over_plain_ws(own_mock: Own) -> None:
    mock = own_mock(defect="trading-over-plain-ws")
    s = mock.open(plain=True)
    assert "Paritech.Zenith.Trading" in authenticate(s, mock.issuer.mint("valid"))["Scope"]


def test_defect_returned_access_token_unusable(own_mock: Own) -> None:
    mock = own_mock(defect="returned-access-token-unusable")
    saved = authenticate(mock.open(), mock.issuer.mint("valid"))["AccessToken"]
    assert authenticate(mock.open(), saved)["Result"] == "Reject"


def test_defect_accept_any_token_and_reject_spelling(own_mock: Own) -> None:
    assert authenticate(own_mock(defect="accept-any-token").open(), "junk")["Result"] == "Success"
    spelled = own_mock(defect="reject-spelled-rejected").open()
    assert authenticate(spelled, "junk") == {"Result": "Rejected"}


def test_defect_auth_shared_across_connections(own_mock: Own) -> None:
    mock = own_mock(defect="auth-shared-across-connections")
    bystander = mock.open()
    authenticate(mock.open(), mock.issuer.issue(subject="frank"))
    assert bystander.request(query_identify(1), reply(1), "r").obj["Data"]["UserID"] == "frank"


def test_defect_sub_without_right_accepted(own_mock: Own) -> None:
    mock = own_mock(defect="sub-without-right-accepted")
    s = mock.open()
    s.send(sub(TRADING))
    assert [f["Action"] for f in settle(s)] == ["Sub"]
    mock.server.pump_now()
    assert [f["Topic"] for f in settle(s)] == [TRADING_TOPIC]


@pytest.mark.parametrize(
    ("defect", "data_after_expiry", "data_after_reauth"),
    [
        ("data-after-expiry", 1, 1),
        ("subscriptions-forgotten-at-expiry", 0, 0),
        ("reauth-does-not-extend", 0, 0),
    ],
)
def test_defects_at_expiry(
    defect: str, data_after_expiry: int, data_after_reauth: int, own_mock: Own
) -> None:
    mock = own_mock(defect=defect)
    s = subscribed(mock.open(), mock.issuer.mint("short-lived", "10"), MARKET)
    mock.server.advance(20)
    mock.server.pump_now()
    assert len(settle(s)) == data_after_expiry
    authenticate(s, mock.issuer.mint("valid"), 2)
    settle(s)
    mock.server.pump_now()
    assert len(settle(s)) == data_after_reauth


def test_defect_reauth_drops_all_subscriptions(own_mock: Own) -> None:
    mock = own_mock(defect="reauth-drops-all-subscriptions")
    s = subscribed(mock.open(), mock.issuer.mint("valid"), MARKET)
    authenticate(s, mock.issuer.mint("valid"), 2)
    assert [(f["Topic"], f["Action"]) for f in settle(s)] == [
        (MARKET_TOPIC, "Error"),
        (MARKET_TOPIC, "Unsub"),
    ]


def test_defects_on_frames(own_mock: Own) -> None:
    """data-frame-with-action, undocumented-error-code, no-sub-confirm, unsub-reply-confirmed."""
    mock = own_mock(defect="data-frame-with-action")
    s = subscribed(mock.open(), mock.issuer.mint("valid"), MARKET)
    mock.server.pump_now()
    assert settle(s)[0]["Action"] == "Publish"
    refused = own_mock(defect="undocumented-error-code").open()
    refused.send(sub(MARKET))
    assert settle(refused)[0]["Data"] == "Forbidden"
    mock = own_mock(defect="no-sub-confirm")
    s = mock.open()
    authenticate(s, mock.issuer.mint("valid"))
    s.send(sub(MARKET))
    assert settle(s) == []
    s = own_mock(defect="unsub-reply-confirmed").open()
    s.send(unsub(MARKET))
    assert settle(s)[0]["Confirm"] is True


def test_defect_identify_sub_silent(own_mock: Own) -> None:
    mock = own_mock(defect="identify-sub-silent")
    s = mock.open()
    s.send(sub(IDENTIFY_CHANNEL, confirm=False))
    authenticate(s, mock.issuer.mint("valid"))
    assert settle(s) == []


def test_defect_pong_withheld(own_mock: Own) -> None:
    s = own_mock(defect="pong-withheld").open()
    with pytest.raises(ExpectTimeout):
        s.barrier(timeout=0.2)


def test_defect_no_subprotocol(own_mock: Own) -> None:
    assert own_mock(defect="no-subprotocol").open().subprotocol is None


def test_defects_on_the_identity_replies(own_mock: Own) -> None:
    """success-without-result, expiry-date-as-number, query-identify-rejects."""
    mock = own_mock(defect="success-without-result")
    data = authenticate(mock.open(), mock.issuer.mint("valid"))
    assert "Result" not in data and "AccessToken" in data
    mock = own_mock(defect="expiry-date-as-number")
    assert isinstance(authenticate(mock.open(), mock.issuer.mint("valid"))["ExpiryDate"], int)
    mock = own_mock(defect="query-identify-rejects")
    s = mock.open()
    assert authenticate(s, mock.issuer.mint("valid"))["Result"] == "Success"
    answer = s.request(query_identify(2), reply(2), "QueryIdentify reply").obj
    assert answer["Data"] == {"Result": "Reject"}


def test_defects_on_expired_tokens(own_mock: Own) -> None:
    """accept-expired: an expired token gets Success; reauth-after-expiry-refused: a fresh token
    is refused on a connection whose session expired, but not on a new connection."""
    mock = own_mock(defect="accept-expired")
    assert authenticate(mock.open(), mock.issuer.mint("expired"))["Result"] == "Success"
    mock = own_mock(defect="reauth-after-expiry-refused")
    s = mock.open()
    authenticate(s, mock.issuer.mint("short-lived", "10"))
    mock.server.advance(20)
    assert authenticate(s, mock.issuer.mint("valid"), 2)["Result"] == "Reject"
    assert authenticate(mock.open(), mock.issuer.mint("valid"))["Result"] == "Success"


def test_defect_refused_sub_without_reply(own_mock: Own) -> None:
    s = own_mock(defect="refused-sub-without-reply").open()
    s.send(sub(MARKET))
    assert [f["Action"] for f in settle(s)] == ["Error"]
