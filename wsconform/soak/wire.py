"""One WebSocket connection of a soak user: websocket-client, which gevent's monkey-patching
(Locust's) makes cooperative, so thousands of users share a worker process. The asyncio probe
session of the suite cannot run there: gevent and an asyncio loop per user do not mix.

A reader greenlet takes every frame as it comes (websocket-client answers the server's pings
itself while reading) and wakes the user waiting for one; `expect` waits, with a time-out, for
the first frame since a mark that a predicate accepts. One user greenlet drives a wire."""

from __future__ import annotations

import contextlib
import json
import ssl
import time
from collections.abc import Callable
from typing import Any

import gevent
import websocket
from gevent.event import Event
from gevent.lock import Semaphore

Message = Any  # a decoded JSON frame, or the text of one that is not JSON
Predicate = Callable[[Message], bool]


class WireError(Exception):
    """The connection failed or closed, or what was awaited did not come in time."""


class TimedOut(WireError):
    pass


class Wire:
    def __init__(
        self,
        url: str,
        *,
        subprotocols: list[str] | None = None,
        headers: list[str] | None = None,
        ca_file: str | None = None,
        timeout: float = 10.0,
    ) -> None:
        self.timeout = timeout
        sslopt = {"ca_certs": ca_file} if ca_file else {"cert_reqs": ssl.CERT_REQUIRED}
        try:
            self.ws = websocket.create_connection(
                url,
                timeout=timeout,
                subprotocols=subprotocols,
                header=headers or [],
                sslopt=sslopt,
                enable_multithread=False,
            )
        except (OSError, websocket.WebSocketException) as exc:
            raise WireError(f"connect: {exc}") from None
        self.ws.settimeout(None)  # the reader blocks until a frame or the close
        self.frames: list[Message] = []
        self.closed: str | None = None  # why, once the connection has ended
        self._waiting: Event | None = None  # set by the reader when a frame comes or it ends
        self._sending = Semaphore()
        self._reader = gevent.spawn(self._read)

    def _read(self) -> None:
        try:
            while True:
                text = self.ws.recv()
                if text is None or text == "":
                    raise websocket.WebSocketConnectionClosedException("closed")
                try:
                    self.frames.append(json.loads(text))
                except ValueError:
                    self.frames.append(text)
                self._wake()
        except (OSError, websocket.WebSocketException) as exc:
            self.closed = str(exc) or type(exc).__name__
            self._wake()

    def _wake(self) -> None:
        if self._waiting is not None:
            self._waiting.set()

    def send(self, message: Message) -> None:
        text = message if isinstance(message, str) else json.dumps(message)
        with self._sending:
            try:
                self.ws.send(text)
            except (OSError, websocket.WebSocketException) as exc:
                raise WireError(f"send: {exc}") from None

    def mark(self) -> int:
        """Where the frames received so far end: `expect(..., since=mark)` looks after it."""
        return len(self.frames)

    def expect(
        self, match: Predicate, what: str, since: int = 0, timeout: float | None = None
    ) -> Message:
        """The first frame from `since` on that `match` accepts; TimedOut naming `what`."""
        limit = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + limit
        seen = since
        while True:
            for message in self.frames[seen:]:
                if match(message):
                    return message
            seen = len(self.frames)
            if self.closed is not None:
                raise WireError(f"{what}: the connection closed ({self.closed})")
            left = deadline - time.monotonic()
            # Greenlets switch only where they block: no frame can slip in before the wait.
            self._waiting = Event()
            if left <= 0 or not self._waiting.wait(left):
                raise TimedOut(f"{what}: nothing within {limit:g} s")

    def request(self, message: Message, match: Predicate, what: str) -> Message:
        since = self.mark()
        self.send(message)
        return self.expect(match, what, since)

    def close(self) -> None:
        self._reader.kill(block=False)
        with contextlib.suppress(OSError, websocket.WebSocketException):  # already gone
            self.ws.close(timeout=1)
