"""The Zenith reference mock: its documented behaviour, its variants and its defect switches."""

from __future__ import annotations

import base64
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from wsconform.mock.issuer import TokenIssuer
from wsconform.mock.server import MockContext, MockServer
from wsconform.mock.tls import MockTLS
from wsconform.mock.zenith import ZenithMock
from wsconform.redact import Redactor
from wsconform.session import Frame, HandshakeRejected, ProbeSession
from wsconform.transcript import Transcript

NO_AUTO_PUMP = 3600.0  # data only when a test says so: pump_now()
SUBPROTOCOLS = ["ZenithJson"]
MARKET = ("Market", "Trades!BHP.ASX")
TRADING = ("Trading", "Orders!ACC1")

Opener = Callable[..., ProbeSession]


# -- frames and predicates ----------------------------------------------------------------------


def auth_token(token: str, tid: int) -> dict[str, Any]:
    return {
        "Controller": "Auth",
        "Topic": "AuthToken",
        "TransactionID": tid,
        "Data": {"Provider": "Bearer", "AccessToken": token},
    }


def query_identify(tid: int) -> dict[str, Any]:
    return {"Controller": "Auth", "Topic": "QueryIdentify", "TransactionID": tid}


def sub(sub_key: tuple[str, str], tid: int | None = None, **extra: Any) -> dict[str, Any]:
    message: dict[str, Any] = {"Controller": sub_key[0], "Topic": sub_key[1], "Action": "Sub"}
    message["Confirm"] = True
    if tid is not None:
        message["TransactionID"] = tid
    return message | extra


def reply(tid: int) -> Callable[[Frame], bool]:
    return lambda f: f.obj.get("TransactionID") == tid


def is_data(sub_key: tuple[str, str]) -> Callable[[Frame], bool]:
    def match(f: Frame) -> bool:
        o = f.obj
        return (o.get("Controller"), o.get("Topic")) == sub_key and isinstance(o.get("Data"), list)

    return match


def about(sub_key: tuple[str, str]) -> Callable[[Frame], bool]:
    return lambda f: (f.obj.get("Controller"), f.obj.get("Topic")) == sub_key


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


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


# -- fixtures -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tls() -> MockTLS:
    return MockTLS()


def start(tls: MockTLS | None = None, **ctx: Any) -> MockServer:
    ssl = tls.server_context() if tls else None
    return MockServer(
        ZenithMock,
        MockContext(**ctx),
        ssl=ssl,
        plain_port=0 if tls else None,
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
        kw.setdefault("subprotocols", SUBPROTOCOLS)
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
    assert wss("?version=2.0").subprotocol == "ZenithJson"


def test_header_token_authenticates(issuer: TokenIssuer, wss: Callable[..., ProbeSession]) -> None:
    """A valid Authorization: Bearer header: the connection starts authenticated."""
    token = issuer.issue(subject="alice")
    s = wss(headers=[("Authorization", f"Bearer {token}")])
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
    assert authenticate(s, b64(token), 1)["UserID"] == "bob"
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
    [None, {}, {"Provider": "Bearer"}, {"Provider": "Bearer", "AccessToken": 7}, "token"],
)
def test_auth_token_malformed_data_is_reject(data: Any, wss: Callable[..., ProbeSession]) -> None:
    s = wss()
    message = {"Controller": "Auth", "Topic": "AuthToken", "TransactionID": 9, "Data": data}
    assert s.request(message, reply(9), "reply").obj["Data"] == {"Result": "Reject"}


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
    identify = {"Controller": "Auth", "Action": "Sub", "Topic": "Identify", "Confirm": True}
    s.send(identify)
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
    s.send({"Controller": "Auth", "Action": "Sub", "Topic": "Identify"})
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
        {"Controller": "Market", "Topic": MARKET[1], "Action": "Sub", "TransactionID": 2,
         "Confirm": True},
        {"Controller": "Trading", "Topic": TRADING[1], "Action": "Error", "TransactionID": 3,
         "Data": "Authority"},
        {"Controller": "Trading", "Topic": TRADING[1], "Action": "Sub", "TransactionID": 3},
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
    by_header = plain_ws(headers=[("Authorization", f"Bearer {token}")])
    by_header.send(sub(TRADING))
    assert [f["Action"] for f in settle(by_header)] == ["Error", "Sub"]
    secure = wss()
    authenticate(secure, token)
    secure.send(sub(TRADING))
    assert settle(secure) == [{"Controller": "Trading", "Topic": TRADING[1], "Action": "Sub",
                               "Confirm": True}]  # fmt: skip
    zenith.pump_now()
    assert [f["Data"] for f in settle(secure)] == [[{"O": "I", "ID": 1}]]
    assert settle(plain) == settle(by_header) == []


