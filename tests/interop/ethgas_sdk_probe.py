"""Interop probe: python-ethgas's WsClient (the SDK the ETHGas docs link) against an `op` endpoint.

Run it with the interop venv's python, never the suite's (python-ethgas pulls in web3):

    .venv-interop/bin/python tests/interop/ethgas_sdk_probe.py WS_URL ACCESS_TOKEN [--scenario S]

The SDK does the talking, as it does for its users (docs/facts/ethgas.md § python-ethgas). Its
WsClient connects in its constructor and, because the api_client duck type says is_logged_in(),
logs in on open. Then, scenario "session" (a token the server accepts) drives, one step each:
- every public subscribe_* method, then the same method with is_subscribe=False;
- its private channel constants (Channel.Private) and, since it has no public method for private
  channels or queries, the documented private channels and its QueryType constants sent through
  its own message builders and its own send (which adds the "id");
- its text ping (send_ping).
Scenario "relogin" subscribes, closes the connection with 1012 and waits for the SDK's own
reconnect to log in again and resubscribe. Scenario "rejection" (a token the server refuses)
reads the login reply and tries a private channel.

Each step prints one JSON line on stdout: {"step", "result", "detail"}, result "works" (the frames
it waited for came and the SDK parsed them: its on_message returned, and where the SDK has a
handler, the handler got the frame), "refused" (a documented error event answered it), or
"fails" (no such frame within --step-timeout, a close, or a wrong reply). An exception in any SDK
callback, or an error the SDK or websocket-client logs, ends the run: exit 1 with it on stderr.
Exit 0 when every step ran; 3 when python-ethgas is not importable. Tokens are never printed.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import queue
import sys
import threading
import time
from collections.abc import Callable
from typing import Any, NoReturn

Frame = dict[str, Any]


def fail(message: str, code: int = 1) -> NoReturn:
    """Exit at once: the SDK leaves non-daemon threads (its text-ping timer) behind."""
    print(f"ethgas_sdk_probe: {message}", file=sys.stderr, flush=True)
    os._exit(code)


try:
    from ethgas.websocket.ws_client import WsClient
    from ethgas.websocket.ws_constants import Channel, MarketType, QueryType
except ImportError as exc:  # the suite's venv, or an interop venv without the package
    fail(f"python-ethgas is not importable here ({exc}); use .venv-interop/bin/python", 3)

# The private channels the ETHGas docs list (python-ethgas names none of them).
DOCUMENTED_PRIVATE = (
    "accountOrderUpdate",
    "accountTransactionUpdate",
    "accountPositionUpdate",
    "preconfBundleUpdate",
)
MARKET = MarketType.INCLUSION_PRECONF
SCENARIOS = ("session", "relogin", "rejection")
CLOSE_UNEXPECTED = 1012  # any code but 1000 and 4000 makes the SDK reconnect
PUBLIC_METHODS = (
    ("subscribe_market_update", Channel.Public.PRECONF_MARKET_UPDATE),
    ("subscribe_candlestick_update", Channel.Public.CANDLESTICK_UPDATE),
    ("subscribe_recent_trades_update", Channel.Public.RECENT_TRADES_UPDATE),
    ("subscribe_orderbook", Channel.Public.ORDERBOOK_UPDATE),
    ("subscribe_ticker_update", Channel.Public.TICKER_UPDATE),
    ("subscribe_block_builder_update", Channel.Public.BLOCK_BUILDER_UPDATE),
)
# The channels the SDK hands to a handler of its own (on_message routes them by "e").
SDK_HANDLERS = {
    Channel.Public.ORDERBOOK_UPDATE: "on_orderbook_data",
    Channel.Public.PRECONF_MARKET_UPDATE: "on_market_update",
}


# What the run is doing, for the watchdog's message.
running = ["the SDK's constructor, connecting (it has no time-out of its own)"]


class StepFailed(Exception):
    """A step's frame did not come, or came wrong: the step fails, the run goes on."""


class Refused(Exception):
    """A documented error event answered the step."""


class TokenHolder:
    """The api_client duck type WsClient needs: is_logged_in() and get_access_token()."""

    def __init__(self, token: str) -> None:
        self.token = token

    def is_logged_in(self) -> bool:
        return True

    def get_access_token(self) -> str:
        return self.token


