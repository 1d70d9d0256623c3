"""The ZenithJson protocol once, without I/O: its constants, the frames a client or a server
builds, and the classifiers that read them (the catalogue's documents, Appendices A and D among
them; docs/facts/zenith.md).

A frame is a JSON object of Controller, Topic, Action, TransactionID, Confirm and Data, in that
member order; a missing Controller means Zenith, a missing Action means Publish
(docs/facts/zenith.md §Message container).
A channel is written `Controller/Topic`. Classifiers take the parsed frame (a dict).
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from wsconform.profiles.base import Heartbeat
from wsconform.provenance import step

Message = dict[str, Any]
MessagePredicate = Callable[[Message], bool]

SUBPROTOCOL = "ZenithJson"
HEADER_AUTH = "handshake-authorization"  # the optional feature (Profile.features) of the header
PATH = "/Zenith"
# Zenith's tokens come from its identity server's OAuth 2.0 endpoint (passport.paritech.com, the
# README's --token-url); the mock serves one at this path.
TOKEN_PATH = "/connect/token"
# EXCHANGING § Activity and Timeouts (docs/facts/zenith.md §Heartbeat): a Ping every 30 s; a
# connection the server receives no data from for one minute is closed with 1008.
HEARTBEAT = Heartbeat(ping_every=30.0, close_silent_after=60.0, close_code=1008)

DEFAULT_CONTROLLER = "Zenith"
AUTH = "Auth"  # the controller of authentication
AUTH_TOKEN, IDENTIFY, QUERY_IDENTIFY = "AuthToken", "Identify", "QueryIdentify"  # Auth topics
PROVIDER = "Bearer"  # AuthToken's only documented Provider

PUBLISH, SUB, UNSUB, ERROR = "Publish", "Sub", "Unsub", "Error"  # Actions
SUCCESS, REJECT = "Success", "Reject"  # an identity's Result
REJECTED = "Rejected"  # Motif's spelling, in no document (docs/facts/zenith.md §Reject spelling)

# Appendix D error codes the mock answers with.
AUTHORITY = "Authority"  # no right to the controller
DESERIALISE = "Data.Deserialise"  # not a frame that can be read
UNKNOWN_OPERATION = "Operation.Unknown"
UNKNOWN_CONTROLLER = "Controller"

# Appendix A: each data controller and the access right it needs; Trading and OrderPad are
# not given out "over an unsecured connection" (AUTH § Sessions;
# docs/facts/zenith.md §Access rights and scope strings).
CONTROLLER_RIGHTS = {
    "Market": "Zenith/Market",
    "News": "Zenith/News",
    "Trading": "Zenith/Trading",
    "OrderPad": "Zenith/OrderPad",
}
PUBLIC_ACCESS = ("Zenith/Market", "Zenith/News")
PRIVATE_ACCESS = ("Zenith/Trading", "Zenith/OrderPad")
TLS_ONLY_ACCESS = frozenset(PRIVATE_ACCESS)

PUBLIC_CHANNEL = "Market/Trades!BHP.ASX"  # needs Zenith/Market, which a limited token keeps
PRIVATE_CHANNEL = "Trading/Orders!DEMO1"  # needs Zenith/Trading: limited and ws:// lack it
IDENTIFY_CHANNEL = f"{AUTH}/{IDENTIFY}"  # publishes the identity at each successful auth


# -- channels and members ----------------------------------------------------------------------


def split_channel(channel: str) -> tuple[str, str]:
    """`Controller/Topic` → (Controller, Topic); a bare topic belongs to the Zenith controller."""
    controller, slash, topic = channel.partition("/")
    return (controller, topic) if slash else (DEFAULT_CONTROLLER, channel)


def channel_of(controller: str, topic: str) -> str:
    return f"{controller}/{topic}"


def controller_of(message: Message) -> Any:
    return message.get("Controller", DEFAULT_CONTROLLER)


def action_of(message: Message) -> Any:
    """The frame's Action, as sent: a missing Action means Publish."""
    return message.get("Action", PUBLISH)


def result_of(reply: Message) -> Any:
    """The Result of an identity reply (AuthToken, QueryIdentify, Identify data), or None."""
    data = reply.get("Data")
    return data.get("Result") if isinstance(data, dict) else None


def is_transaction_id(value: Any) -> bool:
    """A TransactionID is a number (JSON booleans are not)."""
    return isinstance(value, int) and not isinstance(value, bool)


# -- builders ----------------------------------------------------------------------------------


def message(
    controller: Any,
    topic: Any,
    action: str | None = None,
    tid: Any = None,
    *,
    confirm: bool = False,
    data: Any = None,
) -> Message:
    """A frame in the docs' member order; absent members are omitted, not null."""
    built: Message = {}
    if controller is not None:
        built["Controller"] = controller
    if topic is not None:
        built["Topic"] = topic
    if action is not None:
        built["Action"] = action
    if tid is not None:
        built["TransactionID"] = tid
    if confirm:
        built["Confirm"] = True
    if data is not None:
        built["Data"] = data
    return built


