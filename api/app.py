"""The one app factory: ``create_app(store, settings=...)`` wires routes to a store chosen by
the caller; every limit comes from :class:`~govgraph.api.settings.Settings`."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from anyio import CapacityLimiter
from cross_web import HTTPException
from graphql import GraphQLError, OperationDefinitionNode, parse
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
from strawberry.types import ExecutionResult

from govgraph.api import persisted
from govgraph.api.artefacts import (
    diff_map_endpoint,
    diff_report_endpoint,
    maps_endpoint,
    overlaps_endpoint,
    recommendation_endpoint,
)
from govgraph.api.compare_page import compare_endpoint
from govgraph.api.context import Context
from govgraph.api.costly import Costly, error_response
from govgraph.api.front_door import (
    home_endpoint,
    maps_index_endpoint,
    organisations_endpoint,
)
from govgraph.api.linked_data import entity_endpoint, ontology_endpoint, resource_endpoint
from govgraph.api.middleware import BodyLimit, SecurityHeaders
from govgraph.api.negotiation import Kind, best
from govgraph.api.pages import error_page
from govgraph.api.reporting_page import reporting_endpoint
from govgraph.api.route_map_pages import route_map_endpoint, route_maps_endpoint
from govgraph.api.schema import build_schema
from govgraph.api.search_page import search_endpoint
from govgraph.api.serving import (
    ArtefactCache,
    Conditional,
    PinVersion,
    StoreUnavailable,
    WarmLines,
)
from govgraph.api.settings import Settings
from govgraph.api.sparql import sparql_endpoint
from govgraph.graph.analysis.front import FrontCache
from govgraph.graph.analysis.overlaps import FindingsCache
from govgraph.graph.core.config import Config, current
from govgraph.graph.core.errors import GovgraphError, NotAcceptable
from govgraph.graph.facts.map_queries import map_tables
from govgraph.graph.facts.organisations import table_for as orgs_table_for
from govgraph.graph.facts.route_maps import RouteMapsCache
from govgraph.graph.facts.search import index_for
from govgraph.graph.storage.store import Store, open_store

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
        max_tokens: int,
        route_maps: RouteMapsCache | None = None,
    ) -> None:
        super().__init__(
            schema, graphql_ide="graphiql" if graphiql else None, allow_queries_via_get=False
        )
        self.store = store
        self.limiter = limiter
        self.findings = findings
        self.costly = costly
        self.max_tokens = max_tokens
        self.route_maps = route_maps or RouteMapsCache()
        self._ide = TEMPLATES.joinpath("graphiql.html").read_text("utf-8")

    async def get_context(self, request: Request | WebSocket, response: Any) -> Context:
        return Context(
            store=self.store,
            limiter=self.limiter,
            findings=self.findings,
            costly=self.costly,
            route_maps=self.route_maps,
        )

    async def render_graphql_ide(self, request: Request) -> Response:
        return HTMLResponse(self._ide)

    # --- GraphQL over HTTP (https://graphql.github.io/graphql-over-http/draft/) ----------
    async def get_sub_response(self, request: Request | WebSocket) -> Response:
        sub = await super().get_sub_response(request)
        request.state.sub_response = sub  # process_result sets the status and type on it
        return sub

    async def parse_http_body(self, request: Any) -> Any:
        """GET runs nothing here (no queries over GET, so no CSRF by link): a 405 naming
        POST, as the spec requires for a mutation over GET."""
        if request.method == "GET":
            raise HTTPException(405, "send GraphQL operations with POST (GET runs none here)")
        return await super().parse_http_body(request)

    async def execute_operation(self, *args: Any, **kwargs: Any) -> Any:
        """A request error (§ "Request Errors") before anything runs: several operations
        with no operationName, or an operationName the document does not define."""
        data = kwargs.get("request_data")
        if data is not None and not isinstance(data, list):
            problem = operation_problem(data.query, data.operation_name, self.max_tokens)
            if problem is not None:
                return ExecutionResult(data=None, errors=[GraphQLError(problem)])
        return await super().execute_operation(*args, **kwargs)

    async def process_result(self, request: Request, result: ExecutionResult) -> Any:
        """``application/graphql-response+json`` when Accept prefers it: then a request
        error (a parse, validation or variable error, nothing executed) is a 400 without
        ``data``. ``application/json`` keeps 200 for every well-formed request."""
        out = await super().process_result(request, result)
        media = graphql_media(request.headers.get("accept"))
        sub = request.state.sub_response
        sub.govgraph_media = media
        if _request_error(result):  # GraphQL spec: no data entry when nothing executed
            out.pop("data", None)
            if media == GRAPHQL_RESPONSE:
                sub.status_code = 400
        return out

    def create_response(self, response_data: Any, sub_response: Response) -> Response:
        response = super().create_response(response_data, sub_response)
        media = getattr(sub_response, "govgraph_media", None)
        if media is not None:
            response.headers["content-type"] = f"{media}; charset=utf-8"
        return response

    def decode_json(self, data: str | bytes) -> object:
        """A body of ``[[[[...`` thousands deep would otherwise escape as a 500."""
        try:
            body = json.loads(data)
        except RecursionError:
            raise HTTPException(400, "Request JSON is nested too deeply") from None
        return persisted.resolve(body)


GRAPHQL_RESPONSE = "application/graphql-response+json"
GRAPHQL = Kind(("application/json", GRAPHQL_RESPONSE))
"""application/json first: the spec's legacy default for a client naming neither first."""


def graphql_media(accept: str | None) -> str:
    """The GraphQL response's media type; a 406 when Accept admits neither."""
    try:
        return best(accept, GRAPHQL)
    except NotAcceptable as exc:
        raise HTTPException(406, str(exc)) from None


def _request_error(result: ExecutionResult) -> bool:
    """Errors raised before execution (no field was resolved: no path on any error)."""
    errors = result.errors or []
    return result.data is None and bool(errors) and all(not e.path for e in errors)


def operation_problem(query: str | None, name: str | None, max_tokens: int) -> str | None:
    """Why the operation to run cannot be chosen, or None (strawberry would run the first
    of several operations when none is named)."""
    if not query:
        return None
    try:
        document = parse(query, no_location=True, max_tokens=max_tokens)
    except GraphQLError:
        return None  # strawberry reports the syntax error itself
    names = [
        d.name.value if d.name else None
        for d in document.definitions
        if isinstance(d, OperationDefinitionNode)
    ]
    if name:
        return None if name in names else f"Unknown operation named '{name}'."
    if len(names) > 1:
        return "Must provide operation name if query contains multiple operations."
    return None


def create_app(
    store: Store | None = None,
    *,
    settings: Settings | None = None,
    threads: int | None = None,
    config: Config | None = None,
) -> Starlette:
    """The app over ``store``; its settings are ``settings``, else those of ``config`` (the
    configuration the caller read once), else the environment's now."""
    settings = settings or Settings.from_config(config or current())
    settings.check()
    store = store if store is not None else open_store()
    schema = build_schema(settings)
    limiter = CapacityLimiter(threads or settings.threads)
    findings = FindingsCache()
    costly = Costly.from_settings(settings)
    route_maps = RouteMapsCache()
    graphql = GovgraphGraphQL(
        store,
        limiter,
        schema,
        graphiql=settings.graphiql,
        findings=findings,
        costly=costly,
        max_tokens=settings.max_tokens,
        route_maps=route_maps,
    )
    sparql = sparql_endpoint(store, costly)

    async def http_error(request: Request, exc: Exception) -> Response:
        """Routing's own refusals (an unknown path, a method a route does not take): a page
        in the layout for a browser, plain text or JSON else, as every other error."""
        if isinstance(exc, StarletteHTTPException) and exc.status_code != 404:
            return error_page(request, exc.status_code, str(exc.detail), exc.headers)
        return error_page(request, 404, f"Nothing is published at {request.url.path}.")

    async def govgraph_error(request: Request, exc: Exception) -> Response:
        """Any refusal an endpoint raises rather than answers (#19 item 15): the one mapping
        from error to status lives in :func:`govgraph.api.costly.error_response`."""
        assert isinstance(exc, GovgraphError)
        return error_response(exc, {"Vary": "Accept"}, request)

    routes: list[BaseRoute] = [
        Route("/", home_endpoint(store, findings), methods=["GET", "HEAD"]),
        Route("/organisations", organisations_endpoint(), methods=["GET", "HEAD"]),
        Route("/search", search_endpoint(), methods=["GET", "HEAD"]),
        Route("/compare", compare_endpoint(), methods=["GET", "HEAD"]),
        Route("/maps", maps_index_endpoint(), methods=["GET", "HEAD"]),
        Route("/route-maps", route_maps_endpoint(store, route_maps), methods=["GET", "HEAD"]),
        Route("/route-maps/{id}", route_map_endpoint(store, route_maps), methods=["GET", "HEAD"]),
        Route("/graphql", graphql, methods=["GET", "POST"]),
        Route("/sparql", sparql, methods=["GET", "POST"]),
        Route("/id/{slug:path}", entity_endpoint(store, findings), methods=["GET", "HEAD"]),
        Route("/ontology", ontology_endpoint, methods=["GET", "HEAD"]),
        Route("/source/{name:path}", resource_endpoint(store, "source"), methods=["GET", "HEAD"]),
        Route("/graph/{name:path}", resource_endpoint(store, "graph"), methods=["GET", "HEAD"]),
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
    if settings.warm_indexes:
        # what the busiest pages read, built per data version before they are asked for
        also = (orgs_table_for, index_for, map_tables)
        middleware.append(Middleware(WarmLines, store=store, also=also))
    middleware += [
        Middleware(PinVersion, store=store),
        Middleware(StoreUnavailable),
        Middleware(Conditional, store=store),
        Middleware(ArtefactCache, store=store),
    ]
    handlers = {404: http_error, StarletteHTTPException: http_error, GovgraphError: govgraph_error}
    app = Starlette(routes=routes, middleware=middleware, exception_handlers=handlers)
    app.state.store = store
    app.state.settings = settings
    app.state.schema = schema
    app.state.findings = findings
    app.state.front = FrontCache()
    app.state.costly = costly
    return app
