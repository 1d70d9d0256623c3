"""Paradex: JSON-RPC 2.0 frames, `auth` with a JWT bearer (vendor-docs/paradex-*.txt, facts §3)."""

from __future__ import annotations

import itertools
from typing import Any

from wsconform.session import Frame, ProbeSession

AUTH_ERROR_CODES = (40110, 40111, 40112)
DOCUMENTED_CODES = (-32700, -32600, -32601, -32602, -32603, 100, *AUTH_ERROR_CODES)


def is_response(frame: Frame) -> bool:
    """A JSON-RPC response: a result or an error, not a notification."""
    obj = frame.obj
    return ("result" in obj or "error" in obj) and "method" not in obj


def is_notification(channel: str):
    def match(frame: Frame) -> bool:
        obj = frame.obj
        params = obj.get("params")
        return (
            obj.get("method") == "subscription"
            and isinstance(params, dict)
            and params.get("channel") == channel
        )

    return match


def error_code(reply: dict[str, Any]) -> Any:
    error = reply.get("error")
    return error.get("code") if isinstance(error, dict) else None


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
        message: dict[str, Any] = {"jsonrpc": "2.0", "method": method, "id": request_id}
        if params is not None:
            message["params"] = params
        return self.send_raw(message, what or f"reply to {method} (id={request_id!r})")

    def send_raw(self, message: Any, what: str) -> dict[str, Any]:
        """Send anything (even non-JSON text) and return the next JSON-RPC response."""
        frame = self.session.request(message, is_response, what)
        return frame.obj

    def auth(self, bearer: Any, *, request_id: Any = None) -> dict[str, Any]:
        self.session.transcript.redactor.add(bearer)
        self.session.auth_attempt()
        return self.call("auth", {"bearer": bearer}, request_id=request_id)

    def subscribe(self, channel: str) -> dict[str, Any]:
        return self.call("subscribe", {"channel": channel})

    def unsubscribe(self, channel: str) -> dict[str, Any]:
        return self.call("unsubscribe", {"channel": channel})

    def data(self, channel: str, timeout: float | None = None) -> dict[str, Any]:
        """The next notification on `channel`."""
        return self.session.expect(is_notification(channel), f"data on {channel!r}", timeout).obj