class ErrorLog(logging.Handler):
    """Errors the SDK logs (its handlers catch their own exceptions and log them) and
    websocket-client logs (it logs, then passes on, an exception from a callback)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.errors: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.errors.append(f"{record.name}: {record.getMessage()[:300]}")


class ProbeClient(WsClient):
    """WsClient, unchanged, except that each frame it has parsed is handed to the probe after,
    with what its handlers received, and anything its callbacks raise is kept."""

    received: queue.Queue[str | None]
    handled: dict[str, list[Frame]]
    raised: list[str]

    def on_message(self, ws: Any, message: str) -> None:
        try:
            super().on_message(ws, message)
        except Exception as exc:
            self.raised.append(f"on_message raised {exc!r} on {message[:200]!r}")
            raise
        finally:
            self.received.put(message)

    def on_orderbook_data(self, message: Frame) -> None:
        self.handled.setdefault(Channel.Public.ORDERBOOK_UPDATE, []).append(message)
        super().on_orderbook_data(message)

    def on_market_update(self, message: Frame) -> None:
        self.handled.setdefault(Channel.Public.PRECONF_MARKET_UPDATE, []).append(message)
        super().on_market_update(message)

    def on_error(self, ws: Any, error: Any) -> None:
        self.raised.append(f"on_error: {error!r}")
        super().on_error(ws, error)

    def on_close(self, ws: Any, close_status_code: int, message: str) -> None:
        if ws is self._WsClient__ws_session:  # type: ignore[attr-defined]  # not one it replaced
            self.received.put(None)
        super().on_close(ws, close_status_code, message)

    def send(self, message: Frame) -> None:
        """The SDK's own send: it adds the "id" and puts the frame on the wire."""
        self._WsClient__send_message(message)  # type: ignore[attr-defined]

    def subscribed_args(self) -> list[Any]:
        """The args the SDK saved from subscribe acks, to resubscribe after a reconnect."""
        return list(self._WsClient__subscribed_channels)  # type: ignore[attr-defined]


