"""Zenith: the probe client over one probe session, and the frame predicates it waits on. The
frames themselves and what they mean are protocol.py's."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

from wsconform.session import Frame, ProbeSession
from wsconform.vendors.zenith import protocol
from wsconform.vendors.zenith.protocol import Message, MessagePredicate

Predicate = Callable[[Frame], bool]


def frames(match: MessagePredicate) -> Predicate:
    """A session predicate of a protocol classifier: a frame that is not a JSON object is {}."""
    return lambda frame: match(frame.obj)


def is_data(channel: str) -> Predicate:
    return frames(protocol.is_data(channel))


def is_action(channel: str, name: str, *, confirm: bool | None = None) -> Predicate:
    return frames(protocol.is_action(channel, name, confirm=confirm))


def is_error(channel: str) -> Predicate:
    return frames(protocol.is_error(channel))


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

    def auth(self, access_token: Any, *, transaction_id: int | None = None) -> Message:
        """AuthToken and its reply."""
        self.session.transcript.redactor.add(access_token)
        self.session.auth_attempt()
        tid = self.next_id() if transaction_id is None else transaction_id
        request = protocol.auth_token(access_token, tid)
        reply = frames(protocol.is_auth_reply)
        return self.session.request(request, reply, f"AuthToken reply (TID {tid})").obj

    def query_identify(self) -> Message:
        tid = self.next_id()
        reply = frames(protocol.is_query_identify_reply)
        request = protocol.query_identify(tid)
        return self.session.request(request, reply, f"QueryIdentify reply (TID {tid})").obj

    def sub(self, channel: str, confirm: bool = True) -> None:
        self.send(protocol.sub(channel, confirm=confirm))

    def subscribe(self, channel: str) -> Message:
        """Sub with Confirm, and the answer: the confirmation or an Error, whichever comes."""
        self.sub(channel)
        confirmed, error = is_action(channel, protocol.SUB, confirm=True), is_error(channel)
        return self.session.expect(
            lambda f: confirmed(f) or error(f), f"Sub confirmation or Error for {channel!r}"
        ).obj

    def unsub(self, channel: str, confirm: bool = True) -> None:
        self.send(protocol.unsub(channel, confirm=confirm))

    def data(self, channel: str, timeout: float | None = None) -> Message:
        return self.session.expect(is_data(channel), f"data on {channel!r}", timeout).obj
