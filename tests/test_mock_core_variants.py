"""The core's conforming variants, which every profile's mock accepts beside its vendor's own:
`compression` (permessage-deflate), `reply-delay` (latency on everything the mock sends) and
`extra-member` (an undocumented member in every JSON object sent). The suites' runs with them
(`--mock-variant compression=deflate`, ...) are the kill matrix's; here is what each does on the
wire."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from standalone import standalone_mock
from websockets.asyncio.client import connect

from wsconform.cli import main
from wsconform.mock.defects import UnknownDefect
from wsconform.mock.server import (
    CORE_VARIANTS,
    EXTRA_MEMBER,
    REPLY_DELAYS,
    MockContext,
    MockServer,
)
from wsconform.profiles import get_profile, installed
from wsconform.vendors.paradex.mock import ParadexMock
from wsconform.vendors.zenith.mock import ZenithMock

TIMEOUT = 5.0
NO_AUTO_PUMP = 3600.0  # no data frames: only what the test asks for
CHANNEL = "bbo.ETH-USD-PERP"


@contextmanager
def paradex(**variant: str) -> Iterator[MockServer]:
    server = MockServer(ParadexMock, MockContext(variant=variant), pump_interval=NO_AUTO_PUMP)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.mark.parametrize("profile", sorted(installed()))
def test_every_profile_takes_the_core_variants_beside_its_own(profile):
    app = get_profile(profile).mock
    assert not CORE_VARIANTS.keys() & app.VARIANTS.keys()
    choices = app.variant_choices()
    assert choices == {**CORE_VARIANTS, **app.VARIANTS}
    for key, values in CORE_VARIANTS.items():
        for value in values:
            assert app(MockContext(variant={key: value})).variant(key) == value
    with pytest.raises(UnknownDefect):
        app(MockContext(variant={"reply-delay": "10s"}))


def test_every_reply_delay_is_known():
    assert set(REPLY_DELAYS) == set(CORE_VARIANTS["reply-delay"])
    assert max(REPLY_DELAYS.values()) < 0.1  # well inside the suite's default --op-timeout


@pytest.mark.parametrize(("value", "negotiated"), [("off", False), ("deflate", True)])
def test_compression_answers_a_deflate_offer(value, negotiated):
    async def extensions(url: str) -> str:
        async with connect(url, compression="deflate", open_timeout=TIMEOUT) as ws:
            assert ws.response is not None
            return ws.response.headers.get("Sec-WebSocket-Extensions", "")

    with paradex(compression=value) as server:
        offered = asyncio.run(extensions(server.url))
    assert ("permessage-deflate" in offered) is negotiated, offered


def test_reply_delay_delays_every_reply_and_keeps_the_order():
    """A reply takes at least the delay; and data the mock has sent before it answers a ping
    still arrives before the pong: latency, not reordering (the suite's barriers stay exact)."""
    subscribe = {"jsonrpc": "2.0", "id": 1, "method": "subscribe", "params": {"channel": CHANNEL}}

    async def exchange(server: MockServer) -> tuple[float, list[str]]:
        async with connect(server.url, open_timeout=TIMEOUT) as ws, asyncio.timeout(TIMEOUT):
            started = time.monotonic()
            await ws.send(json.dumps(subscribe))
            await ws.recv()  # the ack
            elapsed = time.monotonic() - started
            await asyncio.to_thread(server.pump_now)  # returns once the data frame is sent
            order: list[str] = []
            pong = await ws.ping()
            pong.add_done_callback(lambda _: order.append("pong"))
            await ws.recv()
            order.append("data")
            await pong
            return elapsed, order

    with paradex(**{"reply-delay": "25ms"}) as server:
        elapsed, order = asyncio.run(exchange(server))
    assert elapsed >= REPLY_DELAYS["25ms"], elapsed
    assert order == ["data", "pong"]


@pytest.mark.parametrize("value", ["no", "yes"])
def test_extra_member_adds_one_undocumented_member_to_every_json_object(value):
    """Replies and data frames alike (the pump sends through the same connection)."""
    subscribe = {"jsonrpc": "2.0", "id": 1, "method": "subscribe", "params": {"channel": CHANNEL}}

    async def frames(server: MockServer) -> list[dict]:
        async with connect(server.url, open_timeout=TIMEOUT) as ws, asyncio.timeout(TIMEOUT):
            await ws.send(json.dumps(subscribe))
            ack = json.loads(await ws.recv())
            await asyncio.to_thread(server.pump_now)
            return [ack, json.loads(await ws.recv())]

    with paradex(**{"extra-member": value}) as server:
        ack, data = asyncio.run(frames(server))
    name, extra = EXTRA_MEMBER
    assert ack["id"] == 1 and data["method"] == "subscription", (ack, data)
    for frame in (ack, data):
        assert (frame.get(name) == extra) is (value == "yes"), frame


@pytest.mark.system
def test_cli_mock_serves_a_chosen_variant(tmp_path):
    """`wsconform mock --variant compression=deflate`, standalone, says so and compresses."""
    args = ["--variant", "compression=deflate", "--key-file", str(tmp_path / "key.pem")]
    with standalone_mock("paradex", *args) as mock:
        assert mock.lines[0].endswith("(variants: compression=deflate)"), mock.lines[0]

        async def extensions() -> str:
            async with connect(mock.url, compression="deflate", open_timeout=TIMEOUT) as ws:
                assert ws.response is not None
                return ws.response.headers.get("Sec-WebSocket-Extensions", "")

        assert "permessage-deflate" in asyncio.run(extensions())


@pytest.mark.parametrize(
    ("variant", "says"),
    [
        ("compression", "expected KEY=VALUE"),
        ("reply-delay=9s", "reply-delay is one of 0 | 25ms"),
        ("colour=blue", "variants: compression, reply-delay, extra-member, auth-result"),
    ],
)
def test_cli_mock_refuses_an_unknown_variant(capsys, variant, says):
    with pytest.raises(SystemExit) as caught:
        raise SystemExit(main(["mock", "paradex", "--port", "0", "--variant", variant]))
    assert caught.value.code == 2
    assert says in capsys.readouterr().err


def test_cli_mock_lists_the_variants(capsys):
    assert main(["mock", "zenith", "--list-variants"]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in listed] == list(ZenithMock.variant_choices())
