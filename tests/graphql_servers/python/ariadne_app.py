"""ariadne's ASGI app with its GraphQLTransportWSHandler, served by uvicorn. Authentication only
through ariadne's documented `on_connect` hook: it raises WebSocketConnectionError to reject, and
ariadne's graphql-transport-ws handler then logs the error and closes the socket (ariadne's own
default close, no code of ours). Usage: ariadne_app.py --port P --public-key PEM
"""

from __future__ import annotations

import asyncio
from typing import Any

from ariadne import QueryType, SubscriptionType, make_executable_schema
from ariadne.asgi import GraphQL
from ariadne.asgi.handlers import GraphQLTransportWSHandler
from ariadne.exceptions import WebSocketConnectionError
from serving import (
    CONNECTION_INIT_WAIT_TIMEOUT,
    PATH,
    command_line,
    serve,
    token_of,
    verified_subject,
)
from starlette.applications import Starlette
from starlette.routing import Route, WebSocketRoute

TYPE_DEFS = """
type Query { me: String! }
type Subscription {
  ticks: Int!
  countdown(from: Int!): Int!
}
"""

query = QueryType()
subscription = SubscriptionType()


@query.field("me")
def resolve_me(_obj: Any, info: Any) -> str:
    return info.context["request"].scope["sub"]


@subscription.source("ticks")
async def ticks_source(_obj: Any, _info: Any):
    n = 0
    while True:
        yield n
        n += 1
        await asyncio.sleep(0.1)


@subscription.source("countdown")
async def countdown_source(_obj: Any, _info: Any, **kwargs: Any):
    start = kwargs["from"]
    for n in range(start, 0, -1):
        if n != start:
            await asyncio.sleep(0.1)
        yield n


@subscription.field("ticks")
@subscription.field("countdown")
def resolve_event(event: int, _info: Any, **_kwargs: Any) -> int:
    return event


def main() -> None:
    port, public_key = command_line()

    def on_connect(websocket: Any, payload: Any) -> None:
        sub = verified_subject(token_of(payload, websocket.headers), public_key)
        if sub is None:
            raise WebSocketConnectionError({"message": "Forbidden"})
        websocket.scope["sub"] = sub

    schema = make_executable_schema(TYPE_DEFS, query, subscription)
    graphql = GraphQL(
        schema,
        websocket_handler=GraphQLTransportWSHandler(
            on_connect=on_connect,
            connection_init_wait_timeout=CONNECTION_INIT_WAIT_TIMEOUT,
        ),
    )
    app = Starlette(routes=[Route(PATH, graphql), WebSocketRoute(PATH, graphql)])
    serve(app, port)


if __name__ == "__main__":
    main()
