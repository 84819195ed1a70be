"""The route-map pages: ``/route-maps`` lists them by theme, ``/route-maps/{id}`` shows one
from its starting position to its destination, milestones by year, who is responsible, what
depends on what, and the checks, as of a date (``?asOf=``). Each has a JSON twin."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Any

import anyio
from starlette.requests import Request
from starlette.responses import Response

from govgraph.api.costly import error_response
from govgraph.api.linked_data import HTML, JSON
from govgraph.api.pages import choose, json_response, render
from govgraph.graph.analysis.findings import Finding
from govgraph.graph.analysis.route_checks import KINDS, check_route_maps
from govgraph.graph.core.errors import GovgraphError, NotFound
from govgraph.graph.facts.entities import check_date
from govgraph.graph.facts.route_maps import Item, RouteMap, RouteMaps, RouteMapsCache
from govgraph.graph.storage.store import Store
from govgraph.ontology import model
from govgraph.ontology.terms import GG, ID, slug_of
from govgraph.visualisations.route_map import timeline_svg

Endpoint = Callable[[Request], Awaitable[Response]]


def _entity_id(iri: str) -> str | None:
    return slug_of(iri) if iri.startswith(str(ID)) else None


def _item_view(item: Item, data: RouteMaps, as_of: str) -> dict[str, Any]:
    status = item.status_at(as_of)
    return {
        "id": _entity_id(item.iri),
        "kind": item.kind,
        "text": item.text,
        "due": item.due,
        "due_as_written": item.due_as_written,
        "year": item.year,
        "status": (
            {"label": model.label(GG[status.status.rsplit("#", 1)[-1]]), "date": status.date}
            if status is not None
            else None
        ),
        "responsible": [
            {
                "id": _entity_id(r.body),
                "name": r.name,
                "tier": model.label(GG[r.tier.rsplit("#", 1)[-1]]),
                "collective": r.collective,
            }
            for r in sorted(item.responsible, key=lambda r: (r.tier != str(GG.LeadTier), r.name))
        ],
        "depends_on": [
            {"text": data.items[d].text, "due": data.items[d].due} for d in item.depends_on
        ],
        "sources": [{"title": s.title, "locator": s.locator} for s in item.sources],
    }


def _finding_view(f: Finding) -> dict[str, Any]:
    return {
        "kind": f.kind,
        "heading": KINDS[f.kind],
        "explanation": f.explanation,
        "evidence": [
            {
                "text": e.text,
                "sources": [{"title": s.title, "locator": s.locator} for s in e.sources],
            }
            for e in f.evidence
        ],
    }


def route_map_view(data: RouteMaps, rm: RouteMap, as_of: str) -> dict[str, Any]:
    """What the page and its JSON twin show."""
    items = [_item_view(data.items[i], data, as_of) for i in rm.items]
    milestones = sorted(
        (i for i in items if i["kind"] == "milestone"),
        key=lambda i: (i["due"] or "9999", i["text"]),
    )
    years: dict[str, list[dict[str, Any]]] = {}
    for m in milestones:
        years.setdefault(str(m["year"]) if m["year"] else "No date given", []).append(m)
    found = [
        f
        for f in check_route_maps(data, as_of)
        if f.kind == "load-concentration" or f.subjects[0].id in set(rm.items)
    ]
    return {
        "id": rm.id,
        "name": rm.name,
        "theme": rm.theme,
        "example": rm.example,
        "as_of": as_of,
        "sources": [{"title": s.title, "locator": s.locator} for s in rm.sources],
        "starting_positions": [
            {"text": p.text, "date": p.date} for p in rm.positions if p.kind == "start"
        ],
        "destinations": [
            {"text": p.text, "date": p.date} for p in rm.positions if p.kind == "destination"
        ],
        "indicators": [
            {
                "measure": i.measure,
                "measured_by": i.measured_by_name,
                "published_in": i.published_in,
            }
            for i in rm.indicators
        ],
        "years": [{"year": y, "milestones": ms} for y, ms in years.items()],
        "commitments": [i for i in items if i["kind"] == "commitment"],
        "dependencies": len([1 for a, _ in data.dependencies() if a in set(rm.items)]),
        "checks": [_finding_view(f) for f in found],
    }


def route_maps_endpoint(store: Store, cache: RouteMapsCache) -> Endpoint:

    async def endpoint(request: Request) -> Response:
        try:
            media = choose(request, [HTML, JSON])
            data = await anyio.to_thread.run_sync(cache.get, store)
        except GovgraphError as exc:
            return error_response(exc, request=request)
        maps = [
            {
                "id": m.id,
                "name": m.name,
                "theme": m.theme,
                "example": m.example,
                "milestones": len([i for i in m.items if data.items[i].kind == "milestone"]),
                "commitments": len([i for i in m.items if data.items[i].kind == "commitment"]),
            }
            for m in sorted(data.maps.values(), key=lambda m: (m.example, m.name))
        ]
        if media == JSON:
            return json_response({"routeMaps": maps})
        crumbs = [("Home", "/"), ("Route maps", None)]
        ctx = {"title": "Route maps", "active": "routes", "maps": maps, "breadcrumbs": crumbs}
        return render(request, "route_maps.html", {**ctx, "twins": [("JSON", "json")]})

    return endpoint


def route_map_endpoint(store: Store, cache: RouteMapsCache) -> Endpoint:

    async def endpoint(request: Request) -> Response:
        map_id = request.path_params["id"]
        try:
            media = choose(request, [HTML, JSON])
            as_of = check_date(request.query_params.get("asOf")) or dt.date.today().isoformat()
            data = await anyio.to_thread.run_sync(cache.get, store)
            rm = data.find(map_id)
            if rm is None:
                raise NotFound(f"no route map with id {map_id!r}: see /route-maps")
            view = await anyio.to_thread.run_sync(route_map_view, data, rm, as_of)
        except GovgraphError as exc:
            return error_response(exc, request=request)
        if media == JSON:
            return json_response(view)
        svg = timeline_svg(data, rm.iri, as_of)
        crumbs = [("Home", "/"), ("Route maps", "/route-maps"), (rm.name, None)]
        ctx = {
            "title": rm.name,
            "active": "routes",
            "view": view,
            "svg": svg,
            "breadcrumbs": crumbs,
            "twins": [("JSON", "json")],
        }
        return render(request, "route_map.html", ctx)

    return endpoint
