"""The Paradex mock's REST side (wsconform/vendors/paradex/rest.py), over HTTP as clients use it:
markets consistent with the WebSocket's, and POST /v1/auth's JWT accepted by the WebSocket."""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest

from wsconform.mock.server import MockContext, MockServer
from wsconform.vendors.paradex import channel_data, rest
from wsconform.vendors.paradex.mock import ParadexMock

TIMEOUT = 5.0
SIGNED = {  # the headers ccxt sends (signature not verified by the mock)
    "PARADEX-STARKNET-ACCOUNT": "0x5f2e",
    "PARADEX-STARKNET-SIGNATURE": '["1","2"]',
    "PARADEX-TIMESTAMP": "1700000000",
    "PARADEX-SIGNATURE-EXPIRATION": "1700000180",
}


@pytest.fixture(scope="module")
def server() -> Iterator[MockServer]:
    server = MockServer(ParadexMock, MockContext()).start()
    yield server
    server.stop()


def call(
    server: MockServer, method: str, path: str, headers: dict[str, str] | None = None
) -> tuple[int, Any]:
    assert server.http_url is not None
    url = urlsplit(server.http_url)
    conn = http.client.HTTPConnection(url.hostname or "", url.port, timeout=TIMEOUT)
    try:
        conn.request(method, path, headers=headers or {})
        answer = conn.getresponse()
        return answer.status, json.loads(answer.read())
    finally:
        conn.close()


def test_markets_lists_the_markets_the_channels_serve(server: MockServer) -> None:
    status, body = call(server, "GET", rest.MARKETS_PATH)
    assert status == 200
    assert [m["symbol"] for m in body["results"]] == [m.symbol for m in channel_data.MARKETS]
    for market in body["results"]:
        summary = channel_data.data(f"markets_summary.{market['symbol']}", 0, 0, None)
        assert summary is not None and summary["symbol"] == market["symbol"]
        assert market["asset_kind"] == "PERP" and market["settlement_currency"] == "USDC"


def test_markets_filters_by_market_and_an_unknown_one_is_an_api_error(server: MockServer) -> None:
    status, body = call(server, "GET", f"{rest.MARKETS_PATH}?market=BTC-USD-PERP")
    assert status == 200 and [m["symbol"] for m in body["results"]] == ["BTC-USD-PERP"]
    status, body = call(server, "GET", f"{rest.MARKETS_PATH}?market=NOPE-USD-PERP")
    assert status == 404 and body["error"] == "MARKET_NOT_FOUND"
    assert set(body) == {"error", "message", "data"}


def test_system_config_names_the_chain_and_account_hashes(server: MockServer) -> None:
    status, body = call(server, "GET", rest.SYSTEM_CONFIG_PATH)
    assert status == 200
    assert {"starknet_chain_id", "l1_chain_id", "paraclear_account_hash"} <= set(body)


def test_auth_gives_a_jwt_for_the_account_that_the_websocket_accepts(server: MockServer) -> None:
    status, body = call(server, "POST", rest.AUTH_PATH, SIGNED)
    assert status == 200 and set(body) == {"jwt_token"}
    assert server.ctx.issuer is not None
    identity = server.ctx.issuer.verify(body["jwt_token"])
    assert identity.subject == SIGNED["PARADEX-STARKNET-ACCOUNT"]


@pytest.mark.parametrize("missing", list(rest.AUTH_HEADERS))
def test_auth_without_a_required_header_is_a_400_api_error(
    server: MockServer, missing: str
) -> None:
    headers = {k: v for k, v in SIGNED.items() if k.lower() != missing}
    status, body = call(server, "POST", rest.AUTH_PATH, headers)
    assert status == 400 and body["error"] == rest.AUTH_HEADERS[missing]
    assert missing.upper() in body["message"] and body["data"] is None


def test_auth_with_a_timestamp_that_is_no_number_is_refused(server: MockServer) -> None:
    status, body = call(server, "POST", rest.AUTH_PATH, {**SIGNED, "PARADEX-TIMESTAMP": "soon"})
    assert status == 400 and body["error"] == "INVALID_TIMESTAMP"
