"""The REST side a Paradex client needs before its WebSocket: the markets, the system config,
and a JWT from POST /v1/auth, issued by the mock's own issuer (so the WebSocket `auth` takes it).

Shapes from Paradex's openapi document (tradeparadex/paradex-docs,
fern/apis/prod_rest/openapi/openapi.json): GET /markets → `{"results": [MarketResp]}`,
GET /system/config → SystemConfigResponse, POST /auth → AuthResp `{"jwt_token"}`, errors
→ ApiError `{"error": ErrorCode, "message", "data"}`.

StarkNet signatures are NOT verified here: the mock has no StarkNet account registry and no
StarkNet curve. POST /v1/auth requires the headers the document marks required and takes the
account header as the JWT's subject; any signature is accepted.
"""

from __future__ import annotations

from wsconform.mock.http import HttpRequest, HttpResponse, Route, Routes
from wsconform.mock.issuer import TokenIssuer
from wsconform.vendors.paradex.channel_data import MARKETS, SETTLEMENT_ASSET

PREFIX = "/v1"
MARKETS_PATH = f"{PREFIX}/markets"
SYSTEM_CONFIG_PATH = f"{PREFIX}/system/config"
AUTH_PATH = f"{PREFIX}/auth"

# POST /auth's required headers (openapi: `required: true`), each with the ErrorCode its absence
# gets. The document lists 400 ApiError for a bad request but does not say which code a missing
# header gets: these are the codes of its enum that name each header's content.
AUTH_HEADERS = {
    "paradex-starknet-account": "INVALID_STARKNET_ADDRESS",
    "paradex-starknet-signature": "INVALID_STARKNET_SIGNATURE",
    "paradex-timestamp": "INVALID_TIMESTAMP",
}

# SystemConfigResponse: the members a client derives its StarkNet account and signing domain
# from (l1_chain_id, starknet_chain_id, the account class hashes), mock values.
SYSTEM_CONFIG = {
    "starknet_chain_id": "PRIVATE_SN_WSCONFORM_MOCK",
    "l1_chain_id": "11155111",
    "paraclear_account_proxy_hash": "0x2",
    "paraclear_account_hash": "0x3",
    "paraclear_address": "0x1",
    "paraclear_decimals": 8,
    "starknet_gateway_url": "",
    "starknet_fullnode_rpc_url": "",
    "block_explorer_url": "",
    "oracle_address": "0x4",
    "l1_core_contract_address": "0x5",
    "l1_operator_address": "0x6",
    "liquidation_fee": "0.2",
    "bridged_tokens": [
        {
            "name": SETTLEMENT_ASSET,
            "symbol": SETTLEMENT_ASSET,
            "decimals": 6,
            "l1_token_address": "0x7",
            "l1_bridge_address": "0x8",
            "l2_token_address": "0x9",
            "l2_bridge_address": "0xa",
        }
    ],
}


def api_error(status: int, code: str, message: str) -> HttpResponse:
    return HttpResponse.of_json(status, {"error": code, "message": message, "data": None})


def markets(request: HttpRequest) -> HttpResponse:
    """GET /v1/markets[?market=SYMBOL]: the markets the WebSocket channels serve."""
    wanted = request.query.get("market")
    results = [m.rest() for m in MARKETS if wanted in (None, m.symbol)]
    if wanted is not None and not results:
        return api_error(404, "MARKET_NOT_FOUND", f"market {wanted!r} not found")
    return HttpResponse.of_json(200, {"results": results})


def system_config(request: HttpRequest) -> HttpResponse:
    return HttpResponse.of_json(200, SYSTEM_CONFIG)


def auth_route(issuer: TokenIssuer) -> Route:
    def auth(request: HttpRequest) -> HttpResponse:
        """POST /v1/auth: a JWT for the account the headers name (signature not verified)."""
        for header, code in AUTH_HEADERS.items():
            if not request.headers.get(header):
                return api_error(400, code, f"header {header.upper()} is required")
        if not request.headers["paradex-timestamp"].isdigit():
            return api_error(400, "INVALID_TIMESTAMP", "PARADEX-TIMESTAMP must be unix seconds")
        account = request.headers["paradex-starknet-account"]
        return HttpResponse.of_json(200, {"jwt_token": issuer.issue(subject=account)})

    return auth


def routes(issuer: TokenIssuer) -> Routes:
    return {
        ("GET", MARKETS_PATH): markets,
        ("GET", SYSTEM_CONFIG_PATH): system_config,
        ("POST", AUTH_PATH): auth_route(issuer),
    }
