"""wsconform.tokens: command-line tokens, an RFC 6749 token endpoint, and chains of sources.

The token endpoint is a real HTTP server on 127.0.0.1 answering from a script, so the requests
urllib really sends (headers, form, client authentication) are what the tests check.
"""

from __future__ import annotations

import base64
import json
import re
import socket
import threading
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote_plus

import pytest

from wsconform import jwt_forge
from wsconform.oauth import OAuthTokens
from wsconform.redact import Redactor, mask
from wsconform.tokens import (
    ENABLING,
    ChainTokens,
    StaticTokens,
    Token,
    TokenSourceError,
    TokenUnavailable,
)

CLIENT_ID = "wsconform client"
SECRET = "client-secret:with/odd+chars-0123"
USER_AGENT = "wsconform-test/1"


@dataclass
class Seen:
    """One request the endpoint received."""

    headers: dict[str, str]  # lower-case names
    form: dict[str, str]


@dataclass
class Endpoint:
    """A scripted token endpoint: each request takes the next (status, body, headers) answer."""

    url: str = ""
    script: deque[tuple[int, Any, dict[str, str]]] = field(default_factory=deque)
    seen: list[Seen] = field(default_factory=list)

    def answer(self, status: int = 200, body: Any = None, **headers: str) -> None:
        """Queue an answer: a dict/list is sent as JSON, a str as text/plain."""
        self.script.append((status, body, headers))

    def grant(self, access_token: str = "access-token-one-0001", **extra: Any) -> None:
        """Queue a successful token answer (Bearer, an hour) with `extra` fields on top."""
        body = {"access_token": access_token, "token_type": "Bearer", "expires_in": 3600}
        body.update(extra)
        self.answer(200, {k: v for k, v in body.items() if v is not None})


def make_handler(endpoint: Endpoint) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode()
            form = {key: values[0] for key, values in parse_qs(raw, keep_blank_values=True).items()}
            headers = {name.lower(): value for name, value in self.headers.items()}
            endpoint.seen.append(Seen(headers, form))
            status, body, extra = (
                endpoint.script.popleft() if endpoint.script else (500, "unscripted", {})
            )
            if isinstance(body, dict | list):
                payload, content_type = json.dumps(body).encode(), "application/json"
            else:
                payload, content_type = str(body or "").encode(), "text/plain"
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            for name, value in extra.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
            pass

    return Handler


@pytest.fixture
def endpoint() -> Iterator[Endpoint]:
    state = Endpoint()
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(state))
    state.url = f"http://127.0.0.1:{server.server_address[1]}/oauth2/token"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01})
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
def redactor() -> Redactor:
    return Redactor()


def oauth(endpoint: Endpoint, redactor: Redactor, **kwargs: Any) -> OAuthTokens:
    """An OAuthTokens for the endpoint: confidential client unless told otherwise."""
    kwargs.setdefault("client_secret", SECRET)
    return OAuthTokens(
        endpoint.url, CLIENT_ID, redactor=redactor, user_agent=USER_AGENT, timeout=5.0, **kwargs
    )


def basic_credentials(header: str) -> tuple[str, str]:
    """(client_id, client_secret) from an RFC 6749 §2.3.1 Basic header."""
    scheme, _, encoded = header.partition(" ")
    assert scheme == "Basic"
    user, _, password = base64.b64decode(encoded).decode().partition(":")
    return unquote_plus(user), unquote_plus(password)


def jwt_expiring_at(exp: float) -> str:
    return jwt_forge.encode({"alg": "ES256", "typ": "JWT"}, {"sub": "u", "exp": exp}, b"s" * 64)


# --- OAuthTokens: request shape ------------------------------------------------------------------


