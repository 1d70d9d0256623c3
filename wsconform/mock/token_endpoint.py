"""An OAuth 2.0 token endpoint (RFC 6749) issuing the mock's own tokens: what a vendor's client
(and the suite's --token-url source) asks an identity server for.

Grants: client credentials (§4.4) and refresh token (§6). The mock has no client registry: any
client that identifies itself (HTTP Basic, or `client_id` in the form, §2.3.1) is served; its
secret is not checked. The vendor says which rights a requested scope grants (`rights_of`,
ValueError for a scope it does not know). A client-credentials answer SHOULD NOT carry a
refresh token (§4.4.3): this one carries one only when the scope asks for `offline_access`
(OpenID Connect Core §11), so that a client's refresh path can be exercised. A refresh token is
good once: its use answers with a new one (§6 allows it), and only for the client it was
given to, for its scope or less.
"""

from __future__ import annotations

import base64
import binascii
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from wsconform.mock.http import HttpRequest, HttpResponse, Route
from wsconform.mock.issuer import TokenIssuer

CLIENT_CREDENTIALS, REFRESH_TOKEN = "client_credentials", "refresh_token"
OFFLINE_ACCESS = "offline_access"


@dataclass(frozen=True)
class Grant:
    """What a refresh token was given for."""

    client: str
    scope: tuple[str, ...]


def _error(status: int, code: str, description: str, *headers: tuple[str, str]) -> HttpResponse:
    """An RFC 6749 §5.2 error answer."""
    return HttpResponse.of_json(status, {"error": code, "error_description": description}, *headers)


def client_id(request: HttpRequest) -> str | None:
    """The client that identifies itself: HTTP Basic first, then the form's client_id."""
    scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "basic":
        try:
            return base64.b64decode(credentials, validate=True).decode().partition(":")[0] or None
        except (binascii.Error, UnicodeDecodeError):
            return None
    return request.form().get("client_id") or None


def token_endpoint(
    issuer: TokenIssuer, rights_of: Callable[[Sequence[str]], tuple[str, ...]]
) -> Route:
    refresh_tokens: dict[str, Grant] = {}

    def granted(client: str, scope: tuple[str, ...]) -> HttpResponse:
        try:
            rights = rights_of([s for s in scope if s != OFFLINE_ACCESS])
        except ValueError as exc:
            return _error(400, "invalid_scope", str(exc))
        body = {
            "access_token": issuer.issue(rights=rights),
            "token_type": "Bearer",
            "expires_in": int(issuer.lifetime),
        }
        if scope:
            body["scope"] = " ".join(scope)
        if OFFLINE_ACCESS in scope:
            body["refresh_token"] = secrets.token_urlsafe(32)
            refresh_tokens[body["refresh_token"]] = Grant(client, scope)
        return HttpResponse.of_json(200, body)

    def refreshed(client: str, form: dict[str, str]) -> HttpResponse:
        grant = refresh_tokens.get(form.get(REFRESH_TOKEN, ""))
        if grant is None or grant.client != client:
            return _error(400, "invalid_grant", "unknown, used or another client's refresh token")
        asked = tuple(form["scope"].split()) if "scope" in form else grant.scope
        if not set(asked) <= set(grant.scope):
            return _error(400, "invalid_scope", "more scope than the refresh token was given for")
        del refresh_tokens[form[REFRESH_TOKEN]]
        return granted(client, asked)

    def answer(request: HttpRequest) -> HttpResponse:
        form = request.form()
        grant_type = form.get("grant_type")
        if grant_type not in (CLIENT_CREDENTIALS, REFRESH_TOKEN):
            return _error(
                400,
                "unsupported_grant_type",
                f"grant_type {grant_type!r}: {CLIENT_CREDENTIALS} or {REFRESH_TOKEN}",
            )
        client = client_id(request)
        if client is None:
            challenge = ("WWW-Authenticate", 'Basic realm="wsconform mock"')
            return _error(401, "invalid_client", "no client identified itself", challenge)
        if grant_type == REFRESH_TOKEN:
            return refreshed(client, form)
        return granted(client, tuple(form.get("scope", "").split()))

    return answer
