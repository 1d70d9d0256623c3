"""What the independent servers share: their command line, token checks and start-up lines.

The independent servers (issue 17) are a second implementation of each profile, written from the
vendors' documents alone with another server library (aiohttp), sharing no code with
wsconform/mock. Where the documents leave a choice open they choose differently from the mock.
They take their tokens from the same key file as `wsconform mint` (an EC P-256 PEM private key):
the key file and the JWT claims (`sub`, `exp`, `rights`: "public", "private") are the interface,
as a vendor's auth server and its WebSocket server share one.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt
import trustme
from aiohttp import web
from cryptography.hazmat.primitives import serialization


class Refused(Exception):
    """A token the server does not accept; `malformed` when it is not a JWT at all."""

    def __init__(self, reason: str, *, malformed: bool) -> None:
        super().__init__(reason)
        self.malformed = malformed


@dataclass(frozen=True)
class Claims:
    subject: str
    expires_at: float
    rights: frozenset[str]

    @property
    def private(self) -> bool:
        return "private" in self.rights


class Keys:
    """Verifies ES256 JWTs signed by the key in the key file."""

    def __init__(self, key_file: Path) -> None:
        private = serialization.load_pem_private_key(key_file.read_bytes(), password=None)
        self.public = private.public_key()  # type: ignore[union-attr]

    def check(self, token: Any, *, at: float | None = None) -> Claims:
        if not isinstance(token, str) or token.count(".") != 2:
            raise Refused("not a JWT", malformed=True)
        try:
            claims = jwt.decode(
                token, self.public, algorithms=["ES256"], options={"verify_exp": False}
            )
        except jwt.InvalidSignatureError as exc:  # a DecodeError too: a forged JWT, not malformed
            raise Refused(f"invalid: {exc}", malformed=False) from None
        except jwt.DecodeError as exc:
            raise Refused(f"undecodable: {exc}", malformed=True) from None
        except jwt.InvalidTokenError as exc:
            raise Refused(f"invalid: {exc}", malformed=False) from None
        exp = claims.get("exp")
        if not isinstance(exp, int | float) or (at or time.time()) >= exp:
            raise Refused("expired", malformed=False)
        rights = claims.get("rights", [])
        return Claims(str(claims.get("sub", "")), float(exp), frozenset(map(str, rights)))


def arguments(description: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--key-file", required=True, help="the key file `wsconform mint` uses")
    parser.add_argument("--tls", action="store_true", help="serve wss:// from a fresh local CA")
    parser.add_argument("--ca-out", default="independent-ca.pem", help="where the CA goes")
    parser.add_argument("--plain-port", type=int, help="with --tls, also serve ws:// here")
    args = parser.parse_args()
    if not Path(args.key_file).is_file():
        parser.error(f"no key file {args.key_file}: `wsconform mint` or `wsconform mock` makes one")
    return args


def serve(
    name: str,
    path: str,
    handler: Callable[[web.Request], Any],
    args: argparse.Namespace,
    extra_lines: Callable[[str], list[str]] = lambda url: [],
) -> None:
    """Serve `handler` at `path` until SIGTERM or SIGINT; print the URL lines when ready."""

    async def main() -> None:
        app = web.Application()
        app.router.add_get(path, handler)
        app.router.add_get(path.rstrip("/") + "/{tail:.*}", handler)
        runner = web.AppRunner(app, handle_signals=False)
        await runner.setup()
        context = None
        if args.tls:
            ca = trustme.CA()
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
            ca.cert_pem.write_to_path(args.ca_out)
        site = web.TCPSite(runner, args.host, args.port, ssl_context=context)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        url = f"{'wss' if args.tls else 'ws'}://{args.host}:{port}{path}"
        lines = [f"{name} independent server listening on {url}"]
        if args.tls and args.plain_port is not None:
            plain = web.TCPSite(runner, args.host, args.plain_port)
            await plain.start()
            plain_port = plain._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
            lines.append(f"also plain ws on ws://{args.host}:{plain_port}{path}")
        lines += extra_lines(url)
        lines.append("ready")
        for line in lines:
            print(line, flush=True)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await stop.wait()
        await runner.cleanup()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main())


def parses_as_jwt(token: Any) -> bool:
    """Whether `token` is a compact JWS whose segments decode (header and claims JSON objects),
    whatever its signature: `Keys.check` reports a bad signature as `malformed`, because PyJWT's
    InvalidSignatureError is a DecodeError; a server telling malformed from invalid asks this."""
    if not isinstance(token, str):
        return False
    try:
        jwt.get_unverified_header(token)
        jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        return False
    return True


def choices(defaults: dict[str, str]) -> dict[str, str]:
    """The server's switchable choices: `defaults`, overridden by the environment variable
    INDEPENDENT_CHOICES ("name=value,name=value"), so that one run can make another choice the
    documents allow. An unknown name ends the server with the list of known ones."""
    chosen = dict(defaults)
    for item in filter(None, os.environ.get("INDEPENDENT_CHOICES", "").split(",")):
        name, _, value = item.partition("=")
        if name.strip() not in defaults:
            raise SystemExit(f"unknown choice {name!r}; known: {', '.join(defaults)}")
        chosen[name.strip()] = value.strip()
    return chosen
