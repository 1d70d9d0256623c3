"""An OAuth 2.0 token endpoint (RFC 6749 §4.4, client-credentials grant) issuing the mock's own
tokens: what a vendor's client (and the suite's --token-url source) asks an identity server for.

The mock has no client registry: any client that identifies itself (HTTP Basic, or `client_id`
in the form, §2.3.1) is served; its secret is not checked. The vendor says which rights a
requested scope grants (`rights_of`, ValueError for a scope it does not know). No refresh token
is given: §4.4.3 says a client-credentials answer SHOULD NOT carry one.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence

from wsconform.mock.http import HttpRequest, HttpResponse, Route
from wsconform.mock.issuer import TokenIssuer

GRANT = "client_credentials"


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
    def answer(request: HttpRequest) -> HttpResponse:
        form = request.form()
        if form.get("grant_type") != GRANT:
            grant = form.get("grant_type")
            return _error(400, "unsupported_grant_type", f"grant_type {grant!r}: only {GRANT}")
        if client_id(request) is None:
            challenge = ("WWW-Authenticate", 'Basic realm="wsconform mock"')
            return _error(401, "invalid_client", "no client identified itself", challenge)
        scope = form.get("scope", "").split()
        try:
            rights = rights_of(scope)
        except ValueError as exc:
            return _error(400, "invalid_scope", str(exc))
        body = {
            "access_token": issuer.issue(rights=rights),
            "token_type": "Bearer",
            "expires_in": int(issuer.lifetime),
        }
        if scope:
            body["scope"] = " ".join(scope)
        return HttpResponse.of_json(200, body)

    return answer
