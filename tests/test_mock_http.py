"""The mocks' HTTP side (wsconform.mock.http): routes served beside the WebSocket by the same
process, and Zenith's OAuth 2.0 token endpoint as the suite's own --token-url source uses it."""

from __future__ import annotations

import base64
import http.client
import json
import socket
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from wsconform.mock.http import HttpRequest, HttpResponse, Routes
from wsconform.mock.issuer import ALL_RIGHTS
from wsconform.mock.server import MockApp, MockContext, MockServer
from wsconform.oauth import OAuthTokens
from wsconform.redact import Redactor
from wsconform.vendors.paradex.mock import ParadexMock
from wsconform.vendors.zenith import protocol
from wsconform.vendors.zenith.mock import ZenithMock

TIMEOUT = 5.0


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


def request(
    server: MockServer, method: str, path: str, body: bytes = b"", **headers: str
) -> tuple[int, dict[str, str], bytes]:
    assert server.http_url is not None
    url = urlsplit(server.http_url)
    connection = http.client.HTTPConnection(url.hostname or "", url.port, timeout=TIMEOUT)
    try:
        connection.request(method, path, body=body, headers=headers)
        answer = connection.getresponse()
        return answer.status, dict(answer.getheaders()), answer.read()
    finally:
        connection.close()


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
