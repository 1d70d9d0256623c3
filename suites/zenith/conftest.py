"""Fixtures of the Zenith suite: clients over ZenithJson and the checks every test repeats."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from wsconform.checks import HIDE_CHECK_FRAMES, Checker
from wsconform.session import ProbeSession
from wsconform.target import Target
from wsconform.vendors.zenith.client import ZenithClient
from wsconform.vendors.zenith.protocol import result_of


@pytest.fixture
def client(connect: Callable[..., ProbeSession]) -> Callable[..., ZenithClient]:
    """Open a new connection (keyword arguments go to `connect`) and wrap it in a client."""
    return lambda **kwargs: ZenithClient(connect(**kwargs))


@pytest.fixture
def authenticate(check: Checker, tokens: Any) -> Callable[..., dict[str, Any]]:
    """AuthToken with a valid token unless given one; anything but Success fails ZEN-AUTH-01."""

    def auth(c: ZenithClient, token: str | None = None) -> dict[str, Any]:
        __tracebackhide__ = HIDE_CHECK_FRAMES
        reply = c.auth(token or tokens.get("valid").value)
        check.equal("ZEN-AUTH-01", result_of(reply), "Success", what="AuthToken Result")
        return reply

    return auth


@pytest.fixture
def private_channel(target: Target) -> str:
    """The private channel, which needs Zenith/Trading: granted only over TLS."""
    if not target.url.startswith("wss:"):
        pytest.skip(
            "the private right (Zenith/Trading) is only granted over TLS: give a wss:// --endpoint"
        )
    return target.private_channel


@pytest.fixture
def subscribed(check: Checker) -> Callable[..., None]:
    """Sub with Confirm and check the confirmation (ZEN-SUB-06)."""

    def sub(c: ZenithClient, channel: str) -> None:
        __tracebackhide__ = HIDE_CHECK_FRAMES
        answer = c.subscribe(channel)
        check.schema("ZEN-SUB-06", answer, "sub-confirm", what=f"Sub {channel!r} is confirmed")

    return sub


@pytest.fixture
def expect_refused_sub(check: Checker, expect_no_data: Callable[..., None]) -> Callable[..., None]:
    """A Sub that must be refused: an Error with an Appendix D code, the Sub reply with Confirm
    omitted (ZEN-SUB-10), and no data. The refusal is attributed to `req`."""

    def expect(req: str, c: ZenithClient, channel: str, what: str) -> None:
        __tracebackhide__ = HIDE_CHECK_FRAMES
        answer = c.subscribe(channel)
        check.equal(req, answer.get("Action"), "Error", what=f"{what}: the Sub is answered")
        check.schema(
            "ZEN-ENV-02", answer, "error-frame", what="the Error carries a documented code"
        )
        # It must come, but the docs give no order with the Error or a later pong: wait for it.
        with check.scope("ZEN-SUB-10", "a refused Sub with Confirm gets a Sub reply"):
            reply = c.session.expect(
                lambda f: f.obj.get("Action") == "Sub", f"the Sub reply to the refused {channel!r}"
            )
        check.true(
            "ZEN-SUB-10",
            "Confirm" not in reply.obj,
            "a refused Sub with Confirm gets a Sub reply with Confirm omitted",
            expected='{"Action":"Sub"} without Confirm',
            actual=reply.data,
        )
        expect_no_data(req, c, channel, f"{what}: no data")

    return expect