def test_client_credentials_request_shape(endpoint: Endpoint, redactor: Redactor) -> None:
    """client_credentials: Basic id:secret (form-urlencoded), grant_type and scope in the form."""
    endpoint.grant("access-token-one-0001")
    token = oauth(endpoint, redactor, scope="read trade").get("valid")
    assert token == Token("access-token-one-0001", "valid", token.expires_at)
    assert token.expires_at is not None and abs(token.expires_at - (time.time() + 3600)) < 5
    [seen] = endpoint.seen
    assert basic_credentials(seen.headers["authorization"]) == (CLIENT_ID, SECRET)
    assert seen.form == {"grant_type": "client_credentials", "scope": "read trade"}
    assert seen.headers["content-type"] == "application/x-www-form-urlencoded"
    assert seen.headers["accept"] == "application/json"
    assert seen.headers["user-agent"] == USER_AGENT
    assert redactor.text(SECRET) == mask(SECRET)  # known as a secret from the start
    assert redactor.text(token.value) == mask(token.value)


def test_public_client_names_itself_in_the_body(endpoint: Endpoint, redactor: Redactor) -> None:
    """Without a client secret: no Authorization header, client_id in the form; no scope sent."""
    endpoint.grant()
    oauth(endpoint, redactor, client_secret=None).get("valid")
    [seen] = endpoint.seen
    assert "authorization" not in seen.headers
    assert seen.form == {"grant_type": "client_credentials", "client_id": CLIENT_ID}


# --- OAuthTokens: caching ------------------------------------------------------------------------


def test_token_is_reused_while_it_lasts(endpoint: Endpoint, redactor: Redactor) -> None:
    """Two gets of a token with an hour left make one request and give the same token."""
    endpoint.grant("access-token-one-0001")
    source = oauth(endpoint, redactor)
    assert source.get("valid") is source.get("valid")
    assert len(endpoint.seen) == 1


def test_short_lived_answer_is_fetched_anew(endpoint: Endpoint, redactor: Redactor) -> None:
    """A token with under a minute left (expires_in 30) is not reused: the next get refetches."""
    endpoint.grant("access-token-one-0001", expires_in=30)
    endpoint.grant("access-token-two-0002", expires_in="3600")  # a numeric string is accepted
    source = oauth(endpoint, redactor)
    assert source.get("valid").value == "access-token-one-0001"
    assert source.get("valid").value == "access-token-two-0002"
    assert source.get("valid").value == "access-token-two-0002"
    assert len(endpoint.seen) == 2


def test_expiry_from_jwt_exp_without_expires_in(endpoint: Endpoint, redactor: Redactor) -> None:
    """No expires_in: a JWT's exp is the expiry (30 s left: refetched); opaque: none, reused."""
    exp = int(time.time()) + 30
    endpoint.grant(jwt_expiring_at(exp), expires_in=None)
    endpoint.grant("opaque-access-token-0003", expires_in=None)
    source = oauth(endpoint, redactor)
    assert source.get("valid").expires_at == exp
    opaque = source.get("valid")
    assert (opaque.value, opaque.expires_at) == ("opaque-access-token-0003", None)
    assert source.get("valid") is opaque  # unknown lifetime: reused for a minute
    assert len(endpoint.seen) == 2


# --- OAuthTokens: refresh tokens -----------------------------------------------------------------


def test_refresh_token_is_remembered_and_used(endpoint: Endpoint, redactor: Redactor) -> None:
    """A refresh_token in an answer is used (with scope and Basic) on the next fetch, then its
    successor; an answer without one keeps the last."""
    endpoint.grant("access-token-one-0001", expires_in=1, refresh_token="refresh-token-1-aaaa")
    endpoint.grant("access-token-two-0002", expires_in=1, refresh_token="refresh-token-2-bbbb")
    endpoint.grant("access-token-three-03", expires_in=1)
    endpoint.grant("access-token-four-004", expires_in=1)
    source = oauth(endpoint, redactor, scope="read")
    values = [source.get("valid").value for _ in range(4)]
    assert values == [
        "access-token-one-0001",
        "access-token-two-0002",
        "access-token-three-03",
        "access-token-four-004",
    ]
    first, *refreshes = endpoint.seen
    assert first.form["grant_type"] == "client_credentials"
    assert [s.form for s in refreshes] == [
        {"grant_type": "refresh_token", "refresh_token": "refresh-token-1-aaaa", "scope": "read"},
        {"grant_type": "refresh_token", "refresh_token": "refresh-token-2-bbbb", "scope": "read"},
        {"grant_type": "refresh_token", "refresh_token": "refresh-token-2-bbbb", "scope": "read"},
    ]
    assert all(basic_credentials(s.headers["authorization"])[1] == SECRET for s in refreshes)
    assert redactor.text("refresh-token-1-aaaa") == mask("refresh-token-1-aaaa")


