"""The REST login an ETHGas client makes before its WebSocket, as ETHGas documents it
(E-DOC `ETHGasOfficial/ETHGas_Docs`, docs/getting-started/connecting.mdx, "Authentication
Workflow"; python-ethgas's APIClient calls the same paths):

    POST /api/v1/user/login          addr [, chainId]            → data {nonceHash, eip712Message}
    POST /api/v1/user/login/verify   addr, nonceHash, signature  → data {accessToken {token}, user}
    POST /api/v1/user/login/refresh  refreshToken                → data {accessToken {token}}

Fields come as a form (the documents' samples) or in the query string (the SDK's); answers are
`{"success": bool, "data": …}`. The EIP-712 signature is NOT verified: the mock has no Ethereum
library and no account registry. A nonce is good once and only for the address it was given
to. The documents' samples refresh with the access token itself (python) or with a refresh
token kept from the verify answer's cookie (JavaScript): both are taken, any access token of
this mock's issuer (a session outlives its tokens: 7 days, so an expired one refreshes too),
and any refresh token the verify answer set. Tokens come from the mock's issuer, on its clock.
The documents show no refusal: the mock answers 400 for a missing field and 401 for an unknown
nonce or token, with `"success": false`.
"""

from __future__ import annotations

import json
import secrets
from http.cookies import SimpleCookie
from typing import Any

from wsconform.mock.http import HttpRequest, HttpResponse, Routes
from wsconform.mock.issuer import Rejected, TokenIssuer

LOGIN = "/api/v1/user/login"
VERIFY = f"{LOGIN}/verify"
REFRESH = f"{LOGIN}/refresh"
REFRESH_COOKIE = "refreshToken"


def _fields(request: HttpRequest) -> dict[str, str]:
    """The request's fields: the query string's, then the form's (or a JSON object's)."""
    fields = dict(request.query)
    if request.headers.get("content-type", "").startswith("application/json"):
        try:
            body = request.json()
        except ValueError:
            body = None
        if isinstance(body, dict):
            fields.update({k: str(v) for k, v in body.items()})
    else:
        fields.update(request.form())
    return fields


def _answer(status: int, data: Any, *headers: tuple[str, str]) -> HttpResponse:
    return HttpResponse.of_json(status, {"success": status == 200, "data": data}, *headers)


def _refused(status: int, missing_or_wrong: str) -> HttpResponse:
    return _answer(status, {"message": missing_or_wrong})


def _login_message(address: str, chain_id: str, nonce: str) -> str:
    """An EIP-712 typed-data message for the client to sign (a signer needs domain, types,
    primaryType and message); its content is the mock's own, nothing checks the signature."""
    typed = {
        "types": {
            "EIP712Domain": [
                {"name": "name", "type": "string"},
                {"name": "version", "type": "string"},
                {"name": "chainId", "type": "uint256"},
            ],
            "data": [
                {"name": "hash", "type": "string"},
                {"name": "message", "type": "string"},
            ],
        },
        "primaryType": "data",
        "domain": {"name": "ETHGas Login (wsconform mock)", "version": "1", "chainId": chain_id},
        "message": {"hash": nonce, "message": f"login {address}"},
    }
    return json.dumps(typed, separators=(",", ":"))


def routes(issuer: TokenIssuer) -> Routes:
    nonces: dict[str, str] = {}  # nonceHash → the address it was given to
    refresh_tokens: dict[str, str] = {}  # refresh token → address

    def token_for(address: str, *cookie: tuple[str, str]) -> HttpResponse:
        token = issuer.issue(subject=address)
        return _answer(
            200, {"accessToken": {"token": token}, "user": {"address": address}}, *cookie
        )

    def login(request: HttpRequest) -> HttpResponse:
        fields = _fields(request)
        address = fields.get("addr")
        if not address:
            return _refused(400, "addr is required")
        nonce = secrets.token_hex(32)
        nonces[nonce] = address
        chain_id = fields.get("chainId", "1")
        message = _login_message(address, chain_id if chain_id.isdigit() else "1", nonce)
        return _answer(200, {"status": "verify", "nonceHash": nonce, "eip712Message": message})

    def verify(request: HttpRequest) -> HttpResponse:
        fields = _fields(request)
        address, nonce = fields.get("addr"), fields.get("nonceHash", "")
        if not address or not fields.get("signature"):
            return _refused(400, "addr, nonceHash and signature are required")
        if nonces.get(nonce) != address:
            return _refused(401, "unknown nonceHash for this addr (each is good once)")
        del nonces[nonce]
        refresh = secrets.token_urlsafe(32)
        refresh_tokens[refresh] = address
        cookie = ("Set-Cookie", f"{REFRESH_COOKIE}={refresh}; HttpOnly; Path=/")
        return token_for(address, cookie)

    def refresh(request: HttpRequest) -> HttpResponse:
        given = _fields(request).get(REFRESH_COOKIE)
        cookies = SimpleCookie(request.headers.get("cookie", ""))
        if not given and REFRESH_COOKIE in cookies:
            given = cookies[REFRESH_COOKIE].value
        if not given:
            return _refused(400, "refreshToken is required")
        if given in refresh_tokens:
            return token_for(refresh_tokens[given])
        try:
            identity = issuer.verify(given, check_expiry=False)
        except Rejected as exc:
            return _refused(401, f"refreshToken refused: {exc}")
        return token_for(identity.subject)

    return {("POST", LOGIN): login, ("POST", VERIFY): verify, ("POST", REFRESH): refresh}
