"""Interop probe: python-ethgas's WsClient (the SDK the ETHGas docs link) against an `op` endpoint.

Run it with the interop venv's python, never the suite's (python-ethgas pulls in web3):

    .venv-interop/bin/python tests/interop/ethgas_sdk_probe.py WS_URL ACCESS_TOKEN

The SDK does the talking, as it does for its users (facts §2.3): WsClient connects in its
constructor and, because the api_client duck type says is_logged_in(), sends
`{"op":"login","args":[{"accessToken":…}],"id":1}` on open. The probe waits for the login ack
(`event == "login"`, the only thing the SDK looks at; the probe also reads its code, which the
SDK ignores), then subscribes to a private channel through the SDK's own message path (it has
no public method for private channels; its send adds the "id") and prints the first data frame
of that channel (routed by `e`, as the SDK routes) as one JSON line on stdout.

Exit 0 with the frame; 1 with a message on stderr for a refused login, an error event, a
closed connection or no frame within --timeout; 3 when python-ethgas is not importable.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import queue
import sys
import threading
from typing import Any, NoReturn

PRIVATE_CHANNEL = "accountOrderUpdate"
waiting_for = ["the connection"]  # what the probe waits for now, for the watchdog's message


def fail(message: str, code: int = 1) -> NoReturn:
    """Exit at once: the SDK leaves non-daemon threads (its text-ping timer) behind."""
    print(f"ethgas_sdk_probe: {message}", file=sys.stderr, flush=True)
    os._exit(code)


try:
    from ethgas.websocket.ws_client import WsClient
except ImportError as exc:  # the suite's venv, or an interop venv without the package
    fail(f"python-ethgas is not importable here ({exc}); use .venv-interop/bin/python", 3)


class TokenHolder:
    """The api_client duck type WsClient needs: is_logged_in() and get_access_token()."""

    def __init__(self, token: str) -> None:
        self.token = token

    def is_logged_in(self) -> bool:
        return True

    def get_access_token(self) -> str:
        return self.token


class ProbeClient(WsClient):
    """WsClient, unchanged, except that every frame it receives is also handed to the probe."""

    received: queue.Queue[str | None]

    def on_message(self, ws: Any, message: str) -> None:
        self.received.put(message)
        super().on_message(ws, message)

    def on_close(self, ws: Any, close_status_code: int, message: str) -> None:
        self.received.put(None)
        super().on_close(ws, close_status_code, message)


def next_frame(received: queue.Queue[str | None], what: str) -> dict[str, Any]:
    """The next JSON object the server sent (ping/pong text skipped, as the SDK skips them)."""
    waiting_for[0] = what
    while True:
        raw = received.get()
        if raw is None:
            fail(f"the server closed the connection while the probe waited for {what}")
        if raw in ("ping", "pong"):
            continue
        try:
            frame = json.loads(raw)
        except ValueError:
            fail(f"a non-JSON frame (the SDK would raise on it) while waiting for {what}: {raw!r}")
        if not isinstance(frame, dict):
            fail(f"a JSON frame that is not an object while waiting for {what}: {raw!r}")
        if frame.get("event") == "error":
            fail(f"error event while waiting for {what}: {raw}")
        return frame


def wait_for(received: queue.Queue[str | None], what: str, key: str, value: str) -> dict[str, Any]:
    """The first frame whose `key` is `value`; earlier frames (acks, other data) are passed over."""
    while (frame := next_frame(received, what)).get(key) != value:
        continue
    return frame


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url", help="the ws:// or wss:// URL of an ETHGas op endpoint")
    parser.add_argument("token", help="the access token the SDK logs in with")
    parser.add_argument("--channel", default=PRIVATE_CHANNEL, help="the private channel to read")
    parser.add_argument("--timeout", type=float, default=15.0, help="seconds for the whole run")
    args = parser.parse_args()

    def timed_out() -> None:
        fail(f"no {waiting_for[0]} within {args.timeout:g} s")

    watchdog = threading.Timer(args.timeout, timed_out)
    watchdog.daemon = True
    watchdog.start()

    logger = logging.getLogger("ethgas-sdk")
    logger.addHandler(logging.StreamHandler(sys.stderr))
    logger.setLevel(logging.WARNING)
    ProbeClient.received = queue.Queue()
    client = ProbeClient(args.url, api_client=TokenHolder(args.token), logger=logger)

    # The SDK recognises only "event": "login" as its ack (and never reads the code).
    ack = wait_for(client.received, 'login ack ("event": "login")', "event", "login")
    if ack.get("code") != 0:
        fail(f"login refused: {json.dumps(ack)}")
    print(f"ethgas_sdk_probe: logged in: {json.dumps(ack)}", file=sys.stderr, flush=True)

    subscribe = WsClient.create_subscription_message(channel=args.channel, is_subscribe=True)
    client._WsClient__send_message(subscribe)  # type: ignore[attr-defined]

    frame = wait_for(client.received, f"{args.channel} data", "e", args.channel)
    print(json.dumps(frame), flush=True)
    client._WsClient__ws_session.close()  # type: ignore[attr-defined]
    os._exit(0)


if __name__ == "__main__":
    main()
