"""The ETHGas `cmd` dialect once, without I/O: its names and codes, the frames a client and a
server send, and what a received frame is.

The seed page (vendor-docs/ethgas-websocket-authentication.md, docs/facts/ethgas.md §Draft) and its
companion overview page (docs/facts/ethgas.md §Companion page): requests `{"cmd":C,"args":{...}}`
(the seed page's login puts its token in `data`), replies `{"cmd":C,...}`, errors
`{"cmd":"error","error":{"code","message"}}`, data frames keyed by their channel in `cmd`. Messages
here are parsed JSON: a frame that is not a JSON object is none of them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from wsconform.vendors.ethgas.common import CHANNELS

Message = dict[str, Any]
MessageTest = Callable[[Any], bool]

PATH = "/"  # wss://ws.ethgas.com (docs/facts/ethgas.md §Draft)

# Commands, and the events the server sends of its own accord.
LOGIN, LOGOUT = "login", "logout"
SUBSCRIBE, UNSUBSCRIBE = "subscribe", "unsubscribe"
PING, PONG = "ping", "pong"
ERROR = "error"
TOKEN_EXPIRED = "token_expired"

# A login reply's status; the seed page's token member, and the companion page's spelling.
SUCCESS, FAILURE = "success", "error"
SEED_MEMBER, COMPANION_MEMBER = "data", "args"
SUCCESS_MEMBERS = ("userId", "username", "permissions")  # the seed page's success data

# The seed page's auth error table (§ Authentication Errors), and the companion page's error
# frame codes (schemas/ethgas/error-frame.json x-documented-codes).
INVALID_TOKEN, INSUFFICIENT_PERMISSIONS, RATE_LIMITED = 401, 403, 429
LOGIN_ERROR_CODES = (INVALID_TOKEN, INSUFFICIENT_PERMISSIONS, RATE_LIMITED)
ERROR_FRAME_CODES = (1001, 1002, 1003, 1004)
INVALID_CHANNEL = 1002

INVALID_TOKEN_MESSAGE = "Invalid access token"  # the seed page's error response
EXPIRED_MESSAGE = "Access token has expired"  # the seed page's token_expired event


# -- frames -----------------------------------------------------------------------------------


def command(cmd: str, args: Message) -> Message:
    """The companion page's generic request."""
    return {"cmd": cmd, "args": args}


def login(token: Any, member: str = SEED_MEMBER) -> Message:
    return {"cmd": LOGIN, member: {"accessToken": token}}


def subscribe(channel: Any, **extra: Any) -> Message:
    return command(SUBSCRIBE, {"channel": channel, **extra})


def unsubscribe(channel: Any) -> Message:
    return command(UNSUBSCRIBE, {"channel": channel})


def bare(cmd: str) -> Message:
    """A command without arguments: ping, pong, logout."""
    return {"cmd": cmd}


def error_body(code: int, message: str) -> Message:
    return {"code": code, "message": message}


def login_success(data: Message, status: str = SUCCESS) -> Message:
    return {"cmd": LOGIN, "status": status, "data": data}


def login_error(error: Any) -> Message:
    return {"cmd": LOGIN, "status": FAILURE, "error": error}


def error_frame(error: Any) -> Message:
    return {"cmd": ERROR, "error": error}


def expiry_event(cmd: str = TOKEN_EXPIRED) -> Message:
    return {"cmd": cmd, "data": {"message": EXPIRED_MESSAGE}}


def reply(cmd: str, data: Message) -> Message:
    """The companion page's generic response (a subscribe ack, a logout's, a data frame)."""
    return {"cmd": cmd, "data": data}


# -- what a message is ---------------------------------------------------------------------------


def cmd_of(message: Any) -> Any:
    return message.get("cmd") if isinstance(message, dict) else None


def is_cmd(*names: str) -> MessageTest:
    return lambda message: cmd_of(message) in names


def is_data(channel: str) -> MessageTest:
    """A data frame of `channel`: the companion page keys them by channel in `cmd`."""
    return is_cmd(channel)


def is_any_data(message: Any) -> bool:
    return cmd_of(message) in CHANNELS


is_login_reply = is_cmd(LOGIN)
is_error_frame = is_cmd(ERROR)
is_pong = is_cmd(PONG)
is_expiry_event = is_cmd(TOKEN_EXPIRED)


def is_expiry_event_shaped(message: Any) -> bool:
    """The seed page's token_expired event in its documented shape: `{"cmd":"token_expired",
    "data":{"message":<string>}}` (schemas/ethgas/token-expired.json, without a validator)."""
    data = message.get("data") if is_expiry_event(message) else None
    return isinstance(data, dict) and isinstance(data.get("message"), str)


def status_of(reply: Message) -> Any:
    """A login reply's status, where either draft puts it (top level, or in `data`)."""
    if "status" in reply:
        return reply["status"]
    data = reply.get("data")
    return data.get("status") if isinstance(data, dict) else None


def is_login_refusal(reply: Message) -> bool:
    """The seed page's login error: `{"cmd":"login","status":"error",...}`."""
    return reply.get("cmd") == LOGIN and status_of(reply) == FAILURE


def is_refusal(reply: Message) -> bool:
    """A login error (seed page) or an error frame (companion page)."""
    return reply.get("cmd") == ERROR or status_of(reply) == FAILURE


def error_code(reply: Message) -> Any:
    error = reply.get("error")
    return error.get("code") if isinstance(error, dict) else None


def errors_in(answers: list[Message]) -> list[Message]:
    """The answers to a command that are errors: a `cmd: error` frame (companion page), or any
    frame with an `error` member."""
    return [a for a in answers if a.get("cmd") == ERROR or "error" in a]


def token_of(request: Message, missing: Any) -> Any:
    """A login's accessToken: under "data" (seed page) or "args" (companion page), or `missing`."""
    for member in (SEED_MEMBER, COMPANION_MEMBER):
        body = request.get(member)
        if isinstance(body, dict) and "accessToken" in body:
            return body["accessToken"]
    return missing
