"""Fixtures of the Zenith suite: clients over ZenithJson. The checks the tests repeat are named
functions of wsconform.vendors.zenith.checks, which the lifecycle machine calls too."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from wsconform.session import ProbeSession
from wsconform.target import Target
from wsconform.vendors.zenith.client import ZenithClient


@pytest.fixture
def client(connect: Callable[..., ProbeSession]) -> Callable[..., ZenithClient]:
    """Open a new connection (keyword arguments go to `connect`) and wrap it in a client."""
    return lambda **kwargs: ZenithClient(connect(**kwargs))


@pytest.fixture
def private_channel(target: Target) -> str:
    """The private channel, which needs Zenith/Trading: granted only over TLS."""
    if not target.url.startswith("wss:"):
        pytest.skip(
            "the private right (Zenith/Trading) is only granted over TLS: give a wss:// --endpoint"
        )
    return target.private_channel
