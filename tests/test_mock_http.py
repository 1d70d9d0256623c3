"""The mocks' HTTP side (wsconform.mock.http): routes served beside the WebSocket by the same
process, and Zenith's OAuth 2.0 token endpoint as the suite's own --token-url source uses it."""

from __future__ import annotations

import base64
import json
import socket
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from mock_http_client import TIMEOUT, request
from standalone import standalone_mock

from wsconform.mock.clock import MockClock
from wsconform.mock.http import HttpRequest, HttpResponse, Routes
from wsconform.mock.issuer import ALL_RIGHTS, Rejected, TokenIssuer
from wsconform.mock.server import MockApp, MockContext, MockServer
from wsconform.oauth import OAuthTokens
from wsconform.redact import Redactor, mask
from wsconform.vendors.paradex.mock import ParadexMock
from wsconform.vendors.zenith import protocol
from wsconform.vendors.zenith.mock import ZenithMock


class EchoMock(ParadexMock):
    """A mock with two routes: what the core must serve and refuse around them."""

    def http_routes(self) -> Routes:
        def echo(request: HttpRequest) -> HttpResponse:
            return HttpResponse.of_json(200, {"query": request.query, "body": request.json()})

        return {("POST", "/echo"): echo, ("PUT", "/echo"): echo}


class RoutelessMock(ParadexMock):
    """A mock that declares no routes: MockApp's default."""

    http_routes = MockApp.http_routes


@pytest.fixture
def echo() -> Iterator[MockServer]:
    server = MockServer(EchoMock).start()
    yield server
    server.stop()


@pytest.fixture
def zenith() -> Iterator[MockServer]:
    server = MockServer(ZenithMock, MockContext()).start()
    yield server
    server.stop()


def test_a_route_gets_the_request_and_its_answer_is_sent(echo):
    status, headers, body = request(echo, "POST", "/echo?a=1", b'{"x": 2}')
    assert status == 200 and headers["Connection"] == "close"
    assert json.loads(body) == {"query": {"a": "1"}, "body": {"x": 2}}


def test_what_no_route_takes_is_refused_saying_why(echo):
    status, _, body = request(echo, "GET", "/nowhere")
    assert status == 404 and "/nowhere" in json.loads(body)["error"]
    status, headers, _ = request(echo, "GET", "/echo")
    assert status == 405 and headers["Allow"] == "POST, PUT"


def test_a_request_that_cannot_be_read_gets_400(echo):
    assert echo.http_url is not None
    url = urlsplit(echo.http_url)
    with socket.create_connection((url.hostname, url.port), timeout=TIMEOUT) as raw:
        raw.sendall(b"POST /echo HTTP/1.1\r\nContent-Length: many\r\n\r\n")
        answer = raw.recv(4096).decode()
    assert answer.startswith("HTTP/1.1 400 ") and "Content-Length is not a number" in answer


def test_a_mock_without_routes_serves_no_http():
    server = MockServer(RoutelessMock).start()
    try:
        assert server.http_url is None
    finally:
        server.stop()


def oauth(server: MockServer, **options: str | None) -> OAuthTokens:
    assert server.http_url is not None
    return OAuthTokens(
        server.http_url + protocol.TOKEN_PATH,
        "a-client",
        "a-secret",
        redactor=Redactor(),
        user_agent="wsconform-test",
        timeout=TIMEOUT,
        **options,  # type: ignore[arg-type]
    )


def test_the_suite_s_oauth_source_gets_valid_and_limited_tokens_from_zenith(zenith):
    issuer = zenith.ctx.issuer
    assert issuer is not None
    tokens = oauth(
        zenith,
        scope="Zenith/Market Zenith/News Zenith/Trading Zenith/OrderPad",
        limited_scope="Zenith/Market Zenith/News",
    )
    valid, limited = tokens.get("valid"), tokens.get("limited")
    assert issuer.verify(valid.value).rights == ALL_RIGHTS
    assert issuer.verify(limited.value).rights == ("public",)
    assert valid.expires_at is not None and valid.expires_at > zenith.ctx.clock.now()


def form_post(server: MockServer, form: str, **headers: str) -> tuple[int, dict]:
    headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
    status, _, body = request(server, "POST", protocol.TOKEN_PATH, form.encode(), **headers)
    return status, json.loads(body)


@pytest.mark.parametrize(
    ("form", "status", "error"),
    [
        ("grant_type=password&client_id=c", 400, "unsupported_grant_type"),
        ("grant_type=client_credentials", 401, "invalid_client"),
        ("grant_type=client_credentials&client_id=c&scope=Zenith/Nope", 400, "invalid_scope"),
    ],
    ids=["grant", "client", "scope"],
)
def test_the_token_endpoint_refuses_with_rfc_6749_errors(zenith, form, status, error):
    answered, body = form_post(zenith, form)
    assert (answered, body["error"]) == (status, error) and body["error_description"]


def test_basic_client_authentication_is_enough(zenith):
    basic = "Basic " + base64.b64encode(b"a-client:a-secret").decode()
    status, body = form_post(zenith, "grant_type=client_credentials", Authorization=basic)
    assert status == 200 and body["token_type"] == "Bearer" and "refresh_token" not in body


