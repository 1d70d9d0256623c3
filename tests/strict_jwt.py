"""A strict JWT verifier for the forge and fuzz tests: what a correct server accepts."""

from __future__ import annotations

import re
from typing import Any

import jwt

STRICT_SHAPE = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$")


def strict_verify(token: object, public_key: Any) -> bool:
    """What a correct server does: strict compact shape, ES256 only, exp and sub required."""
    if not isinstance(token, str) or not STRICT_SHAPE.fullmatch(token):
        return False
    try:
        jwt.decode(token, public_key, algorithms=["ES256"], options={"require": ["exp", "sub"]})
    except jwt.InvalidTokenError:
        return False
    return True