def auth_token(access_token: Any, tid: int | None) -> Message:
    """AuthToken (Action omitted: it defaults to Publish)."""
    data = {"Provider": PROVIDER, "AccessToken": access_token}
    return message(AUTH, AUTH_TOKEN, None, tid, data=data)


def query_identify(tid: int | None) -> Message:
    return message(AUTH, QUERY_IDENTIFY, None, tid)


def sub(channel: str, tid: int | None = None, *, confirm: bool = True) -> Message:
    """A Sub; with Confirm, as Motif always sends it, it gets a Sub reply."""
    return message(*split_channel(channel), SUB, tid, confirm=confirm)


def unsub(channel: str, tid: int | None = None, *, confirm: bool = True) -> Message:
    return message(*split_channel(channel), UNSUB, tid, confirm=confirm)


def bearer_header(token: str) -> tuple[str, str]:
    """The handshake header that authenticates a connection (an invalid token: HTTP 403)."""
    return ("Authorization", f"Bearer {token}")


def error(controller: Any, topic: Any, tid: Any, code: str) -> Message:
    """An Error; a TransactionID that is not a number is echoed all the same."""
    return message(controller, topic, ERROR, tid, data=code)


def base64_text(raw: bytes) -> str:
    """Base-64 as text: the AccessToken form the docs give."""
    return base64.b64encode(raw).decode("ascii")


@step  # a replay encodes its fresh token alike; the mock encodes with base64_text, unnoted
def base64_of(token: str) -> str:
    return base64_text(token.encode())


def basic_iso8601(timestamp: float) -> str:
    """A UTC DateTime as the docs write it: 20120630T100230Z."""
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y%m%dT%H%M%SZ")


def dotnet_timespan(seconds: float) -> str:
    """A duration under a day as .NET writes a TimeSpan, to the tick (100 ns): 00:59:59.9990000,
    the form Motif's ExpiresIn parser takes (it needs the fraction;
    docs/facts/zenith.md §AuthToken reply)."""
    ticks = round(seconds * 10_000_000)
    whole, fraction = divmod(ticks, 10_000_000)
    hours, rest = divmod(whole, 3600)
    return f"{hours:02d}:{rest // 60:02d}:{rest % 60:02d}.{fraction:07d}"


def dotted_scope(rights: Iterable[str]) -> list[str]:
    """Scope in the docs' style, Paritech.Zenith.Market, of rights written Zenith/Market."""
    return [f"Paritech.{right.replace('/', '.')}" for right in sorted(rights)]


# -- classifiers -------------------------------------------------------------------------------


def on_channel(channel: str, obj: Message) -> bool:
    controller, topic = split_channel(channel)
    return controller_of(obj) == controller and obj.get("Topic") == topic


def is_data(channel: str) -> MessagePredicate:
    """A data frame of a subscription (documented: no Action, no TransactionID; a frame that
    breaks this is still data, so that the shape check, not a timeout, reports it). On the Auth
    controller a Topic Identify frame with a TransactionID is the AuthToken reply, not data."""

    def match(obj: Message) -> bool:
        return (
            on_channel(channel, obj)
            and action_of(obj) == PUBLISH
            and "Data" in obj
            and ("TransactionID" not in obj or obj.get("Controller") != AUTH)
        )

    return match


def is_action(channel: str, name: str, *, confirm: bool | None = None) -> MessagePredicate:
    """A frame on `channel` with Action `name` (and, when given, that Confirm value)."""

    def match(obj: Message) -> bool:
        if not on_channel(channel, obj) or action_of(obj) != name:
            return False
        return confirm is None or bool(obj.get("Confirm", False)) is confirm

    return match


def is_error(channel: str) -> MessagePredicate:
    return is_action(channel, ERROR)


def is_auth_reply(obj: Message) -> bool:
    """The reply to AuthToken: Controller Auth, Topic Identify or AuthToken (both documented
    practice), carrying a TransactionID (Identify subscription data carries none)."""
    return (
        obj.get("Controller") == AUTH
        and obj.get("Topic") in (IDENTIFY, AUTH_TOKEN)
        and "TransactionID" in obj
        and action_of(obj) in (PUBLISH, ERROR)
    )


def is_query_identify_reply(obj: Message) -> bool:
    return obj.get("Controller") == AUTH and obj.get("Topic") == QUERY_IDENTIFY


def is_refusal(reply: Message) -> bool:
    """An AuthToken refused: Result Reject (or Motif's Rejected), or an Error."""
    return result_of(reply) in (REJECT, REJECTED) or action_of(reply) == ERROR
