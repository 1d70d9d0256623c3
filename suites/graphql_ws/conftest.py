"""Fixtures of the graphql-ws suite: probe clients, acknowledged on request (its checks are
wsconform/vendors/graphql_ws/checks.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from wsconform.checks import HIDE_CHECK_FRAMES, Checker
from wsconform.session import ProbeSession
from wsconform.vendors.graphql_ws.checks import acknowledged
from wsconform.vendors.graphql_ws.client import GraphqlWsClient


@pytest.fixture
def client(connect: Callable[..., ProbeSession]) -> Callable[..., GraphqlWsClient]:
    """Open a new socket (with extra upgrade headers if given) and wrap it in a client."""
    return lambda headers=None: GraphqlWsClient(connect(headers=headers))


@pytest.fixture
def acked(
    client: Callable[..., GraphqlWsClient], check: Checker, tokens: Any
) -> Callable[..., GraphqlWsClient]:
    """A new socket whose ConnectionInit (a valid token unless given one) is acknowledged; no
    ConnectionAck fails GQL-AUTH-01."""

    def open_acked(token: str | None = None) -> GraphqlWsClient:
        __tracebackhide__ = HIDE_CHECK_FRAMES
        c = client()
        acknowledged(check, "GQL-AUTH-01", c, c.init(token or tokens.get("valid").value))
        return c

    return open_acked
