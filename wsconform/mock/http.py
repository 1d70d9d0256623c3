"""The HTTP side a vendor's real client needs beside the WebSocket (a token endpoint, a REST
login, market metadata), served by the mock's process on a port of its own, on the mock's loop
(so a route shares the issuer and the clock with the WebSocket side, without locks).

HTTP/1.1, one request per connection (`Connection: close`), bodies by Content-Length only: what
clients send to the few routes a mock declares. A route is a function of one HttpRequest; a
request nobody routes gets 404, a known path with another method 405 naming the allowed ones.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import ssl as ssl_module
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qsl, urlsplit

HEAD_LIMIT = 64 * 1024  # bytes of request line and headers
BODY_LIMIT = 1 << 20  # bytes of request body
READ_TIMEOUT = 10.0  # seconds a client has to send its whole request


@dataclass(frozen=True)
class HttpRequest:
    method: str
    path: str  # without the query string
    query: dict[str, str]
    headers: Mapping[str, str]  # names in lower case
    body: bytes = b""

    def form(self) -> dict[str, str]:
        """An application/x-www-form-urlencoded body (RFC 6749's token requests)."""
        return dict(parse_qsl(self.body.decode("utf-8", "replace"), keep_blank_values=True))

    def json(self) -> Any:
        """A JSON body; ValueError when it is not one."""
        return json.loads(self.body or b"null")


@dataclass(frozen=True)
class HttpResponse:
    status: int
    body: bytes = b""
    content_type: str = "application/json"
    headers: tuple[tuple[str, str], ...] = field(default=())

    @classmethod
    def of_json(cls, status: int, value: Any, *headers: tuple[str, str]) -> HttpResponse:
        return cls(status, json.dumps(value, separators=(",", ":")).encode(), headers=headers)

    def encode(self) -> bytes:
        reason = HTTPStatus(self.status).phrase
        lines = [
            f"HTTP/1.1 {self.status} {reason}",
            f"Content-Type: {self.content_type}",
            f"Content-Length: {len(self.body)}",
            "Cache-Control: no-store",  # tokens (RFC 6749 §5.1)
            "Connection: close",
            *(f"{name}: {value}" for name, value in self.headers),
        ]
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + self.body


# A route answers at once, or on the loop (one that advances the mock's clock awaits its effects).
Route = Callable[[HttpRequest], HttpResponse | Awaitable[HttpResponse]]
Routes = Mapping[tuple[str, str], Route]  # (method, path) → route


class BadRequest(ValueError):
    """A request this server cannot read; the message is the answer's body."""


async def read_request(reader: asyncio.StreamReader) -> HttpRequest:
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.LimitOverrunError:
        raise BadRequest("request head too large") from None
    request_line, *header_lines = head.decode("latin-1").split("\r\n")
    parts = request_line.split(" ")
    if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
        raise BadRequest(f"not an HTTP/1.x request line: {request_line[:80]!r}")
    method, target, _ = parts
    headers: dict[str, str] = {}
    for line in filter(None, header_lines):
        name, colon, value = line.partition(":")
        if not colon:
            raise BadRequest(f"not a header line: {line[:80]!r}")
        headers[name.strip().lower()] = value.strip()
    if "transfer-encoding" in headers:
        raise BadRequest("only Content-Length bodies are read here")
    try:
        length = int(headers.get("content-length", "0"))
    except ValueError:
        raise BadRequest("Content-Length is not a number") from None
    if not 0 <= length <= BODY_LIMIT:
        raise BadRequest(f"Content-Length must be 0..{BODY_LIMIT}")
    body = await reader.readexactly(length)
    url = urlsplit(target)
    return HttpRequest(method, url.path, dict(parse_qsl(url.query)), headers, body)


async def route(routes: Routes, request: HttpRequest) -> HttpResponse:
    handler = routes.get((request.method, request.path))
    if handler is not None:
        answer = handler(request)
        return await answer if inspect.isawaitable(answer) else answer
    allowed = sorted(method for method, path in routes if path == request.path)
    if allowed:
        error = {"error": f"{request.method} not allowed on {request.path}"}
        return HttpResponse.of_json(405, error, ("Allow", ", ".join(allowed)))
    return HttpResponse.of_json(404, {"error": f"no route {request.path}"})


async def serve_http(
    routes: Routes, host: str, port: int, ssl: ssl_module.SSLContext | None
) -> asyncio.Server:
    """Listen on host:port (port 0: any); every connection gets one answer, then is closed."""

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            try:
                request = await asyncio.wait_for(read_request(reader), READ_TIMEOUT)
                response = await route(routes, request)
            except BadRequest as exc:
                response = HttpResponse.of_json(400, {"error": str(exc)})
            except (TimeoutError, asyncio.IncompleteReadError):
                return  # the client sent no whole request in time: nobody to answer
            writer.write(response.encode())
            await writer.drain()
        except ConnectionError:
            pass  # the client went away
        finally:
            writer.close()

    return await asyncio.start_server(answer, host, port, ssl=ssl, limit=HEAD_LIMIT)
