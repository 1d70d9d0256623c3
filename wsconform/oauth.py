"""Tokens from an OAuth 2.0 token endpoint (RFC 6749): client-credentials and refresh grants.

Zenith's identity server issues tokens this way. Plain urllib is enough for one form POST, and
keeps redirects (which would resend credentials) under our control.
"""

from __future__ import annotations

import base64
import http.client
import json
import math
import ssl
import threading
import time
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import parse_qs, quote_plus, urlencode, urlsplit

from wsconform.redact import Redactor
from wsconform.tokens import ENABLING, Token, TokenSourceError, TokenUnavailable, token_expiry

REUSE_MARGIN = 60.0  # a cached token with less than this left is fetched anew
UNKNOWN_LIFETIME = 60.0  # how long to reuse a token whose expiry nobody told us
MAX_ANSWER = 1 << 20  # bytes; a token endpoint's answer is a few hundred
SNIPPET = 200  # characters of an unexpected body shown in an error message


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """Redirects are errors: urllib would turn the POST into a GET and resend the credentials."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class _Refused(TokenSourceError):
    """The endpoint answered with an HTTP error; `error` is its RFC 6749 §5.2 code, if any."""

    def __init__(self, message: str, error: str | None) -> None:
        super().__init__(message)
        self.error = error


class OAuthTokens:
    """Tokens from an RFC 6749 token endpoint, as Zenith's identity server issues them.

    `valid` comes from the refresh_token grant while a refresh token is known, else from the
    client_credentials grant; `limited` from client_credentials with `limited_scope`. Expired and
    short-lived tokens cannot be asked of a token endpoint. Tokens are reused while they have more
    than a minute left. Every secret is registered with the redactor before any message is built.
    """

    def __init__(
        self,
        token_url: str,
        client_id: str,
        client_secret: str | None = None,
        scope: str | None = None,
        limited_scope: str | None = None,
        refresh_token: str | None = None,
        *,
        redactor: Redactor,
        ssl: ssl.SSLContext | None = None,
        timeout: float = 30.0,
        user_agent: str,
    ) -> None:
        if urlsplit(token_url).scheme not in ("http", "https"):
            raise ValueError(f"token URL must be http:// or https://, not {token_url!r}")
        self.token_url = token_url
        self.client_id = client_id
        self.client_secret = client_secret
        self.scope = scope
        self.limited_scope = limited_scope
        self.redactor = redactor
        self.timeout = timeout
        self.user_agent = user_agent
        self._refresh_token = refresh_token
        self._authorization: str | None = None
        redactor.add_credential(client_secret)
        redactor.add_credential(refresh_token)
        if client_secret is not None:
            # RFC 6749 §2.3.1: Basic over the form-urlencoded id and secret, which every server
            # MUST support; a public client (no secret) names itself in the body instead.
            pair = f"{quote_plus(client_id)}:{quote_plus(client_secret)}".encode()
            credentials = base64.b64encode(pair).decode("ascii")
            redactor.add_credential(credentials)
            self._authorization = f"Basic {credentials}"
        # The context (--ca-file, --insecure) only applies to https; redirects are not followed.
        self._opener = urllib.request.build_opener(
            _NoRedirects, urllib.request.HTTPSHandler(context=ssl)
        )
        self._cache: dict[str, tuple[Token, float]] = {}  # kind → (token, reuse it until)
        self._lock = threading.Lock()  # one fetch at a time, so threads share one token

    def get(self, kind: str, arg: str | None = None) -> Token:
        if kind == "limited" and not self.limited_scope:
            raise TokenUnavailable(
                "the token endpoint gives limited tokens only for a scope without the private "
                "right: give --limited-scope"
            )
        if kind not in ("valid", "limited"):
            raise TokenUnavailable(
                f"a token endpoint issues current tokens only, not {kind!r} ones: "
                f"give {ENABLING.get(kind, 'another source')}"
            )
        with self._lock:
            cached = self._cache.get(kind)
            if cached is not None and time.time() < cached[1]:
                return cached[0]
            acquired = time.time()
            if kind == "limited":
                data = self._post("client_credentials", self.limited_scope)
            else:
                data = self._valid()
                if isinstance(data.get("refresh_token"), str) and data["refresh_token"]:
                    self._refresh_token = data["refresh_token"]
            token, reuse_until = self._token(kind, data, acquired)
            self._cache[kind] = (token, reuse_until)
            return token

    def _valid(self) -> dict[str, Any]:
        """The answer to the grant for a valid token: refresh if we can, else client credentials."""
        if self._refresh_token is not None:
            try:
                return self._post("refresh_token", self.scope, self._refresh_token)
            except _Refused as exc:
                if exc.error != "invalid_grant":
                    raise
                self._refresh_token = None  # expired or revoked: never offer it again
                if self.client_secret is None:
                    raise TokenSourceError(
                        f"{exc}; a public client (no client secret) has no client_credentials "
                        "grant to fall back on"
                    ) from None
        return self._post("client_credentials", self.scope)

    def _token(self, kind: str, data: dict[str, Any], acquired: float) -> tuple[Token, float]:
        """The Token in a checked answer, and until when to reuse it."""
        value = data["access_token"]
        lifetime = _expires_in(data)
        if lifetime is not None:
            expires_at: float | None = acquired + lifetime
        else:
            expires_at = token_expiry(value, kind, None, acquired)
        reuse_until = (
            expires_at - REUSE_MARGIN if expires_at is not None else acquired + UNKNOWN_LIFETIME
        )
        return Token(value, kind, expires_at), reuse_until

    def _post(
        self, grant: str, scope: str | None, refresh_token: str | None = None
    ) -> dict[str, Any]:
        """One token request; the answer, checked to hold a Bearer access token."""
        label = f"{grant} grant" + (f" for scope {scope!r}" if scope else "")
        form = {"grant_type": grant}
        if refresh_token is not None:
            form["refresh_token"] = refresh_token
        if scope:
            form["scope"] = scope
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/json",
            "User-Agent": self.user_agent,
        }
        if self._authorization is None:
            form["client_id"] = self.client_id
        else:
            headers["Authorization"] = self._authorization
        request = urllib.request.Request(
            self.token_url, data=urlencode(form).encode(), headers=headers, method="POST"
        )
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                status, raw = response.status, response.read(MAX_ANSWER + 1)
        except urllib.error.HTTPError as exc:
            with exc:
                try:
                    raw = exc.read(MAX_ANSWER + 1)
                except (OSError, http.client.HTTPException):
                    raw = b""
            location = exc.headers.get("Location")
            raise self._refusal(label, exc.code, exc.reason, location, raw) from None
        except urllib.error.URLError as exc:
            raise self._unreachable(label, exc.reason) from None
        except (OSError, http.client.HTTPException) as exc:  # read timeouts, resets, bad status
            raise self._unreachable(label, exc) from None
        return self._answer(label, status, raw)

    def _answer(self, label: str, status: int, raw: bytes) -> dict[str, Any]:
        text, data = self._parse(raw)
        where = f"token endpoint {self.token_url} answered the {label} with HTTP {status}"
        if len(raw) > MAX_ANSWER:
            raise self._error(f"{where} and more than {MAX_ANSWER} bytes")
        if not isinstance(data, dict):
            shape = "not a JSON object" if text.strip() else "empty"
            raise self._error(f"{where} and a body that is {shape}: {self._snippet(text)}")
        if not isinstance(data.get("access_token"), str) or not data["access_token"]:
            said = _error_detail(data)
            raise self._error(f"{where} but no access_token" + (f": {said}" if said else ""))
        token_type = data.get("token_type")
        if not isinstance(token_type, str) or token_type.lower() != "bearer":
            kind = "no token_type" if token_type is None else f"token_type {token_type!r}"
            raise self._error(f"{where} and {kind}; only Bearer tokens can be used")
        return data

    def _refusal(
        self, label: str, code: int, reason: str, location: str | None, raw: bytes
    ) -> _Refused:
        text, data = self._parse(raw)
        said = _error_detail(data) if isinstance(data, dict) else None
        if said:
            detail = f"HTTP {code} {said}"
        else:
            snippet = self._snippet(text)
            detail = f"HTTP {code} {reason}" + (f": {snippet}" if snippet else "")
        if location is not None:
            detail += f" (a redirect to {location}, not followed)"
        message = f"token endpoint {self.token_url} refused the {label}: {detail}"
        error = data.get("error") if isinstance(data, dict) else None
        return _Refused(self.redactor.text(message), error if isinstance(error, str) else None)

    def _unreachable(self, label: str, reason: object) -> TokenSourceError:
        if isinstance(reason, TimeoutError) or "timed out" in str(reason):
            return self._error(
                f"token endpoint {self.token_url} gave no answer to the {label} "
                f"within {self.timeout:g} s"
            )
        hint = " (give --ca-file, or --insecure)" if isinstance(reason, ssl.SSLError) else ""
        return self._error(
            f"cannot reach token endpoint {self.token_url} for the {label}: {reason}{hint}"
        )

    def _parse(self, raw: bytes) -> tuple[str, object]:
        """The body as text and as JSON (None if it is not), its secrets registered first."""
        text = raw[:MAX_ANSWER].decode("utf-8", "replace")
        try:
            data: object = json.loads(text)
        except ValueError:
            data = None
            # A form-encoded answer (what some servers send without Accept) holds tokens too.
            fields = {key: values[0] for key, values in parse_qs(text).items()}
        else:
            fields = data if isinstance(data, dict) else {}
        for key in ("access_token", "refresh_token", "id_token"):
            self.redactor.add_credential(fields.get(key))
        return text, data

    def _snippet(self, text: str) -> str:
        # Redact whole, then cut: cutting first could split a secret so it no longer matches.
        shown = self.redactor.text(" ".join(text.split()))
        return shown if len(shown) <= SNIPPET else shown[:SNIPPET] + "…"

    def _error(self, message: str) -> TokenSourceError:
        return TokenSourceError(self.redactor.text(message))


def _error_detail(data: dict[str, Any]) -> str | None:
    """`error: error_description` of an RFC 6749 §5.2 error answer, None if it is not one."""
    error = data.get("error")
    if not isinstance(error, str) or not error:
        return None
    description = data.get("error_description")
    return f"{error}: {description}" if isinstance(description, str) and description else error


def _expires_in(data: dict[str, Any]) -> float | None:
    """`expires_in` in seconds; a numeric string is accepted, as some servers send one."""
    value = data.get("expires_in")
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        seconds = float(value)
    except ValueError:
        return None
    return seconds if math.isfinite(seconds) else None
