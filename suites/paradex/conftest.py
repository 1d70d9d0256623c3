"""Fixtures of the Paradex suite: JSON-RPC clients and the checks every test repeats."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from wsconform.checks import HIDE_CHECK_FRAMES, Checker
from wsconform.schemas import registry
from wsconform.session import ProbeSession
from wsconform.vendors.paradex import protocol
from wsconform.vendors.paradex.client import ParadexClient

DOCUMENTED_MESSAGES: dict[str, list[str]] = registry().document("paradex", "error")[
    "x-documented-messages"
]


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
        check.schema("PDX-AUTH-01", reply, "auth-success", what="a valid JWT authenticates")
        return reply

    return auth


@pytest.fixture
def expect_error(check: Checker) -> Callable[..., Any]:
    """Check that `reply` is an error with one of `codes`, attributed to `req`, and schema-valid
    (attributed to `schema_req`, default `req`); its message is compared with the documented
    texts (PDX-ENV-07, SHOULD). Returns the code."""

    def expect(
        req: str, reply: dict[str, Any], codes: tuple[int, ...], what: str, schema_req: str = ""
    ) -> Any:
        __tracebackhide__ = HIDE_CHECK_FRAMES
        check.true(
            req,
            "error" in reply and "result" not in reply,
            what,
            expected=f"an error response with code {' or '.join(map(str, codes))}",
            actual=reply,
        )
        check.schema(schema_req or req, reply, "error")
        code = protocol.error_code(reply)
        check.one_of(req, code, list(codes), what=f"{what}: error code")
        message = reply["error"]["message"]
        documented = DOCUMENTED_MESSAGES.get(str(code), [])
        check.true(
            "PDX-ENV-07",
            message.casefold() in {m.casefold() for m in documented},
            f"message of error {code} is a documented text",
            expected=f"one of {documented}",
            actual=message,
        )
        return code

    return expect
