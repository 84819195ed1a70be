"""Maps and reports served over HTTP: the same self-contained files the CLI writes."""

from __future__ import annotations

from functools import partial
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from govgraph.api.costly import Costly, error_response
from govgraph.api.pages import Endpoint
from govgraph.graph.analysis.overlaps import FindingsCache, Settings, check_kinds, filter_findings
from govgraph.graph.core.errors import GovgraphError, QueryError
from govgraph.graph.core.numbers import decimal_number, whole_number
from govgraph.graph.facts.entities import check_date
from govgraph.graph.storage.store import Store
from govgraph.visualisations.csp import file_policy
from govgraph.visualisations.maps import render_map
from govgraph.visualisations.reports import MEDIA_TYPES, render, report_policy

FILE_CSP = file_policy() + "; frame-ancestors 'none'"
REPORT_CSP = report_policy(served=True) + "; frame-ancestors 'none'"
"""The served overlap report's filter form submits to the report itself."""
"""Maps and reports carry their scripts and styles inline (they must also work from disk):
their pages get the policy they carry (scripts allowed by hash), and may not be framed."""


def maps_endpoint(store: Store) -> Endpoint:
    async def endpoint(request: Request) -> Response:
        params = request.query_params
        try:
            depth = whole_number(params.get("depth", "2"))
        except ValueError:
            return error_response(QueryError("depth must be a whole number"), request=request)
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
        except GovgraphError as exc:
            return error_response(exc, request=request)
        return HTMLResponse(html, headers={"Content-Security-Policy": FILE_CSP})

    return endpoint


def overlaps_endpoint(store: Store, cache: FindingsCache, costly: Costly) -> Endpoint:
    """Findings are computed once per data version (the cache), never per request; at a
    date (``asOf``) once per date and version, in a costly child (a snapshot is cut), the
    same findings the CLI's ``--as-of`` and GraphQL's ``asOf`` give."""
    from govgraph.api.scenario_types import findings_as_of

    async def endpoint(request: Request) -> Response:
        params = request.query_params
        fmt = params.get("format", "html")
        if fmt not in MEDIA_TYPES:
            return error_response(
                QueryError(f"format must be one of {', '.join(MEDIA_TYPES)}"), request=request
            )
        kinds = [k for k in params.getlist("kind") if k] or None  # the form's "All kinds"
        try:
            min_score = decimal_number(params.get("minScore") or "0")
        except ValueError:
            return error_response(QueryError("minScore must be a number"), request=request)
        try:
            check_kinds(kinds)
            day = check_date(params.get("asOf") or None)
            scope = Settings(scope=params.get("scope") or "scotland").scope
            if day is None and scope == cache.settings.scope:
                findings = await run_in_threadpool(
                    cache.get, store, kinds=kinds, min_score=min_score, first=None
                )
            else:
                if scope == cache.settings.scope:
                    every = await costly.cached("findings at a date", store, findings_as_of, day)
                else:
                    every = await costly.cached(
                        "findings in a scope", store, findings_in, day or "", scope
                    )
                findings = filter_findings(every, kinds=kinds, min_score=min_score)
            asked = {"kinds": kinds or [], "min_score": min_score, "scope": scope}
            body = await run_in_threadpool(
                partial(render, findings, fmt, served=True, as_of=day, filters=asked)
            )
        except GovgraphError as exc:
            return error_response(exc, request=request)
        headers = {"Content-Security-Policy": REPORT_CSP} if fmt == "html" else {}
        return Response(body, media_type=MEDIA_TYPES[fmt], headers=headers)

    return endpoint


def findings_in(store: Store, day: str, scope: str) -> list[Any]:
    """Findings with orphans looked for in ``scope``, at ``day`` ('' for the landscape as
    loaded): a snapshot cut and analysed, so costly work."""
    from govgraph.graph.analysis.overlaps import compute_findings
    from govgraph.graph.analysis.snapshot import as_of

    if not day:
        return compute_findings(store, settings=Settings(scope=scope))
    snapshot = as_of(store, day)
    try:
        return compute_findings(snapshot, settings=Settings(scope=scope))
    finally:
        snapshot.close()


def diff_with_map(store: Store, date_from: str, date_to: str) -> tuple[Any, Any]:
    """``(impact, difference map)`` between two dates, map nodes linked to their pages: the
    landscape on each date cut from one reading of the stored facts, and their analyses,
    so it runs in a costly child."""
    from govgraph.graph.analysis.impact import date_diff
    from govgraph.visualisations.diff_map import build_diff_map
    from govgraph.visualisations.model import entity_path

    impact, before, after = date_diff(store, date_from, date_to)
    model = build_diff_map(before, after, impact)
    for n in model.nodes:
        n.url = entity_path(n.id)
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


