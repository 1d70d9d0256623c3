"""What the two ETHGas mocks' tests share: an embedded mock with its sessions, the fixtures
that start it, and settle.

A test module declares which mock it tests, at its top level:

    shared, mock, own_mock = mock_fixtures(EthgasMock)
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from wsconform.mock.issuer import TokenIssuer
from wsconform.mock.server import MockApp, MockContext, MockServer
from wsconform.redact import Redactor
from wsconform.session import Frame, ProbeSession
from wsconform.transcript import Transcript

NO_AUTO_PUMP = 3600.0  # data only when a test says so: pump_now()


class Harness:
    """One embedded mock (plain ws://, data only on pump_now) and the sessions opened on it.

    Sessions are closed before the mock stops: a stopping server waits for the close handshake,
    which a session idle between operations would answer only after the close timeout.
    """

    def __init__(self, app: Callable[[MockContext], MockApp], **ctx: Any) -> None:
        self.server = MockServer(app, MockContext(**ctx), pump_interval=NO_AUTO_PUMP).start()
        self.sessions: list[ProbeSession] = []

    @property
    def issuer(self) -> TokenIssuer:
        assert self.server.ctx.issuer is not None
        return self.server.ctx.issuer

    @property
    def url(self) -> str:
        return self.server.url

    def open(self, **kw: Any) -> ProbeSession:
        session = ProbeSession(self.url, Transcript(Redactor()), **kw)
        self.sessions.append(session)
        return session.connect()

    def pump_now(self) -> None:
        self.server.pump_now()

    def advance(self, seconds: float) -> None:
        self.server.advance(seconds)

    def close_sessions(self) -> None:
        sessions, self.sessions = self.sessions, []
        for session in sessions:
            session.close()

    def stop(self) -> None:
        self.close_sessions()
        self.server.stop()


@contextlib.contextmanager
def harnesses(app: Callable[[MockContext], MockApp]) -> Iterator[Callable[..., Harness]]:
    """A factory of mocks with a defect or variants of their own, all stopped at the end."""
    started: list[Harness] = []

    def start(**ctx: Any) -> Harness:
        harness = Harness(app, **ctx)
        started.append(harness)
        return harness

    try:
        yield start
    finally:
        for harness in started:
            harness.stop()


Own = Callable[..., Harness]  # own_mock: start(defect=..., variant=...) -> Harness


def mock_fixtures(app: Callable[[MockContext], MockApp]) -> tuple[Any, Any, Any]:
    """The fixtures `shared`, `mock` and `own_mock` of a test module of the mock `app`.

    shared: one mock for the whole module. mock: that mock, with the sessions a test opened
    closed after it. own_mock: a factory of mocks with a defect or variants of the test's own.
    """

    @pytest.fixture(scope="module", name="shared")
    def shared_() -> Iterator[Harness]:
        harness = Harness(app)
        yield harness
        harness.stop()

    @pytest.fixture(name="mock")
    def mock_(shared: Harness) -> Iterator[Harness]:
        yield shared
        shared.close_sessions()

    @pytest.fixture(name="own_mock")
    def own_mock_() -> Iterator[Own]:
        with harnesses(app) as start:
            yield start

    return shared_, mock_, own_mock_


def settle(s: ProbeSession, sync: Any, is_reply: Callable[[Frame], bool]) -> list[Frame]:
    """Every frame the server sent up to now, claimed, in order, without the sync reply.

    A WebSocket ping would not do: websockets pongs as soon as the ping is parsed, maybe before
    the app has handled the frames sent ahead of it. The app answers in order, so a round trip
    of `sync` (a request whose reply `is_reply` alone matches) proves every earlier frame was
    handled and its answers are on the wire.
    """
    s.send(sync)
    s.expect(is_reply, "the reply settle waits for")
    return s.drain()
