"""The graphql-ws probe client: the messages of protocol.py over one probe session.

A server answers a ConnectionInit, a Subscribe or a misstep either with a message or by closing
the socket: `answer` returns the first message that is not a Ping or Pong, or None once the
socket is closed (its code is then `closed_with`).
"""

from __future__ import annotations

import itertools
from typing import Any

from wsconform.session import ExpectTimeout, Frame, PeerClosed, ProbeSession, TargetSilent
from wsconform.vendors.graphql_ws import protocol

KEEPALIVE = (protocol.PING, protocol.PONG)
NO_TOKEN: Any = object()  # a ConnectionInit without the agreed member (a fuzzed token may be null)


class GraphqlWsClient:
    def __init__(self, session: ProbeSession) -> None:
        self.session = session
        self._ids = itertools.count(1)

    def next_id(self) -> str:
        return str(next(self._ids))

    def send(self, message: Any) -> None:
        self.session.send(message)

    def answer(self, what: str, timeout: float | None = None) -> Frame | None:
        """The server's next message other than a Ping or Pong; None once it closed the socket.
        ExpectTimeout when neither comes within `timeout` (the op time-out)."""
        try:
            return self.session.expect(
                lambda f: protocol.type_of(f.obj) not in KEEPALIVE, what, timeout
            )
        except PeerClosed:
            if not self.session.closed or self.session.close_detail:
                raise  # failed by this client, or cut without a close frame: no answer at all
            return None

    def init(self, token: Any = NO_TOKEN) -> Frame | None:
        """Send a ConnectionInit (the agreed payload for `token`, whatever JSON value it is;
        none without one) and return the answer (None: the socket was closed)."""
        message: dict[str, Any] = {"type": protocol.CONNECTION_INIT}
        if token is not NO_TOKEN:
            self.session.transcript.redactor.add(token)
            self.session.auth_attempt()
            message["payload"] = {"Authorization": _bearer(token)}
        self.send(message)
        return self.answer("the answer to ConnectionInit")

    def subscribe(self, query: str, op_id: str | None = None) -> str:
        op_id = op_id or self.next_id()
        self.send(protocol.subscribe(op_id, query))
        return op_id

    def complete(self, op_id: str) -> None:
        """Complete `op_id`, synced: afterwards the server has read the Complete, so a message
        of the operation that arrives later was sent after it (the one sent before was in
        flight, allowed)."""
        self.sync(protocol.complete(op_id))

    def ping(self, payload: dict[str, Any] | None = None, ahead: tuple[Any, ...] = ()) -> Frame:
        """A Ping message (after the messages `ahead`, back to back), and the Pong that answers
        it."""
        pong = protocol.of_type(protocol.PONG)
        return self.session.request(protocol.ping(payload), pong, "a Pong to the Ping", ahead=ahead)

    def sync(self, *ahead: Any) -> None:
        """Send the messages `ahead` (if any); afterwards the server has read them and what was
        sent before, and what it sent since is in: a Ping's Pong (messages are handled in
        order). The Ping goes out back to back with them, so the server reads them together:
        nothing it schedules meanwhile (a subscription's next result) can pass for having been
        sent before it read them. A server that answers no Ping (GQL-HB-01's miss, judged
        there) gets a WebSocket ping instead; a socket it closes meanwhile has nothing more to
        send."""
        closed_before = self.session.closed
        if closed_before and not ahead:
            return
        try:
            self.ping(ahead=ahead)
        except PeerClosed:
            if closed_before:
                raise  # `ahead` was never sent: the socket was closed already
            return
        except TargetSilent:
            raise
        except ExpectTimeout:
            self.session.barrier()

    def of_operation(self, op_id: str, what: str, timeout: float | None = None) -> Frame | None:
        """The next Next, Error or Complete of `op_id`; None once the socket was closed."""
        try:
            return self.session.expect(protocol.of_operation(op_id), what, timeout)
        except PeerClosed:
            if self.session.close_detail:
                raise
            return None

    def closed_with(self, what: str, timeout: float | None = None) -> int | None:
        """Wait for the server to close the socket; its close code."""
        return self.session.wait_closed(what, timeout)


def _bearer(token: Any) -> Any:
    """The agreed Authorization value; a token that is no string (a fuzzed JSON value) as it is."""
    return protocol.bearer(token) if isinstance(token, str) else token
