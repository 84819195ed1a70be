"""The one app factory: ``create_app(store, settings=...)`` wires routes to a store chosen by
the caller; every limit comes from :class:`~govgraph.api.settings.Settings`."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from anyio import CapacityLimiter
from cross_web import HTTPException
from starlette.applications import Starlette
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.schema import BaseSchema

from govgraph.api.artefacts import (
    diff_map_endpoint,
    diff_report_endpoint,
    maps_endpoint,
    overlaps_endpoint,
    recommendation_endpoint,
)
from govgraph.api.compare_page import compare_endpoint
from govgraph.api.context import Context
from govgraph.api.costly import Costly
from govgraph.api.front_door import (
    home_endpoint,
    maps_index_endpoint,
    organisations_endpoint,
)
from govgraph.api.linked_data import entity_endpoint, ontology_endpoint
from govgraph.api.middleware import BodyLimit, SecurityHeaders
from govgraph.api.pages import error_page
from govgraph.api.reporting_page import reporting_endpoint
from govgraph.api.schema import build_schema
from govgraph.api.search_page import search_endpoint
from govgraph.api.serving import ArtefactCache, PinVersion, StoreUnavailable
from govgraph.api.settings import Settings
from govgraph.api.sparql import sparql_endpoint
from govgraph.graph.front import FrontCache
from govgraph.graph.overlaps import FindingsCache
from govgraph.graph.store import Store, open_store

STATIC = resources.files("govgraph.api").joinpath("static")
TEMPLATES = resources.files("govgraph.api").joinpath("templates")


class GovgraphGraphQL(GraphQL[Context, None]):
    """Strawberry over ASGI, with a per-request context and an offline GraphiQL page.
    Batching stays off (strawberry's default): one operation per request."""

    def __init__(
        self,
        store: Store,
        limiter: CapacityLimiter,
        schema: BaseSchema,
        *,
        graphiql: bool,
        findings: FindingsCache,
        costly: Costly,
    ) -> None:
        super().__init__(
            schema, graphql_ide="graphiql" if graphiql else None, allow_queries_via_get=False
        )
        self.store = store
        self.limiter = limiter
        self.findings = findings
        self.costly = costly
        self._ide = TEMPLATES.joinpath("graphiql.html").read_text("utf-8")

    async def get_context(self, request: Request | WebSocket, response: Any) -> Context:
        return Context(
            store=self.store,
            limiter=self.limiter,
            findings=self.findings,
            costly=self.costly,
        )

    async def render_graphql_ide(self, request: Request) -> Response:
        return HTMLResponse(self._ide)

    def decode_json(self, data: str | bytes) -> object:
        """A body of ``[[[[...`` thousands deep would otherwise escape as a 500."""
        try:
            return json.loads(data)
        except RecursionError:
            raise HTTPException(400, "Request JSON is nested too deeply") from None


def create_app(
    store: Store | None = None, *, settings: Settings | None = None, threads: int | None = None
) -> Starlette:
    settings = settings or Settings.from_env()
    settings.check()
    store = store if store is not None else open_store()
    schema = build_schema(settings)
    limiter = CapacityLimiter(threads or settings.threads)
    findings = FindingsCache()
    costly = Costly.from_settings(settings)
    graphql = GovgraphGraphQL(
        store,
        limiter,
        schema,
        graphiql=settings.graphiql,
        findings=findings,
        costly=costly,
    )
    sparql = sparql_endpoint(store, costly)

    async def not_found(request: Request, exc: Exception) -> Response:
        """Unknown paths: a page in the layout for a browser, plain text or JSON else."""
        if isinstance(exc, StarletteHTTPException) and exc.status_code != 404:
            return error_page(request, exc.status_code, str(exc.detail), exc.headers)
        return error_page(request, 404, f"Nothing is published at {request.url.path}.")

    routes: list[BaseRoute] = [
        Route("/", home_endpoint(store, findings), methods=["GET", "HEAD"]),
        Route("/organisations", organisations_endpoint(), methods=["GET", "HEAD"]),
        Route("/search", search_endpoint(), methods=["GET", "HEAD"]),
        Route("/compare", compare_endpoint(), methods=["GET", "HEAD"]),
        Route("/maps", maps_index_endpoint(), methods=["GET", "HEAD"]),
        Route("/graphql", graphql, methods=["GET", "POST"]),
        Route("/sparql", sparql, methods=["GET", "POST"]),
        Route("/id/{slug:path}", entity_endpoint(store, findings), methods=["GET", "HEAD"]),
        Route("/ontology", ontology_endpoint, methods=["GET", "HEAD"]),
        Route("/maps/diff", diff_map_endpoint(store, costly), methods=["GET"]),
        Route("/maps/{kind}", maps_endpoint(store), methods=["GET"]),
        Route("/reports/overlaps", overlaps_endpoint(store, findings, costly), methods=["GET"]),
        Route("/reports/diff", diff_report_endpoint(store, costly), methods=["GET"]),
        Route(
            "/reports/reporting-lines", reporting_endpoint(store, findings), methods=["GET", "HEAD"]
        ),
        Route(
            "/reports/recommendations/{finding}",
            recommendation_endpoint(store, findings, costly),
            methods=["GET"],
        ),
        Mount("/static", StaticFiles(directory=str(STATIC)), name="static"),
    ]
    middleware = [
        Middleware(SecurityHeaders),
        Middleware(BodyLimit, max_bytes=settings.max_body_bytes),
    ]
    if settings.cors_origins:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=list(settings.cors_origins),
                allow_methods=["GET", "POST"],
                allow_headers=["Content-Type", "Accept"],
                allow_credentials=False,
            )
        )
    middleware += [
        Middleware(PinVersion, store=store),
        Middleware(StoreUnavailable),
        Middleware(ArtefactCache, store=store),
    ]
    app = Starlette(routes=routes, middleware=middleware, exception_handlers={404: not_found})
    app.state.store = store
    app.state.settings = settings
    app.state.schema = schema
    app.state.findings = findings
    app.state.front = FrontCache()
    app.state.costly = costly
    return app
