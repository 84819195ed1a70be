"""Maps and reports served over HTTP: the same self-contained files the CLI writes."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response

from govgraph.graph.core.numbers import decimal_number, whole_number
from govgraph.graph.entities import check_date
from govgraph.graph.errors import GovgraphError, NotFound, QueryError
from govgraph.graph.overlaps import FindingsCache, data_version
from govgraph.graph.store import Store
from govgraph.visualisations.csp import file_policy
from govgraph.visualisations.maps import render_map
from govgraph.visualisations.reports import MEDIA_TYPES, render

FILE_CSP = file_policy() + "; frame-ancestors 'none'"
"""Maps and reports carry their scripts and styles inline (they must also work from disk):
their pages get the policy they carry (scripts allowed by hash), and may not be framed."""

Endpoint = Callable[[Request], Awaitable[Response]]


def _error(exc: Exception) -> Response:
    status = 404 if isinstance(exc, NotFound) else 400
    return PlainTextResponse(f"{exc}\n", status_code=status)


def maps_endpoint(store: Store) -> Endpoint:
    async def endpoint(request: Request) -> Response:
        params = request.query_params
        try:
            depth = whole_number(params.get("depth", "2"))
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
            min_score = decimal_number(params.get("minScore", "0"))
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


class DiffCache:
    """Date diffs (impact and difference map) for a few recent (data version, from, to):
    each needs two snapshots of the landscape and their analyses, seconds of work."""

    def __init__(self, size: int = 8) -> None:
        self.size = size
        self._lock = threading.Lock()
        self._cache: OrderedDict[tuple[int, str, str, str], tuple[Any, Any]] = OrderedDict()

    def get(self, store: Store, date_from: str, date_to: str) -> tuple[Any, Any]:
        """``(impact, difference map)`` between the two dates, map nodes linked to pages."""
        from govgraph.graph.impact import date_diff
        from govgraph.visualisations.diff_map import build_diff_map
        from govgraph.visualisations.model import entity_path

        key = (id(store), data_version(store), date_from, date_to)
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        impact, before, after = date_diff(store, date_from, date_to)
        try:
            model = build_diff_map(before, after, impact)
        finally:
            before.close()
            after.close()
        for n in model.nodes:
            n.url = entity_path(n.id)
        with self._lock:
            self._cache[key] = (impact, model)
            while len(self._cache) > self.size:
                self._cache.popitem(last=False)
        return impact, model


def _dates(request: Request) -> tuple[str, str]:
    """``from`` and ``to`` of a diff request, both required and valid dates."""
    params = request.query_params
    dates = []
    for name in ("from", "to"):
        value = params.get(name, "").strip()
        if not value:
            raise QueryError(f"'{name}' is required: a date as YYYY-MM-DD, YYYY-MM or YYYY")
        try:
            day = check_date(value)
        except QueryError as exc:
            raise QueryError(f"'{name}': {exc}") from None
        assert day is not None
        dates.append(day)
    return dates[0], dates[1]


def diff_report_endpoint(store: Store, cache: DiffCache) -> Endpoint:
    """``/reports/diff?from=&to=&format=``: the landscape at two dates, compared."""
    from govgraph.visualisations.impact_report import FORMATS
    from govgraph.visualisations.impact_report import MEDIA_TYPES as IMPACT_TYPES

    async def endpoint(request: Request) -> Response:
        fmt = request.query_params.get("format", "html")
        if fmt not in FORMATS:
            return _error(QueryError(f"format must be one of {', '.join(FORMATS)}"))
        try:
            date_from, date_to = _dates(request)
            impact, model = await run_in_threadpool(cache.get, store, date_from, date_to)
            body = await run_in_threadpool(_render_impact, impact, fmt, model)
        except GovgraphError as exc:
            return _error(exc)
        headers = {"Content-Security-Policy": FILE_CSP} if fmt == "html" else {}
        return Response(body, media_type=IMPACT_TYPES[fmt], headers=headers)

    return endpoint


def _render_impact(impact: Any, fmt: str, model: Any) -> str:
    from govgraph.visualisations.impact_report import render_impact

    return render_impact(impact, fmt, diff_map=model if fmt == "html" else None, served=True)


def diff_map_endpoint(store: Store, cache: DiffCache) -> Endpoint:
    """``/maps/diff?from=&to=``: the difference map between two dates."""
    from govgraph.visualisations.render import render_html

    async def endpoint(request: Request) -> Response:
        try:
            date_from, date_to = _dates(request)
            _, model = await run_in_threadpool(cache.get, store, date_from, date_to)
            html = await run_in_threadpool(render_html, model)
        except GovgraphError as exc:
            return _error(exc)
        return HTMLResponse(html, headers={"Content-Security-Policy": FILE_CSP})

    return endpoint