# -- expiry and re-auth -------------------------------------------------------------------------


def test_data_stops_silently_at_expiry_and_resumes_after_reauth(
    issuer: TokenIssuer, zenith: MockServer, wss: Callable[..., ProbeSession]
) -> None:
    s = wss()
    authenticate(s, issuer.mint("short-lived", "10"))
    s.send(sub(MARKET))
    settle(s)
    zenith.pump_now()
    first = settle(s)
    assert first == [{"Controller": "Market", "Topic": MARKET[1], "Data": [{"O": "I", "ID": 1}]}]
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
    s = wss()
    authenticate(s, issuer.mint("valid"))
    s.send(sub(MARKET))
    s.send(sub(TRADING))
    s.send(sub(TRADING))  # two references: two Error+Unsub pairs
    settle(s)
    frames = [s.request(auth_token(issuer.mint("limited"), 7), reply(7), "reply").obj]
    frames += settle(s)
    error = {"Controller": "Trading", "Topic": TRADING[1], "Action": "Error", "Data": "Authority"}
    unsub = {"Controller": "Trading", "Topic": TRADING[1], "Action": "Unsub", "Confirm": True}
    assert frames[0]["Data"]["Result"] == "Success"
    assert frames[1:] == [error, unsub, error, unsub]
    zenith.pump_now()
    assert [(f["Controller"], f["Topic"]) for f in settle(s)] == [MARKET]


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
    s.send({"Controller": "Auth", "Topic": "AuthCode", "TransactionID": 45})
    s.send({"Controller": "Market", "Topic": "QueryMarkets", "TransactionID": 46})
    s.send({"Controller": "Nope", "Topic": "X", "TransactionID": 47, "Action": "Sub"})
    frames = settle(s)
    assert [f.get("TransactionID") for f in frames] == [41, 42, 43, 44, 44, 45, 46, 47]
    assert [f.get("Data") for f in frames[5:]] == ["Operation.Unknown"] * 2 + ["Controller"]


def test_unsub_reply_has_no_confirm_and_data_stops(
    issuer: TokenIssuer, zenith: MockServer, wss: Callable[..., ProbeSession]
) -> None:
    s = wss()
    authenticate(s, issuer.mint("valid"))
    s.send(sub(MARKET))
    s.send(sub(MARKET))  # reference-counted
    unsub = {"Controller": MARKET[0], "Topic": MARKET[1], "Action": "Unsub", "Confirm": True}
    s.send(unsub)
    frames = settle(s)
    assert frames[-1] == {"Controller": "Market", "Topic": MARKET[1], "Action": "Unsub"}
    zenith.pump_now()
    assert len(settle(s)) == 1  # one reference left: data, once (not once per reference)
    s.send(unsub)
    settle(s)
    zenith.pump_now()
    assert settle(s) == []


def test_errors_keep_the_connection_open(wss: Callable[..., ProbeSession]) -> None:
    s = wss()
    s.send("not json")
    s.send("[1, 2]")
    s.send({"Controller": "Auth", "Topic": "QueryIdentify", "TransactionID": "x"})
    frames = settle(s)
    assert frames[:2] == [{"Action": "Error", "Data": "Data.Deserialise"}] * 2
    assert frames[2]["Data"] == "Data.Deserialise" and frames[2]["TransactionID"] == "x"
    assert not s.closed
    assert s.request(query_identify(1), reply(1), "reply").obj["Data"] == {"Result": "Reject"}


