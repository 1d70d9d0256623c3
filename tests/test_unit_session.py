"""wsconform.session: ProbeSession against the embedded Paradex mock (and a tiny echo mock)."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from wsconform.mock.server import Connection, MockApp, MockContext, MockServer
from wsconform.redact import Redactor
from wsconform.session import (
    ExpectTimeout,
    Frame,
    PeerClosed,
    ProbeSession,
    TargetUnreachable,
    _parse,
)
from wsconform.transcript import Transcript
from wsconform.vendors.paradex.mock import ParadexMock
from wsconform.vendors.paradex.protocol import reply_to
from wsconform.vendors.paradex.protocol import subscribe_request as subscribe

CHANNEL = "bbo.ETH-USD-PERP"
NO_AUTO_PUMP = 3600.0  # the mock pumps only when a test says so: pump_now()


class EchoMock(MockApp):
    """Sends every frame back as it came (text or binary)."""

    profile = "echo"

    async def serve_connection(self, conn: Connection) -> None:
        async for raw in conn.ws:
            await conn.ws.send(raw)


def is_data(f: Frame) -> bool:
    return f.obj.get("method") == "subscription"


@pytest.fixture(scope="module")
def paradex() -> Iterator[MockServer]:
    server = MockServer(ParadexMock, MockContext(), pump_interval=NO_AUTO_PUMP).start()
    yield server
    server.stop()


@pytest.fixture
def open_session() -> Iterator[Callable[..., ProbeSession]]:
    sessions: list[ProbeSession] = []

    def open_(url: str, transcript: Transcript | None = None, **kw: Any) -> ProbeSession:
        session = ProbeSession(url, transcript or Transcript(Redactor()), **kw)
        sessions.append(session)
        return session.connect()

    yield open_
    for session in sessions:
        session.close()


def test_expect_returns_match_and_leaves_others_pending(
    paradex: MockServer, open_session: Callable[..., ProbeSession]
) -> None:
    """expect() claims the first matching frame; frames it skipped stay pending, in order."""
    s = open_session(paradex.url)
    s.send(subscribe(CHANNEL, 1))
    s.send(subscribe("trades.ETH-USD-PERP", 2))
    s.barrier()
    second = s.expect(reply_to(2), "reply to id 2")
    assert second.obj["result"] == {"channel": "trades.ETH-USD-PERP"}
    pending = s.pending()
    assert [f.obj.get("id") for f in pending] == [1]
    assert s.expect(reply_to(1), "reply to id 1") is pending[0]
    assert s.pending() == []


@pytest.mark.timed
def test_expect_timeout_names_what_was_awaited(
    paradex: MockServer, open_session: Callable[..., ProbeSession]
) -> None:
    """expect() on nothing raises ExpectTimeout naming the awaited thing, within the timeout."""
    s = open_session(paradex.url)
    start = time.monotonic()
    with pytest.raises(ExpectTimeout) as caught:
        s.expect(lambda f: False, "a frame that never comes", timeout=0.2)
    elapsed = time.monotonic() - start
    assert "a frame that never comes" in str(caught.value)
    assert "0.2 s" in str(caught.value)
    assert 0.15 <= elapsed < 0.2 + 0.5
    assert isinstance(caught.value, TimeoutError)


def test_peer_close_raises_peer_closed_with_code(open_session: Callable[..., ProbeSession]) -> None:
    """A peer that closes the socket makes expect() raise PeerClosed naming the close code."""
    server = MockServer(
        ParadexMock, MockContext(defect="close-on-non-json"), pump_interval=NO_AUTO_PUMP
    ).start()
    try:
        s = open_session(server.url)
        s.send("not json")
        with pytest.raises(PeerClosed) as caught:
            s.expect(lambda f: True, "a parse-error reply", timeout=2.0)
        assert "code=1008" in str(caught.value)
        assert "a parse-error reply" in str(caught.value)
        assert s.closed
        assert s.close_code == 1008
        with pytest.raises(PeerClosed):
            s.send({"jsonrpc": "2.0", "id": 1, "method": "auth", "params": {}})
    finally:
        server.stop()


@pytest.mark.timed
def test_unreachable_target_fails_fast_with_url() -> None:
    """Connecting where nothing listens raises TargetUnreachable quickly, naming the URL."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"ws://127.0.0.1:{port}/v1"
    transcript = Transcript(Redactor())
    start = time.monotonic()
    with pytest.raises(TargetUnreachable) as caught:
        ProbeSession(url, transcript, op_timeout=3.0).connect()
    assert time.monotonic() - start < 1.0
    assert url in str(caught.value)
    assert "unreachable" in transcript.render()


