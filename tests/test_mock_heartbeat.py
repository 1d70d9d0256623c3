"""The mocks' server heartbeat (MockApp.HEARTBEAT) on the mock clock, and the probe session's
view of it: server pings counted, a silent client that withholds pongs, waiting for a close."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from wsconform.mock.server import Connection, MockApp, MockContext, MockServer
from wsconform.profiles.base import Heartbeat
from wsconform.redact import Redactor
from wsconform.session import ExpectTimeout, ProbeSession
from wsconform.transcript import Transcript

NO_AUTO_PUMP = 3600.0  # the heartbeat then runs only when the clock is advanced


class BeatingMock(MockApp):
    """Reads and ignores frames; pings every 30 s and closes a client silent for 60 s."""

    profile = "beating"
    # No grace: these tests sync with barrier() before each jump, so any pong is in.
    HEARTBEAT = Heartbeat(ping_every=30.0, close_silent_after=60.0, close_code=4001, pong_grace=0)

    async def serve_connection(self, conn: Connection) -> None:
        async for _ in conn.ws:
            pass


@pytest.fixture
def mock() -> Iterator[MockServer]:
    server = MockServer(BeatingMock, MockContext(), pump_interval=NO_AUTO_PUMP).start()
    yield server
    server.stop()


@pytest.fixture
def sessions(mock: MockServer) -> Iterator[list[ProbeSession]]:
    opened: list[ProbeSession] = []
    yield opened
    for session in opened:
        session.close()


def open_session(mock: MockServer, opened: list[ProbeSession], **kw: object) -> ProbeSession:
    session = ProbeSession(mock.url, Transcript(Redactor()), op_timeout=2.0, **kw)  # type: ignore[arg-type]
    opened.append(session)
    return session.connect()


def test_a_ping_comes_when_the_interval_has_passed(mock, sessions):
    s = open_session(mock, sessions)
    mock.advance(29)
    s.barrier()
    assert s.pings_received == 0
    mock.advance(1)
    s.expect_ping("a ping at 30 s")
    assert "<ping>" in s.transcript.render()


def test_a_client_that_answers_stays_open(mock, sessions):
    s = open_session(mock, sessions)
    for beat in range(5):
        mock.advance(30)
        s.expect_ping(f"ping {beat}")
        s.barrier()  # our pong has reached the server before the next jump
    assert not s.closed and s.pings_received == 5


def test_a_silent_client_is_closed_with_the_code(mock, sessions):
    s = open_session(mock, sessions, answer_pings=False)
    mock.advance(30)
    s.expect_ping("the first ping")
    s.barrier()
    mock.advance(30)
    assert s.wait_closed("the close of a silent client") == 4001
    assert "withholds pongs" in s.transcript.render()


def test_expect_ping_claims_each_ping_once(mock, sessions):
    s = open_session(mock, sessions)
    mock.advance(30)
    s.expect_ping("the ping")
    with pytest.raises(ExpectTimeout, match=r"no a second ping within 0\.2 s"):
        s.expect_ping("a second ping", timeout=0.2)


def test_wait_closed_times_out_naming_what_it_awaited(mock, sessions):
    s = open_session(mock, sessions)
    with pytest.raises(ExpectTimeout, match=r"no close of an open connection within 0\.2 s"):
        s.wait_closed("close of an open connection", timeout=0.2)


def test_a_ping_due_long_before_a_clock_jump_comes_at_it(mock, sessions):
    s = open_session(mock, sessions)
    mock.advance(95)  # one jump over three intervals: one ping, and the next due 30 s on
    s.expect_ping("the ping at the jump")
    s.barrier()
    assert s.pings_received == 1
    mock.advance(29)
    s.barrier()
    assert s.pings_received == 1
    mock.advance(1)
    s.expect_ping("the ping 30 s after the jump")


def test_a_silent_client_is_closed_at_the_first_jump_past_its_deadline(mock, sessions):
    s = open_session(mock, sessions, answer_pings=False)
    mock.advance(100)
    s.expect_ping("the ping at the jump")
    s.barrier()
    mock.advance(1)  # silent for 101 s of the mock's clock: past 60 s, at this very jump
    assert s.wait_closed("the close of a silent client") == 4001
