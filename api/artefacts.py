"""Maps and reports served over HTTP: the same self-contained files the CLI writes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response

from govgraph.graph.errors import NotFound, QueryError
from govgraph.graph.overlaps import FindingsCache
from govgraph.graph.store import Store
from govgraph.visualisations.maps import render_map
from govgraph.visualisations.reports import MEDIA_TYPES, render

FILE_CSP = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
    "img-src data: blob:; font-src data:; frame-src 'self' about: data:; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'"
)
"""Maps and reports carry their scripts and styles inline (they must also work from disk),
so their pages get this policy instead of the API's 'self' one: still nothing off-page."""

Endpoint = Callable[[Request], Awaitable[Response]]


def _error(exc: Exception) -> Response:
    status = 404 if isinstance(exc, NotFound) else 400
    return PlainTextResponse(f"{exc}\n", status_code=status)


def maps_endpoint(store: Store) -> Endpoint:
    async def endpoint(request: Request) -> Response:
        params = request.query_params
        try:
            depth = int(params.get("depth", "2"))
        except ValueError:
            return _error(QueryError("depth must be a whole number"))
        try:
            html = await run_in_threadpool(
                render_map,
                store,
                request.path_params["kind"],
                focus=params.get("focus") or None,
                depth=depth,
                as_of=params.get("asOf") or None,
                served=True,
                scope=params.get("scope", "scotland"),
            )
        except (QueryError, NotFound) as exc:
            return _error(exc)
        return HTMLResponse(html, headers={"Content-Security-Policy": FILE_CSP})

    return endpoint


def overlaps_endpoint(store: Store, cache: FindingsCache) -> Endpoint:
    """Findings are computed once per data version (the cache), never per request."""

    async def endpoint(request: Request) -> Response:
        params = request.query_params
        fmt = params.get("format", "html")
        if fmt not in MEDIA_TYPES:
            return _error(QueryError(f"format must be one of {', '.join(MEDIA_TYPES)}"))
        kinds = params.getlist("kind") or None
        try:
            min_score = float(params.get("minScore", "0"))
            findings = await run_in_threadpool(
                cache.get, store, kinds=kinds, min_score=min_score, first=None
            )
            body = await run_in_threadpool(render, findings, fmt)
        except ValueError:
            return _error(QueryError("minScore must be a number"))
        except QueryError as exc:
            return _error(exc)
        headers = {"Content-Security-Policy": FILE_CSP} if fmt == "html" else {}
        return Response(body, media_type=MEDIA_TYPES[fmt], headers=headers)

    return endpoint