def test_invalid_grant_falls_back_to_client_credentials(
    endpoint: Endpoint, redactor: Redactor
) -> None:
    """A given refresh token refused with invalid_grant is forgotten: client_credentials instead,
    and the next fetch does not offer the refresh token again."""
    endpoint.answer(400, {"error": "invalid_grant", "error_description": "refresh token expired"})
    endpoint.grant("access-token-one-0001", expires_in=1)
    endpoint.grant("access-token-two-0002")
    source = oauth(endpoint, redactor, refresh_token="given-refresh-token-0")
    assert source.get("valid").value == "access-token-one-0001"
    assert source.get("valid").value == "access-token-two-0002"
    grants = [s.form["grant_type"] for s in endpoint.seen]
    assert grants == ["refresh_token", "client_credentials", "client_credentials"]
    assert endpoint.seen[0].form["refresh_token"] == "given-refresh-token-0"


def test_invalid_grant_for_a_public_client_is_an_error(
    endpoint: Endpoint, redactor: Redactor
) -> None:
    """A public client cannot fall back to client_credentials: TokenSourceError, one request."""
    endpoint.answer(400, {"error": "invalid_grant"})
    source = oauth(endpoint, redactor, client_secret=None, refresh_token="given-refresh-token-0")
    with pytest.raises(TokenSourceError, match=r"invalid_grant.*public client") as caught:
        source.get("valid")
    assert "given-refresh-token-0" not in str(caught.value)
    assert endpoint.seen[0].form["client_id"] == CLIENT_ID
    assert len(endpoint.seen) == 1


def test_other_refresh_errors_do_not_fall_back(endpoint: Endpoint, redactor: Redactor) -> None:
    """Only invalid_grant means "this refresh token is dead"; invalid_client is an error."""
    endpoint.answer(401, {"error": "invalid_client"})
    source = oauth(endpoint, redactor, refresh_token="given-refresh-token-0")
    with pytest.raises(TokenSourceError, match="refused the refresh_token grant: HTTP 401"):
        source.get("valid")
    assert len(endpoint.seen) == 1


# --- OAuthTokens: kinds --------------------------------------------------------------------------


def test_limited_uses_the_limited_scope(endpoint: Endpoint, redactor: Redactor) -> None:
    """limited: client_credentials with limited_scope, cached apart from the valid token."""
    endpoint.grant("access-token-valid-01")
    endpoint.grant("access-token-limited1", refresh_token="limited-refresh-token")
    source = oauth(endpoint, redactor, scope="read trade", limited_scope="read")
    valid, limited = source.get("valid"), source.get("limited")
    assert (valid.kind, limited.kind) == ("valid", "limited")
    assert limited.value == "access-token-limited1"
    assert source.get("limited") is limited
    assert source.get("valid") is valid
    assert endpoint.seen[1].form == {"grant_type": "client_credentials", "scope": "read"}
    assert len(endpoint.seen) == 2


def test_limited_without_limited_scope_is_unavailable(
    endpoint: Endpoint, redactor: Redactor
) -> None:
    with pytest.raises(TokenUnavailable, match="give --limited-scope"):
        oauth(endpoint, redactor).get("limited")
    assert endpoint.seen == []


@pytest.mark.parametrize("kind", ["expired", "short-lived"])
def test_expired_and_short_lived_are_unavailable(
    endpoint: Endpoint, redactor: Redactor, kind: str
) -> None:
    """A token endpoint cannot mint these: TokenUnavailable naming the options that can."""
    with pytest.raises(TokenUnavailable) as caught:
        oauth(endpoint, redactor, limited_scope="read").get(kind, "5")
    assert ENABLING[kind] in str(caught.value)
    assert endpoint.seen == []


# --- OAuthTokens: errors -------------------------------------------------------------------------


