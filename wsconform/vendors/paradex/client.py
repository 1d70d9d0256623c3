"""The Paradex probe client: JSON-RPC requests over one probe session (frames: protocol.py)."""

from __future__ import annotations

import itertools
from typing import Any

from wsconform.session import ProbeSession
from wsconform.vendors.paradex import protocol


class ParadexClient:
    """Request/reply over one probe session. Replies are matched as the next JSON-RPC response,
    not by id, so that a server that mangles ids is caught by the id check, not by a timeout."""

    def __init__(self, session: ProbeSession, first_id: int = 1) -> None:
        self.session = session
        self._ids = itertools.count(first_id)

    def next_id(self) -> int:
        return next(self._ids)

    def call(
        self, method: str, params: Any = None, *, request_id: Any = None, what: str | None = None
    ) -> dict[str, Any]:
        request_id = self.next_id() if request_id is None else request_id
        message = protocol.request(method, request_id, params)
        return self.send_raw(message, what or f"reply to {method} (id={request_id!r})")

    def send_raw(self, message: Any, what: str) -> dict[str, Any]:
        """Send anything (even non-JSON text) and return the next JSON-RPC response."""
        frame = self.session.request(message, protocol.response_frame, what)
        return frame.obj

    def auth(self, bearer: Any, *, request_id: Any = None) -> dict[str, Any]:
        self.session.transcript.redactor.add(bearer)
        self.session.auth_attempt()
        return self.call(protocol.AUTH, {"bearer": bearer}, request_id=request_id)

    def subscribe(self, channel: str) -> dict[str, Any]:
        return self.call(protocol.SUBSCRIBE, {"channel": channel})

    def unsubscribe(self, channel: str) -> dict[str, Any]:
        return self.call(protocol.UNSUBSCRIBE, {"channel": channel})

    def data(self, channel: str, timeout: float | None = None) -> dict[str, Any]:
        """The next notification on `channel`."""
        return self.session.expect(
            protocol.data_frame(channel), f"data on {channel!r}", timeout
        ).obj
