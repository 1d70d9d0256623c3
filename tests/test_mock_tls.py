"""Reference mocks over TLS: wss:// from a local CA, plain ws:// beside it, `mock --tls`."""

from __future__ import annotations

import re
import ssl
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from standalone import standalone_mock

from wsconform.cli import main
from wsconform.mock.server import MockContext, MockServer
from wsconform.mock.tls import MockTLS
from wsconform.redact import Redactor
from wsconform.session import ProbeSession, TargetUnreachable
from wsconform.transcript import Transcript
from wsconform.vendors.paradex.mock import ParadexMock
from wsconform.vendors.paradex.protocol import reply_to
from wsconform.vendors.paradex.protocol import subscribe_request as subscribe

NO_AUTO_PUMP = 3600.0  # no data frames unless a test asks: replies are all these tests read


@pytest.fixture(scope="module")
def tls() -> MockTLS:
    return MockTLS()


@pytest.fixture(scope="module")
def paradex(tls: MockTLS) -> Iterator[MockServer]:
    server = MockServer(
        ParadexMock,
        MockContext(),
        ssl=tls.server_context(),
        plain_port=0,
        pump_interval=NO_AUTO_PUMP,
    ).start()
    yield server
    server.stop()


@pytest.fixture
def open_session() -> Iterator[Callable[..., ProbeSession]]:
    sessions: list[ProbeSession] = []

    def open_(url: str, **kw: Any) -> ProbeSession:
        session = ProbeSession(url, Transcript(Redactor()), **kw)
        sessions.append(session)
        return session.connect()

    yield open_
    for session in sessions:
        session.close()


def secure_by_channel(server: MockServer) -> dict[str, bool]:
    """Connection.secure of each live connection, keyed by the channels it subscribed to."""

    async def collect() -> dict[str, bool]:
        return {
            channel: conn.secure
            for conn in server.app.connections
            for channel in conn.subscriptions
        }

    return server.call(collect())  # type: ignore[no-any-return]


def test_urls_once_listening(paradex: MockServer) -> None:
    """url is wss:// and plain_url ws://, both with the ports actually bound."""
    assert re.fullmatch(r"wss://127\.0\.0\.1:[1-9]\d*/v1", paradex.url)
    assert paradex.plain_url is not None
    assert re.fullmatch(r"ws://127\.0\.0\.1:[1-9]\d*/v1", paradex.plain_url)
    assert paradex.port != paradex.plain_port


def test_wss_and_plain_ws_reach_one_app_and_are_told_apart(
    paradex: MockServer, tls: MockTLS, open_session: Callable[..., ProbeSession]
) -> None:
    """A JSON-RPC round trip over each listener; the app sees secure=True only for the wss one."""
    over_tls = open_session(paradex.url, ssl=tls.client_context())
    assert paradex.plain_url is not None
    plain = open_session(paradex.plain_url)
    tls_reply = over_tls.request(subscribe("bbo.ETH-USD-PERP", 1), reply_to(1), "wss reply")
    plain_reply = plain.request(subscribe("bbo.BTC-USD-PERP", 2), reply_to(2), "ws reply")
    assert tls_reply.obj["result"] == {"channel": "bbo.ETH-USD-PERP"}
    assert plain_reply.obj["result"] == {"channel": "bbo.BTC-USD-PERP"}
    assert secure_by_channel(paradex) == {"bbo.ETH-USD-PERP": True, "bbo.BTC-USD-PERP": False}


def test_client_without_the_ca_is_refused(paradex: MockServer) -> None:
    """A verifying client that does not trust the local CA cannot connect: TargetUnreachable."""
    session = ProbeSession(paradex.url, Transcript(Redactor()), ssl=ssl.create_default_context())
    with pytest.raises(TargetUnreachable) as caught:
        session.connect()
    assert "certificate" in str(caught.value)


def test_plain_port_needs_tls() -> None:
    """A plain second listener only makes sense beside TLS; alone it is a mistake, said early."""
    with pytest.raises(ValueError, match="ssl"):
        MockServer(ParadexMock, MockContext(), plain_port=0)


def test_cli_plain_port_without_tls_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["mock", "paradex", "--plain-port", "0"])
    assert caught.value.code == 2
    assert "--plain-port needs --tls" in capsys.readouterr().err


@pytest.mark.system
def test_cli_mock_tls_prints_ready_lines_and_writes_the_ca(tmp_path: Path) -> None:
    """`wsconform mock --tls --plain-port` announces both URLs and the CA, which the mock uses."""
    ca_file = tmp_path / "ca.pem"
    args = ["--tls", "--plain-port", "0", "--ca-out", str(ca_file)]
    with standalone_mock("paradex", *args, "--key-file", str(tmp_path / "key.pem")) as mock:
        ready = mock.lines
        assert len(ready) == 6, ready
        listening = re.fullmatch(r"paradex mock listening on (wss://127\.0\.0\.1:\d+/v1)", ready[0])
        assert listening and listening.group(1) == mock.url, ready[0]
        assert re.fullmatch(r"also plain ws on ws://127\.0\.0\.1:\d+/v1", ready[1]), ready[1]
        assert re.fullmatch(r"http on https://127\.0\.0\.1:\d+ \(.*POST /control/.*\)", ready[2])
        assert ready[3] == f"CA certificate: {ca_file} (give it to the suite as --ca-file)"
        assert ready[4] == f"geo-blocked endpoint: {mock.url.removesuffix('/v1')}/geo-blocked/v1"
        assert ready[5].startswith("tokens: wsconform mint paradex <kind> --key-file ")
        # The CA written is the one the mock's certificate chains to.
        session = ProbeSession(
            mock.url, Transcript(Redactor()), ssl=ssl.create_default_context(cafile=str(ca_file))
        ).connect()
        try:
            reply = session.request(subscribe("bbo.ETH-USD-PERP", 1), reply_to(1), "reply")
            assert reply.obj["result"] == {"channel": "bbo.ETH-USD-PERP"}
        finally:
            session.close()
