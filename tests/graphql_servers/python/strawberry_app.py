"""strawberry-graphql's ASGI app (graphql-transport-ws only) served by uvicorn. Authentication
only through strawberry's documented `on_ws_connect` hook: raising ConnectionRejectionError
rejects (strawberry closes 4403 Forbidden). Usage: strawberry_app.py --port P --public-key PEM
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from typing import Annotated, Any

import strawberry
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
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types import Info


@strawberry.type
class Query:
    @strawberry.field
    def me(self, info: Info) -> str:
        return info.context["sub"]


@strawberry.type
class Subscription:
    @strawberry.subscription
    async def ticks(self) -> AsyncGenerator[int, None]:
        n = 0
        while True:
            yield n
            n += 1
            await asyncio.sleep(0.1)

    @strawberry.subscription
    async def countdown(
        self, from_: Annotated[int, strawberry.argument(name="from")]
    ) -> AsyncGenerator[int, None]:
        for n in range(from_, 0, -1):
            if n != from_:
                await asyncio.sleep(0.1)
            yield n


class AuthenticatedGraphQL(GraphQL):
    def __init__(self, public_key: Any) -> None:
        super().__init__(
            strawberry.Schema(query=Query, subscription=Subscription),
            subscription_protocols=[GRAPHQL_TRANSPORT_WS_PROTOCOL],
            connection_init_wait_timeout=CONNECTION_INIT_WAIT_TIMEOUT,
        )
        self.public_key = public_key

    async def on_ws_connect(self, context: dict[str, Any]) -> None:
        token = token_of(context["connection_params"], context["request"].headers)
        sub = verified_subject(token, self.public_key)
        if sub is None:
            raise ConnectionRejectionError()
        context["sub"] = sub


def main() -> None:
    port, public_key = command_line()
    graphql = AuthenticatedGraphQL(public_key)
    app = Starlette(routes=[Route(PATH, graphql), WebSocketRoute(PATH, graphql)])
    serve(app, port)


if __name__ == "__main__":
    main()
