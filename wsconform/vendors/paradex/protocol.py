"""The Paradex WebSocket protocol, once and without I/O: JSON-RPC 2.0 frames, `auth` with a JWT
bearer (requirements.toml: documents PAGE, ERRORS, OPENRPC; docs/facts/paradex.md).

The probe client, the reference mock, the profile, the suite and the tests all build and read
frames here. Classifiers take a decoded JSON message; the `…_frame` predicates take a received
`wsconform.session.Frame` (anything with `.obj`) for the session's expect/pending.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from wsconform.profiles.base import Heartbeat

if TYPE_CHECKING:
    from wsconform.session import Frame

JSONRPC = "2.0"

# Methods a client calls, and the one the server's data notifications carry.
AUTH = "auth"
SUBSCRIBE = "subscribe"
UNSUBSCRIBE = "unsubscribe"
DATA = "subscription"

# Error codes (docs/facts/paradex.md §Error codes): JSON-RPC's own, Paradex's method error, and
# the three of auth.
PARSE_ERROR = -32700
INVALID_REQUEST = -32600
METHOD_NOT_FOUND = -32601
INVALID_PARAMS = -32602
INTERNAL_ERROR = -32603
METHOD_ERROR = 100
MALFORMED_BEARER = 40110
INVALID_BEARER = 40111
GEO_BLOCKED = 40112
GEO_BLOCKED_ENDPOINT = "geo-blocked"  # the extra endpoint (Profile.extra_endpoints) that gets it
BEARER_REFUSED = (MALFORMED_BEARER, INVALID_BEARER)  # the codes of a bearer refused as such
AUTH_ERROR_CODES = (*BEARER_REFUSED, GEO_BLOCKED)
DOCUMENTED_CODES = (
    PARSE_ERROR,
    INVALID_REQUEST,
    METHOD_NOT_FOUND,
    INVALID_PARAMS,
    INTERNAL_ERROR,
    METHOD_ERROR,
    *AUTH_ERROR_CODES,
)
# The codes a duplicate subscribe or an unknown unsubscribe may get: documented as errors, not
# enumerated (docs/facts/paradex.md §Subscriptions): the codes a server plausibly uses.
SUBSCRIPTION_ERROR_CODES = (INVALID_PARAMS, METHOD_ERROR, INVALID_REQUEST, INTERNAL_ERROR)

# Error messages in lower case, as the live server sends them (docs/facts/paradex.md
# §Error messages).
LIVE_MESSAGES = {
    PARSE_ERROR: "parse error",
    INVALID_REQUEST: "invalid request",
    METHOD_NOT_FOUND: "method not found",
    INVALID_PARAMS: "invalid method parameters",
    INTERNAL_ERROR: "internal error",
    MALFORMED_BEARER: "malformed bearer token",
    INVALID_BEARER: "invalid bearer token",
    GEO_BLOCKED: "geo ip blocked",
}

# Channels (docs/facts/paradex.md §Channels, from Paradex's asyncapi document,
# tradeparadex/paradex-docs fern/apis/prod_ws/asyncapi-2.6.0.yaml): public ones need no auth,
# private ones do. A market may be `ALL`; an order book's price tick is one of the document's
# `price_tick` values ("0_01", "10", …). block_trades is paradex-py's addition.
MARKET = r"[A-Za-z0-9_-]+"
PUBLIC_CHANNEL = re.compile(
    rf"^(bbo|trades|funding_data)\.{MARKET}$|^(markets_summary|markets)(\.{MARKET})?$"
    rf"|^order_book\.{MARKET}\.(snapshot|deltas|interactive)@15@(50|100)ms(@[0-9._]+)?$"
)
PRIVATE_CHANNEL = re.compile(
    r"^(account|balance_events|positions|tradebusts|transaction|transfers|block_trades)$"
    rf"|^(fills|orders|funding_payments)\.{MARKET}$|^rfq(\.{MARKET})?$"
)
# `{"channel": "bbo", "base_asset": "ETH"}`: every market of a base asset (§Channels).
BASE_ASSET_CHANNELS = ("bbo", "trades")
# The channels a run uses unless told others (--public-channel, --private-channel).
DEFAULT_PUBLIC_CHANNEL = "bbo.ETH-USD-PERP"
DEFAULT_PRIVATE_CHANNEL = "account"

# docs/facts/paradex.md §Heartbeat: a ping every 55 s; a pong renews the connection for 60 s.
# The close code is not documented.
HEARTBEAT = Heartbeat(ping_every=55.0, close_silent_after=60.0)
# docs/facts/paradex.md §JWT lifetime: JWTs "expire every 5 minutes".
TOKEN_LIFETIME = 300.0  # seconds
# The server's timing members on replies (docs/facts/paradex.md §Timing members).
TIMING_MEMBERS = ("usIn", "usOut", "usDiff")
# The times in channel data (asyncapi schemas), other than created_at: they differ run to run.
DATA_TIME_MEMBERS = (
    "last_updated_at",
    "updated_at",
    "last_seen_notification",
    "timestamp",
    "received_at",
    "published_at",
    "completed_at",
)


def is_public(channel: str) -> bool:
    return bool(PUBLIC_CHANNEL.match(channel))


def is_private(channel: str) -> bool:
    return bool(PRIVATE_CHANNEL.match(channel))


def channel_market(channel: str) -> str | None:
    """The market a channel names (`ALL` included), or None when it names none."""
    name, dot, rest = channel.partition(".")
    if not dot or name == "rfq":
        return None
    return rest.split(".", 1)[0]


# -- frame builders ----------------------------------------------------------------------------


def request(method: str, request_id: Any, params: Any = None) -> dict[str, Any]:
    """A request, members in the order of the docs' examples (no params member when None)."""
    message: dict[str, Any] = {"jsonrpc": JSONRPC, "method": method}
    if params is not None:
        message["params"] = params
    message["id"] = request_id
    return message


