"""ETHGas's official protocol: `op`/`args` requests, `event`/`code` acks, `e`-keyed data, the
session header `Authorization: Bearer` (facts §2.1, §2.3)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from wsconform.session import ExpectTimeout, Frame, PeerClosed, ProbeSession, TargetSilent

Predicate = Callable[[Frame], bool]


def _object(frame: Frame) -> dict[str, Any] | None:
    return frame.json if frame.is_json and isinstance(frame.json, dict) else None


def is_event(*names: str) -> Predicate:
    return lambda f: (o := _object(f)) is not None and o.get("event") in names


def is_data(channel: str) -> Predicate:
    """A data frame of `channel`: `e` names the event/channel (facts §2.1)."""
    return lambda f: (o := _object(f)) is not None and o.get("e") == channel


def is_query_reply(query_type: str) -> Predicate:
    return lambda f: (o := _object(f)) is not None and o.get("q") == query_type


def is_text_pong(frame: Frame) -> bool:
    return frame.data == "pong"


PRIVATE_QUERIES = ("openOrders", "accountPositions", "preconfBundles")  # facts §2.1


def bearer(token: str) -> list[tuple[str, str]]:
    """The session header: "format: 'Bearer accessToken'" (facts §2.1)."""
    return [("Authorization", f"Bearer {token}")]


def is_login_success(reply: dict[str, Any]) -> bool:
    """The documented login success: event login, code 0 (all python-ethgas reads is the
    event: facts §2.3)."""
    code = reply.get("code")
    return reply.get("event") == "login" and code == 0 and not isinstance(code, bool)


SYNC_QUERY = "currentSlot"  # the documented query that needs no auth (facts §2.1)

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
                    {"op": "query", "args": [{"queryType": SYNC_QUERY}]},
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

    def _login_frame(self, token: Any, request_id: int | None) -> dict[str, Any]:
        self.session.transcript.redactor.add(token)
        self.session.auth_attempt()
        request: dict[str, Any] = {"op": "login", "args": [{"accessToken": token}]}
        if request_id is not None:
            request["id"] = request_id  # as python-ethgas sends every request (facts §2.3)
        return request

    def login(self, token: Any, request_id: int | None = None) -> dict[str, Any]:
        """`{"op":"login","args":[{"accessToken":...}]}` and its `event: login` reply (any code),
        waited for up to the op timeout: the docs promise no order among replies, so no sync."""
        request = self._login_frame(token, request_id)
        return self.session.request(request, is_event("login"), "a reply with event 'login'").obj

    def attempt_login(self, token: Any) -> list[dict[str, Any]]:
        """A login whose failure is expected: every `login`/`error` event answering it, up to
        the sync. A server may close the connection instead: then what came before the close."""
        return self.op_frame(self._login_frame(token, None), ("login", "error"), may_close=True)

    def ping(self, timeout: float | None = None) -> None:
        """The text `ping` python-ethgas sends, and the text `pong` it expects [INF]."""
        self.session.request("ping", is_text_pong, 'a text "pong" to a text "ping"', timeout)

    def op_frame(
        self, request: Any, events: tuple[str, ...], *, may_close: bool = False
    ) -> list[dict[str, Any]]:
        """Send a request; every event named in `events` up to the sync's reply. With
        `may_close`, a connection the server closes ends the wait instead of failing it."""
        try:
            self.session.send(request)
            self.sync()
        except PeerClosed:
            if not may_close:
                raise
        return [f.obj for f in self.session.take(is_event(*events))]

    def op(self, op: str, args: Any, **extra: Any) -> list[dict[str, Any]]:
        """`{"op":op,"args":args, **extra}`; every event answering it (acks, errors) up to the
        sync."""
        return self.op_frame({"op": op, "args": args, **extra}, (op, "error"))

    def subscribe(self, *args: dict[str, Any], **extra: Any) -> list[dict[str, Any]]:
        return self.op("subscribe", list(args), **extra)

    def unsubscribe(self, *args: dict[str, Any]) -> list[dict[str, Any]]:
        return self.op("unsubscribe", list(args))

    def query(self, query_type: str) -> dict[str, Any]:
        """A query and its reply (`q`) or the error event that refuses it."""
        self.session.send({"op": "query", "args": [{"queryType": query_type}]})
        answered = is_query_reply(query_type)
        refused = is_event("error")
        return self.session.expect(
            lambda f: answered(f) or refused(f), f"the reply to query {query_type!r}"
        ).obj

    def ask(self, *query_types: str) -> list[dict[str, Any]]:
        """One query frame per type, then the sync: every reply (`q` of those types) and error
        event that answered them, in order. Not for currentSlot, which the sync itself asks."""
        assert SYNC_QUERY not in query_types, "ask() cannot tell its currentSlot from the sync's"
        for query_type in query_types:
            self.session.send({"op": "query", "args": [{"queryType": query_type}]})
        self.sync()
        answered = [is_query_reply(t) for t in query_types]
        refused = is_event("error")
        return [
            f.obj for f in self.session.take(lambda f: refused(f) or any(a(f) for a in answered))
        ]

    def data(self, channel: str, timeout: float | None = None) -> dict[str, Any]:
        return self.session.expect(is_data(channel), f"data on {channel!r}", timeout).obj
