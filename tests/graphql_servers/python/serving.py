"""What strawberry_app.py and ariadne_app.py share: the command line, the token checks (PyJWT with
cryptography) and serving an ASGI app with uvicorn on 127.0.0.1.

A JWT signed ES256 (P-256), verified against the PEM public key given on the command line; `exp`
is required and checked without leeway; `sub` (a string) is the identity. Nothing else is
checked (no nbf, iat or aud), as in ../node/auth.mjs. The token is the ConnectionInit payload's
`Authorization` member (`Bearer <jwt>`), or, when the payload has none, the upgrade request's
`Authorization` header.
"""

from __future__ import annotations

import argparse
import asyncio
import re
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

import jwt
import uvicorn
from cryptography.hazmat.primitives.serialization import load_pem_public_key

CONNECTION_INIT_WAIT_TIMEOUT = timedelta(seconds=3)
PATH = "/graphql"
_BEARER = re.compile(r"Bearer (\S+)")


def command_line() -> tuple[int, Any]:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--public-key", type=Path, required=True)
    args = parser.parse_args()
    return args.port, load_pem_public_key(args.public_key.read_bytes())


def _bearer(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    match = _BEARER.fullmatch(value)
    return match.group(1) if match else None


def token_of(payload: object, headers: Mapping[str, str]) -> str | None:
    if isinstance(payload, dict) and "Authorization" in payload:
        return _bearer(payload["Authorization"])
    return _bearer(headers.get("authorization"))


def verified_subject(token: str | None, public_key: Any) -> str | None:
    """The token's `sub` if it verifies, else None."""
    if token is None:
        return None
    try:
        claims = jwt.decode(
            token,
            public_key,
            algorithms=["ES256"],
            options={
                "require": ["exp", "sub"],
                "verify_exp": True,
                "verify_nbf": False,
                "verify_iat": False,
                "verify_aud": False,
            },
        )
    except jwt.PyJWTError:
        return None
    sub = claims.get("sub")
    return sub if isinstance(sub, str) else None


def serve(app: Any, port: int) -> None:
    """Serve `app` with uvicorn; print the `listening on` line once it accepts connections."""
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)

    async def main() -> None:
        serving = asyncio.create_task(server.serve())
        while not server.started:
            if serving.done():  # it failed to start: uvicorn said why on stderr
                await serving
                raise SystemExit(1)
            await asyncio.sleep(0.02)
        bound = server.servers[0].sockets[0].getsockname()[1]
        print(f"listening on ws://127.0.0.1:{bound}{PATH}", flush=True)
        await serving

    asyncio.run(main())
