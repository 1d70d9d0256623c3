"""ETHGas's REST login on the ethgas-op mock (wsconform.vendors.ethgas_op.rest): the documented
workflow, login → verify → refresh, gives tokens the WebSocket side takes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest
from mock_http_client import request

from wsconform.mock.issuer import Rejected
from wsconform.mock.server import MockContext, MockServer
from wsconform.vendors.ethgas_op import rest
from wsconform.vendors.ethgas_op.mock import EthgasOpMock

ADDRESS = "0x8F02425B5f3c522b7EF8EA124162645F0397c478"
FORM = "application/x-www-form-urlencoded"


@pytest.fixture
def server() -> Iterator[MockServer]:
    started = MockServer(EthgasOpMock, MockContext()).start()
    yield started
    started.stop()


def post(
    server: MockServer, path: str, fields: dict[str, str], kind: str = FORM, **headers: str
) -> tuple[int, dict, dict[str, str]]:
    """POST `fields` as a form (the documents' samples) or as JSON: status, body, headers."""
    body = urlencode(fields) if kind == FORM else json.dumps(fields)
    status, answered, text = request(
        server, "POST", path, body, **{"Content-Type": kind}, **headers
    )
    return status, json.loads(text), answered


def verify_form(nonce: str, address: str = ADDRESS) -> dict[str, str]:
    return {"addr": address, "nonceHash": nonce, "signature": "0x1234"}  # never checked


def logged_in(server: MockServer) -> tuple[str, str]:
    """The documented workflow's first two steps: (access token, refresh cookie)."""
    status, login, _ = post(server, rest.LOGIN, {"addr": ADDRESS, "chainId": "560048"})
    assert status == 200 and login["success"], login
    typed = json.loads(login["data"]["eip712Message"])
    assert {"types", "domain", "primaryType", "message"} <= typed.keys()  # what a signer needs
    status, verified, headers = post(server, rest.VERIFY, verify_form(login["data"]["nonceHash"]))
    assert status == 200 and verified["success"], verified
    return verified["data"]["accessToken"]["token"], headers["Set-Cookie"].split(";")[0]


def test_the_documented_login_gives_a_token_the_websocket_side_takes(server):
    token, _ = logged_in(server)
    assert server.ctx.issuer.verify(token).subject == ADDRESS


def test_a_nonce_is_good_once_and_for_its_address(server):
    nonce = post(server, rest.LOGIN, {"addr": ADDRESS})[1]["data"]["nonceHash"]
    status, refused, _ = post(server, rest.VERIFY, verify_form(nonce, "0xsomeone-else"))
    assert status == 401 and refused["success"] is False
    assert post(server, rest.VERIFY, verify_form(nonce))[0] == 200
    assert post(server, rest.VERIFY, verify_form(nonce))[0] == 401


@pytest.mark.parametrize("way", ["access token, form", "access token, json", "cookie"])
def test_refresh_takes_the_access_token_or_the_refresh_cookie_after_expiry(server, way):
    token, cookie = logged_in(server)
    server.advance(server.ctx.issuer.lifetime + 1)  # the access token has expired
    if way == "cookie":  # the JavaScript sample keeps the verify answer's refresh token
        status, refreshed, _ = post(server, rest.REFRESH, {}, Cookie=cookie)
    else:  # the python sample and the SDK send the access token itself
        kind = FORM if way.endswith("form") else "application/json"
        status, refreshed, _ = post(server, rest.REFRESH, {"refreshToken": token}, kind)
    assert status == 200, refreshed
    fresh = refreshed["data"]["accessToken"]["token"]
    assert server.ctx.issuer.verify(fresh).subject == ADDRESS
    with pytest.raises(Rejected, match="expired"):
        server.ctx.issuer.verify(token)


def test_refresh_refuses_what_this_mock_did_not_give(server):
    status, refused, _ = post(server, rest.REFRESH, {"refreshToken": "not-a-token"})
    assert status == 401 and refused["success"] is False
    assert post(server, rest.REFRESH, {})[0] == 400