# -- a client developer's controls (wsconform mock serves them) -------------------------------


@pytest.fixture
def controlled() -> Iterator[MockServer]:
    server = MockServer(ZenithMock, MockContext(), developer=True).start()
    yield server
    server.stop()


def control(server: MockServer, action: str, body: object = None) -> tuple[int, dict]:
    payload = json.dumps(body).encode() if body is not None else b""
    status, _, answer = request(server, "POST", f"/control/{action}", payload)
    return status, json.loads(answer)


def test_advance_moves_the_mock_s_clock(controlled):
    before = controlled.ctx.clock.now()
    status, body = control(controlled, "advance", {"seconds": 90})
    assert status == 200 and body["clock"] == pytest.approx(before + 90, abs=1)


@pytest.mark.parametrize("body", [None, {"seconds": "soon"}, {"seconds": -1}, {"seconds": 1e12}])
def test_advance_refuses_what_is_no_sensible_number_of_seconds(controlled, body):
    before = controlled.ctx.clock.now()
    status, answer = control(controlled, "advance", body)
    assert status == 400 and "seconds" in answer["error"]
    assert controlled.ctx.clock.now() == pytest.approx(before, abs=1)


def test_expire_makes_every_token_given_out_so_far_expired(controlled):
    issuer = controlled.ctx.issuer
    token = issuer.mint("valid")
    assert control(controlled, "expire")[0] == 200
    with pytest.raises(Rejected, match="expired"):
        issuer.verify(token)
    issuer.verify(issuer.mint("valid"))  # one issued now is good


def test_revoke_refuses_that_token_and_shows_it_masked(controlled):
    issuer = controlled.ctx.issuer
    token, other = issuer.mint("valid"), issuer.mint("valid")
    status, body = control(controlled, "revoke", {"token": token})
    assert status == 200 and token not in json.dumps(body) and body["revoked"].startswith("eyJ")
    with pytest.raises(Rejected, match="revoked"):
        issuer.verify(token)
    issuer.verify(other)
    assert control(controlled, "revoke", {"token": "not-a-token"})[0] == 400


def test_the_embedded_mock_has_no_controls(zenith):
    assert request(zenith, "POST", "/control/expire")[0] == 404


@pytest.mark.system
def test_verbose_logs_every_frame_with_the_token_masked(tmp_path):
    from websockets.sync.client import connect

    key = tmp_path / "key.pem"
    token = TokenIssuer.from_key_file(MockClock(), key, lifetime=300).mint("valid")
    auth = {"jsonrpc": "2.0", "method": "auth", "params": {"bearer": token}, "id": 1}
    with (
        standalone_mock("paradex", "--key-file", str(key), "-v") as mock,
        connect(mock.url, open_timeout=TIMEOUT) as ws,
    ):
        ws.send(json.dumps(auth))
        reply = ws.recv(timeout=TIMEOUT)
    logged = mock.printed_since_ready(until_exit=TIMEOUT)  # all it printed, to its end
    received = [line for line in logged if " < " in line]
    sent = [line for line in logged if " > " in line]
    assert received and '"method":"auth"' in received[0].replace(" ", "")
    assert sent and json.loads(reply)["id"] == 1
    assert not [line for line in logged if token in line]
    assert any(mask(token) in line for line in received)


def test_offline_access_gives_a_refresh_token_the_suite_s_source_then_uses(zenith):
    issuer = zenith.ctx.issuer
    scope = "Zenith/Market Zenith/Trading offline_access"
    asked = f"grant_type=client_credentials&client_id=a-client&scope={scope}"
    status, first = form_post(zenith, asked)
    assert status == 200 and first["refresh_token"]
    tokens = oauth(zenith, scope=scope, refresh_token=first["refresh_token"])  # as a-client
    assert issuer.verify(tokens.get("valid").value).rights == ALL_RIGHTS
    # Good once: the source used it (and was given a new one), so it is refused now.
    used = f"grant_type=refresh_token&client_id=a-client&refresh_token={first['refresh_token']}"
    status, body = form_post(zenith, used)
    assert (status, body["error"]) == (400, "invalid_grant")


def test_a_refresh_token_serves_only_its_client_and_its_scope(zenith):
    asked = "grant_type=client_credentials&client_id=c&scope=Zenith/Market offline_access"
    refresh = form_post(zenith, asked)[1]["refresh_token"]
    other = f"grant_type=refresh_token&client_id=other&refresh_token={refresh}"
    assert form_post(zenith, other)[1]["error"] == "invalid_grant"
    wider = f"grant_type=refresh_token&client_id=c&refresh_token={refresh}&scope=Zenith/Trading"
    assert form_post(zenith, wider)[1]["error"] == "invalid_scope"
    narrower = f"grant_type=refresh_token&client_id=c&refresh_token={refresh}&scope=Zenith/Market"
    status, body = form_post(zenith, narrower)
    assert status == 200 and "refresh_token" not in body  # no offline_access asked this time
