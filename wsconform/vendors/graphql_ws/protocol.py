"""The GraphQL over WebSocket protocol (`graphql-transport-ws`), once and without I/O: its
messages, close codes and the authentication this profile agrees with a server (the suite's
requirements.toml: document PROTOCOL, enisdenjo/graphql-ws PROTOCOL.md).

PROTOCOL.md leaves the credentials to the parties: the client dispatches `ConnectionInit`
"optionally providing a payload as agreed with the server". This profile's agreement, which a
server is configured to (as the real servers of tests/graphql_servers are, through their own
authentication hooks): a bearer JWT as `{"Authorization": "Bearer <token>"}` in the payload, or
in the upgrade request's Authorization header when the payload carries none.

The probe client, the reference mock, the profile and the suite build and read messages here.
The `…_frame` predicates take a received `wsconform.session.Frame` (anything with `.obj`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from wsconform.session import Frame

SUBPROTOCOL = "graphql-transport-ws"
PATH = "/graphql"

# Message types (PROTOCOL § Message types).
CONNECTION_INIT = "connection_init"
CONNECTION_ACK = "connection_ack"
PING = "ping"
PONG = "pong"
SUBSCRIBE = "subscribe"
NEXT = "next"
ERROR = "error"
COMPLETE = "complete"
CLIENT_TYPES = (CONNECTION_INIT, PING, PONG, SUBSCRIBE, COMPLETE)
SERVER_TYPES = (CONNECTION_ACK, PING, PONG, NEXT, ERROR, COMPLETE)
OPERATION_TYPES = (NEXT, ERROR, COMPLETE)  # the server's messages that carry an id

# Close codes (PROTOCOL § ConnectionInit, § Subscribe, § Invalid message).
BAD_REQUEST = 4400  # "4400: <error-message>", an invalid message
UNAUTHORIZED = 4401  # a Subscribe before the ConnectionAck
FORBIDDEN = 4403  # "recommended" for a rejected connection
INIT_TIMEOUT = 4408  # no ConnectionInit within connectionInitWaitTimeout
SUBSCRIBER_EXISTS = 4409  # a Subscribe with the id of an active operation
TOO_MANY_INITS = 4429  # a second ConnectionInit
CLOSE_REASONS = {
    UNAUTHORIZED: "Unauthorized",
    FORBIDDEN: "Forbidden",
    INIT_TIMEOUT: "Connection initialisation timeout",
    TOO_MANY_INITS: "Too many initialisation requests",
}

# The reference server's connectionInitWaitTimeout default (graphql-ws `useServer`, 3 000 ms):
# the mock's, and what the suite waits for beyond its op time-out.
INIT_WAIT = 3.0

# The operations the suite runs. PROTOCOL.md fixes no schema: `{ __typename }` is answered by
# every GraphQL schema (a single result); the streaming subscription is the target's own, given
# as --private-channel (default: the `ticks` of tests/graphql_servers and the mock).
SINGLE_RESULT = "{ __typename }"
STREAMING = "subscription { ticks }"
INVALID_OPERATION = "{ thisFieldIsNotInAnySchema }"
TOKEN_LIFETIME = 300.0  # not the protocol's: the lifetime of the tokens this profile mints


def bearer(token: str) -> str:
    return f"Bearer {token}"


def connection_init(token: str | None = None, **extra: Any) -> dict[str, Any]:
    """A ConnectionInit; with a token, the agreed payload {"Authorization": "Bearer <token>"}."""
    message: dict[str, Any] = {"type": CONNECTION_INIT}
    if token is not None:
        message["payload"] = {"Authorization": bearer(token), **extra}
    return message


def carries_credential(payload: Any) -> bool:
    """Whether a ConnectionInit payload has the agreed Authorization member, whatever it holds
    (without one, the ConnectionInit is anonymous, unless the upgrade's header has one)."""
    return isinstance(payload, dict) and "Authorization" in payload


def token_of(credential: Any) -> str | None:
    """The token of an agreed `Bearer <token>` credential; None for any other value (a
    malformed credential, which is refused, not taken for an anonymous one)."""
    if not isinstance(credential, str) or not credential.startswith("Bearer "):
        return None
    return credential.removeprefix("Bearer ")


def subscribe(op_id: str, query: str) -> dict[str, Any]:
    return {"id": op_id, "type": SUBSCRIBE, "payload": {"query": query}}


def complete(op_id: str) -> dict[str, Any]:
    return {"id": op_id, "type": COMPLETE}


def ping(payload: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"type": PING, **({"payload": payload} if payload is not None else {})}


def type_of(message: Any) -> str | None:
    if isinstance(message, dict) and isinstance(message.get("type"), str):
        return str(message["type"])
    return None


def of_type(*types: str) -> Callable[[Frame], bool]:
    """Frames of these message types."""
    return lambda frame: type_of(frame.obj) in types


def of_operation(op_id: str, *types: str) -> Callable[[Frame], bool]:
    """Frames of operation `op_id` (of these types, or of any operation type)."""
    wanted = types or OPERATION_TYPES
    return lambda frame: type_of(frame.obj) in wanted and frame.obj.get("id") == op_id


def data_frame(operation: str) -> Callable[[Frame], bool]:
    """Profile.data_on: a Next message of any operation (an operation id is the client's choice,
    not the query's)."""
    return of_type(NEXT)