def auth_request(bearer: Any, request_id: Any) -> dict[str, Any]:
    return request(AUTH, request_id, {"bearer": bearer})


def subscribe_request(channel: Any, request_id: Any) -> dict[str, Any]:
    return request(SUBSCRIBE, request_id, {"channel": channel})


def unsubscribe_request(channel: Any, request_id: Any) -> dict[str, Any]:
    return request(UNSUBSCRIBE, request_id, {"channel": channel})


def result_reply(request_id: Any, result: Any) -> dict[str, Any]:
    return {"jsonrpc": JSONRPC, "result": result, "id": request_id}


def error_reply(
    request_id: Any, code: Any, message: str, data: str | None = None
) -> dict[str, Any]:
    error: dict[str, Any] = {"code": code, "message": message}
    if data:
        error["data"] = data
    return {"jsonrpc": JSONRPC, "error": error, "id": request_id}


def notification(channel: str, data: Any) -> dict[str, Any]:
    """Data on a subscribed channel: a JSON-RPC notification (no id)."""
    return {"jsonrpc": JSONRPC, "method": DATA, "params": {"channel": channel, "data": data}}


# -- classifiers of decoded messages -----------------------------------------------------------


def valid_id(value: Any) -> bool:
    """JSON-RPC 2.0 §4: an id is a String, a Number (finite) or Null."""
    if isinstance(value, bool | list | dict):
        return False
    return not (isinstance(value, float) and not abs(value) < float("inf"))


def is_request(message: Any) -> bool:
    """A valid JSON-RPC 2.0 request object (its params are the method's to judge)."""
    return (
        isinstance(message, dict)
        and message.get("jsonrpc") == JSONRPC
        and isinstance(message.get("method"), str)
        and valid_id(message.get("id"))
    )


def is_response(message: Any) -> bool:
    """A JSON-RPC response: a result or an error, not a notification."""
    return (
        isinstance(message, dict)
        and ("result" in message or "error" in message)
        and "method" not in message
    )


def is_error(reply: dict[str, Any]) -> bool:
    """An error response: an error and no result."""
    return "error" in reply and "result" not in reply


def is_result(reply: dict[str, Any]) -> bool:
    """A success response: a result and no error."""
    return "result" in reply and "error" not in reply


def error_code(reply: dict[str, Any]) -> Any:
    error = reply.get("error")
    return error.get("code") if isinstance(error, dict) else None


def is_data(message: Any, channel: str | None = None) -> bool:
    """A subscription notification (on `channel`, when one is given)."""
    if not isinstance(message, dict) or message.get("method") != DATA:
        return False
    params = message.get("params")
    return channel is None or (isinstance(params, dict) and params.get("channel") == channel)


# -- predicates of received frames -------------------------------------------------------------


def response_frame(frame: Frame) -> bool:
    return is_response(frame.obj)


def data_frame(channel: str) -> Callable[[Frame], bool]:
    """Data on `channel` (the profile's `data_on`)."""
    return lambda frame: is_data(frame.obj, channel)


def any_data_frame(frame: Frame) -> bool:
    return is_data(frame.obj)


def reply_to(request_id: Any) -> Callable[[Frame], bool]:
    return lambda frame: frame.obj.get("id") == request_id
