"""Fixtures of the ETHGas `cmd`-dialect suite: clients, login, and a refused subscribe. The
checks are wsconform.vendors.ethgas.checks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from wsconform.checks import HIDE_CHECK_FRAMES, Checker
from wsconform.session import ProbeSession
from wsconform.vendors.ethgas.checks import error_frames_shaped
from wsconform.vendors.ethgas.client import EthgasClient
from wsconform.vendors.ethgas.protocol import error_code, errors_in


@pytest.fixture
def client(connect: Callable[..., ProbeSession]) -> Callable[..., EthgasClient]:
    """Open a new connection (keyword arguments go to `connect`) and wrap it in a client."""
    return lambda **kwargs: EthgasClient(connect(**kwargs))


@pytest.fixture
def authenticate(check: Checker, tokens: Any) -> Callable[..., dict[str, Any]]:
    """Log in with a valid token unless given one; anything but a documented success fails
    ETH-AUTH-01."""

    def auth(c: EthgasClient, token: str | None = None) -> dict[str, Any]:
        __tracebackhide__ = HIDE_CHECK_FRAMES
        reply = c.login(token or tokens.get("valid").value)
        check.schema(
            "ETH-AUTH-01", reply, "login-success", what="the login succeeds (documented shape)"
        )
        return reply

    return auth


@pytest.fixture
def expect_refused_subscribe(
    check: Checker, expect_no_data: Callable[..., None]
) -> Callable[..., list[Any]]:
    """Subscribe to `channel`, which must be refused: no data on it (`req`); every error frame
    in the answer in the documented shape (ETH-ENV-02). Returns the answer's error codes."""

    def expect(req: str, c: EthgasClient, channel: str, what: str) -> list[Any]:
        __tracebackhide__ = HIDE_CHECK_FRAMES
        answers = c.subscribe(channel, refusal_expected=True)
        error_frames_shaped(check, answers)
        expect_no_data(req, c, channel, f"{what}: no data on {channel!r}")
        return [error_code(e) for e in errors_in(answers)]

    return expect