# -- variants -----------------------------------------------------------------------------------


@pytest.fixture
def own_mock(tls: MockTLS) -> Iterator[Callable[..., Any]]:
    """A wss:// mock of a test's own (a defect, variants) and an opener for it: (issuer, open).

    Its sessions are closed before it stops: a stopping server waits for the close handshake,
    which a session idle between operations would answer only after the close timeout.
    """
    servers: list[MockServer] = []
    sessions: list[ProbeSession] = []

    def start_(**ctx: Any) -> tuple[TokenIssuer, Callable[..., ProbeSession]]:
        server = start(tls, **ctx)
        servers.append(server)
        assert server.ctx.issuer is not None

        def open_(**kw: Any) -> ProbeSession:
            kw.setdefault("subprotocols", SUBPROTOCOLS)
            session = ProbeSession(
                server.url, Transcript(Redactor()), ssl=tls.client_context(), **kw
            )
            sessions.append(session)
            return session.connect()

        return server.ctx.issuer, open_

    yield start_
    for session in sessions:
        session.close()
    for server in servers:
        server.stop()


def test_variants(own_mock: Callable[..., Any]) -> None:
    variant = {
        "auth-reply-topic": "AuthToken",
        "scope-style": "slash",
        "data-before-confirm": "yes",
    }
    issuer, open_ = own_mock(variant=variant)
    s = open_()
    data = s.request(auth_token(issuer.mint("limited"), 1), reply(1), "reply").obj
    assert data["Topic"] == "AuthToken"
    assert data["Data"]["Scope"] == ["Zenith/Market", "Zenith/News"]
    s.send(sub(MARKET))
    assert [f.get("Action") for f in settle(s)] == [None, "Sub"]


def test_unknown_variant_is_refused() -> None:
    with pytest.raises(ValueError, match="scope-style"):
        ZenithMock(MockContext(variant={"scope-style": "camel"}))


# -- defects ------------------------------------------------------------------------------------


@pytest.mark.parametrize("defect", sorted(ZenithMock.DEFECTS))
def test_every_defect_can_be_switched_on(defect: str, own_mock: Callable[..., Any]) -> None:
    _, open_ = own_mock(defect=defect)
    tid = 2 if defect == "transaction-id-not-echoed" else 1
    assert open_().request(query_identify(1), reply(tid), "QueryIdentify reply").obj


def test_defect_no_base64_decoding(own_mock: Callable[..., Any]) -> None:
    issuer, open_ = own_mock(defect="no-base64-decoding")
    s = open_()
    token = issuer.mint("valid")
    assert authenticate(s, b64(token))["Result"] == "Reject"
    assert authenticate(s, token, 2)["Result"] == "Success"


def test_defect_unsub_before_error(own_mock: Callable[..., Any]) -> None:
    issuer, open_ = own_mock(defect="unsub-before-error")
    s = open_()
    authenticate(s, issuer.mint("valid"))
    s.send(sub(TRADING))
    settle(s)
    authenticate(s, issuer.mint("limited"), 2)
    assert [f["Action"] for f in settle(s)] == ["Unsub", "Error"]


def test_defect_transaction_id_not_echoed(own_mock: Callable[..., Any]) -> None:
    _, open_ = own_mock(defect="transaction-id-not-echoed")
    s = open_()
    s.send(query_identify(10))
    s.send(sub(MARKET, 20))
    s.send(query_identify(30))
    s.expect(reply(31), "the last reply")
    assert [f.obj["TransactionID"] for f in s.drain()] == [11, 21, 21]


def test_defect_bad_header_token_upgraded(own_mock: Callable[..., Any]) -> None:
    issuer, open_ = own_mock(defect="bad-header-token-upgraded")
    s = open_(headers=[("Authorization", f"Bearer {issuer.mint('bad-signature')}")])
    assert s.request(query_identify(1), reply(1), "r").obj["Data"] == {"Result": "Reject"}


def test_defect_no_subprotocol(own_mock: Callable[..., Any]) -> None:
    _, open_ = own_mock(defect="no-subprotocol")
    assert open_().subprotocol is None
