"""Fixtures of the echo suite (the rest come from the wsconform plugin)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from wsconform.session import ProbeSession
from wsconform_echo import protocol


class EchoClient:
    def __init__(self, session: ProbeSession) -> None:
        self.session = session

    def request(self, message: dict[str, Any]) -> dict[str, Any]:
        what = f"the reply to {message['op']}"
        return self.session.request(message, protocol.reply_to(message["op"]), what).obj

    def auth(self, token: object) -> dict[str, Any]:
        self.session.transcript.redactor.add(token)
        self.session.auth_attempt()
        return self.request(protocol.auth(token))


@pytest.fixture
def client(connect: Callable[..., ProbeSession]) -> Callable[[], EchoClient]:
    return lambda: EchoClient(connect())
