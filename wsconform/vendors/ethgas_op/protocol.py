"""ETHGas's official `op`/`args` protocol once, without I/O: its names and codes, the frames a
client and a server send, and what a received frame is.

As documented (developers.ethgas.com and the docs repo's websocket/overview.mdx:
docs/facts/ethgas.md §Official protocol): requests `{"op":…,"args":[{…},…]}`; the login ack
`{"event":"login","code":0,"msg":"","connId":…}`; data
`{"e":<channel>,"E":<ms>,"s":<instrument>,"P":{…}}`; query replies `{"q":<type>,"P":…}`; the session
header `Authorization: Bearer <accessToken>`. And from python-ethgas (docs/facts/ethgas.md
§python-ethgas, the SDK the docs link): an extra "id" on every request, acks read as
`{"event":"subscribe","arg":…}`, the text "ping" answered "pong". Messages here are parsed JSON; the
text heartbeat is the only frame that is not.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Message = dict[str, Any]
MessageTest = Callable[[Any], bool]

PATH = "/ws"  # wss://mainnet.app.ethgas.com/ws

# Ops, and the events of the server's answers.
LOGIN, LOGOUT = "login", "logout"
SUBSCRIBE, UNSUBSCRIBE = "subscribe", "unsubscribe"
QUERY = "query"
ERROR = "error"

# The text heartbeat python-ethgas sends every 25 s, and the answer it expects [INF].
TEXT_PING, TEXT_PONG = "ping", "pong"

SUCCESS = 0  # the login ack's code
# The WebSocket error table; the general table ("WebSocket sessions use the same error codes as
# REST") calls 1002 "Operation Failed" (docs/facts/ethgas.md §Error codes).
AUTH_FAILED, INVALID_CHANNEL = 1001, 1002
OPERATION_FAILED = 1002
AUTH_FAILED_MSG, INVALID_CHANNEL_MSG, OPERATION_FAILED_MSG = (
    "Authentication failed",
    "Invalid channel",
    "Operation Failed",
)

SYNC_QUERY = "currentSlot"  # the public query the suite syncs on
# The queryTypes docs/websocket/overview.mdx documents (§ Public Queries, § Private Queries).
PUBLIC_QUERIES = (
    "preconfMarkets",
    "orderBooks",
    SYNC_QUERY,
    "candlesticks",
    "recentTrades",
    "inclusionPreconfTopSales",
    "currentBlockBuilder",
)
PRIVATE_QUERIES = ("openOrders", "accountPositions", "preconfBundles")


# -- frames -----------------------------------------------------------------------------------


def op(name: str, *args: Any, **extra: Any) -> Message:
    """A request; `extra` such as python-ethgas's "id"."""
    return {"op": name, "args": list(args), **extra}


def login(token: Any, **extra: Any) -> Message:
    return op(LOGIN, {"accessToken": token}, **extra)


def query(query_type: Any) -> Message:
    return op(QUERY, {"queryType": query_type})


SESSION_HEADER = "session-header"  # the optional feature (Profile.features) of the header


def bearer(token: str) -> list[tuple[str, str]]:
    """The session header: "format: 'Bearer accessToken'" (docs/facts/ethgas.md §Session header)."""
    return [("Authorization", f"Bearer {token}")]


def ack(event: str, code: int, msg: str, conn_id: str) -> Message:
    """The login ack's shape (a logout's too, [INF])."""
    return {"event": event, "code": code, "msg": msg, "connId": conn_id}


def arg_ack(event: str, arg: Any) -> Message:
    """A subscribe or unsubscribe ack, as python-ethgas reads it."""
    return {"event": event, "arg": arg}


def error_event(code: int, msg: str, **arg: Any) -> Message:
    """An error; `arg=` the request's arg it answers, where there is one."""
    return {"event": ERROR, "code": code, "msg": msg, **arg}


def query_reply(query_type: str, payload: Any) -> Message:
    return {"q": query_type, "P": payload}


# -- what a message is ---------------------------------------------------------------------------


def _get(message: Any, key: str) -> Any:
    return message.get(key) if isinstance(message, dict) else None


def is_event(*names: str) -> MessageTest:
    return lambda message: _get(message, "event") in names


def is_data(channel: str) -> MessageTest:
    """A data frame of `channel`: `e` names the event/channel."""
    return lambda message: _get(message, "e") == channel


def is_query_reply(*query_types: str) -> MessageTest:
    return lambda message: _get(message, "q") in query_types


def is_any_query_reply(message: Any) -> bool:
    return isinstance(message, dict) and "q" in message


def is_any_data(message: Any) -> bool:
    return isinstance(message, dict) and "e" in message and "P" in message


def is_login_success(reply: Message) -> bool:
    """The documented login success: event login, code 0 (all python-ethgas reads is the
    event: docs/facts/ethgas.md §python-ethgas)."""
    code = reply.get("code")
    return reply.get("event") == LOGIN and code == SUCCESS and not isinstance(code, bool)


is_private_reply = is_query_reply(*PRIVATE_QUERIES)


def is_text_pong(message: Any) -> bool:
    """The text "pong" answering python-ethgas's text "ping" [INF]: a frame that is not JSON,
    kept as its text."""
    return message == TEXT_PONG
