"""Pacing: --max-rate spaces attempts evenly, --max-connections caps open sockets, and both are
shared among pytest-xdist workers; probe sessions obey them. A fake clock: no real waiting."""

from __future__ import annotations

import pytest

from wsconform.mock.server import MockContext, MockServer
from wsconform.pacing import Pacer, TooManyConnections, worker_share
from wsconform.redact import Redactor
from wsconform.session import ProbeSession
from wsconform.transcript import Transcript
from wsconform.vendors.paradex.client import ParadexClient
from wsconform.vendors.paradex.mock import ParadexMock


class FakeTime:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 6))
        self.now += seconds


def test_no_limits_never_wait():
    t = FakeTime()
    pacer = Pacer(clock=t.clock, sleep=t.sleep)
    for _ in range(100):
        pacer.attempt()
        pacer.opened()
    assert t.slept == [] and pacer.open == 100


def test_max_rate_spaces_attempts():
    t = FakeTime()
    pacer = Pacer(max_rate=4, clock=t.clock, sleep=t.sleep)
    for _ in range(5):
        pacer.attempt()
    assert t.slept == [0.25, 0.25, 0.25, 0.25]  # the first attempt goes at once
    assert pacer.waited == pytest.approx(1.0)


def test_time_already_spent_counts():
    t = FakeTime()
    pacer = Pacer(max_rate=2, clock=t.clock, sleep=t.sleep)
    pacer.attempt()
    t.now += 10  # a long test in between: the next attempt is due already
    pacer.attempt()
    assert t.slept == []


def test_max_connections_caps_open_sockets():
    pacer = Pacer(max_connections=2)
    pacer.opened()
    pacer.opened()
    with pytest.raises(TooManyConnections, match="more than 2 connection"):
        pacer.opened()
    pacer.closed()
    pacer.opened()


def test_workers_share_the_limits():
    t = FakeTime()
    pacer = Pacer(max_rate=4, max_connections=5, share=2, clock=t.clock, sleep=t.sleep)
    pacer.attempt()
    pacer.attempt()
    assert t.slept == [0.5]  # 2 per second for each of 2 workers
    assert pacer.max_open == 2


def test_worker_share_reads_xdist(monkeypatch):
    monkeypatch.setenv("PYTEST_XDIST_WORKER_COUNT", "3")
    assert worker_share() == 3
    monkeypatch.delenv("PYTEST_XDIST_WORKER_COUNT")
    assert worker_share() == 1


@pytest.fixture(scope="module")
def paradex_url():
    server = MockServer(ParadexMock, MockContext()).start()
    yield server.url
    server.stop()


def test_sessions_pace_connects_and_auth_and_respect_the_cap(paradex_url):
    t = FakeTime()
    pacer = Pacer(max_rate=1000, max_connections=1, clock=t.clock, sleep=t.sleep)
    transcript = Transcript(Redactor())
    first = ProbeSession(paradex_url, transcript, pacer=pacer).connect()
    second = ProbeSession(paradex_url, transcript, pacer=pacer)
    with pytest.raises(TooManyConnections):
        second.connect()
    assert second.conn not in {e.conn for e in transcript.entries}  # nothing was attempted
    ParadexClient(first).auth("not-a-jwt-at-all")  # an auth attempt is paced as well
    first.close()
    assert pacer.open == 0
    second.connect().close()
    assert len(t.slept) == 2  # three attempts, one interval apart