def test_barrier_after_pump_makes_pumped_frame_pending(
    paradex: MockServer, open_session: Callable[..., ProbeSession]
) -> None:
    """pump_now() then barrier(): the frame the mock pushed is pending when barrier returns."""
    s = open_session(paradex.url)
    s.request(subscribe(CHANNEL, 7), reply_to(7), "subscribe reply")
    s.barrier()
    assert s.pending(is_data) == []
    paradex.pump_now()
    latency = s.barrier()
    assert latency >= 0
    data = s.pending(is_data)
    assert len(data) == 1
    assert data[0].obj["params"]["channel"] == CHANNEL


def test_transcript_records_handshake_and_both_directions(
    paradex: MockServer, open_session: Callable[..., ProbeSession]
) -> None:
    """The transcript holds connect, handshake, sent (→) and received (←) entries of c1."""
    transcript = Transcript(Redactor())
    s = open_session(paradex.url, transcript)
    s.request(subscribe(CHANNEL, 3), reply_to(3), "subscribe reply")
    kinds = [(e.conn, e.kind) for e in transcript.entries]
    assert kinds[:5] == [
        ("c1", "connect"),
        ("c1", "request"),
        ("c1", "handshake"),
        ("c1", "→"),
        ("c1", "←"),
    ]
    rendered = transcript.render()
    assert "c1 handshake HTTP 101" in rendered
    sent = json.dumps(subscribe(CHANNEL, 3), separators=(",", ":"))
    assert f"c1 → {sent}" in rendered
    assert "c1 ← " in rendered and '"id": 3' in rendered


def test_second_session_on_a_transcript_is_c2(
    paradex: MockServer, open_session: Callable[..., ProbeSession]
) -> None:
    """Two sessions sharing a transcript are labelled c1 and c2."""
    transcript = Transcript(Redactor())
    first = open_session(paradex.url, transcript)
    second = open_session(paradex.url, transcript)
    assert (first.conn, second.conn) == ("c1", "c2")


def test_binary_and_non_json_frames(open_session: Callable[..., ProbeSession]) -> None:
    """Binary and non-JSON text frames have is_json False and .obj == {}; .json raises."""
    server = MockServer(EchoMock, MockContext(), pump_interval=NO_AUTO_PUMP).start()
    try:
        transcript = Transcript(Redactor())
        s = open_session(server.url, transcript)
        s.send(b"\x00\x01\xff")
        binary = s.expect(lambda f: isinstance(f.data, bytes), "binary echo")
        s.send("not json")
        text = s.expect(lambda f: f.data == "not json", "text echo")
        s.send([1, 2])
        array = s.expect(lambda f: f.data == "[1,2]", "array echo")
        s.close()  # before stop(): the server would otherwise wait for a closing handshake
    finally:
        server.stop()
    for frame in (binary, text):
        assert frame.is_json is False
        assert frame.obj == {}
        with pytest.raises(ValueError):
            _ = frame.json
    assert array.is_json is True
    assert array.json == [1, 2]
    assert array.obj == {}  # JSON, but not an object
    assert "<binary 3 bytes> 0001ff" in transcript.render()


def test_parse_of_frames() -> None:
    """Frame parsing: JSON text parses, bytes never do (even if they hold JSON)."""
    assert Frame(0, 0.0, '{"a": 1}', _parse('{"a": 1}')).obj == {"a": 1}
    assert Frame(0, 0.0, b'{"a": 1}', _parse(b'{"a": 1}')).is_json is False
    assert Frame(0, 0.0, "{", _parse("{")).is_json is False


def test_client_close_is_recorded(
    paradex: MockServer, open_session: Callable[..., ProbeSession]
) -> None:
    """After close(), the transcript records the close and close_code is 1000."""
    transcript = Transcript(Redactor())
    s = open_session(paradex.url, transcript)
    s.close()
    assert s.closed
    assert [e.kind for e in transcript.entries][-1] == "close"
    assert s.close_code == 1000
