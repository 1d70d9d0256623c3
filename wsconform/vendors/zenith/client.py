"""Zenith: Controller/Topic/Action JSON frames over the ZenithJson subprotocol, auth by the
handshake's Authorization header or the AuthToken action (vendor-docs/zenith-*, facts §1)."""

from __future__ import annotations

import base64
import itertools
from collections.abc import Callable
from typing import Any

from wsconform.provenance import step
from wsconform.session import Frame, ProbeSession

Predicate = Callable[[Frame], bool]


def split_channel(channel: str) -> tuple[str, str]:
    """`Controller/Topic` → (Controller, Topic); a bare topic belongs to the Zenith controller."""
    controller, slash, topic = channel.partition("/")
    return (controller, topic) if slash else ("Zenith", channel)


def action(obj: dict[str, Any]) -> str:
    """The frame's Action: a missing Action means Publish (facts §1.2)."""
    value = obj.get("Action", "Publish")
    return value if isinstance(value, str) else repr(value)


def _on(channel: str, obj: dict[str, Any]) -> bool:
    controller, topic = split_channel(channel)
    return obj.get("Controller", "Zenith") == controller and obj.get("Topic") == topic


def is_data(channel: str) -> Predicate:
    """A data frame of a subscription (documented: no Action, no TransactionID; a frame that
    breaks this is still data, so that the shape check, not a timeout, reports it). On the Auth
    controller a Topic Identify frame with a TransactionID is the AuthToken reply, not data."""

    def match(f: Frame) -> bool:
        obj = f.obj
        return (
            _on(channel, obj)
            and action(obj) == "Publish"
            and "Data" in obj
            and ("TransactionID" not in obj or obj.get("Controller") != "Auth")
        )

    return match


def is_action(channel: str, name: str, *, confirm: bool | None = None) -> Predicate:
    """A frame on `channel` with Action `name` (and, when given, that Confirm value)."""

    def match(f: Frame) -> bool:
        obj = f.obj
        if not _on(channel, obj) or action(obj) != name:
            return False
        return confirm is None or bool(obj.get("Confirm", False)) is confirm

    return match


def is_error(channel: str) -> Predicate:
    return is_action(channel, "Error")


def is_auth_reply(f: Frame) -> bool:
    """The reply to AuthToken: Controller Auth, Topic Identify or AuthToken (both documented
    practice), carrying a TransactionID (Identify subscription data carries none)."""
    obj = f.obj
    return (
        obj.get("Controller") == "Auth"
        and obj.get("Topic") in ("Identify", "AuthToken")
        and "TransactionID" in obj
        and action(obj) in ("Publish", "Error")
    )


def is_query_identify_reply(f: Frame) -> bool:
    obj = f.obj
    return obj.get("Controller") == "Auth" and obj.get("Topic") == "QueryIdentify"


def result_of(reply: dict[str, Any]) -> Any:
    data = reply.get("Data")
    return data.get("Result") if isinstance(data, dict) else None


@step  # the AccessToken form: a replay encodes its fresh token alike
def base64_of(token: str) -> str:
    return base64.b64encode(token.encode()).decode("ascii")


class ZenithClient:
    """Requests over one probe session. Replies are matched by shape, not by TransactionID, so
    that a server that mangles TransactionIDs is caught by the echo check, not by a timeout."""

    def __init__(self, session: ProbeSession) -> None:
        self.session = session
        self._ids = itertools.count(1)

    def next_id(self) -> int:
        return next(self._ids)

    def send(self, message: Any) -> None:
        self.session.send(message)

    def auth(self, access_token: Any, *, transaction_id: int | None = None) -> dict[str, Any]:
        """AuthToken (Action omitted: it defaults to Publish) and its reply."""
        self.session.transcript.redactor.add(access_token)
        self.session.auth_attempt()
        tid = self.next_id() if transaction_id is None else transaction_id
        request = {
            "Controller": "Auth",
            "Topic": "AuthToken",
            "TransactionID": tid,
            "Data": {"Provider": "Bearer", "AccessToken": access_token},
        }
        return self.session.request(request, is_auth_reply, f"AuthToken reply (TID {tid})").obj

    def query_identify(self) -> dict[str, Any]:
        tid = self.next_id()
        request = {"Controller": "Auth", "Topic": "QueryIdentify", "TransactionID": tid}
        return self.session.request(
            request, is_query_identify_reply, f"QueryIdentify reply (TID {tid})"
        ).obj

    def sub(self, channel: str, confirm: bool = True) -> None:
        controller, topic = split_channel(channel)
        message: dict[str, Any] = {"Controller": controller, "Topic": topic, "Action": "Sub"}
        if confirm:
            message["Confirm"] = True
        self.send(message)

    def subscribe(self, channel: str) -> dict[str, Any]:
        """Sub with Confirm, and the answer: the confirmation or an Error, whichever comes."""
        self.sub(channel)
        confirmed, error = is_action(channel, "Sub", confirm=True), is_error(channel)
        return self.session.expect(
            lambda f: confirmed(f) or error(f), f"Sub confirmation or Error for {channel!r}"
        ).obj

    def unsub(self, channel: str, confirm: bool = True) -> None:
        controller, topic = split_channel(channel)
        message: dict[str, Any] = {"Controller": controller, "Topic": topic, "Action": "Unsub"}
        if confirm:
            message["Confirm"] = True
        self.send(message)

    def data(self, channel: str, timeout: float | None = None) -> dict[str, Any]:
        return self.session.expect(is_data(channel), f"data on {channel!r}", timeout).obj
