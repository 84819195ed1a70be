"""The one app factory: ``create_app(store)`` wires routes to a store chosen by the caller."""

from __future__ import annotations

from importlib import resources
from typing import Any

from anyio import CapacityLimiter
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL

from govgraph.api.context import Context
from govgraph.api.schema import schema
from govgraph.graph.store import Store, open_store

STATIC = resources.files("govgraph.api").joinpath("static")
TEMPLATES = resources.files("govgraph.api").joinpath("templates")


class GovgraphGraphQL(GraphQL[Context, None]):
    """Strawberry over ASGI, with a per-request context and an offline GraphiQL page."""

    def __init__(self, store: Store, limiter: CapacityLimiter) -> None:
        super().__init__(schema, graphql_ide="graphiql", allow_queries_via_get=False)
        self.store = store
        self.limiter = limiter

    async def get_context(self, request: Request | WebSocket, response: Any) -> Context:
        return Context(store=self.store, limiter=self.limiter)

    async def render_graphql_ide(self, request: Request) -> Response:
        return HTMLResponse(TEMPLATES.joinpath("graphiql.html").read_text("utf-8"))


def create_app(store: Store | None = None, *, threads: int = 8) -> Starlette:
    store = store if store is not None else open_store()
    graphql = GovgraphGraphQL(store, CapacityLimiter(threads))

    async def index(request: Request) -> Response:
        return PlainTextResponse(
            "govgraph: the governance landscape around The Promise.\n"
            "GraphQL (and GraphiQL in a browser): /graphql\n"
        )

    app = Starlette(
        routes=[
            Route("/", index),
            Route("/graphql", graphql, methods=["GET", "POST"]),
            Mount("/static", StaticFiles(directory=str(STATIC)), name="static"),
        ],
    )
    app.state.store = store
    return app