class Probe:
    def __init__(self, client: ProbeClient, errors: ErrorLog, step_timeout: float) -> None:
        self.client = client
        self.errors = errors
        self.step_timeout = step_timeout

    def check_callbacks(self) -> None:
        """An exception in an SDK callback, or an error logged, ends the run."""
        problems = self.client.raised + self.errors.errors
        if problems:
            fail("the SDK failed on what it received: " + "; ".join(problems))

    def wait(self, what: str, wanted: Callable[[Frame], bool], refusal: Any = None) -> Frame:
        """The first parsed frame `wanted` accepts within the step time-out; frames before it
        (other subscriptions' data, acks) are passed over. An error event carrying `refusal` as
        its arg raises Refused; any other error event is passed over."""
        deadline = time.monotonic() + self.step_timeout
        while True:
            self.check_callbacks()
            try:
                raw = self.client.received.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise StepFailed(f"no {what} within {self.step_timeout:g} s") from None
            self.check_callbacks()
            if raw is None:
                raise StepFailed(f"the server closed the connection while waiting for {what}")
            if raw in ("ping", "pong"):
                if raw == "pong" and wanted({"text": raw}):
                    return {"text": raw}
                continue
            frame = json.loads(raw)  # the SDK parsed it already, or we would have failed above
            if (
                frame.get("event") == "error"
                and refusal is not None
                and frame.get("arg") == refusal
            ):
                raise Refused(json.dumps(frame))
            if wanted(frame):
                return frame

    def step(self, name: str, action: Callable[[], str]) -> None:
        running[0] = f"step {name!r}"
        try:
            result, detail = "works", action()
        except Refused as refused:
            result, detail = "refused", str(refused)
        except StepFailed as failed:
            result, detail = "fails", str(failed)
        print(json.dumps({"step": name, "result": result, "detail": detail}), flush=True)

    # -- what the steps wait for -----------------------------------------------------------

    def login_ack(self) -> Frame:
        return self.wait('login ack ("event": "login")', lambda f: f.get("event") == "login")

    def data(self, channel: str, arg: Any) -> str:
        """Subscribed (ack), then data of `channel` the SDK parsed (and handled, where it can)."""
        ack = self.wait(f"{channel} ack", lambda f: f.get("event") == "subscribe", refusal=arg)
        if ack.get("arg") not in self.client.subscribed_args():
            raise StepFailed(f"the SDK did not save the ack's arg: {json.dumps(ack)}")
        frame = self.wait(f"{channel} data", lambda f: f.get("e") == channel, refusal=arg)
        handler = SDK_HANDLERS.get(channel)
        if handler is not None and frame not in self.client.handled.get(channel, []):
            raise StepFailed(f"the SDK's {handler} did not get the {channel} frame")
        via = f", handled by the SDK's {handler}" if handler else ", parsed (no SDK handler)"
        return f"ack and data {sorted(frame)}, P {sorted(frame['P'])}{via}"

    def unsubscribed(self, channel: str) -> None:
        self.wait(f"{channel} unsubscribe ack", lambda f: f.get("event") == "unsubscribe")

    # -- scenarios ---------------------------------------------------------------------------

    def session(self) -> None:
        self.step("auth", self.logged_in)
        for method, channel in PUBLIC_METHODS:
            self.step(f"public {method}", lambda m=method, c=channel: self.public(m, c))
        for constant in (Channel.Private.USER_ORDER, Channel.Private.USER_TRADE):
            self.step(f"private SDK constant {constant}", lambda c=constant: self.private(c))
        for channel in DOCUMENTED_PRIVATE:
            self.step(f"private documented {channel}", lambda c=channel: self.private(c))
        for query_type in QueryType:
            self.step(f"query SDK constant {query_type.value}", lambda q=query_type: self.query(q))
        self.step("text ping", self.ping)

    def logged_in(self) -> str:
        ack = self.login_ack()
        if ack.get("code") != 0:
            raise StepFailed(f"login refused: {json.dumps(ack)}")
        return json.dumps(ack)

    def public(self, method: str, channel: str) -> str:
        getattr(self.client, method)(MARKET)
        detail = self.data(channel, {"channel": channel, "marketType": MARKET.value})
        getattr(self.client, method)(MARKET, is_subscribe=False)
        self.unsubscribed(channel)
        return detail

    def private(self, channel: str) -> str:
        self.client.send(WsClient.create_subscription_message(channel=channel, is_subscribe=True))
        detail = self.data(channel, {"channel": channel})
        self.client.send(WsClient.create_subscription_message(channel=channel))
        self.unsubscribed(channel)
        return detail

    def query(self, query_type: QueryType) -> str:
        self.client.send(WsClient.create_query_message(query_type))
        arg = {"queryType": query_type.value}
        reply = self.wait(
            f"{query_type.value} reply", lambda f: f.get("q") == arg["queryType"], arg
        )
        return f"reply {sorted(reply)}, parsed (the SDK routes no query reply to a handler)"

    def ping(self) -> str:
        self.client.send_ping()  # the SDK's own: it waits 2 s itself, then sends the text "ping"
        self.wait('text "pong"', lambda f: f.get("text") == "pong")
        return 'text "pong", which the SDK ignores as it should'

    def relogin(self) -> None:
        self.step("auth", self.logged_in)
        self.step("public subscribe_orderbook", self.subscribed_orderbook)
        self.step("relogin on reconnect", self.reconnected)

    def subscribed_orderbook(self) -> str:
        self.client.subscribe_orderbook(MARKET)
        channel = Channel.Public.ORDERBOOK_UPDATE
        return self.data(channel, {"channel": channel, "marketType": MARKET.value})

    def reconnected(self) -> str:
        """The SDK's own path after an unexpected close: its on_close sees a code that is neither
        1000 nor 4000 and, with auto_reconnect_retries > 0, reconnects, logs in on open and
        resubscribes the acked args. The close comes from this side (1012 "service restart",
        which the server echoes), so the probe needs no hook into the server."""
        self.client._WsClient__ws_session.sock.send_close(CLOSE_UNEXPECTED)  # type: ignore[attr-defined]
        ack = self.logged_in()
        channel = Channel.Public.ORDERBOOK_UPDATE
        self.wait(f"{channel} data after the resubscribe", lambda f: f.get("e") == channel)
        return f"a new connection logged in again ({ack}) and got its resubscribed data"

    def rejection(self) -> None:
        self.step("rejected login", self.refused_login)
        arg = {"channel": DOCUMENTED_PRIVATE[0]}
        self.client.send(WsClient.create_subscription_message(arg["channel"], is_subscribe=True))
        self.step("private channel after a rejected login", lambda: self.data(arg["channel"], arg))

    def refused_login(self) -> str:
        ack = self.login_ack()
        if ack.get("code") == 0:
            raise StepFailed(f"the login was accepted: {json.dumps(ack)}")
        return f"{json.dumps(ack)} (the SDK logs it as 'logged in': it never reads the code)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url", help="the ws:// or wss:// URL of an ETHGas op endpoint")
    parser.add_argument("token", help="the access token the SDK logs in with")
    parser.add_argument("--scenario", choices=SCENARIOS, default="session")
    parser.add_argument("--step-timeout", type=float, default=10.0, help="seconds per step")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds for the whole run")
    args = parser.parse_args()

    # The SDK's constructor waits for the connection without a limit of its own.
    def timed_out() -> None:
        fail(f"the run took over {args.timeout:g} s, in {running[0]}")

    watchdog = threading.Timer(args.timeout, timed_out)
    watchdog.daemon = True
    watchdog.start()

    errors = ErrorLog()
    for name in ("ethgas-sdk", "websocket"):
        logging.getLogger(name).addHandler(errors)
    logger = logging.getLogger("ethgas-sdk")
    logger.setLevel(logging.WARNING)  # INFO would log the login frame, token and all
    ProbeClient.received, ProbeClient.handled, ProbeClient.raised = queue.Queue(), {}, []
    retries = 1 if args.scenario == "relogin" else 0  # the SDK's default, 0, never reconnects
    client = ProbeClient(args.url, retries, api_client=TokenHolder(args.token), logger=logger)
    probe = Probe(client, errors, args.step_timeout)
    probe.step("connect", lambda: "the SDK's constructor returned connected")
    getattr(probe, args.scenario)()
    probe.check_callbacks()
    client._WsClient__ws_session.close()  # type: ignore[attr-defined]
    os._exit(0)


if __name__ == "__main__":
    main()