def diff_report_endpoint(store: Store, costly: Costly) -> Endpoint:
    """``/reports/diff?from=&to=&format=``: the landscape at two dates, compared."""
    from govgraph.visualisations.impact_report import FORMATS
    from govgraph.visualisations.impact_report import MEDIA_TYPES as IMPACT_TYPES

    async def endpoint(request: Request) -> Response:
        fmt = request.query_params.get("format", "html")
        if fmt not in FORMATS:
            return error_response(
                QueryError(f"format must be one of {', '.join(FORMATS)}"), request=request
            )
        try:
            date_from, date_to = _dates(request)
            impact, model = await costly.cached(
                "a date diff", store, diff_with_map, date_from, date_to
            )
            body = await run_in_threadpool(_render_impact, impact, fmt, model)
        except GovgraphError as exc:
            return error_response(exc, request=request)
        headers = {"Content-Security-Policy": FILE_CSP} if fmt == "html" else {}
        return Response(body, media_type=IMPACT_TYPES[fmt], headers=headers)

    return endpoint


def _render_impact(impact: Any, fmt: str, model: Any) -> str:
    from govgraph.visualisations.impact_report import render_impact

    return render_impact(impact, fmt, diff_map=model if fmt == "html" else None, served=True)


def diff_map_endpoint(store: Store, costly: Costly) -> Endpoint:
    """``/maps/diff?from=&to=``: the difference map between two dates."""
    from govgraph.visualisations.render import render_html

    async def endpoint(request: Request) -> Response:
        try:
            date_from, date_to = _dates(request)
            _, model = await costly.cached("a date diff", store, diff_with_map, date_from, date_to)
            html = await run_in_threadpool(render_html, model)
        except GovgraphError as exc:
            return error_response(exc, request=request)
        return HTMLResponse(html, headers={"Content-Security-Policy": FILE_CSP})

    return endpoint


def recommendation_impact(store: Store, finding_id: str) -> tuple[Any, Any]:
    """``(impact, difference map)`` of applying a recommendation's scenario (its merge or
    fold into the parent) to a copy of the landscape: costly, so it runs in a child."""
    from govgraph.graph.analysis.impact import scenario_impact
    from govgraph.graph.analysis.overlaps import compute_findings
    from govgraph.graph.analysis.scenario import parse_scenario
    from govgraph.graph.core.errors import NotFound
    from govgraph.graph.facts.entities import entity_id
    from govgraph.visualisations.diff_map import build_diff_map
    from govgraph.visualisations.model import entity_path

    found = {f.id: f for f in compute_findings(store, kinds=["rationalisation"])}
    finding = found.get(finding_id)
    rec = finding.details.get("recommendation") if finding else None
    if finding is None or not rec or not rec["scenario"]:
        raise NotFound(f"no recommendation {finding_id!r} with a scenario to apply")
    changes = [
        {
            key: [entity_id(v) for v in value] if isinstance(value, list) else entity_id(value)
            for key, value in change.items()
        }
        for change in rec["scenario"]
    ]
    involved = {
        v
        for change in rec["scenario"]
        for value in change.values()
        for v in (value if isinstance(value, list) else [value])
    }
    moved = [s.name for s in finding.subjects if s.id in involved]
    title = f"{rec['actionLabel']}: {', '.join(moved or [finding.names])}"
    plan = parse_scenario({"name": title, "changes": changes}, "recommendation")
    impact, after = scenario_impact(store, plan)
    try:
        model = build_diff_map(store, after, impact)
    finally:
        after.close()
    for n in model.nodes:
        n.url = entity_path(n.id)
    return impact, model


def recommendation_endpoint(store: Store, cache: FindingsCache, costly: Costly) -> Endpoint:
    """``/reports/recommendations/{id}``: what applying a recommendation would change."""
    from govgraph.graph.core.errors import NotFound

    async def endpoint(request: Request) -> Response:
        finding = request.path_params["finding"]
        known = await run_in_threadpool(partial(cache.get, store, kinds=["rationalisation"]))
        rec = next((f.details.get("recommendation") for f in known if f.id == finding), None)
        if not rec or not rec["scenario"]:
            return error_response(
                NotFound(f"no recommendation {finding!r} with a scenario to apply"),
                request=request,
            )
        fmt = request.query_params.get("format", "html")
        from govgraph.visualisations.impact_report import FORMATS
        from govgraph.visualisations.impact_report import MEDIA_TYPES as IMPACT_TYPES

        if fmt not in FORMATS:
            return error_response(
                QueryError(f"format must be one of {', '.join(FORMATS)}"), request=request
            )
        try:
            impact, model = await costly.cached(
                "a recommendation's impact",
                store,
                recommendation_impact,
                finding,
            )
            body = await run_in_threadpool(_render_impact, impact, fmt, model)
        except GovgraphError as exc:
            return error_response(exc, request=request)
        headers = {"Content-Security-Policy": FILE_CSP} if fmt == "html" else {}
        return Response(body, media_type=IMPACT_TYPES[fmt], headers=headers)

    return endpoint
