"""The mock's data pump visits only the connections with a subscription (MockApp.subscribed),
a set the app keeps up to date as vendor mocks change `conn.subscriptions` like any dict."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from websockets.asyncio.server import ServerConnection

from wsconform.mock.server import Connection, MockApp, MockContext, MockServer
from wsconform.redact import Redactor
from wsconform.session import ProbeSession
from wsconform.transcript import Transcript

NO_AUTO_PUMP = 3600.0  # the pump then runs only when the test asks (pump_now)
LEFT_TIMEOUT = 5.0


class ChannelMock(MockApp):
    """`sub C` / `unsub C` / `pop C` / `clear` change the subscriptions as vendor mocks do, each
    answered `ok`; data on channel C is `data C`."""

    profile = "channels"

    def __init__(self, ctx: MockContext) -> None:
        super().__init__(ctx)
        self.left = threading.Semaphore(0)  # released once per connection the app has let go
        self.visited: list[Connection] = []  # data_frame's connections, in order

    async def handler(self, ws: ServerConnection) -> None:
        await super().handler(ws)
        self.left.release()

    async def serve_connection(self, conn: Connection) -> None:
        async for raw in conn.ws:
            verb, _, channel = str(raw).partition(" ")
            if verb == "sub":
                conn.subscriptions[channel] = None
            elif verb == "unsub":
                del conn.subscriptions[channel]
            elif verb == "pop":
                conn.subscriptions.pop(channel, None)
            elif verb == "clear":
                conn.subscriptions.clear()
            await conn.ws.send(f"ok {raw}")

    def data_frame(self, conn: Connection, channel: str) -> str | None:
        self.visited.append(conn)
        return f"data {channel}"


@pytest.fixture
def mock() -> Iterator[MockServer]:
    server = MockServer(ChannelMock, MockContext(), pump_interval=NO_AUTO_PUMP).start()
    yield server
    server.stop()


@pytest.fixture
def sessions() -> Iterator[list[ProbeSession]]:
    opened: list[ProbeSession] = []
    yield opened
    for session in opened:
        session.close()


def open_session(mock: MockServer, opened: list[ProbeSession]) -> ProbeSession:
    session = ProbeSession(mock.url, Transcript(Redactor()), op_timeout=2.0)
    opened.append(session)
    return session.connect()


def ask(session: ProbeSession, command: str) -> None:
    session.request(command, lambda f: f.data == f"ok {command}", f"ok to {command}")


def subscribers(mock: MockServer) -> set[Connection]:
    return set(mock.call(_subscribed(mock.app)))


async def _subscribed(app: MockApp) -> set[Connection]:
    return set(app.subscribed)  # read on the mock's loop, where it changes


def data(session: ProbeSession) -> list[str | bytes]:
    session.barrier()  # every frame the pump sent is in
    return [f.data for f in session.take(lambda f: f.data.startswith("data "))]


def test_the_pump_visits_only_subscribed_connections(mock, sessions):
    app = mock.app
    assert isinstance(app, ChannelMock)
    idle, busy = open_session(mock, sessions), open_session(mock, sessions)
    ask(busy, "sub a")
    ask(busy, "sub b")
    (conn,) = subscribers(mock)
    mock.pump_now()
    assert app.visited == [conn, conn]  # one frame per subscription, none for `idle`
    assert data(busy) == ["data a", "data b"]
    assert data(idle) == []


@pytest.mark.parametrize("ending", [["unsub a", "pop b"], ["clear"]])
def test_the_subscribed_set_follows_every_change(mock, sessions, ending):
    s = open_session(mock, sessions)
    assert subscribers(mock) == set()
    ask(s, "sub a")
    ask(s, "sub b")
    assert len(subscribers(mock)) == 1
    ask(s, ending[0])
    assert len(subscribers(mock)) == (1 if ending[0] == "unsub a" else 0)
    for command in ending[1:]:
        ask(s, command)
    assert subscribers(mock) == set()
    mock.pump_now()
    assert data(s) == []


def test_a_connection_that_leaves_leaves_the_set(mock, sessions):
    app = mock.app
    assert isinstance(app, ChannelMock)
    s = open_session(mock, sessions)
    ask(s, "sub a")
    assert len(subscribers(mock)) == 1
    s.close()
    assert app.left.acquire(timeout=LEFT_TIMEOUT), "the mock did not let the connection go"
    assert subscribers(mock) == set()
    mock.pump_now()
    assert app.visited == []