def test_invalid_client_message(endpoint: Endpoint, redactor: Redactor) -> None:
    """HTTP 401 invalid_client: the RFC 6749 error and description, with secrets masked."""
    endpoint.answer(401, {"error": "invalid_client", "error_description": "unknown client"})
    with pytest.raises(TokenSourceError) as caught:
        oauth(endpoint, redactor).get("valid")
    assert str(caught.value) == (
        f"token endpoint {endpoint.url} refused the client_credentials grant: "
        "HTTP 401 invalid_client: unknown client"
    )


def test_error_messages_never_show_secrets(endpoint: Endpoint, redactor: Redactor) -> None:
    """An error description echoing the secret and tokens is masked before it is shown."""
    echo = f"client {SECRET} with refresh given-refresh-token-0 is not allowed"
    endpoint.answer(401, {"error": "invalid_client", "error_description": echo})
    with pytest.raises(TokenSourceError) as caught:
        oauth(endpoint, redactor, refresh_token="given-refresh-token-0").get("valid")
    message = str(caught.value)
    assert SECRET not in message
    assert "given-refresh-token-0" not in message
    assert mask(SECRET) in message
    credentials = endpoint.seen[0].headers["authorization"].split()[1]
    assert credentials not in message


def test_non_json_answer(endpoint: Endpoint, redactor: Redactor) -> None:
    """A 200 that is not JSON (a login page) is an error showing the start of the body."""
    endpoint.answer(200, "<html><body>Sign in</body></html>")
    with pytest.raises(TokenSourceError, match=r"HTTP 200 and a body that is not a JSON object"):
        oauth(endpoint, redactor).get("valid")


def test_form_encoded_answer_tokens_are_masked(endpoint: Endpoint, redactor: Redactor) -> None:
    """A form-encoded answer is refused, but the tokens in it are registered, not shown."""
    endpoint.answer(200, "access_token=form-access-token-1&token_type=bearer")
    with pytest.raises(TokenSourceError, match="not a JSON object") as caught:
        oauth(endpoint, redactor).get("valid")
    assert "form-access-token-1" not in str(caught.value)


def test_non_json_error_answer(endpoint: Endpoint, redactor: Redactor) -> None:
    endpoint.answer(502, "upstream identity provider down")
    with pytest.raises(
        TokenSourceError, match=r"HTTP 502 Bad Gateway: upstream identity provider down"
    ):
        oauth(endpoint, redactor).get("valid")


def test_missing_access_token(endpoint: Endpoint, redactor: Redactor) -> None:
    endpoint.answer(200, {"token_type": "Bearer", "expires_in": 3600})
    with pytest.raises(TokenSourceError, match="HTTP 200 but no access_token"):
        oauth(endpoint, redactor).get("valid")


def test_mac_token_is_refused(endpoint: Endpoint, redactor: Redactor) -> None:
    """token_type mac cannot be sent as a Bearer token: an error, with the token masked."""
    endpoint.grant("mac-access-token-0001", token_type="mac")
    with pytest.raises(TokenSourceError, match="token_type 'mac'; only Bearer") as caught:
        oauth(endpoint, redactor).get("valid")
    assert "mac-access-token-0001" not in str(caught.value)


@pytest.mark.parametrize("token_type", ["bearer", "BEARER"])
def test_bearer_is_case_insensitive(
    endpoint: Endpoint, redactor: Redactor, token_type: str
) -> None:
    endpoint.grant("access-token-one-0001", token_type=token_type)
    assert oauth(endpoint, redactor).get("valid").value == "access-token-one-0001"


def test_redirect_is_not_followed(endpoint: Endpoint, redactor: Redactor) -> None:
    """A redirect would resend the credentials elsewhere as a GET: an error instead."""
    endpoint.answer(302, "", Location="https://elsewhere.example/token")
    with pytest.raises(TokenSourceError, match=r"HTTP 302.*elsewhere\.example/token, not followed"):
        oauth(endpoint, redactor).get("valid")
    assert len(endpoint.seen) == 1


@pytest.mark.timed
def test_connection_refused_is_quick(redactor: Redactor) -> None:
    """Nothing listening: TokenSourceError naming the URL, at once."""
    with socket.socket() as bound:  # bound, not listening: connections are refused
        bound.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{bound.getsockname()[1]}/token"
        source = OAuthTokens(url, CLIENT_ID, SECRET, redactor=redactor, user_agent=USER_AGENT)
        start = time.monotonic()
        with pytest.raises(TokenSourceError, match=f"cannot reach token endpoint {re.escape(url)}"):
            source.get("valid")
    assert time.monotonic() - start < 1.0


