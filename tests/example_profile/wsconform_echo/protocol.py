"""The echo protocol once, without I/O: its frames and how to tell them apart (PROTOCOL.md)."""

from __future__ import annotations

from typing import Any

from wsconform.session import Frame

PUBLIC_CHANNEL = "ticks"
PRIVATE_CHANNEL = "orders"
INVALID_TOKEN = 401
NOT_AUTHENTICATED = 403


def auth(token: object) -> dict[str, Any]:
    return {"op": "auth", "token": token}


def subscribe(channel: str) -> dict[str, Any]:
    return {"op": "subscribe", "channel": channel}


def reply_to(op: str):
    def match(frame: Frame) -> bool:
        return frame.obj.get("op") == op

    return match


def data_on(channel: str):
    def match(frame: Frame) -> bool:
        return frame.obj.get("op") == "data" and frame.obj.get("channel") == channel

    return match
