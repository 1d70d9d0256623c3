"""Zenith: the probe client over one probe session, and the frame predicates it waits on. The
frames themselves and what they mean are protocol.py's."""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Callable
from typing import Any

from wsconform.session import Frame, PeerClosed, ProbeSession
from wsconform.vendors.zenith import protocol
from wsconform.vendors.zenith.protocol import Message, MessagePredicate

Predicate = Callable[[Frame], bool]
Expect = Callable[[Predicate, str], Frame]  # awaits the frame a predicate finds, named by `what`


def frames(match: MessagePredicate) -> Predicate:
    """A session predicate of a protocol classifier: a frame that is not a JSON object is {}."""
    return lambda frame: match(frame.obj)


def is_data(channel: str) -> Predicate:
    return frames(protocol.is_data(channel))


def is_action(channel: str, name: str, *, confirm: bool | None = None) -> Predicate:
    return frames(protocol.is_action(channel, name, confirm=confirm))


def is_error(channel: str) -> Predicate:
    return frames(protocol.is_error(channel))


def is_sub_answer(channel: str) -> Predicate:
    """What answers a Sub with Confirm: its confirmation, or the Error refusing it."""
    confirmed, error = is_action(channel, protocol.SUB, confirm=True), is_error(channel)
    return lambda frame: confirmed(frame) or error(frame)


class ZenithClient:
    """Requests over one probe session. Replies are matched by shape, not by TransactionID, so
    that a server that mangles TransactionIDs is caught by the echo check, not by a timeout.

    `expect` awaits a frame that must have come (what the answer methods wait for): the
    session's own expect by default; the lifecycle machine gives its expect_settled, which
    waits nothing on the embedded mock."""

    def __init__(self, session: ProbeSession, expect: Expect | None = None) -> None:
        self.session = session
        self.expect: Expect = expect or session.expect
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
        return self.sub_answer(channel).obj

    def sub_answer(self, channel: str, awaited: str = "Sub confirmation or Error") -> Frame:
        """The answer to a Sub with Confirm: the confirmation or an Error, whichever comes
        (`awaited` says which is expected)."""
        return self.expect(is_sub_answer(channel), f"{awaited} for {channel!r}")

    def refused_sub_reply(self, channel: str) -> Frame:
        """The Sub reply a refused Sub with Confirm gets besides the Error (ZEN-SUB-10)."""
        return self.expect(
            is_action(channel, protocol.SUB), f"the Sub reply to the refused {channel!r}"
        )

    def unsub(self, channel: str, confirm: bool = True) -> None:
        self.send(protocol.unsub(channel, confirm=confirm))

    def unsub_reply(self, channel: str) -> Frame:
        return self.expect(is_action(channel, protocol.UNSUB), f"Unsub reply ({channel!r})")

    def ended(self, channel: str) -> tuple[Frame, Frame]:
        """A subscription the server ends: its Error and the server Unsub, in whatever order
        they came (the order is judged by checks.error_before_server_unsub)."""
        error = self.expect(is_error(channel), f"Error for {channel!r}")
        unsub = self.expect(is_action(channel, protocol.UNSUB), f"server Unsub ({channel!r})")
        return error, unsub

    def data(self, channel: str, timeout: float | None = None) -> Message:
        return self.session.expect(is_data(channel), f"data on {channel!r}", timeout).obj

    def data_frame(self, channel: str) -> Frame:
        """A data frame on `channel`, which must have come (awaited by `expect`)."""
        return self.expect(is_data(channel), f"data on {channel!r}")

    def still_open(self) -> bool:
        """Whether the connection is open once the server has answered everything sent so far
        (a close is no error here: it may be allowed)."""
        with contextlib.suppress(PeerClosed):
            self.session.barrier()
        return not self.session.closed

    def take_answered(self, match: Predicate | None = None) -> list[Frame]:
        """Once the server has answered everything sent so far (a barrier), take the pending
        frames `match` finds (all of them without)."""
        self.session.barrier()
        return self.session.drain() if match is None else self.session.take(match)

    def pending_answered(self, match: Predicate) -> list[Frame]:
        """Once the server has answered everything sent so far, the pending frames `match`
        finds, left in place."""
        self.session.barrier()
        return self.session.pending(match)
