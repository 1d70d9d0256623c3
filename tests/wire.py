"""Paradex JSON-RPC frames the suite's own tests send by hand (not through the profile client)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from wsconform.session import Frame


def subscribe(channel: str, request_id: int) -> dict[str, Any]:
    return {
        "jsonrpc": "2.0",
        "id": request_id,
        "method": "subscribe",
        "params": {"channel": channel},
    }


def reply_to(request_id: int) -> Callable[[Frame], bool]:
    return lambda f: f.obj.get("id") == request_id
