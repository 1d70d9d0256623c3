"""Fixtures of the Paradex suite: JSON-RPC clients, authenticated on request (its checks are
wsconform/vendors/paradex/checks.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from wsconform.checks import HIDE_CHECK_FRAMES, Checker
from wsconform.session import ProbeSession
from wsconform.vendors.paradex.checks import auth_succeeded
from wsconform.vendors.paradex.client import ParadexClient


@pytest.fixture
def client(connect: Callable[..., ProbeSession]) -> Callable[[], ParadexClient]:
    """Open a new connection and wrap it in a JSON-RPC client."""
    return lambda: ParadexClient(connect())


@pytest.fixture
def authenticate(check: Checker, tokens: Any) -> Callable[..., dict[str, Any]]:
    """Authenticate a client (a valid token unless given one); a refusal fails PDX-AUTH-01."""

    def auth(c: ParadexClient, token: str | None = None) -> dict[str, Any]:
        __tracebackhide__ = HIDE_CHECK_FRAMES
        reply = c.auth(token or tokens.get("valid").value)
        auth_succeeded(check, "PDX-AUTH-01", reply, "a valid JWT authenticates")
        return reply

    return auth
