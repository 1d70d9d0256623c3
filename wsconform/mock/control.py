"""What a standalone mock serves a client developer beside its HTTP side: the profile's AsyncAPI
document (GET /asyncapi.json, wsconform.asyncapi), and controls so that a client's expiry and
re-authentication paths run without waiting (tzi-OCTT's "trigger server"):

    POST /control/advance  {"seconds": 60}     the mock's clock moves on (heartbeats, expiry)
    POST /control/expire                        ... by one token lifetime: every token it gave
                                                out so far is expired, and so is every session
    POST /control/revoke   {"token": "eyJ..."}  that token is refused from now on

Every answer is the mock's clock afterwards, as JSON. Tokens minted by `wsconform mint` follow the
wall clock, not the mock's: after advancing, a client should take its tokens from the mock's own
HTTP side (Zenith's token endpoint), which issues on the mock's clock.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from wsconform.mock.http import HttpRequest, HttpResponse, Routes
from wsconform.mock.issuer import Rejected
from wsconform.redact import mask

if TYPE_CHECKING:
    from wsconform.mock.server import MockServer

PREFIX = "/control"
MAX_ADVANCE = 366 * 24 * 3600.0  # seconds: a year at once is surely a typo past that


def _member(request: HttpRequest, name: str) -> Any:
    try:
        body = request.json()
    except ValueError:
        body = None
    if not isinstance(body, dict) or name not in body:
        raise ValueError(f'expected a JSON object with "{name}"')
    return body[name]


def developer_routes(server: MockServer) -> Routes:
    """The controls, and the profile's AsyncAPI document at GET /asyncapi.json."""
    return {**control_routes(server), ("GET", "/asyncapi.json"): lambda _: _asyncapi(server)}


def _asyncapi(server: MockServer) -> HttpResponse:
    from wsconform import asyncapi
    from wsconform.profiles import get_profile

    return HttpResponse.of_json(200, asyncapi.document(get_profile(server.app.profile), server.url))


def control_routes(server: MockServer) -> Routes:
    clock, issuer = server.ctx.clock, server.ctx.issuer
    assert issuer is not None

    def now() -> HttpResponse:
        return HttpResponse.of_json(200, {"clock": clock.now()})

    def refused(reason: str) -> HttpResponse:
        return HttpResponse.of_json(400, {"error": reason})

    async def advance(request: HttpRequest) -> HttpResponse:
        try:
            seconds = _member(request, "seconds")
        except ValueError as exc:
            return refused(str(exc))
        number = isinstance(seconds, int | float) and not isinstance(seconds, bool)
        if not number or not math.isfinite(seconds) or not 0 < seconds <= MAX_ADVANCE:
            return refused(f"seconds must be a number in (0, {MAX_ADVANCE:g}]")
        await server.advance_clock(float(seconds))
        return now()

    async def expire(request: HttpRequest) -> HttpResponse:
        await server.advance_clock(issuer.lifetime + 1)
        return now()

    def revoke(request: HttpRequest) -> HttpResponse:
        try:
            token = _member(request, "token")
            if not isinstance(token, str):
                raise ValueError('"token" must be a string')
            issuer.revoke(token)
        except (ValueError, Rejected) as exc:
            return refused(f"not revoked: {exc}")
        return HttpResponse.of_json(200, {"clock": clock.now(), "revoked": mask(token)})

    return {
        ("POST", f"{PREFIX}/advance"): advance,
        ("POST", f"{PREFIX}/expire"): expire,
        ("POST", f"{PREFIX}/revoke"): revoke,
    }
