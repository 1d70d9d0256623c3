"""ETHGas's official protocol: `op`/`args` requests, `event`/`code` acks, `e`-keyed data, the
session header `Authorization: Bearer` (docs/facts/ethgas.md §Session header, §python-ethgas)."""

from __future__ import annotations

from typing import Any

from wsconform.session import (
    ExpectTimeout,
    Frame,
    PeerClosed,
    Predicate,
    ProbeSession,
    TargetSilent,
)
from wsconform.vendors.ethgas_op import protocol
from wsconform.vendors.ethgas_op.protocol import SYNC_QUERY, Message, MessageTest


def frames(test: MessageTest) -> Predicate:
    """A protocol test of messages as a test of received frames."""
    return lambda f: f.is_json and test(f.json)


def is_event(*names: str) -> Predicate:
    return frames(protocol.is_event(*names))


def is_data(channel: str) -> Predicate:
    return frames(protocol.is_data(channel))


def is_query_reply(query_type: str) -> Predicate:
    return frames(protocol.is_query_reply(query_type))


def is_text_pong(frame: Frame) -> bool:
    return frame.data == protocol.TEXT_PONG


# Per endpoint URL: whether it answers the currentSlot sync (learned by the first sync). The docs
# show the query and its reply, not that it is answered before login: a server that is silent
# costs one op timeout per run, and syncs fall back to WebSocket pings (EthgasOpClient.sync).
SLOT_SYNC: dict[str, bool] = {}


def slot_sync_fell_back(url: str) -> bool:
    """Whether an earlier sync on `url` found its currentSlot query unanswered."""
    return SLOT_SYNC.get(url) is False


class EthgasOpClient:
    """Requests over one probe session.

    Acks of subscribe/unsubscribe, login failures and refusals are not documented, so a request
    is followed by a `currentSlot` query, the one documented request whose reply needs no auth:
    the server answers in order [INF], so once that reply is in, whatever answered the request
    has arrived. Only for answers that may not come: a documented reply (the login ack) is
    waited for itself. (The text `ping` python-ethgas sends would do as well, but the text `pong` is
    only [INF]/[CODE]: a server that skipped it would break every test, not just the heartbeat's.)
    """

    def __init__(self, session: ProbeSession) -> None:
        self.session = session

    def sync(self) -> None:
        """A currentSlot round trip: afterwards every answer to earlier requests is pending.

        On an endpoint that left the query unanswered once (SLOT_SYNC), two WebSocket pings
        instead, without waiting again. One would only say that earlier frames were *received*;
        the second leaves once the first pong is back, by when a server that handles its frames
        in order has answered. A heuristic for such servers only; a silent target still raises.
        """
        url = self.session.url
        if SLOT_SYNC.get(url, True):
            try:
                self.session.request(
                    protocol.query(SYNC_QUERY),
                    is_query_reply(SYNC_QUERY),
                    f"the reply to query {SYNC_QUERY!r} (sync)",
                )
                SLOT_SYNC[url] = True
                return
            except TargetSilent:
                raise  # not even a pong: no fallback can help
            except ExpectTimeout:
                SLOT_SYNC[url] = False  # learned: later syncs do not wait for it again
        self.session.barrier()
        self.session.barrier()

    def _login_frame(self, token: Any, request_id: int | None) -> Message:
        self.session.transcript.redactor.add(token)
        self.session.auth_attempt()
        if request_id is None:
            return protocol.login(token)
        return protocol.login(token, id=request_id)  # as python-ethgas sends every request

    def login(self, token: Any, request_id: int | None = None) -> Message:
        """`{"op":"login","args":[{"accessToken":...}]}` and its `event: login` reply (any code),
        waited for up to the op timeout: the docs promise no order among replies, so no sync."""
        request = self._login_frame(token, request_id)
        return self.session.request(
            request, is_event(protocol.LOGIN), "a reply with event 'login'"
        ).obj

    def attempt_login(self, token: Any) -> list[Message]:
        """A login whose failure is expected: every `login`/`error` event answering it, up to
        the sync. A server may close the connection instead: then what came before the close."""
        return self.op_frame(
            self._login_frame(token, None), (protocol.LOGIN, protocol.ERROR), may_close=True
        )

    def ping(self, timeout: float | None = None) -> None:
        """The text `ping` python-ethgas sends, and the text `pong` it expects [INF]."""
        self.session.request(
            protocol.TEXT_PING, is_text_pong, 'a text "pong" to a text "ping"', timeout
        )

    def op_frame(
        self, request: Any, events: tuple[str, ...], *, may_close: bool = False
    ) -> list[Message]:
        """Send a request; every event named in `events` up to the sync's reply. With
        `may_close`, a connection the server closes ends the wait instead of failing it."""
        try:
            self.session.send(request)
            self.sync()
        except PeerClosed:
            if not may_close:
                raise
        return [f.obj for f in self.session.take(is_event(*events))]

    def op(self, op: str, *args: Any, **extra: Any) -> list[Message]:
        """`{"op":op,"args":[*args], **extra}`; every event answering it (acks, errors) up to the
        sync."""
        return self.op_frame(protocol.op(op, *args, **extra), (op, protocol.ERROR))

    def subscribe(self, *args: Message, **extra: Any) -> list[Message]:
        return self.op(protocol.SUBSCRIBE, *args, **extra)

    def unsubscribe(self, *args: Message) -> list[Message]:
        return self.op(protocol.UNSUBSCRIBE, *args)

    def query(self, query_type: str) -> Message:
        """A query and its reply (`q`) or the error event that refuses it."""
        self.session.send(protocol.query(query_type))
        answered = is_query_reply(query_type)
        refused = is_event(protocol.ERROR)
        return self.session.expect(
            lambda f: answered(f) or refused(f), f"the reply to query {query_type!r}"
        ).obj

    def ask(self, *query_types: str) -> list[Message]:
        """One query frame per type, then the sync: every reply (`q` of those types) and error
        event that answered them, in order. Not for currentSlot, which the sync itself asks."""
        assert SYNC_QUERY not in query_types, "ask() cannot tell its currentSlot from the sync's"
        for query_type in query_types:
            self.session.send(protocol.query(query_type))
        self.sync()
        answered = [is_query_reply(t) for t in query_types]
        refused = is_event(protocol.ERROR)
        return [
            f.obj for f in self.session.take(lambda f: refused(f) or any(a(f) for a in answered))
        ]

    def data(self, channel: str, timeout: float | None = None) -> Message:
        return self.session.expect(is_data(channel), f"data on {channel!r}", timeout).obj