@pytest.mark.timed
def test_silent_server_times_out(redactor: Redactor) -> None:
    """A server that accepts but never answers: TokenSourceError soon after the timeout."""
    with socket.socket() as silent:  # the kernel completes connections; nobody ever reads them
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/token"
        source = OAuthTokens(
            url, CLIENT_ID, SECRET, redactor=redactor, user_agent=USER_AGENT, timeout=0.5
        )
        start = time.monotonic()
        with pytest.raises(
            TokenSourceError, match=rf"{re.escape(url)} gave no answer .* within 0\.5 s"
        ):
            source.get("valid")
    assert time.monotonic() - start < 1.5


def test_token_url_must_be_http(redactor: Redactor) -> None:
    with pytest.raises(ValueError, match="http:// or https://"):
        OAuthTokens("file:///etc/passwd", CLIENT_ID, redactor=redactor, user_agent=USER_AGENT)


# --- StaticTokens --------------------------------------------------------------------------------


def test_static_tokens() -> None:
    """Given kinds come back (expiry from a JWT's exp); others, and short-lived, are unavailable."""
    exp = int(time.time()) + 600
    source = StaticTokens({"valid": jwt_expiring_at(exp), "limited": "opaque-limited-token"})
    assert source.get("valid") == Token(jwt_expiring_at(exp), "valid", exp)
    assert source.get("limited") == Token("opaque-limited-token", "limited", None)
    for kind in ("expired", "short-lived"):
        with pytest.raises(TokenUnavailable) as caught:
            source.get(kind, "5")
        assert ENABLING[kind] in str(caught.value)
    with pytest.raises(ValueError, match="short-lived"):
        StaticTokens({"short-lived": "x"})


# --- ChainTokens ---------------------------------------------------------------------------------


class Fake:
    """A source that gives a token, says unavailable, or breaks; it records its calls."""

    def __init__(self, outcome: str | Exception) -> None:
        self.outcome = outcome
        self.calls: list[tuple[str, str | None]] = []

    def get(self, kind: str, arg: str | None = None) -> Token:
        self.calls.append((kind, arg))
        if isinstance(self.outcome, Exception):
            raise self.outcome
        return Token(self.outcome, kind, None)


def test_chain_first_available_wins() -> None:
    first, second = Fake("first-token-value"), Fake("second-token-value")
    assert ChainTokens([first, second]).get("short-lived", "5").value == "first-token-value"
    assert (first.calls, second.calls) == ([("short-lived", "5")], [])


def test_chain_falls_through_unavailable() -> None:
    first, second = Fake(TokenUnavailable("not here")), Fake("second-token-value")
    assert ChainTokens([first, second]).get("valid").value == "second-token-value"
    assert len(first.calls) == len(second.calls) == 1


def test_chain_stops_at_a_broken_source() -> None:
    first, second = Fake(TokenSourceError("endpoint down")), Fake("second-token-value")
    with pytest.raises(TokenSourceError, match="endpoint down"):
        ChainTokens([first, second]).get("valid")
    assert second.calls == []


def test_chain_message_when_nothing_has_the_kind() -> None:
    """The generic message, then only the reasons that say more than it (each once)."""
    specific = "token command says kind 'limited' is not available (exit 3): no such role"
    sources = [
        StaticTokens({"valid": "static-valid-token"}),
        Fake(TokenUnavailable(specific)),
        Fake(TokenUnavailable("")),
        Fake(TokenUnavailable(specific)),
    ]
    with pytest.raises(TokenUnavailable) as caught:
        ChainTokens(sources).get("limited")
    generic = f"no token source gives 'limited': give {ENABLING['limited']}"
    assert str(caught.value) == f"{generic}; {specific}"
    with pytest.raises(TokenUnavailable) as caught:
        ChainTokens([]).get("expired")
    assert str(caught.value) == f"no token source gives 'expired': give {ENABLING['expired']}"
